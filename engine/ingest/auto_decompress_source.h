// AutoDecompressSource: recognizes gzip and zstd by their magic bytes and decompresses.
//
// Detection looks at the stream's first bytes (gzip 1f 8b, zstd 28 b5 2f fd), never the
// file name, so a dump is read correctly whatever it is called. Anything else passes
// through unchanged as plain text.
//
// Detection is lazy: it happens on the first Read(), not at construction, so wrapping
// standard input never blocks before the caller asks for data. It also reads only as
// many bytes as it needs to rule a magic number in or out, so an interactive client that
// sends "{}\n" and waits for the answer is not left waiting on a 4-byte peek.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "decorum/status.h"
#include "ingest/line_reader.h"

namespace decorum {

class AutoDecompressSource : public ByteSource {
 public:
  enum class Format { kUnknown, kPlain, kGzip, kZstd };

  // Takes ownership of `raw`. `name` is how error messages refer to the input.
  AutoDecompressSource(std::unique_ptr<ByteSource> raw, std::string name);
  ~AutoDecompressSource() override;

  size_t Read(char* buf, size_t cap) override;
  const Status& status() const override;
  uint64_t consumed() const override;

  // kUnknown until the first Read(); then what the magic bytes said.
  Format format() const { return format_; }

 private:
  // Peeks the magic bytes and builds inner_. False (status() set) on a read error.
  bool Detect();

  std::unique_ptr<ByteSource> raw_;    // until detection
  std::unique_ptr<ByteSource> inner_;  // after detection: the decoder, or the raw bytes
  std::string name_;
  Format format_ = Format::kUnknown;
};

}  // namespace decorum
