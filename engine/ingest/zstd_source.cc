#include "ingest/zstd_source.h"

#include <cstdlib>

#include <utility>

namespace decorum {
namespace {

// Large input chunks for the same reason as in gzip_source.cc: fewer calls, same work.
constexpr size_t kInChunk = size_t{1} << 20;

// 2 GiB, the largest window zstd --long=31 writes; the decoder only allocates what a
// frame actually declares — which means a frame can make it allocate 2 GiB.
// DECORUM_ZSTD_WINDOW_LOG_MAX (10..31) lowers the limit for dumps of unknown origin (and
// for the line-reader fuzzer, whose inputs would otherwise ask for 2 GiB each).
int WindowLogMax() {
  const char* env = std::getenv("DECORUM_ZSTD_WINDOW_LOG_MAX");
  if (env == nullptr) return 31;
  const int v = std::atoi(env);
  return v >= 10 && v <= 31 ? v : 31;
}

}  // namespace

ZstdSource::ZstdSource(std::unique_ptr<ByteSource> compressed, std::string name)
    : in_(std::move(compressed)), name_(std::move(name)), in_buf_(new char[kInChunk]) {
  dctx_ = ZSTD_createDCtx();
  if (dctx_ == nullptr) {
    status_ = Status::Internal(name_ + ": cannot create a zstd decompression context");
    return;
  }
  const int window_log_max = WindowLogMax();
  const size_t rc = ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, window_log_max);
  if (ZSTD_isError(rc)) {
    status_ =
        Status::Internal(name_ + ": cannot allow zstd windows of 2^" +
                         std::to_string(window_log_max) + " bytes (" + ZSTD_getErrorName(rc) + ")");
  }
}

ZstdSource::~ZstdSource() { ZSTD_freeDCtx(dctx_); }

bool ZstdSource::Refill() {
  const size_t n = in_->Read(in_buf_.get(), kInChunk);
  if (n == 0) {
    in_eof_ = true;
    if (!in_->status().ok()) {
      status_ = in_->status();
      return false;
    }
    return true;
  }
  zin_ = ZSTD_inBuffer{in_buf_.get(), n, 0};
  return true;
}

size_t ZstdSource::Read(char* buf, size_t cap) {
  if (!status_.ok() || cap == 0) return 0;
  ZSTD_outBuffer out{buf, cap, 0};
  // Return as soon as anything was produced, so complete lines on a pipe are not held back.
  while (out.pos == 0) {
    if (zin_.pos == zin_.size && !in_eof_ && !Refill()) return 0;
    const bool no_input = zin_.pos == zin_.size;
    if (no_input && frame_done_) return 0;  // clean end, between frames
    const size_t rc = ZSTD_decompressStream(dctx_, &out, &zin_);
    if (ZSTD_isError(rc)) {
      status_ = Status::Corrupt(name_ + ": corrupt zstd data (" + ZSTD_getErrorName(rc) + ")");
      return 0;
    }
    frame_done_ = rc == 0;
    // With no input left the decoder can only flush what it holds; if it produced nothing
    // and the frame is unfinished, the rest of the frame is missing.
    if (out.pos == 0 && no_input && !frame_done_) {
      status_ = Status::Corrupt(name_ + ": zstd stream truncated");
      return 0;
    }
  }
  return out.pos;
}

}  // namespace decorum
