// LineReader: splits an NDJSON stream (plain, gzip or zstd) into lines.
//
// The compression is detected from the stream's first bytes (gzip magic 1f 8b, zstd
// magic 28 b5 2f fd), not from the file name, so `decorum score dump` works whatever the
// dump is called. zstd frames are decoded with a window of up to 2 GiB (windowLogMax
// 31) because Pushshift dumps are compressed with --long=31.
//
// Thread safety: none; one reader per input, used by one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "decorum/status.h"

namespace decorum {

// Produces decompressed bytes in chunks. Implementations: plain file, gzip, zstd.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `cap` decompressed bytes into `buf`. Returns the number read; 0 means
  // end of stream. On a read or decompression error returns 0 and status() is not ok.
  virtual size_t Read(char* buf, size_t cap) = 0;
  virtual const Status& status() const = 0;
  // Compressed bytes consumed from the underlying file so far (for progress).
  virtual uint64_t consumed() const = 0;
};

// One input line. Every line of the input yields exactly one Line, including empty lines
// (bytes empty, too_long false) and over-long ones, so the caller can emit one record per
// input line.
struct Line {
  std::string_view bytes;  // the line without its '\n' (and without a trailing '\r');
                           // empty when too_long
  uint64_t number = 0;     // 1-based
  bool too_long = false;   // longer than max_line_bytes: the bytes were discarded
  uint64_t length = 0;     // the line's full length in bytes (without '\n' and a
                           // trailing '\r'), even when too_long; == bytes.size() otherwise
  // At least kLinePadding readable bytes follow `bytes` in memory (whatever they hold):
  // the JSON decoder then parses the line where it lies instead of copying it first.
  // Set by holders of lines that can promise it: LineReader and LineBlockCursor (their
  // buffers keep the padding after the last byte read), not the daemon's LineSplitter.
  bool padded = false;
};

// What Line::padded promises: simdjson's SIMDJSON_PADDING (comment_decoder.cc checks).
inline constexpr size_t kLinePadding = 64;

// A run of whole input lines in the buffer that holds them, handed over by
// LineReader::NextBlock. The batch scorer passes blocks to its workers, which split
// them (LineBlockCursor) and parse each line where it lies: the reading thread touches
// each byte only to find the block's last '\n' and to count lines, instead of splitting
// and copying every line itself.
struct LineBlock {
  // The lines are buffer[begin, end): `lines` of them, each ended by '\n' except a last
  // line of the input that has none. At least kLinePadding readable bytes follow `end`
  // (unless `skipped`: such a block has no bytes).
  // NextBlock takes the buffer it finds here as the reader's next one (reusing its
  // allocation) and leaves the block's in its place, so keep a block's buffer around
  // rather than freeing it. Once handed out a block shares nothing with the reader:
  // another thread may read it while the reader goes on.
  std::string buffer;
  size_t begin = 0;
  size_t end = 0;
  uint64_t first_number = 0;  // number of the block's first line (1-based)
  uint64_t lines = 0;
  // Set when the block is one line too long to buffer, which the reader counted and
  // dropped chunk by chunk: lines == 1, begin == end, and this is its full length
  // (Line::length).
  bool skipped = false;
  uint64_t skipped_length = 0;

  // Drops the first min(n, lines) lines (a resumed run skips lines that already have
  // records) and returns how many were dropped.
  uint64_t DropFront(uint64_t n);
};

// How LineReader::NextBlock cuts blocks. The defaults hand out whatever whole lines are
// buffered as soon as there is one.
struct BlockLimits {
  // Read until at least this many bytes are buffered (or the input ends) before cutting
  // a block: a pipe or a decompressor may return a few bytes a read, and each block costs
  // its consumer a hand-off (and the batch scorer a plugin flush).
  size_t min_bytes = 0;
  // Cut a block after this many lines, leaving the rest for the next: bounds what a
  // consumer produces for one block when the lines are tiny (a record per empty line).
  // REQUIRES: >= 1.
  uint64_t max_lines = UINT64_MAX;
};

// Cuts a LineBlock into Lines, exactly as LineReader::Next returns them: one '\r' before
// '\n' (and at the end of a last line without '\n') dropped, lines over max_line_bytes
// marked too_long, every other line padded. The block must outlive the cursor and not
// change.
class LineBlockCursor {
 public:
  LineBlockCursor() = default;  // yields nothing
  LineBlockCursor(const LineBlock& block, size_t max_line_bytes);

