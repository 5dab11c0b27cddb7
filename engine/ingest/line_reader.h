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

struct Line {
  std::string_view bytes;     // the line without its '\n' (and without a trailing '\r');
                              // empty when too_long
  uint64_t number = 0;        // 1-based
  bool too_long = false;      // longer than max_line_bytes: the bytes were discarded
  uint64_t length = 0;        // the line's full length in bytes, even when too_long
};

class LineReader {
 public:
  // Opens `path` ("-" is standard input). Fails with a clear Status when the file
  // cannot be opened.
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path, size_t max_line_bytes);
  // Reads from an already-open source (tests feed an in-memory one).
  LineReader(std::unique_ptr<ByteSource> source, size_t max_line_bytes, uint64_t total_bytes);

  // Fills *line with the next line. Returns false at end of input or on an error; then
  // status() tells which. A last line without '\n' is returned like any other.
  // line->bytes stays valid until the next call to Next().
  bool Next(Line* line);

  const Status& status() const;
  uint64_t consumed_bytes() const;  // compressed bytes read so far
  uint64_t total_bytes() const;     // size of the input file, 0 when unknown (a pipe)

 private:
  bool Fill();

  std::unique_ptr<ByteSource> source_;
  size_t max_line_bytes_;
  uint64_t total_bytes_;
  std::string buf_;       // decompressed bytes not yet returned
  size_t pos_ = 0;        // start of the unread part of buf_
  size_t end_ = 0;        // end of valid data in buf_
  bool eof_ = false;
  uint64_t line_no_ = 0;
};

// Makes a ByteSource over bytes already in memory, detecting gzip/zstd like Open().
// Used by tests and fuzzers. `data` must outlive the source.
std::unique_ptr<ByteSource> MakeMemorySource(std::string_view data);

}  // namespace decorum
