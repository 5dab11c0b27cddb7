#include "delivery_worker.h"

#include <simdjson.h>

#include <chrono>
#include <exception>
#include <optional>
#include <random>

namespace decorum::escalate {

namespace {

std::string_view Stem(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(0, dot);
}

// A receiver's answer, quoted on one log line: control bytes would break the line
// structure a log collector relies on.
std::string Quote(std::string_view text) {
  constexpr size_t kShown = 200;
  std::string out;
  for (char c : text.substr(0, kShown)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  }
  if (text.size() > kShown) out.append("...");
  return out;
}

bool IsJsonObject(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(body).get(root) == simdjson::SUCCESS && root.is_object();
}

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

DeliveryWorker::Destination::Destination(const Config& config,
                                         const std::atomic<bool>* cancel,
                                         const StderrLog& log)
    : client(config, cancel),
      backoff(config.initial_backoff_ms, config.max_backoff_ms, std::random_device()()),
      log(log) {}

DeliveryWorker::DeliveryWorker(const Config& config, Spool* spool, const StderrLog& log)
    : spool_(spool),
      destination_(std::make_unique<Destination>(config, &stopping_, log)),
      thread_([this] { Run(); }) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void DeliveryWorker::Reconfigure(const Config& config, const StderrLog& log) {
  // Built here, so a libcurl failure reaches the caller instead of the worker thread.
  auto next = std::make_unique<Destination>(config, &stopping_, log);
  {
    std::lock_guard<std::mutex> lock(mu_);
    next_destination_ = std::move(next);
    woken_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::TakeNextDestination() {
  std::unique_ptr<Destination> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = std::move(next_destination_);
  }
  if (!next) return;
  destination_.swap(next);  // the old one, and its connection, is closed on return
  destination_->log.Line("now delivering to " + destination_->client.origin() +
                         " (configuration changed)");
  failures_ = 0;  // the log of a new outage starts from its first failure
}

void DeliveryWorker::Stop(int64_t drain_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  if (drain_ms > 0 && !stopping_ && thread_.joinable()) {
    draining_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_ms);
    woken_ = true;  // an idle thread looks at the spool once more, and so sees the drain
    cv_.notify_all();
    drain_cv_.wait_until(lock, drain_deadline_, [this] { return drain_over_; });
  }
  // At the deadline a request may be in flight: stopping_ abandons it (webhook_client.h).
  stopping_ = true;
  lock.unlock();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::EndDrain() {
  drain_over_ = true;
  drain_cv_.notify_all();
}

void DeliveryWorker::Run() {
  while (!stopping_) {
    TakeNextDestination();
    std::optional<std::string> head = spool_->Oldest();
    if (!head) {
      std::unique_lock<std::mutex> lock(mu_);
      if (draining_) EndDrain();  // all delivered
      cv_.wait(lock, [this] { return woken_ || stopping_; });
      woken_ = false;
      continue;
    }
    int64_t delay_ms;
    try {
      delay_ms = DeliverOne(*head);
    } catch (const std::exception& e) {
      // Out of memory and the like: the file stays at the head; try again later rather
      // than let an exception end the thread (and std::terminate the engine).
      NoteFailure(*head, e.what());
      delay_ms = destination_->backoff.NextDelayMs();
    }
    if (delay_ms > 0 && !SleepFor(delay_ms)) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  EndDrain();  // whatever ended the loop, a draining Stop() has nothing left to wait for
}

int64_t DeliveryWorker::DeliverOne(const std::string& name) {
  Destination& to = *destination_;
  const std::string path = spool_->dir() + "/" + name;
  std::optional<std::string> body;
  try {
    body = spool_->Read(name);
  } catch (const std::exception& e) {
    NoteFailure(name, e.what());
    return to.backoff.NextDelayMs();
  }
  if (!body) {
    to.log.Line(path + " was removed before it could be delivered (not by this plugin)");
    spool_->Forget(name);
    return 0;
  }
  if (!IsJsonObject(*body)) {
    try {
      spool_->Reject(name);
    } catch (const std::exception& e) {
      NoteFailure(name, e.what());
      return to.backoff.NextDelayMs();
    }
    to.log.Line(path + " is not a complete JSON object (written just before a crash?); "
                "moved to " + spool_->rejected_dir() + "/ without sending it");
    return 0;
  }

  const PostResult result = to.client.Post(*body, Stem(name));
  if (!result.answered) {
    if (stopping_) return 0;  // abandoned by Stop(): not a failure worth a log line
    NoteFailure(name, result.error);
    return to.backoff.NextDelayMs();
  }
  const std::string answer = "HTTP " + std::to_string(result.status) +
                             (result.response_start.empty()
                                  ? std::string()
                                  : " \"" + Quote(result.response_start) + "\"");
  switch (ClassifyStatus(result.status)) {
    case Outcome::kRetry:
      NoteFailure(name, answer);
      return to.backoff.NextDelayMs(result.retry_after_ms);
    case Outcome::kDelivered:
      try {
        spool_->Remove(name);
      } catch (const std::exception& e) {
        to.log.Line(std::string(e.what()) +
                    " after delivering it; it will be sent again after a restart");
      }
      break;
    case Outcome::kReject:
      try {
        spool_->Reject(name);
      } catch (const std::exception& e) {
        NoteFailure(name, answer + ", and it cannot be moved aside: " + e.what());
        return to.backoff.NextDelayMs();
      }
      to.log.Line(to.client.origin() + " refused " + std::string(Stem(name)) + " with " +
                  answer + "; not retrying, moved to " + spool_->rejected_dir() + "/");
      break;
  }
  // The receiver answered: whatever failed before is over.
  if (failures_ > 0) {
    to.log.Line("delivering to " + to.client.origin() + " again after " +
                std::to_string(failures_) + " failed attempts");
  }
  failures_ = 0;
  to.backoff.Reset();
  return 0;
}

void DeliveryWorker::NoteFailure(const std::string& name, const std::string& why) {
  Destination& to = *destination_;
  ++failures_;
  if (!IsPowerOfTwo(failures_)) return;  // 1, 2, 4, 8...: a long outage stays readable
  to.log.Line("cannot deliver " + std::string(Stem(name)) + " to " + to.client.origin() +
              " (" + std::to_string(failures_) + " consecutive failures): " + why +
              "; retrying, " + std::to_string(spool_->size()) + " escalations waiting");
}

bool DeliveryWorker::SleepFor(int64_t ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  std::unique_lock<std::mutex> lock(mu_);
  // A retry due at or after a drain's deadline could not even start in time: the drain
  // is over now, rather than at the deadline.
  const auto too_late = [&] { return draining_ && until >= drain_deadline_; };
  // A new destination ends the wait: the backoff was for the old one.
  cv_.wait_until(lock, until, [&] {
    return stopping_.load() || next_destination_ != nullptr || too_late();
  });
  if (stopping_) return false;
  if (next_destination_ == nullptr && too_late()) {
    EndDrain();
    return false;
  }
  return true;
}

}  // namespace decorum::escalate
