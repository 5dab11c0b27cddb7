// CallBudget: runs one plugin instance's calls on a thread of its own and waits at most
// a fixed budget for each, so a plugin that hangs (a webhook that never answers, a lock
// that is never released) delays a comment by the budget, not forever (issue 6).
//
// A call that overruns is abandoned, not cancelled — C code cannot be interrupted — so the
// instance stays busy until the plugin returns by itself; meanwhile every further call
// is refused at once (kBusy) instead of queueing behind it. Tasks own everything the
// plugin reads or writes (see AbiSnapshot), so an abandoned call never touches the stack
// of the caller that gave up on it.
//
// Cost: two thread hand-offs per call, tens of microseconds. Only instances configured
// with `call_timeout_ms` get a budget; the others are called inline.
//
// Thread safety: Run() from any number of threads; calls run one at a time, in the order
// they get the executor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace decorum {

class CallBudget {
 public:
  enum class Outcome { kDone, kTimedOut, kBusy };

  explicit CallBudget(std::chrono::milliseconds budget);
  // Waits for a running call to return; a call stuck for good keeps the process from
  // exiting, so the caller first checks stuck() and leaks the executor instead.
  ~CallBudget();
  CallBudget(const CallBudget&) = delete;
  CallBudget& operator=(const CallBudget&) = delete;

  // Runs `call` on the executor thread. kDone: it returned within the budget (counting
  // any wait for the executor). kTimedOut: it is still running and is abandoned.
  // kBusy: an earlier call is still stuck, or the executor did not free up in time;
  // `call` never ran. `call` must own (or share ownership of) everything it touches.
  Outcome Run(std::function<void()> call);

  // True while an abandoned call has not returned.
  bool stuck() const;
  std::chrono::milliseconds budget() const { return budget_; }

 private:
  struct Task {
    std::function<void()> call;
    bool done = false;
  };
  void Loop();

  const std::chrono::milliseconds budget_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Task> current_;  // the call running or about to run; null when idle
  bool abandoned_ = false;         // current_ overran its budget
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace decorum
