// MemorySource: raw bytes already in memory, served as a ByteSource.
//
// Tests and fuzzers use it in place of a file. `max_read` caps how much one Read()
// returns, so a test can mimic a pipe that delivers a few bytes at a time and exercise
// every chunk boundary in the decoders and the line splitter.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

#include "decorum/status.h"
#include "ingest/line_reader.h"

namespace decorum {

class MemorySource : public ByteSource {
 public:
  // REQUIRES: `data` outlives the source; max_read > 0.
  explicit MemorySource(std::string_view data,
                        size_t max_read = std::numeric_limits<size_t>::max());

  size_t Read(char* buf, size_t cap) override;
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return pos_; }

 private:
  std::string_view data_;
  size_t max_read_;
  size_t pos_ = 0;
  Status status_;  // always ok: memory cannot fail to read
};

}  // namespace decorum
