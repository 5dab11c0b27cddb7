// PileOnTracker: the pile-on state of every target that hostile comments are about — a
// TargetWindow and a WaveState each.
//
// Memory stays bounded however many targets and authors the stream brings: at most
// max_targets targets are tracked, and when a new one arrives the least recently active is
// forgotten (chosen within its shard; see Sharded), along with its window and wave. Each
// target holds at most max_authors_per_target authors (TargetWindow).
//
// Thread safety: Observe() and the introspection may be called concurrently from any
// number of threads. Targets are sharded by the hash of their id; a call locks only the
// shard of its target, and creating or forgetting a target happens under that same shard
// lock, so there is no global lock at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pile_on/pile_on_config.h"
#include "pile_on/target_window.h"
#include "pile_on/wave_state.h"
#include "support/lru_map.h"
#include "support/sharded.h"

namespace decorum::plugins {

class PileOnTracker {
 public:
  // What one hostile comment did to its target's state.
  struct Observation {
    bool counted = false;  // false: older than the target's window, so ignored
    WaveState::Step step = WaveState::Step::kQuiet;
    uint32_t count = 0;    // hostile comments in the window, this one included
    size_t authors = 0;    // distinct authors among them
    bool authors_capped = false;  // authors is a lower bound (max_authors_per_target hit)
  };

  // Keeps the limits and thresholds of `config`; does not keep a reference to it.
  explicit PileOnTracker(const PileOnConfig& config);

  // Records one hostile comment about `target` by `author` (empty: the one anonymous
  // author) at `event_ms`, epoch ms of event time.
  Observation Observe(std::string_view target, std::string_view author, int64_t event_ms);

  // Introspection for tests and diagnostics; the shards are visited one after another,
  // so under concurrent Observe() calls the answer is approximate.
  // The number of targets tracked (at most max_targets).
  size_t tracked_targets() const;
  // The distinct authors remembered for `target` (at most max_authors_per_target); 0 when
  // the target is not tracked.
  size_t tracked_authors(std::string_view target) const;

 private:
  struct Target {
    TargetWindow window;
    WaveState wave;
  };

  static uint64_t Key(std::string_view s);

  const int64_t window_seconds_;
  const size_t max_authors_per_target_;
  const WaveRule rule_;
  Sharded<LruMap<Target>> targets_;
};

}  // namespace decorum::plugins
