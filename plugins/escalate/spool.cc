#include "spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace decorum::escalate {

namespace {

// Files written but not yet synced are kept open so Sync() fsyncs the very descriptor
// that wrote them (a writeback error is reported to it, not necessarily to a new open).
// Past this many, Add() syncs its own file instead of holding one more descriptor.
constexpr size_t kMaxUnsyncedFds = 256;

constexpr std::string_view kReady = ".json";
constexpr std::string_view kPartial = ".tmp";

std::runtime_error IoError(std::string_view what, const std::string& path, int err) {
  return std::runtime_error("escalate: cannot " + std::string(what) + " '" + path +
                            "': " + std::strerror(err));
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Closes a descriptor on scope exit unless released.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// mkdir -p, with 0700 for what it creates: escalations quote comments and their authors.
void MakeDirs(const std::string& dir) {
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string prefix = dir.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      throw IoError("create spool directory", prefix, errno);
    }
    if (slash == std::string::npos) return;
  }
}

int OpenDir(int at, const std::string& name, const std::string& path) {
  int fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw IoError("open spool directory", path, errno);
  return fd;
}

// Creating and deleting a file is the only honest writability check: access() ignores
// read-only mounts, ACLs and root's exemptions the other way round.
void ProbeWritable(int dir_fd, const std::string& dir) {
  const std::string name = ".write-probe-" + std::to_string(::getpid()) + std::string(kPartial);
  int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw IoError("write in spool directory", dir, errno);
  ::close(fd);
  ::unlinkat(dir_fd, name.c_str(), 0);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool IsRegularFile(int dir_fd, const dirent& entry) {
  if (entry.d_type == DT_REG) return true;
  if (entry.d_type != DT_UNKNOWN) return false;
  struct stat st;
  return ::fstatat(dir_fd, entry.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG(st.st_mode);
}

DirIdentity IdentityOfStat(const struct stat& st) {
  return DirIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace

std::optional<DirIdentity> IdentityOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  return IdentityOfStat(st);
}

Spool::Spool(const std::string& dir, int64_t max_files) : dir_(dir), max_files_(max_files) {
  MakeDirs(dir_);
  dir_fd_ = OpenDir(AT_FDCWD, dir_, dir_);
  try {
    // Within this process the instances of one directory share this Spool, so the lock
    // is only ever taken by another process (or a fork of this one).
    if (::flock(dir_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) {
        throw std::runtime_error("escalate: spool directory '" + dir_ +
                                 "' is in use by another process (another decorum with "
                                 "the same spool_dir?)");
      }
      throw IoError("lock spool directory", dir_, errno);
    }
    struct stat st;
    if (::fstat(dir_fd_, &st) != 0) throw IoError("stat spool directory", dir_, errno);
    identity_ = IdentityOfStat(st);
    if (::mkdirat(dir_fd_, "rejected", 0700) != 0 && errno != EEXIST) {
      throw IoError("create directory", rejected_dir(), errno);
    }
    rejected_fd_ = OpenDir(dir_fd_, "rejected", rejected_dir());
    ProbeWritable(dir_fd_, dir_);
    ProbeWritable(rejected_fd_, rejected_dir());
    Index();
  } catch (...) {
    if (rejected_fd_ >= 0) ::close(rejected_fd_);
    ::close(dir_fd_);
    throw;
  }
}

Spool::~Spool() {
  for (const Unsynced& u : unsynced_) ::close(u.fd);
  ::close(rejected_fd_);
  ::close(dir_fd_);  // releases the flock
}

void Spool::Index() {
  int fd = ::dup(dir_fd_);
  if (fd < 0) throw IoError("read spool directory", dir_, errno);
  DIR* listing = ::fdopendir(fd);
  if (!listing) {
    ::close(fd);
    throw IoError("read spool directory", dir_, errno);
  }
  ::rewinddir(listing);  // the dup shares its offset with dir_fd_; start from the top
  while (const dirent* entry = ::readdir(listing)) {
    std::string_view name = entry->d_name;
    if (name.empty() || name[0] == '.' || !IsRegularFile(dir_fd_, *entry)) continue;
    if (EndsWith(name, kPartial)) {
      ::unlinkat(dir_fd_, entry->d_name, 0);
    } else if (EndsWith(name, kReady)) {
      queue_.emplace(name);
      ids_.Observe(name);
    }
  }
  ::closedir(listing);
  count_ = static_cast<int64_t>(queue_.size());
}

void Spool::Add(const std::string& id, std::string_view contents) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (count_ >= max_files_) {
      throw std::runtime_error(
          "escalate: spool directory '" + dir_ + "' already holds " +
          std::to_string(count_) + " undelivered escalations (max_spool_files is " +
          std::to_string(max_files_) + "); is the webhook reachable?");
    }
    ++count_;
  }
  const std::string tmp = id + std::string(kPartial);
  const std::string ready = id + std::string(kReady);
  bool queued = false;  // from then on the file is in count_ for good
  try {
    const int raw = ::openat(dir_fd_, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (raw < 0) throw IoError("create", PathOf(tmp), errno);
    FdGuard fd(raw);
    const auto fail = [&](std::string_view what, const std::string& path) {
      const int err = errno;
      ::unlinkat(dir_fd_, tmp.c_str(), 0);
      return IoError(what, path, err);
    };
    if (!WriteAll(raw, contents)) throw fail("write", PathOf(tmp));
    bool sync_now;
    {
      std::lock_guard<std::mutex> lock(unsynced_mu_);
      sync_now = unsynced_.size() >= kMaxUnsyncedFds;
    }
    if (sync_now && ::fsync(raw) != 0) throw fail("fsync", PathOf(tmp));
    if (::renameat(dir_fd_, tmp.c_str(), dir_fd_, ready.c_str()) != 0) {
      throw fail("rename to " + ready, PathOf(tmp));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.insert(ready);
      queued = true;
    }
    std::lock_guard<std::mutex> lock(unsynced_mu_);
    dir_dirty_ = true;
    if (!sync_now) unsynced_.push_back({fd.release(), PathOf(ready)});
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!queued) --count_;
    throw;
  }
}

