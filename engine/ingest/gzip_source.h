// GzipSource: inflates a gzip stream read from another ByteSource.
//
// Handles multi-member files (what `cat a.gz b.gz` or pigz/bgzip produce) by starting
// a new member whenever one ends and input remains. Truncated or corrupt input ends the
// stream with a Corrupt status naming the input ("dump.gz: gzip stream truncated");
// nothing is thrown and nothing crashes.
//
// Thread safety: none.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "decorum/status.h"
#include "ingest/line_reader.h"

namespace decorum {

class GzipSource : public ByteSource {
 public:
  // Takes ownership of `compressed`. `name` is how error messages refer to the input.
  GzipSource(std::unique_ptr<ByteSource> compressed, std::string name);
  ~GzipSource() override;
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  // Returns some inflated bytes (at least one unless at the end or on error).
  size_t Read(char* buf, size_t cap) override;
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return in_->consumed(); }

 private:
  // Reads the next chunk of compressed input. False (with status_ set) on a read error.
  bool Refill();
  void Fail(const std::string& what);

  std::unique_ptr<ByteSource> in_;
  std::string name_;
  std::unique_ptr<char[]> in_buf_;
  z_stream zs_{};
  bool zs_ready_ = false;     // inflateInit2 succeeded; inflateEnd is owed
  bool in_eof_ = false;       // the compressed input is exhausted
  bool member_open_ = false;  // inside a member: its end has not been seen yet
  uint64_t members_ = 0;      // members started, for error messages
  Status status_;
};

}  // namespace decorum
