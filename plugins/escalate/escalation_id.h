// Escalation ids: the spool file name stem and the webhook's Idempotency-Key.
//
// An id is "<ms:16 digits>-<seq:6 digits>-<nonce:16 hex>", e.g.
// "0001718000000000-000003-9f2c4e1a0b7d3c55". The (ms, seq) prefix is a logical clock,
// so ids sort in the order they were issued, within a run and across restarts even if
// the wall clock steps back; the nonce (random per run) keeps two engines that share a
// receiver from ever issuing the same key, which the receiver would de-duplicate away.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace decorum::escalate {

class EscalationIdGenerator {
 public:
  EscalationIdGenerator();

  // Makes every id issued from now on sort after `name` (a spool file name or an id);
  // a name that does not start like an id is ignored. Thread-safe.
  void Observe(std::string_view name);

  // Returns a new id, greater than every id issued or observed before. Thread-safe.
  std::string Next();

 private:
  std::mutex mu_;
  int64_t last_ms_ = -1;  // guarded by mu_
  int64_t seq_ = 0;       // guarded by mu_
  const uint64_t nonce_;
};

}  // namespace decorum::escalate
