// DeliveryWorker: the one background thread per spool that empties it into the webhook,
// oldest file first. Instances sharing a spool (shared_spool.h) share its worker.
//
// For the file at the head of the queue: 2xx deletes it; a network error, a timeout,
// 408, 429 or 5xx retries it after a backoff, and nothing behind it is sent meanwhile
// (order is kept); any other 4xx moves it to rejected/. A file that is not valid JSON (a
// crash before flush() can leave one) is moved to rejected/ without being sent. Every
// rejection is logged; retries are logged on the first failure, then at 2, 4, 8, ...
// consecutive failures, and once on recovery.
//
// Delivery is at least once: a file is deleted only after the receiver's 2xx, so a crash
// between the two sends it again, with the same Idempotency-Key, after the restart.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config.h"
#include "retry_policy.h"
#include "spool.h"
#include "stderr_log.h"
#include "webhook_client.h"

namespace decorum::escalate {

class DeliveryWorker {
 public:
  // Starts the thread, delivering as `config` says and logging to `log` (copied).
  // `spool` must outlive the worker. Throws std::runtime_error if libcurl or the thread
  // cannot be set up.
  DeliveryWorker(const Config& config, Spool* spool, const StderrLog& log);
  // Stops the thread (see Stop()).
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Tells the thread a file was added to the spool. Thread-safe, cheap, never blocks on
  // a delivery.
  void Wake();

  // Delivers as `config` says (url, headers, timeout_ms, backoff) and logs to `log` from
  // the next attempt on: a request in flight finishes under the old settings, a backoff
  // wait ends at once (the new URL may well work), and the backoff starts over.
  // Thread-safe, never blocks on a delivery. Throws std::runtime_error if libcurl cannot
  // be set up; the old settings then stay.
  void Reconfigure(const Config& config, const StderrLog& log);

  // Stops and joins the thread. Undelivered files stay in the spool. Idempotent; not to be
  // called concurrently with itself.
  //
  // With drain_ms > 0 the thread first goes on delivering until the spool is empty, or
  // drain_ms have passed, or the next retry's backoff would end after that deadline,
  // whichever comes first (a retry that cannot start in time is not waited for). Then,
  // and with drain_ms == 0 at once, it stops: at once from a wait, and within
  // WebhookClient::kCancelCheckMs from a request in flight, which is abandoned unless
  // its answer is complete by then; a complete answer, whatever its status, is acted on
  // as always (2xx deletes the file, a permanent 4xx moves it to rejected/). So Stop()
  // returns within about drain_ms + kCancelCheckMs, even with the webhook down.
  void Stop(int64_t drain_ms = 0);

 private:
  // Where and how to deliver: what Reconfigure() replaces as a whole.
  struct Destination {
    Destination(const Config& config, const std::atomic<bool>* cancel, const StderrLog& log);
    WebhookClient client;  // with its kept-alive connection
    Backoff backoff;
    StderrLog log;
  };

  void Run();
  // Switches to a destination Reconfigure() left, if any. Worker thread only.
  void TakeNextDestination();
  // Attempts the head file `name`; returns the delay before the next attempt (0: go on).
  int64_t DeliverOne(const std::string& name);
  void NoteFailure(const std::string& name, const std::string& why);
  // Waits `ms`, or less if Stop() or Reconfigure() says so. Returns false when the thread
  // is to end: stopping, or draining and the wait would end after the drain's deadline.
  bool SleepFor(int64_t ms);
  // Lets a Stop() that is draining stop now. REQUIRES: mu_ is held.
  void EndDrain();

  Spool* const spool_;
  std::atomic<bool> stopping_{false};
  // Worker thread only (set before it starts). After stopping_: its client keeps a
  // pointer to it.
  std::unique_ptr<Destination> destination_;
  int64_t failures_ = 0;  // worker thread only: consecutive failed attempts

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;                             // guarded by mu_
  std::unique_ptr<Destination> next_destination_;  // guarded by mu_: from Reconfigure()
  // Guarded by mu_. Set by a Stop() that drains: the thread delivers until the spool is
  // empty or the deadline, then sets drain_over_ (also when it ends for any reason) and
  // notifies drain_cv_, on which that Stop() waits.
  bool draining_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  bool drain_over_ = false;
  std::condition_variable drain_cv_;

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace decorum::escalate
