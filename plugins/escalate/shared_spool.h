// SharedSpool: the spool and delivery thread of one spool directory, shared by every
// instance in this process configured with that directory.
//
// Why: a reload creates the new instances while the old ones still serve the comments in
// flight, so two instances of one configuration are alive at once. They cannot each own
// the directory (two delivery threads would send every file twice, and the flock that
// keeps other processes out refuses the second), so they share one Spool and one
// DeliveryWorker, and so one sequence of escalation ids.
//
// Settings: the directory is shared; everything else (url, headers, timeout_ms, backoff,
// max_spool_files, the instance name in log lines) is that of the newest instance still
// alive. A reload that changes the webhook's URL therefore takes effect as soon as the
// new instance exists, for the escalations already waiting too; and if the newest goes
// first (a reload refused after its instances were created), the previous instance's
// settings come back.
//
// Directories are told apart by device and inode, as the flock does: two paths naming
// one directory share it (errors and logs then name it by the first instance's path).
//
// Thread safety: Acquire() and releasing a Lease from any thread; Spool and Wake() as
// documented in spool.h and delivery_worker.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "delivery_worker.h"
#include "spool.h"
#include "stderr_log.h"

namespace decorum::escalate {

class SharedSpool {
 public:
  // One instance's hold on a SharedSpool. Releasing the last lease of a directory stops
  // its delivery thread after letting it deliver for up to that lease's drain_timeout_ms
  // (DeliveryWorker::Stop, so it blocks that long at most, plus a few tens of ms), logs
  // what is left, and unlocks the directory; it does not sync the spool (each instance
  // syncs what it added). Releasing any other lease changes nothing but, if it was the
  // newest, the settings (above).
  class Lease {
   public:
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { Release(share_, holder_); }

    Spool& spool() const { return share_->spool_; }
    // Tells the delivery thread a file was added. Thread-safe, never blocks on delivery.
    void Wake() const { share_->worker_.Wake(); }

   private:
    friend class SharedSpool;
    Lease(SharedSpool* share, uint64_t holder) : share_(share), holder_(holder) {}

    SharedSpool* const share_;
    const uint64_t holder_;
  };

  // Joins this process's SharedSpool of config.spool_dir, making `config` and `instance`
  // its settings (above); or, if there is none, opens the spool (Spool's constructor)
  // and starts delivering whatever it holds. If the directory is being closed by its
  // last lease on another thread, waits for that first (up to its drain_timeout_ms).
  // Throws std::runtime_error naming the path if the spool cannot be opened (another
  // process holds it, say) or libcurl cannot be set up; nothing changes then.
  // REQUIRES: config passed ParseConfig.
  static Lease Acquire(const Config& config, std::string_view instance);

  SharedSpool(const SharedSpool&) = delete;
  SharedSpool& operator=(const SharedSpool&) = delete;

 private:
  // A live instance: its lease's id and the settings it was created with.
  struct Holder {
    uint64_t id;
    Config config;
    std::string instance;
  };

  // Opens the spool and starts the delivery thread, with `config`'s settings.
  SharedSpool(const Config& config, std::string_view instance);
  // Stops the delivery thread after draining for up to drain_timeout_ms_; undelivered
  // escalations stay in the spool.
  ~SharedSpool();

  // Adds a holder, newest, and makes its settings current. Throws as Acquire() does.
  // REQUIRES: the registry's mutex is held (shared_spool.cc), as for Leave and Apply.
  void Join(Holder holder);
  // Removes a holder; if it was the newest, the newest left becomes current. Returns
  // true when no holder is left (drain_timeout_ms_ is then the last holder's).
  bool Leave(uint64_t id);
  // Switches from `from`'s settings to `to`'s. Throws as Acquire() does; nothing
  // changes then.
  void Apply(const Holder& from, const Holder& to);

  // Ends lease `holder` on `share`, closing and deleting `share` if it was the last.
  static void Release(SharedSpool* share, uint64_t holder) noexcept;

  std::vector<Holder> holders_;  // guarded by the registry's mutex; oldest first
  StderrLog log_;                // guarded by the registry's mutex: the newest holder's
  int64_t drain_timeout_ms_ = 0;  // set by the Leave() that returns true
  Spool spool_;
  DeliveryWorker worker_;  // last: stopped first, while the spool still exists
};

}  // namespace decorum::escalate
