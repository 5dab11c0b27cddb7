// FileSource: the raw bytes of a file or of standard input, read with read(2).
//
// This is the bottom of the ingest stack; decompression and line splitting sit on top
// (see auto_decompress_source.h and line_reader.h). It reads straight into the caller's
// buffer, so a plain NDJSON dump is copied exactly once on its way from the kernel to the
// line splitter.
//
// Thread safety: none; one source per input, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "decorum/status.h"
#include "ingest/line_reader.h"

namespace decorum {

class FileSource : public ByteSource {
 public:
  // Opens `path` for reading; "-" is standard input (which is not closed on destruction).
  // Fails with NotFound when the file does not exist, InvalidArgument for a directory and
  // IoError for anything else the OS refuses, each message naming the path.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);

  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Reads at most `cap` bytes; may return fewer (a pipe) before the end. Retries EINTR.
  size_t Read(char* buf, size_t cap) override;
  const Status& status() const override { return status_; }
  uint64_t consumed() const override { return consumed_; }

  // Size of a regular file (also when it is redirected to stdin); 0 for a pipe or tty.
  uint64_t size() const { return size_; }
  // "<stdin>" for "-", else the path: what error messages call this input.
  const std::string& name() const { return name_; }

 private:
  FileSource(int fd, bool owns_fd, std::string name, uint64_t size);

  int fd_;
  bool owns_fd_;
  std::string name_;
  uint64_t size_;
  uint64_t consumed_ = 0;
  Status status_;
};

}  // namespace decorum
