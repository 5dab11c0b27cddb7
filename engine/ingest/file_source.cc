#include "ingest/file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace decorum {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? "<stdin>" : path;
  int fd = STDIN_FILENO;
  if (!is_stdin) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) return Status::NotFound(name + ": no such file");
      return Status::IoError(name + ": cannot open: " + ErrnoText(err));
    }
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    if (!is_stdin) ::close(fd);
    return Status::IoError(name + ": cannot stat: " + ErrnoText(err));
  }
  // open(2) succeeds on a directory and only read(2) fails; say so up front instead.
  if (S_ISDIR(st.st_mode)) {
    if (!is_stdin) ::close(fd);
    return Status::InvalidArgument(name + ": is a directory");
  }
  const uint64_t size = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
#ifdef POSIX_FADV_SEQUENTIAL
  // A dump is read once front to back; a larger readahead window helps on spinning disks.
  if (S_ISREG(st.st_mode)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<FileSource>(new FileSource(fd, !is_stdin, name, size));
}

FileSource::FileSource(int fd, bool owns_fd, std::string name, uint64_t size)
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)), size_(size) {}

FileSource::~FileSource() {
  if (owns_fd_) ::close(fd_);
}

size_t FileSource::Read(char* buf, size_t cap) {
  if (!status_.ok() || cap == 0) return 0;
  for (;;) {
    const ssize_t n = ::read(fd_, buf, cap);
    if (n >= 0) {
      consumed_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
    const int err = errno;
    if (err == EINTR) continue;
    status_ = Status::IoError(name_ + ": read failed: " + ErrnoText(err));
    return 0;
  }
}

}  // namespace decorum
