// Metrics: the daemon's counters, rendered in the Prometheus text format for GET /metrics.
//
// Hot-path cost: sessions count into a private BatchStats (plain integers) while they
// moderate a chunk of input, then Fold() it into the shared counters with one relaxed
// atomic add per non-zero counter. No lock and no per-comment atomic: the price is paid
// once per read, not once per comment. Per-rule and per-target hits live in the
// LiveGeneration they belong to (rule indices mean nothing across generations) and are
// summed by rule id when scraped, so counts survive a reload.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "decorum/decision.h"
#include "match/generation.h"
#include "plugin_host/plugin_chain.h"
#include "sinks/run_stats.h"

namespace decorum::serve {

// Why a record was an error, or a connection was refused or closed.
enum class ErrorKind : uint8_t {
  kLineTooLong = 0,   // a line over limits.max_line_bytes
  kInvalidComment,    // invalid JSON, missing or mistyped fields, an empty line
  kHttpBadRequest,    // every 400 (and 431) reply: a malformed request, a body that is not
                      // a comment object or array, or one invalid comment object (which
                      // also counts as the kind of its error record: kInvalidComment or
                      // kLineTooLong)
  kHttpBodyTooLarge,  // a body over http.max_body_bytes (413)
  kConnectionRejected,// over limits.max_connections
  kIdleTimeout,       // closed after limits.idle_timeout_seconds without progress
  kClientGone,        // a client that disconnected with an unfinished line
  kNotDurable,        // an acting plugin's flush failed (records withheld, stream closed /
                      // 503), or it refused one comment's decision (that record is an error)
};
inline constexpr int kErrorKindCount = 8;
const char* ErrorKindName(ErrorKind k);

// Decision latency buckets, in seconds: from the moment a chunk of input was read to the
// moment a comment's record was ready.
inline constexpr std::array<double, 14> kLatencyBounds = {
    5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 0.1, 1.0};

// Per-rule and per-target hit counters of one generation, with the ids they count, so
// Metrics can keep them after the generation itself (its Hyperscan databases) is freed.
struct GenerationCounters {
  explicit GenerationCounters(const Generation& gen);
  std::vector<std::string> rule_ids, target_ids;
  std::vector<std::atomic<uint64_t>> rule_hits;
  std::vector<std::atomic<uint64_t>> target_hits;
};

// A generation as the daemon serves it: the compiled rules, the plugin instances created
// with them, their hit counters and when they went live. Immutable but for the counters.
struct LiveGeneration {
  LiveGeneration(std::shared_ptr<const Generation> g, uint64_t n,
                 std::shared_ptr<PluginChain> p = nullptr);
  std::shared_ptr<const Generation> gen;
  std::shared_ptr<PluginChain> plugins;  // null: no plugins configured
  uint64_t number;          // 1 for the rules loaded at start, +1 per successful reload
  double loaded_unix_seconds;
  std::shared_ptr<GenerationCounters> counters;
};

// What one session counted since its last Fold(). Owned by one session; not shared.
struct BatchStats {
  RunStats run;                                     // actions and per-rule/target hits
  std::array<uint64_t, kErrorKindCount> errors{};
  std::array<uint64_t, kLatencyBounds.size() + 1> latency{};  // last: +Inf
  uint64_t latency_ns = 0;
  uint64_t latency_count = 0;

  void AddLatency(std::chrono::nanoseconds d);
  // After one line was moderated into `run`: counts why its record is an error record,
  // if it is one (over-long, a decision a plugin did not store, or an invalid comment),
  // and returns that. `errors_before` and `not_stored_before` are run's counters from
  // before the line.
  std::optional<ErrorKind> CountLineError(bool too_long, uint64_t errors_before, uint64_t not_stored_before);
  bool empty() const { return run.comments == 0 && latency_count == 0; }
};

class Metrics {
 public:
  Metrics();

  // Adds *batch to the shared counters (hits into `live`'s counters) and clears it.
  // REQUIRES: batch->run was counted against live.gen.
  void Fold(const LiveGeneration& live, BatchStats* batch);
  void CountError(ErrorKind k) { errors_[static_cast<int>(k)].fetch_add(1, std::memory_order_relaxed); }

  enum class Conn : uint8_t { kStream = 0, kHttp = 1 };
  void ConnectionOpened(Conn c);
  void ConnectionClosed(Conn c);
  void BackpressurePaused() { paused_.fetch_add(1, std::memory_order_relaxed); }
  void ReloadDone(bool ok) { (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, std::memory_order_relaxed); }

  // Makes `live` the generation reported as served; its hit counters join the totals
  // and stay there after later reloads.
  void SetCurrent(std::shared_ptr<const LiveGeneration> live);

  // The Prometheus text exposition (version 0.0.4) of everything above.
  std::string Render() const;

 private:
  std::array<std::atomic<uint64_t>, kActionCount> actions_{};
  std::array<std::atomic<uint64_t>, kErrorKindCount> errors_{};
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency_{};
  std::atomic<uint64_t> latency_ns_{0}, latency_count_{0};
  std::array<std::atomic<int64_t>, 2> active_{};
  std::array<std::atomic<uint64_t>, 2> accepted_{};
  std::atomic<uint64_t> paused_{0}, reloads_ok_{0}, reloads_failed_{0};
  const double start_unix_seconds_;

  mutable std::mutex mu_;  // guards the two below; taken on reload and scrape only
  std::vector<std::shared_ptr<const GenerationCounters>> counters_;
  std::shared_ptr<const LiveGeneration> current_;
};

}  // namespace decorum::serve
