#include "ingest/line_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "ingest/auto_decompress_source.h"
#include "ingest/file_source.h"
#include "ingest/memory_source.h"

namespace decorum {
namespace {

// Bytes asked of the source per read: large enough that per-call costs (a syscall, an
// inflate or ZSTD_decompressStream call) vanish, small enough to stay cache friendly.
constexpr size_t kChunk = size_t{1} << 20;

size_t SaturatingAdd(size_t a, size_t b) {
  return a > std::numeric_limits<size_t>::max() - b ? std::numeric_limits<size_t>::max() : a + b;
}

}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                     size_t max_line_bytes) {
  Result<std::unique_ptr<FileSource>> file = FileSource::Open(path);
  if (!file.ok()) return file.status();
  const uint64_t size = (*file)->size();
  std::string name = (*file)->name();
  auto source = std::make_unique<AutoDecompressSource>(std::move(file).value(), std::move(name));
  return std::make_unique<LineReader>(std::move(source), max_line_bytes, size);
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, size_t max_line_bytes,
                       uint64_t total_bytes)
    : source_(std::move(source)), max_line_bytes_(max_line_bytes), total_bytes_(total_bytes) {}

bool LineReader::Next(Line* line) {
  // A pending partial line longer than this cannot fit the limit even once a '\r' before
  // its '\n' is dropped, so it is skipped rather than buffered further.
  const size_t max_pending = SaturatingAdd(max_line_bytes_, 1);
  for (;;) {
    char* const base = buf_.data();
    const void* nl = scan_ < end_ ? std::memchr(base + scan_, '\n', end_ - scan_) : nullptr;
    if (nl != nullptr) {
      const char* start = base + pos_;
      const size_t len = static_cast<const char*>(nl) - start;
      pos_ = scan_ = pos_ + len + 1;
      return Emit(start, len, line);
    }
    scan_ = end_;
    const size_t pending = end_ - pos_;
    if (pending > max_pending) return SkipLongLine(line);
    if (eof_) {
      if (pending == 0 || !status().ok()) return false;
      const char* start = base + pos_;
      pos_ = scan_ = end_;
      return Emit(start, pending, line);  // the last line, without '\n'
    }
    if (!Fill() && !status().ok()) return false;
  }
}

bool LineReader::Emit(const char* start, size_t len, Line* line) {
  if (len > 0 && start[len - 1] == '\r') --len;
  line->number = ++line_no_;
  line->length = len;
  line->too_long = len > max_line_bytes_;
  line->bytes = line->too_long ? std::string_view() : std::string_view(start, len);
  return true;
}

bool LineReader::SkipLongLine(Line* line) {
  uint64_t length = end_ - pos_;
  bool ends_with_cr = buf_[end_ - 1] == '\r';
  pos_ = scan_ = end_ = 0;  // drop what is buffered: each chunk is counted, then reused
  for (;;) {
    if (!Fill()) {
      if (!status().ok()) return false;
      break;  // the over-long line was the last one, without '\n'
    }
    const char* base = buf_.data();
    const void* nl = std::memchr(base, '\n', end_);
    if (nl != nullptr) {
      const size_t i = static_cast<const char*>(nl) - base;
      length += i;
      if (i > 0) ends_with_cr = base[i - 1] == '\r';
      pos_ = scan_ = i + 1;
      break;
    }
    length += end_;
    ends_with_cr = base[end_ - 1] == '\r';
    end_ = 0;
  }
  if (ends_with_cr) --length;
  line->number = ++line_no_;
  line->bytes = std::string_view();
  line->too_long = true;
  line->length = length;
  return true;
}

bool LineReader::Fill() {
  if (eof_) return false;
  // Only a partial line (no '\n') is ever left when we get here, so this moves little.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    scan_ -= pos_;
    pos_ = 0;
  }
  // end_ <= max_line_bytes + 1 here (Next skips longer lines), so the buffer never grows
  // past max_line_bytes + 1 + kChunk.
  if (buf_.size() - end_ < kChunk) {
    const size_t needed = end_ + kChunk;
    const size_t cap = SaturatingAdd(SaturatingAdd(max_line_bytes_, 1), kChunk);
    buf_.resize(std::max(needed, std::min(buf_.size() * 2, cap)));
  }
  const size_t n = source_->Read(buf_.data() + end_, buf_.size() - end_);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

const Status& LineReader::status() const { return source_->status(); }

uint64_t LineReader::consumed_bytes() const { return source_->consumed(); }

uint64_t LineReader::total_bytes() const { return total_bytes_; }

std::unique_ptr<ByteSource> MakeMemorySource(std::string_view data) {
  return std::make_unique<AutoDecompressSource>(std::make_unique<MemorySource>(data), "<memory>");
}

}  // namespace decorum
