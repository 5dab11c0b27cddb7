// Fuzz target: LineReader over arbitrary bytes (plain, or gzip / zstd when the bytes
// start with their magic), with a small max_line_bytes so over-long lines are common.
//
// The same bytes are read three times:
// - line by line (Next) through MakeMemorySource, which hands the reader everything at
//   once;
// - block by block as the batch scorer reads (NextBlock with its BlockLimits, split by
//   LineBlockCursor) through the same source: the decoder sees the same reads, so the
//   lines and the final status must match even after an error (a truncated gzip);
// - block by block with other BlockLimits through a source that delivers only a few
//   bytes per Read() (like a slow pipe), so every chunk boundary in the decompressors and
//   the line splitter is crossed: the same final status, and after a clean read the same
//   lines.
// For uncompressed input the lines must also be those of a plain split written out here
// (the readers share their splitting code). Each line must keep its contract from
// line_reader.h: consecutive numbers, no '\n' inside, bytes empty exactly when too long,
// length == bytes.size() otherwise, and no line longer than max_line_bytes handed out;
// each block its own: numbers running on, 1 to max_lines lines (as many as its '\n's
// say), kLinePadding bytes after its end, its lines inside it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/auto_decompress_source.h"
#include "ingest/line_reader.h"
#include "ingest/memory_source.h"

namespace {

// Small enough that fuzzed inputs cross it often. One input in five uses 0, which the
// API allows (then every non-empty line is too long).
constexpr size_t kMaxLineBytes = 16;

// A decompression bomb can turn a few KiB into GiB; stop reading after this much so one
// input cannot stall the run. Plenty to cover every code path.
constexpr uint64_t kMaxTotalBytes = uint64_t{64} << 20;

struct Record {
  std::string bytes;
  uint64_t number;
  bool too_long;
  uint64_t length;
  bool operator==(const Record&) const = default;
};

struct Result {
  std::vector<Record> lines;
  bool ok = true;
  std::string message;
  bool truncated = false;  // stopped at kMaxTotalBytes
};

[[noreturn]] void Fail(const char* what, uint64_t line_no) {
  std::fprintf(stderr, "line reader contract violated at line %llu: %s\n",
               static_cast<unsigned long long>(line_no), what);
  std::abort();
}

// Checks one line's contract and records it. False once kMaxTotalBytes is passed.
bool Take(const decorum::Line& line, size_t max_line_bytes, uint64_t* total, Result* r) {
  if (line.number != r->lines.size() + 1) Fail("line numbers are not consecutive", line.number);
  if (line.bytes.find('\n') != std::string_view::npos) Fail("'\\n' inside a line", line.number);
  if (line.too_long) {
    if (!line.bytes.empty()) Fail("too-long line with bytes", line.number);
    if (line.length <= max_line_bytes) Fail("too_long but length within the limit", line.number);
  } else {
    if (line.length != line.bytes.size()) Fail("length != bytes.size()", line.number);
    if (line.bytes.size() > max_line_bytes) Fail("line over max_line_bytes", line.number);
  }
  r->lines.push_back({std::string(line.bytes), line.number, line.too_long, line.length});
  *total += line.length + 1;
  if (*total > kMaxTotalBytes) {
    r->truncated = true;
    return false;
  }
  return true;
}

Result ReadByLine(std::unique_ptr<decorum::ByteSource> source, size_t max_line_bytes) {
  decorum::LineReader reader(std::move(source), max_line_bytes, 0);
  Result r;
  decorum::Line line;
  uint64_t total = 0;
  while (reader.Next(&line)) {
    if (!Take(line, max_line_bytes, &total, &r)) return r;
  }
  r.ok = reader.status().ok();
  r.message = reader.status().message();
  return r;
}

// Two blocks in turn, like batches whose buffers go back to the reader, cut by `limits`.
Result ReadByBlock(std::unique_ptr<decorum::ByteSource> source, size_t max_line_bytes,
                   const decorum::BlockLimits& limits) {
  decorum::LineReader reader(std::move(source), max_line_bytes, 0);
  Result r;
  decorum::LineBlock blocks[2];
  uint64_t total = 0;
  for (size_t i = 0; reader.NextBlock(&blocks[i % 2], limits); ++i) {
    const decorum::LineBlock& block = blocks[i % 2];
    if (block.first_number != r.lines.size() + 1) Fail("block numbers do not run on", block.first_number);
    if (block.lines == 0 || block.lines > limits.max_lines) Fail("block line count", block.first_number);
    const char* first = block.buffer.data() + block.begin;
    const char* last = block.buffer.data() + block.end;
    if (!block.skipped) {
      if (block.buffer.size() < block.end + decorum::kLinePadding) {
        Fail("block without padding", block.first_number);
      }
      // The reader's vector count against a plain one.
      const uint64_t newlines = std::count(first, last, '\n');
      if (block.lines != (last[-1] == '\n' ? newlines : newlines + 1)) {
        Fail("block lines differ from its '\\n's", block.first_number);
      }
    }
    decorum::LineBlockCursor cursor(block, max_line_bytes);
    for (decorum::Line line; cursor.Next(&line);) {
      if (!line.too_long && (line.bytes.data() < first || line.bytes.data() + line.bytes.size() > last)) {
        Fail("line outside its block", line.number);
      }
      if (!Take(line, max_line_bytes, &total, &r)) return r;
    }
  }
  r.ok = reader.status().ok();
  r.message = reader.status().message();
  return r;
}

// The lines of uncompressed input as line_reader.h defines them, written out plainly: the
// oracle for both readers, which share their splitting code.
std::vector<Record> SplitPlainly(std::string_view bytes, size_t max_line_bytes) {
  std::vector<Record> lines;
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(nl == std::string_view::npos ? bytes.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool too_long = line.size() > max_line_bytes;
    lines.push_back({too_long ? std::string() : std::string(line), lines.size() + 1, too_long,
                     line.size()});
  }
  return lines;
}

bool LooksCompressed(std::string_view bytes) {
  return bytes.substr(0, 2) == "\x1f\x8b" || bytes.substr(0, 4) == "\x28\xb5\x2f\xfd";
}

}  // namespace

