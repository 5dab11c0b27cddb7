// What to do after a delivery attempt, and how long to wait before the next one.
#pragma once

#include <cstdint>
#include <random>

namespace decorum::escalate {

enum class Outcome {
  kDelivered,  // 2xx: the receiver has it; delete the file
  kRetry,      // the receiver may take it later: keep it at the head of the queue
  kReject,     // the receiver refused it for good: move it aside for a person
};

// Classifies an HTTP status. 408, 429 and 5xx are the receiver's temporary trouble;
// any other 4xx says this request will never succeed. 1xx and 3xx (redirects are not
// followed) point at a misconfigured URL, which fixing the configuration cures, so they
// are retried rather than moving every escalation aside. A transport error (no status
// at all) is always kRetry and never reaches this function.
Outcome ClassifyStatus(long http_status);

// Exponential backoff with jitter: the n-th consecutive failure waits a random time in
// [d/2, d] where d = min(initial * 2^(n-1), max), so instances that failed together do
// not retry in lockstep. Not thread-safe (one per delivery thread).
class Backoff {
 public:
  // REQUIRES: 1 <= initial_ms <= max_ms.
  Backoff(int64_t initial_ms, int64_t max_ms, uint64_t seed);

  // The delay before the next attempt after one more failure. A server's Retry-After
  // (`hint_ms` > 0) is honoured as a lower bound, but never beyond max_ms.
  int64_t NextDelayMs(int64_t hint_ms = 0);

  // After a success: the next failure starts again from initial_ms.
  void Reset() { current_ms_ = initial_ms_; }

 private:
  const int64_t initial_ms_;
  const int64_t max_ms_;
  int64_t current_ms_;
  std::mt19937_64 rng_;
};

}  // namespace decorum::escalate