  // Fills *line with the block's next line; false after the last one.
  bool Next(Line* line);

 private:
  const LineBlock* block_ = nullptr;
  size_t pos_ = 0;          // start of the next line in block_->buffer
  uint64_t remaining_ = 0;  // lines not yet returned
  uint64_t number_ = 0;     // number of the next line
  size_t max_line_bytes_ = 0;
};

// Memory: the buffer holds at most one line of up to max_line_bytes (or
// BlockLimits::min_bytes, if more) plus one read chunk (256 KiB), and padding. A longer
// line is counted and skipped chunk by chunk without being buffered, so a 5 GiB line
// costs no more memory than a short one. Blocks handed out by NextBlock are the caller's
// memory, one such buffer each.
class LineReader {
 public:
  // Opens `path` ("-" is standard input) and detects its compression. Fails with a clear
  // Status naming the path when the file cannot be opened (NotFound when it does not
  // exist). Decompression errors surface later, through Next() and status().
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path, size_t max_line_bytes);
  // Reads from an already-open source (tests feed an in-memory one). The source is read
  // as is: wrap it in AutoDecompressSource (or use MakeMemorySource) for detection.
  // REQUIRES: source != nullptr. total_bytes is only reported back, for progress.
  LineReader(std::unique_ptr<ByteSource> source, size_t max_line_bytes, uint64_t total_bytes);

  // Fills *line with the next line. Returns false at end of input or on an error; then
  // status() tells which. '\n' ends a line and one '\r' before it is dropped; a last
  // line without '\n' is returned like any other (a trailing '\r' dropped too), but
  // nothing is returned for the empty remainder after a final '\n'. On an error, a
  // partial line read before it is not returned.
  // line->bytes stays valid until the next call to Next().
  bool Next(Line* line);

  // Fills *block with the next whole lines, the same lines Next would return, numbered
  // on from the last block's: every whole line buffered once `limits.min_bytes` are (or
  // the input ended), at most `limits.max_lines` of them, at least one. Returns false,
  // like Next, at end of input or on an error. Next and NextBlock draw from the same
  // stream of lines: a caller uses one or the other.
  bool NextBlock(LineBlock* block, const BlockLimits& limits = {});

  LineReader(const LineReader&) = delete;  // Next's cursor points into current_
  LineReader& operator=(const LineReader&) = delete;

  const Status& status() const;
  uint64_t consumed_bytes() const;  // compressed bytes read so far
  uint64_t lines() const { return line_no_; }  // whole lines handed out so far
  uint64_t total_bytes() const;     // size of the input file, 0 when unknown (a pipe)

 private:
  // Moves the partial line to the front of buf_ and reads one more chunk after it,
  // keeping kLinePadding bytes of buf_ after end_. Returns false at end of input or on
  // an error (then eof_ is set).
  bool Fill();
  // Hands buf_[pos_, block_end), `lines` lines, to *block by swapping buffers with it;
  // the bytes after block_end move to the front of the reader's new buffer. `tail_clean`:
  // they hold no '\n' (a partial line), else they are lines left by a cut.
  bool HandOff(size_t block_end, uint64_t lines, bool tail_clean, LineBlock* block);
  // Counts the rest of an over-long line, whose first bytes are buf_[pos_, end_), reading
  // and dropping chunks until its '\n', and describes it in *block.
  bool SkipLongLine(LineBlock* block);

  std::unique_ptr<ByteSource> source_;
  size_t max_line_bytes_;
  uint64_t total_bytes_;
  std::string buf_;  // decompressed bytes not yet returned
  size_t pos_ = 0;   // start of the unread part of buf_
  size_t end_ = 0;   // end of valid data in buf_
  size_t scan_ = 0;  // buf_[pos_, scan_) is known to hold no '\n'
  bool eof_ = false;
  uint64_t line_no_ = 0;  // lines handed out so far
  LineBlock current_;     // Next: the block being returned line by line
  LineBlockCursor cursor_;
};

// Makes a ByteSource over bytes already in memory, detecting gzip/zstd like Open().
// Used by tests and fuzzers. `data` must outlive the source.
std::unique_ptr<ByteSource> MakeMemorySource(std::string_view data);

}  // namespace decorum
