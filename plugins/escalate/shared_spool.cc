#include "shared_spool.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

namespace decorum::escalate {

namespace {

// The SharedSpools of this process. Static state of the .so: the engine loads one
// library path once however many instances (and reloads) use it.
struct Registry {
  std::mutex mu;
  std::condition_variable closed;  // notified when a directory in `closing` is released
  std::map<DirIdentity, SharedSpool*> open;  // guarded by mu
  // Guarded by mu: directories whose last lease is closing them, outside mu. They are
  // still locked, so Acquire() waits for them rather than fail on the lock.
  std::set<DirIdentity> closing;
  uint64_t last_holder = 0;  // guarded by mu
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

}  // namespace

SharedSpool::Lease SharedSpool::Acquire(const Config& config, std::string_view instance) {
  Registry& r = TheRegistry();
  std::unique_lock<std::mutex> lock(r.mu);
  const uint64_t id = ++r.last_holder;
  Holder holder{id, config, std::string(instance)};
  for (;;) {
    const std::optional<DirIdentity> dir = IdentityOf(config.spool_dir);
    if (!dir) break;  // not there (yet): nobody in this process has it open
    if (r.closing.count(*dir) != 0) {
      r.closed.wait(lock);
      continue;  // look again: it may have been re-created meanwhile
    }
    const auto it = r.open.find(*dir);
    if (it == r.open.end()) break;
    it->second->Join(std::move(holder));
    return Lease(it->second, id);
  }
  // Opened with the mutex held, so two instances of a directory new to this process
  // cannot both try its lock. That holds up the create() and destroy() of every other
  // escalate instance while the spool is indexed; both are rare.
  auto* share = new SharedSpool(config, instance);
  try {
    share->Join(std::move(holder));
    r.open.emplace(share->spool_.identity(), share);
  } catch (...) {
    delete share;
    throw;
  }
  return Lease(share, id);
}

void SharedSpool::Release(SharedSpool* share, uint64_t holder) noexcept {
  Registry& r = TheRegistry();
  std::unique_lock<std::mutex> lock(r.mu);
  if (!share->Leave(holder)) return;
  const DirIdentity id = share->spool_.identity();
  r.open.erase(id);
  r.closing.insert(id);
  lock.unlock();
  // Closed without the mutex: stopping a delivery thread takes up to drain_timeout_ms
  // (a drain), which must not hold up the instances of other directories.
  delete share;
  lock.lock();
  r.closing.erase(id);
  lock.unlock();
  r.closed.notify_all();
}

SharedSpool::SharedSpool(const Config& config, std::string_view instance)
    : log_(instance),
      spool_(config.spool_dir, config.max_spool_files),
      worker_(config, &spool_, log_) {
  if (const int64_t waiting = spool_.size(); waiting > 0) {
    log_.Line("delivering " + std::to_string(waiting) + " escalations left in " +
              spool_.dir() + " by a previous run");
  }
}

SharedSpool::~SharedSpool() {
  worker_.Stop(drain_timeout_ms_);
  if (const int64_t left = spool_.size(); left > 0) {
    log_.Line(std::to_string(left) + " escalations still in the spool " + spool_.dir() +
              "; they will be sent by the next start");
  }
}

void SharedSpool::Join(Holder holder) {
  holders_.reserve(holders_.size() + 1);  // so that nothing can fail after Apply()
  if (!holders_.empty()) Apply(holders_.back(), holder);
  holders_.push_back(std::move(holder));
}

bool SharedSpool::Leave(uint64_t id) {
  const auto it = std::find_if(holders_.begin(), holders_.end(),
                               [id](const Holder& h) { return h.id == id; });
  if (it == holders_.end()) return false;  // not a holder: never closes the spool
  const bool newest = it + 1 == holders_.end();
  Holder gone = std::move(*it);
  holders_.erase(it);
  if (holders_.empty()) {
    drain_timeout_ms_ = gone.config.drain_timeout_ms;
    return true;
  }
  if (newest) {
    try {
      Apply(gone, holders_.back());
    } catch (const std::exception& e) {
      // Only libcurl failing to set up a handle: keep delivering as before.
      log_.Line(std::string("cannot go back to the settings of instance '") +
                holders_.back().instance + "': " + e.what() +
                "; still delivering with those of '" + gone.instance + "'");
    }
  }
  return false;
}

void SharedSpool::Apply(const Holder& from, const Holder& to) {
  StderrLog log(to.instance);
  // A reload that changes nothing about delivery (most change only rules) keeps the
  // connection, the backoff and the delivery thread's pace as they are.
  if (!SameDelivery(from.config, to.config) || from.instance != to.instance) {
    worker_.Reconfigure(to.config, log);
  }
  spool_.set_max_files(to.config.max_spool_files);
  log_ = std::move(log);
}

}  // namespace decorum::escalate