void Spool::Sync() {
  std::lock_guard<std::mutex> serial(sync_mu_);
  std::vector<Unsynced> batch;
  bool dirty;
  {
    std::lock_guard<std::mutex> lock(unsynced_mu_);
    batch.swap(unsynced_);
    dirty = std::exchange(dir_dirty_, false);
  }
  // Sync everything even after a failure, so one bad file does not leave the others
  // unsynced; report the first failure. A failed fsync is not retried: Linux may have
  // dropped the dirty pages already, and a second fsync would report a false success.
  std::string error;
  for (const Unsynced& u : batch) {
    if (::fsync(u.fd) != 0 && error.empty()) error = IoError("fsync", u.path, errno).what();
    ::close(u.fd);
  }
  if (dirty && ::fsync(dir_fd_) != 0) {
    if (error.empty()) error = IoError("fsync directory", dir_, errno).what();
    std::lock_guard<std::mutex> lock(unsynced_mu_);
    dir_dirty_ = true;
  }
  if (!error.empty()) throw std::runtime_error(error);
}

std::optional<std::string> Spool::Oldest() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.empty()) return std::nullopt;
  return *queue_.begin();
}

std::optional<std::string> Spool::Read(const std::string& name) const {
  int raw = ::openat(dir_fd_, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw IoError("open", PathOf(name), errno);
  }
  FdGuard fd(raw);
  std::string contents;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(raw, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("read", PathOf(name), errno);
    }
    if (n == 0) break;
    contents.append(buf, static_cast<size_t>(n));
  }
  return contents;
}

void Spool::Remove(const std::string& name) {
  Unqueue(name);
  if (::unlinkat(dir_fd_, name.c_str(), 0) != 0 && errno != ENOENT) {
    throw IoError("delete", PathOf(name), errno);
  }
}

void Spool::Reject(const std::string& name) {
  int raw = ::openat(dir_fd_, name.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) throw IoError("open", PathOf(name), errno);
  {
    FdGuard fd(raw);
    if (::fsync(raw) != 0) throw IoError("fsync", PathOf(name), errno);
  }
  if (::renameat(dir_fd_, name.c_str(), rejected_fd_, name.c_str()) != 0) {
    throw IoError("move to " + rejected_dir() + "/", PathOf(name), errno);
  }
  Unqueue(name);
}

void Spool::Forget(const std::string& name) { Unqueue(name); }

int64_t Spool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

void Spool::set_max_files(int64_t max_files) {
  std::lock_guard<std::mutex> lock(mu_);
  max_files_ = max_files;
}

void Spool::Unqueue(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.erase(name) != 0) --count_;
}

}  // namespace decorum::escalate
