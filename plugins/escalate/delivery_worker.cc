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

DeliveryWorker::DeliveryWorker(const Config& config, Spool* spool, const StderrLog* log)
    : spool_(spool),
      log_(log),
      client_(config, &stopping_),
      backoff_(config.initial_backoff_ms, config.max_backoff_ms, std::random_device()()),
      thread_([this] { Run(); }) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::Run() {
  while (!stopping_) {
    std::optional<std::string> head = spool_->Oldest();
    if (!head) {
      std::unique_lock<std::mutex> lock(mu_);
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
      delay_ms = backoff_.NextDelayMs();
    }
    if (delay_ms > 0 && !SleepFor(delay_ms)) break;
  }
}

int64_t DeliveryWorker::DeliverOne(const std::string& name) {
  const std::string path = spool_->dir() + "/" + name;
  std::optional<std::string> body;
  try {
    body = spool_->Read(name);
  } catch (const std::exception& e) {
    NoteFailure(name, e.what());
    return backoff_.NextDelayMs();
  }
  if (!body) {
    log_->Line(path + " was removed before it could be delivered (not by this plugin)");
    spool_->Forget(name);
    return 0;
  }
  if (!IsJsonObject(*body)) {
    try {
      spool_->Reject(name);
    } catch (const std::exception& e) {
      NoteFailure(name, e.what());
      return backoff_.NextDelayMs();
    }
    log_->Line(path + " is not a complete JSON object (written just before a crash?); "
               "moved to " + spool_->rejected_dir() + "/ without sending it");
    return 0;
  }

  const PostResult result = client_.Post(*body, Stem(name));
  if (!result.answered) {
    if (stopping_) return 0;  // abandoned by Stop(): not a failure worth a log line
    NoteFailure(name, result.error);
    return backoff_.NextDelayMs();
  }
  const std::string answer = "HTTP " + std::to_string(result.status) +
                             (result.response_start.empty()
                                  ? std::string()
                                  : " \"" + Quote(result.response_start) + "\"");
  switch (ClassifyStatus(result.status)) {
    case Outcome::kRetry:
      NoteFailure(name, answer);
      return backoff_.NextDelayMs(result.retry_after_ms);
    case Outcome::kDelivered:
      try {
        spool_->Remove(name);
      } catch (const std::exception& e) {
        log_->Line(std::string(e.what()) +
                   " after delivering it; it will be sent again after a restart");
      }
      break;
    case Outcome::kReject:
      try {
        spool_->Reject(name);
      } catch (const std::exception& e) {
        NoteFailure(name, answer + ", and it cannot be moved aside: " + e.what());
        return backoff_.NextDelayMs();
      }
      log_->Line(client_.origin() + " refused " + std::string(Stem(name)) + " with " +
                 answer + "; not retrying, moved to " + spool_->rejected_dir() + "/");
      break;
  }
  // The receiver answered: whatever failed before is over.
  if (failures_ > 0) {
    log_->Line("delivering to " + client_.origin() + " again after " +
               std::to_string(failures_) + " failed attempts");
  }
  failures_ = 0;
  backoff_.Reset();
  return 0;
}

void DeliveryWorker::NoteFailure(const std::string& name, const std::string& why) {
  ++failures_;
  if (!IsPowerOfTwo(failures_)) return;  // 1, 2, 4, 8...: a long outage stays readable
  log_->Line("cannot deliver " + std::string(Stem(name)) + " to " + client_.origin() +
             " (" + std::to_string(failures_) + " consecutive failures): " + why +
             "; retrying, " + std::to_string(spool_->size()) + " escalations waiting");
}

bool DeliveryWorker::SleepFor(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
}

}  // namespace decorum::escalate
