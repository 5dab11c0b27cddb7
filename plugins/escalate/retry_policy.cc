#include "retry_policy.h"

#include <algorithm>

namespace decorum::escalate {

Outcome ClassifyStatus(long http_status) {
  if (http_status >= 200 && http_status < 300) return Outcome::kDelivered;
  if (http_status == 408 || http_status == 429) return Outcome::kRetry;
  if (http_status >= 400 && http_status < 500) return Outcome::kReject;
  return Outcome::kRetry;
}

Backoff::Backoff(int64_t initial_ms, int64_t max_ms, uint64_t seed)
    : initial_ms_(initial_ms), max_ms_(max_ms), current_ms_(initial_ms), rng_(seed) {}

int64_t Backoff::NextDelayMs(int64_t hint_ms) {
  const int64_t d = current_ms_;
  std::uniform_int_distribution<int64_t> jitter(d / 2, d);
  int64_t delay = std::max<int64_t>(1, jitter(rng_));
  if (hint_ms > 0) delay = std::max(delay, std::min(hint_ms, max_ms_));
  current_ms_ = std::min(max_ms_, d > max_ms_ / 2 ? max_ms_ : d * 2);
  return delay;
}

}  // namespace decorum::escalate
