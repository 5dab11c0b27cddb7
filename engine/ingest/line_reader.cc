#include "ingest/line_reader.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string.h>  // memrchr (GNU)

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
constexpr size_t kChunk = size_t{1} << 18;

size_t SaturatingAdd(size_t a, size_t b) {
  return a > std::numeric_limits<size_t>::max() - b ? std::numeric_limits<size_t>::max() : a + b;
}

// The '\n' bytes in p[0, n). 16 bytes a step: each step subtracts the compare mask (-1
// per '\n') from byte counters, summed before they can wrap (255 steps).
uint64_t CountNewlines(const char* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (n - i >= 16) {
    const size_t steps = std::min<size_t>((n - i) / 16, 255);
    __m128i counters = zero;
    for (size_t s = 0; s < steps; ++s, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counters, zero);  // two 64-bit lane sums
    count += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<uint64_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < n; ++i) count += p[i] == '\n';
  return count;
}

// The offset in p just past the n-th '\n' of p[from, end). REQUIRES: there are n. Only
// blocks of tiny lines get here (BlockLimits::max_lines), so one memchr a line will do.
size_t AfterNewlines(const char* p, size_t from, size_t end, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    from = static_cast<const char*>(std::memchr(p + from, '\n', end - from)) - p + 1;
  }
  return from;
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
  while (!cursor_.Next(line)) {
    if (!NextBlock(&current_)) return false;
    cursor_ = LineBlockCursor(current_, max_line_bytes_);
  }
  return true;
}

bool LineReader::NextBlock(LineBlock* block, const BlockLimits& limits) {
  // A pending partial line longer than this cannot fit the limit even once a '\r' before
  // its '\n' is dropped, so it is skipped rather than buffered further.
  const size_t max_pending = SaturatingAdd(max_line_bytes_, 1);
  for (;;) {
    if (!eof_ && end_ - pos_ < limits.min_bytes) {
      // At the end of the input or on an error Fill sets eof_: the whole lines read before
      // an error still go out, and the error ends the next call.
      Fill();
      continue;
    }
    const char* const base = buf_.data();
    const void* nl = scan_ < end_ ? ::memrchr(base + scan_, '\n', end_ - scan_) : nullptr;
    if (nl != nullptr) {
      // buf_[pos_, scan_) holds no '\n', so only the rest needs counting.
      const size_t block_end = static_cast<const char*>(nl) - base + 1;
      const uint64_t lines = CountNewlines(base + scan_, block_end - scan_);
      if (lines <= limits.max_lines) return HandOff(block_end, lines, true, block);
      const size_t cut = AfterNewlines(base, pos_, block_end, limits.max_lines);
      return HandOff(cut, limits.max_lines, false, block);
    }
    scan_ = end_;
    const size_t pending = end_ - pos_;
    if (pending > max_pending) return SkipLongLine(block);
    if (eof_) {
      if (pending == 0 || !status().ok()) return false;
      return HandOff(end_, 1, true, block);  // the last line, without '\n'
    }
    if (!Fill() && !status().ok()) return false;
  }
}

bool LineReader::HandOff(size_t block_end, uint64_t lines, bool tail_clean, LineBlock* block) {
  std::string& next = block->buffer;  // becomes the reader's buffer
  const size_t tail = end_ - block_end;
  if (next.size() < tail + kLinePadding) next.resize(tail + kLinePadding);
  std::memcpy(next.data(), buf_.data() + block_end, tail);
  buf_.swap(next);
  block->begin = pos_;
  block->end = block_end;
  block->first_number = line_no_ + 1;
  block->lines = lines;
  block->skipped = false;
  block->skipped_length = 0;
  line_no_ += lines;
  pos_ = 0;
  end_ = tail;
  scan_ = tail_clean ? tail : 0;
  return true;
}

bool LineReader::SkipLongLine(LineBlock* block) {
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
  block->begin = block->end = 0;
  block->first_number = ++line_no_;
  block->lines = 1;
  block->skipped = true;
  block->skipped_length = length;
  return true;
}

bool LineReader::Fill() {
  if (eof_) return false;
  // Little is left when we get here: a partial line, or a block still being gathered
  // (BlockLimits::min_bytes) after a skipped over-long line.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    scan_ -= pos_;
    pos_ = 0;
  }
  // end_ <= max(max_line_bytes + 1, BlockLimits::min_bytes) here (NextBlock skips longer
  // lines), so the buffer's size stays within that plus kChunk + kLinePadding.
  // (std::string's own growth keeps a long line's chunk-by-chunk growth linear.)
  const size_t needed = end_ + kChunk + kLinePadding;
  if (buf_.size() < needed) buf_.resize(needed);
  const size_t n = source_->Read(buf_.data() + end_, kChunk);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += n;
  return true;
}

uint64_t LineBlock::DropFront(uint64_t n) {
  const uint64_t dropped = std::min(n, lines);
  for (uint64_t i = 0; i < dropped && !skipped; ++i) {
    const void* nl = std::memchr(buffer.data() + begin, '\n', end - begin);
    begin = nl != nullptr ? static_cast<const char*>(nl) - buffer.data() + 1 : end;
  }
  first_number += dropped;
  lines -= dropped;
  return dropped;
}

LineBlockCursor::LineBlockCursor(const LineBlock& block, size_t max_line_bytes)
    : block_(&block),
      pos_(block.begin),
      remaining_(block.lines),
      number_(block.first_number),
      max_line_bytes_(max_line_bytes) {}

bool LineBlockCursor::Next(Line* line) {
  if (remaining_ == 0) return false;
  --remaining_;
  line->number = number_++;
  if (block_->skipped) {
    line->bytes = std::string_view();
    line->too_long = true;
    line->length = block_->skipped_length;
    line->padded = false;
    return true;
  }
  const char* const start = block_->buffer.data() + pos_;
  const size_t rest = block_->end - pos_;
  const void* nl = std::memchr(start, '\n', rest);
  size_t len = nl != nullptr ? static_cast<const char*>(nl) - start : rest;
  pos_ += nl != nullptr ? len + 1 : len;
  if (len > 0 && start[len - 1] == '\r') --len;
  line->length = len;
  line->too_long = len > max_line_bytes_;
  line->bytes = line->too_long ? std::string_view() : std::string_view(start, len);
  line->padded = !line->too_long;
  return true;
}

const Status& LineReader::status() const { return source_->status(); }

uint64_t LineReader::consumed_bytes() const { return source_->consumed(); }

uint64_t LineReader::total_bytes() const { return total_bytes_; }

std::unique_ptr<ByteSource> MakeMemorySource(std::string_view data) {
  return std::make_unique<AutoDecompressSource>(std::make_unique<MemorySource>(data), "<memory>");
}

}  // namespace decorum
