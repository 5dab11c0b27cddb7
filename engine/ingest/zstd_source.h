// ZstdSource: decompresses a zstd stream read from another ByteSource.
//
// Accepts any number of concatenated frames (and skippable frames), and windows up to
// 2 GiB (windowLogMax 31): Pushshift dumps are compressed with --long=31, which the
// library's default limit (27) refuses. A frame's header decides how much the decoder
// allocates, so DECORUM_ZSTD_WINDOW_LOG_MAX=27 (say) caps it for dumps of unknown origin. Truncated or corrupt input ends the stream with a
// Corrupt status naming the input ("dump.zst: zstd stream truncated").
//
// Thread safety: none.
#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>

#include "decorum/status.h"
#include "ingest/line_reader.h"

namespace decorum {

class ZstdSource : public ByteSource {
 public:
  // Takes ownership of `compressed`. `name` is how error messages refer to the input.
  ZstdSource(std::unique_ptr<ByteSource> compressed, std::string name);
  ~ZstdSource() override;
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  // Returns some decompressed bytes (at least one unless at the end or on error).
  size_t Read(char* buf, size_t cap) override;
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return in_->consumed(); }

 private:
  // Reads the next chunk of compressed input. False (with status_ set) on a read error.
  bool Refill();

  std::unique_ptr<ByteSource> in_;
  std::string name_;
  std::unique_ptr<char[]> in_buf_;
  ZSTD_DCtx* dctx_ = nullptr;
  ZSTD_inBuffer zin_{nullptr, 0, 0};
  bool in_eof_ = false;
  // The last ZSTD_decompressStream call finished a frame and flushed all of it, so the
  // input may end here without being truncated.
  bool frame_done_ = false;
  Status status_;
};

}  // namespace decorum
