// Spool: the directory of escalations not yet delivered, one file each.
//
// Layout of spool_dir:
//   <id>.json      an escalation waiting for delivery, the exact body to POST
//   <id>.tmp       being written; renamed to <id>.json once complete, so a crash never
//                  leaves a partial file under a .json name (removed at the next Open)
//   rejected/      escalations the receiver refused permanently, kept for a person
// Names sort in creation order (escalation_id.h), which is the delivery order.
//
// Durability: Add() writes and renames but does not fsync; Sync() fsyncs what Add()
// wrote since the last Sync(), then the directory. Until then a power loss may lose a
// file or leave it empty under its final name; the delivery thread rejects a file that is
// not valid JSON instead of sending it.
//
// One Spool per directory: the constructor takes an exclusive flock on the directory so
// two processes never deliver (and so double-send) the same files. Within a process the
// instances configured with one directory share its Spool (shared_spool.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "escalation_id.h"

namespace decorum::escalate {

// A directory's device and inode: what the flock is on, whatever path names it.
struct DirIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  auto operator<=>(const DirIdentity&) const = default;
};

// The identity of the directory at `path`, or nullopt if there is none (or it cannot be
// stat'ed; opening it will then report why).
std::optional<DirIdentity> IdentityOf(const std::string& path);

class Spool {
 public:
  // Opens `dir`, creating it (mode 0700, parents too) and dir/rejected if missing, checks
  // that both are writable, locks `dir`, deletes leftover *.tmp files (their on_decision
  // never returned, so nothing was acknowledged) and indexes the *.json files already
  // there for delivery. At most `max_files` undelivered files are allowed (Add fails
  // beyond that). Throws std::runtime_error naming the path on failure, saying "in use by
  // another process" when the lock is taken.
  Spool(const std::string& dir, int64_t max_files);
  // Closes the files not yet synced, without syncing them (call Sync() first).
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // A fresh escalation id, sorting after every file in the spool. Thread-safe.
  std::string NextId() { return ids_.Next(); }

  // Writes `contents` to <id>.json (via <id>.tmp) and queues it for delivery.
  // Thread-safe. Throws std::runtime_error naming the path when the file cannot be
  // written (disk full, permissions) or the spool already holds max_files files; nothing
  // is left behind under the final name then.
  void Add(const std::string& id, std::string_view contents);

  // Makes every Add() that returned before this call durable: fsyncs each of those files,
  // then the directory. Thread-safe; concurrent calls run one after the other, so none
  // returns before the files added before it are synced. Throws std::runtime_error naming
  // the path on failure; the files stay in the spool but are not known to be durable.
  void Sync();

  // The name ("<id>.json") of the oldest file waiting for delivery, if any. Thread-safe.
  std::optional<std::string> Oldest() const;

  // The contents of `name`, or nullopt if it no longer exists (someone removed it).
  // Throws std::runtime_error naming the path on any other error.
  std::optional<std::string> Read(const std::string& name) const;

  // Deletes `name` (delivered). Thread-safe; a file already gone is not an error.
  void Remove(const std::string& name);

  // Moves `name` to rejected/ after syncing it, so a person finds it intact. Throws
  // std::runtime_error naming the path on failure (the file then stays queued).
  void Reject(const std::string& name);

  // Drops `name` from the queue without touching the disk (the file vanished).
  void Forget(const std::string& name);

  // Files waiting for delivery, counting Adds in progress. Thread-safe.
  int64_t size() const;

  // Changes the limit on undelivered files for the Adds from now on (files already there
  // stay). Thread-safe. REQUIRES: max_files >= 1.
  void set_max_files(int64_t max_files);

  // The identity of the directory this Spool holds open (and locked).
  DirIdentity identity() const { return identity_; }

  const std::string& dir() const { return dir_; }
  std::string rejected_dir() const { return dir_ + "/rejected"; }

 private:
  // A file written by Add() and not yet synced.
  struct Unsynced {
    int fd;
    std::string path;
  };

  void Index();
  void Unqueue(const std::string& name);
  std::string PathOf(std::string_view name) const { return dir_ + "/" + std::string(name); }

  const std::string dir_;
  int dir_fd_ = -1;       // held open for the flock, *at() calls and fsync
  int rejected_fd_ = -1;
  DirIdentity identity_;  // of dir_fd_

  mutable std::mutex mu_;
  std::set<std::string> queue_;  // guarded by mu_: the .json files, in delivery order
  int64_t count_ = 0;            // guarded by mu_: queue_ plus Adds in progress
  int64_t max_files_;            // guarded by mu_

  std::mutex unsynced_mu_;
  std::vector<Unsynced> unsynced_;  // guarded by unsynced_mu_
  bool dir_dirty_ = false;          // guarded by unsynced_mu_: a rename not yet synced

  std::mutex sync_mu_;  // serializes Sync()

  EscalationIdGenerator ids_;  // has observed every file found at Open
};

}  // namespace decorum::escalate
