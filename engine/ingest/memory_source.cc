#include "ingest/memory_source.h"

#include <algorithm>
#include <cstring>

namespace decorum {

MemorySource::MemorySource(std::string_view data, size_t max_read)
    : data_(data), max_read_(max_read == 0 ? 1 : max_read) {}

size_t MemorySource::Read(char* buf, size_t cap) {
  const size_t n = std::min({cap, max_read_, data_.size() - pos_});
  if (n > 0) std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace decorum
