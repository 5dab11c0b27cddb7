// CallCounters: how many calls of each kind one plugin instance took, and how many
// failed, counted by every thread that calls it without the threads sharing a cache line.
//
// Every comment counts a call on each plugin it reaches, from whichever worker or io
// thread moderates it. One shared atomic per counter made that line move between the
// cores on every comment (perf of `decorum score -t 2` with plugins put most of
// PluginChain::Score's own time on that one `lock add`). So each thread adds to one of
// kStripes stripes, cache lines of its own, picked once per thread in turn; a read sums
// the stripes. Threads beyond kStripes share stripes, which stays correct, only slower.
//
// Ordering: Add() is a release and Get() reads with acquire, so a caller that reads a
// count also sees everything the counting threads did before they counted; Flush relies
// on that for the calls it makes durable (kActsDone).
//
// Thread safety: Add() and Get() from any number of threads. A Get() under concurrent
// Add()s returns a value between the count when it began and the count when it ended.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace decorum {

enum class PluginCall : uint8_t {
  kScoreCalls,
  kScoreErrors,
  kActCalls,
  kActErrors,
  kActsDone,  // on_decision() calls that have returned (or been abandoned), failed or not
  kFlushCalls,
  kFlushErrors,
  kTimeouts,  // calls abandoned past, or refused for, the budget
  kCount,
};

// A reading of every counter of one instance, for metrics, the run summary and tests.
struct PluginCallCounts {
  uint64_t score_calls = 0;
  uint64_t score_errors = 0;
  uint64_t act_calls = 0;
  uint64_t act_errors = 0;
  uint64_t flush_calls = 0;
  uint64_t flush_errors = 0;
  uint64_t timeouts = 0;
};

class CallCounters {
 public:
  void Add(PluginCall c) {
    stripes_[ThisThreadStripe()].n[Index(c)].fetch_add(1, std::memory_order_release);
  }

  uint64_t Get(PluginCall c) const {
    uint64_t sum = 0;
    for (const Stripe& s : stripes_) sum += s.n[Index(c)].load(std::memory_order_acquire);
    return sum;
  }

  PluginCallCounts Read() const {
    return {Get(PluginCall::kScoreCalls), Get(PluginCall::kScoreErrors),
            Get(PluginCall::kActCalls),   Get(PluginCall::kActErrors),
            Get(PluginCall::kFlushCalls), Get(PluginCall::kFlushErrors),
            Get(PluginCall::kTimeouts)};
  }

 private:
  static constexpr size_t kStripes = 8;
  static constexpr size_t kKinds = static_cast<size_t>(PluginCall::kCount);

  // 128, not 64: the core's adjacent-line prefetcher pairs lines, and two workers
  // usually hold neighbouring stripes.
  struct alignas(128) Stripe {
    std::atomic<uint64_t> n[kKinds] = {};
  };

  static size_t Index(PluginCall c) { return static_cast<size_t>(c); }

  // The same for every CallCounters, so a worker's stripes of all instances are its own.
  static size_t ThisThreadStripe() {
    static std::atomic<size_t> next{0};
    thread_local const size_t stripe = next.fetch_add(1, std::memory_order_relaxed) % kStripes;
    return stripe;
  }

  Stripe stripes_[kStripes];
};

}  // namespace decorum
