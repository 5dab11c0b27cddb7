#include "plugin_host/call_budget.h"

namespace decorum {

CallBudget::CallBudget(std::chrono::milliseconds budget)
    : budget_(budget), thread_([this] { Loop(); }) {}

CallBudget::~CallBudget() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool CallBudget::stuck() const {
  std::lock_guard<std::mutex> lock(mu_);
  return abandoned_;
}

CallBudget::Outcome CallBudget::Run(std::function<void()> call) {
  const auto deadline = std::chrono::steady_clock::now() + budget_;
  auto task = std::make_shared<Task>();
  task->call = std::move(call);
  std::unique_lock<std::mutex> lock(mu_);
  // An abandoned call means the plugin is wedged: fail fast rather than make every
  // comment wait out its budget behind it.
  if (abandoned_) return Outcome::kBusy;
  if (!cv_.wait_until(lock, deadline, [&] { return current_ == nullptr || abandoned_; }) || abandoned_) {
    return Outcome::kBusy;
  }
  current_ = task;
  cv_.notify_all();
  if (cv_.wait_until(lock, deadline, [&] { return task->done; })) return Outcome::kDone;
  abandoned_ = true;
  return Outcome::kTimedOut;
}

void CallBudget::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || (current_ && !current_->done); });
    if (stop_ && !(current_ && !current_->done)) return;
    std::shared_ptr<Task> task = current_;
    lock.unlock();
    task->call();
    lock.lock();
    task->done = true;
    current_ = nullptr;
    abandoned_ = false;  // the plugin came back: it may be called again
    cv_.notify_all();
  }
}

}  // namespace decorum
