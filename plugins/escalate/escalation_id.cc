#include "escalation_id.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>

namespace decorum::escalate {

namespace {

constexpr size_t kMsDigits = 16;
constexpr size_t kSeqDigits = 6;
constexpr int64_t kSeqLimit = 1'000'000;  // 10^kSeqDigits: past it the clock moves on

bool ParseDigits(std::string_view s, int64_t* out) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

uint64_t RandomNonce() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

EscalationIdGenerator::EscalationIdGenerator() : nonce_(RandomNonce()) {}

void EscalationIdGenerator::Observe(std::string_view name) {
  int64_t ms = 0, seq = 0;
  if (name.size() < kMsDigits + 1 + kSeqDigits || name[kMsDigits] != '-' ||
      !ParseDigits(name.substr(0, kMsDigits), &ms) ||
      !ParseDigits(name.substr(kMsDigits + 1, kSeqDigits), &seq)) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (ms > last_ms_ || (ms == last_ms_ && seq > seq_)) {
    last_ms_ = ms;
    seq_ = seq;
  }
}

std::string EscalationIdGenerator::Next() {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  int64_t ms, seq;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now > last_ms_) {
      last_ms_ = now;
      seq_ = 0;
    } else if (++seq_ == kSeqLimit) {
      ++last_ms_;
      seq_ = 0;
    }
    ms = last_ms_;
    seq = seq_;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%016lld-%06lld-%016llx", static_cast<long long>(ms),
                static_cast<long long>(seq), static_cast<unsigned long long>(nonce_));
  return buf;
}

}  // namespace decorum::escalate
