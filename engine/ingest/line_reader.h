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
  // Set by holders of lines that can promise it (the batch scorer's batches); never by
  // LineReader, whose buffer ends where the line may.
  bool padded = false;
};

// What Line::padded promises: simdjson's SIMDJSON_PADDING (comment_decoder.cc checks).
inline constexpr size_t kLinePadding = 64;

// Memory: the buffer holds at most one line of up to max_line_bytes plus one read chunk
// (1 MiB). A longer line is counted and skipped chunk by chunk without being buffered, so
// a 5 GiB line costs no more memory than a short one.
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

  const Status& status() const;
  uint64_t consumed_bytes() const;  // compressed bytes read so far
  uint64_t total_bytes() const;     // size of the input file, 0 when unknown (a pipe)

 private:
  // Moves the partial line to the front of buf_ and reads one more chunk after it.
  // Returns false at end of input or on an error (then eof_ is set).
  bool Fill();
  // Numbers the line [start, start+len) and describes it in *line.
  bool Emit(const char* start, size_t len, Line* line);
  // Counts the rest of an over-long line, whose first bytes are buf_[pos_, end_), reading
  // and dropping chunks until its '\n'.
  bool SkipLongLine(Line* line);

  std::unique_ptr<ByteSource> source_;
  size_t max_line_bytes_;
  uint64_t total_bytes_;
  std::string buf_;  // decompressed bytes not yet returned
  size_t pos_ = 0;   // start of the unread part of buf_
  size_t end_ = 0;   // end of valid data in buf_
  size_t scan_ = 0;  // buf_[pos_, scan_) is known to hold no '\n'
  bool eof_ = false;
  uint64_t line_no_ = 0;
};

// Makes a ByteSource over bytes already in memory, detecting gzip/zstd like Open().
// Used by tests and fuzzers. `data` must outlive the source.
std::unique_ptr<ByteSource> MakeMemorySource(std::string_view data);

}  // namespace decorum
