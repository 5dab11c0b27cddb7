// DeliveryWorker: the one background thread per plugin instance that empties the spool
// into the webhook, oldest file first.
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
#include <condition_variable>
#include <cstdint>
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
  // Starts the thread. `spool` and `log` must outlive the worker. Throws
  // std::runtime_error if libcurl or the thread cannot be set up.
  DeliveryWorker(const Config& config, Spool* spool, const StderrLog* log);
  // Stops the thread (see Stop()).
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Tells the thread a file was added to the spool. Thread-safe, cheap, never blocks on
  // a delivery.
  void Wake();

  // Stops and joins the thread: at once from a backoff wait or an idle wait, within about
  // a second (at most timeout_ms) from a request in flight. Undelivered files stay in the
  // spool. Idempotent; not to be called concurrently with itself.
  void Stop();

 private:
  void Run();
  // Attempts the head file `name`; returns the delay before the next attempt (0: go on).
  int64_t DeliverOne(const std::string& name);
  void NoteFailure(const std::string& name, const std::string& why);
  // Waits `ms` or until Stop(). Returns false when stopping.
  bool SleepFor(int64_t ms);

  Spool* const spool_;
  const StderrLog* const log_;
  std::atomic<bool> stopping_{false};
  WebhookClient client_;  // after stopping_: it keeps a pointer to it
  Backoff backoff_;       // worker thread only
  int64_t failures_ = 0;  // worker thread only: consecutive failed attempts

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;  // guarded by mu_

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace decorum::escalate
