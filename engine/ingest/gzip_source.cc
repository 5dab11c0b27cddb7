#include "ingest/gzip_source.h"

#include <algorithm>
#include <climits>
#include <string_view>
#include <utility>

namespace decorum {
namespace {

// Compressed input is read in large chunks: one read(2) and one inflate() call per MiB
// keeps per-call overhead negligible next to the inflate work itself.
constexpr size_t kInChunk = size_t{1} << 20;

// 15 = the largest (32 KiB) window; +32 = accept a gzip or zlib header automatically.
constexpr int kWindowBits = 15 + 32;

}  // namespace

GzipSource::GzipSource(std::unique_ptr<ByteSource> compressed, std::string name)
    : in_(std::move(compressed)), name_(std::move(name)), in_buf_(new char[kInChunk]) {
  const int rc = inflateInit2(&zs_, kWindowBits);
  if (rc != Z_OK) {
    status_ =
        Status::Internal(name_ + ": cannot initialize zlib (code " + std::to_string(rc) + ")");
    return;
  }
  zs_ready_ = true;
}

GzipSource::~GzipSource() {
  if (zs_ready_) inflateEnd(&zs_);
}

void GzipSource::Fail(const std::string& what) { status_ = Status::Corrupt(name_ + ": " + what); }

bool GzipSource::Refill() {
  const size_t n = in_->Read(in_buf_.get(), kInChunk);
  if (n == 0) {
    in_eof_ = true;
    if (!in_->status().ok()) {
      status_ = in_->status();
      return false;
    }
    return true;
  }
  zs_.next_in = reinterpret_cast<Bytef*>(in_buf_.get());
  zs_.avail_in = static_cast<uInt>(n);
  return true;
}

size_t GzipSource::Read(char* buf, size_t cap) {
  if (!status_.ok() || cap == 0) return 0;
  // zlib counts in uInt; a short read is allowed by the contract, so clamp.
  const uInt want = static_cast<uInt>(std::min<size_t>(cap, UINT_MAX));
  zs_.next_out = reinterpret_cast<Bytef*>(buf);
  zs_.avail_out = want;
  // Return as soon as anything was produced: on a pipe, waiting to fill `cap` would hold
  // back lines that are already complete.
  while (zs_.avail_out == want) {
    if (zs_.avail_in == 0 && !in_eof_ && !Refill()) return 0;
    if (!member_open_) {
      // Between members: the stream ends cleanly here, or the next member begins. Zero
      // bytes after the last member (tape and block-device padding) end it too, as gzip
      // itself takes them ("trailing zero bytes ignored").
      while (zs_.avail_in > 0 && *zs_.next_in == 0) {
        ++zs_.next_in;
        --zs_.avail_in;
        if (zs_.avail_in == 0 && !in_eof_ && !Refill()) return 0;
        if (zs_.avail_in > 0 && *zs_.next_in != 0) {
          Fail("trailing garbage after gzip member " + std::to_string(members_));
          return 0;
        }
      }
      if (zs_.avail_in == 0) break;
      if (members_ > 0) inflateReset(&zs_);
      member_open_ = true;
      ++members_;
    }
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    switch (rc) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        member_open_ = false;
        break;
      case Z_BUF_ERROR:
        // No progress was possible, which with output space left means inflate needs
        // more input than there is.
        if (zs_.avail_in == 0 && in_eof_) {
          Fail("gzip stream truncated" +
               (members_ > 1 ? " (in member " + std::to_string(members_) + ")" : std::string()));
          return 0;
        }
        if (zs_.avail_in != 0) {  // cannot happen per zlib's contract; never spin on it
          status_ = Status::Internal(name_ + ": inflate made no progress");
          return 0;
        }
        break;
      case Z_NEED_DICT:
        Fail("corrupt gzip data (a preset dictionary is required)");
        return 0;
      case Z_MEM_ERROR:
        status_ = Status::Internal(name_ + ": out of memory inflating gzip data");
        return 0;
      default: {  // Z_DATA_ERROR, Z_STREAM_ERROR
        std::string what =
            members_ > 1 && zs_.total_out == 0 && member_open_
                ? "trailing garbage after gzip member " + std::to_string(members_ - 1)
                : "corrupt gzip data";
        if (zs_.msg != nullptr) what += std::string(" (") + zs_.msg + ")";
        if (zs_.msg != nullptr && (std::string_view(zs_.msg) == "incorrect data check" ||
                                   std::string_view(zs_.msg) == "incorrect length check")) {
          // zlib checks a member's CRC and length only at its end: what it decompressed
          // from that member was already handed on, and is not what was compressed.
          what += ": the data of gzip member " + std::to_string(members_) +
                  " is damaged, so the records of its lines may be garbage: discard them";
        }
        Fail(what);
        return 0;
      }
    }
  }
  return want - zs_.avail_out;
}

}  // namespace decorum