// A zstd frame header may declare a window of up to 2 GiB (windowLogMax 31, for
// Pushshift's --long=31 dumps), and the decoder allocates it: libFuzzer reports that as
// out-of-memory on the first such mutation. Cap the window at 128 MiB here, the way an
// operator would for dumps of unknown origin (zstd_source.h).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("DECORUM_ZSTD_WINDOW_LOG_MAX", "27", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Both knobs come from the size (5 and 7 are coprime, so every pair occurs) rather than
  // from header bytes, so the seeds' gzip and zstd magic stays at offset 0. Each reader
  // allocates 256 KiB buffers, which is what makes this target slow under ASan, so only
  // three readers run per input.
  const size_t max_line_bytes = size % 5 == 0 ? 0 : kMaxLineBytes;
  const size_t max_read = 1 + size % 7;  // bytes per Read() of the trickling source

  // Blocks cut after 1 to 3 lines, or as the batch scorer cuts them (min_bytes gathers
  // the trickle into 256 KiB).
  const decorum::BlockLimits limits =
      size % 3 == 0 ? decorum::BlockLimits{size_t{1} << 18, 4096} : decorum::BlockLimits{size % 4, 1 + size % 3};

  Result whole = ReadByLine(decorum::MakeMemorySource(bytes), max_line_bytes);
  // The same source read by block as the batch scorer reads: the decoder sees the same
  // reads, so even after an error (a truncated gzip) the lines and status must match.
  Result blocks = ReadByBlock(decorum::MakeMemorySource(bytes), max_line_bytes,
                              decorum::BlockLimits{size_t{1} << 18, 4096});
  Result trickle = ReadByBlock(std::make_unique<decorum::AutoDecompressSource>(
                                   std::make_unique<decorum::MemorySource>(bytes, max_read), "<fuzz>"),
                               max_line_bytes, limits);

  if (whole.truncated || trickle.truncated || blocks.truncated) return 0;
  if (whole.ok != blocks.ok || whole.message != blocks.message || whole.lines != blocks.lines) {
    std::fprintf(stderr, "by block differs from by line: '%s' vs '%s', %zu vs %zu lines\n",
                 whole.message.c_str(), blocks.message.c_str(), whole.lines.size(),
                 blocks.lines.size());
    std::abort();
  }
  if (whole.ok != trickle.ok) {
    std::fprintf(stderr, "status differs with %zu-byte reads: '%s' vs '%s'\n", max_read,
                 whole.message.c_str(), trickle.message.c_str());
    std::abort();
  }
  // After an error, lines read before it may legitimately differ in number (the error
  // surfaces at a different point), so lines are compared only for clean reads.
  if (whole.ok && whole.lines != trickle.lines) {
    std::fprintf(stderr, "lines differ with %zu-byte reads: %zu vs %zu lines\n", max_read,
                 whole.lines.size(), trickle.lines.size());
    std::abort();
  }
  if (!LooksCompressed(bytes) && whole.ok && whole.lines != SplitPlainly(bytes, max_line_bytes)) {
    std::fprintf(stderr, "lines differ from a plain split of the input\n");
    std::abort();
  }
  return 0;
}
