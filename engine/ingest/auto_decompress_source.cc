#include "ingest/auto_decompress_source.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include "ingest/gzip_source.h"
#include "ingest/zstd_source.h"

namespace decorum {
namespace {

constexpr std::string_view kGzipMagic("\x1f\x8b", 2);
constexpr std::string_view kZstdMagic("\x28\xb5\x2f\xfd", 4);

// Could `prefix` still grow into `magic`?
bool CouldBe(std::string_view prefix, std::string_view magic) {
  return prefix.size() < magic.size() && magic.substr(0, prefix.size()) == prefix;
}

// Hands back the bytes consumed by detection, then the rest of the underlying source,
// so the decoders (and plain text) see the stream from its first byte.
class ReplaySource : public ByteSource {
 public:
  ReplaySource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  size_t Read(char* buf, size_t cap) override {
    if (served_ < prefix_.size()) {
      const size_t n = std::min(cap, prefix_.size() - served_);
      std::memcpy(buf, prefix_.data() + served_, n);
      served_ += n;
      return n;
    }
    return rest_->Read(buf, cap);
  }
  const Status& status() const override { return rest_->status(); }
  uint64_t consumed() const override { return rest_->consumed(); }

 private:
  std::string prefix_;
  size_t served_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

}  // namespace

AutoDecompressSource::AutoDecompressSource(std::unique_ptr<ByteSource> raw, std::string name)
    : raw_(std::move(raw)), name_(std::move(name)) {}

AutoDecompressSource::~AutoDecompressSource() = default;

bool AutoDecompressSource::Detect() {
  std::string prefix;
  char byte;
  // One byte at a time is fine: at most four reads, once per input.
  while (prefix.empty() || CouldBe(prefix, kGzipMagic) || CouldBe(prefix, kZstdMagic)) {
    if (raw_->Read(&byte, 1) == 0) {
      if (!raw_->status().ok()) return false;
      break;  // a stream shorter than any magic is plain text (or empty)
    }
    prefix.push_back(byte);
  }
  const bool gzip = prefix == kGzipMagic;
  const bool zstd = prefix == kZstdMagic;
  format_ = gzip ? Format::kGzip : zstd ? Format::kZstd : Format::kPlain;
  inner_ = std::make_unique<ReplaySource>(std::move(prefix), std::move(raw_));
  if (gzip) inner_ = std::make_unique<GzipSource>(std::move(inner_), name_);
  if (zstd) inner_ = std::make_unique<ZstdSource>(std::move(inner_), name_);
  return true;
}

size_t AutoDecompressSource::Read(char* buf, size_t cap) {
  if (inner_ == nullptr && !Detect()) return 0;
  return inner_->Read(buf, cap);
}

const Status& AutoDecompressSource::status() const {
  return inner_ != nullptr ? inner_->status() : raw_->status();
}

uint64_t AutoDecompressSource::consumed() const {
  return inner_ != nullptr ? inner_->consumed() : raw_->consumed();
}

}  // namespace decorum
