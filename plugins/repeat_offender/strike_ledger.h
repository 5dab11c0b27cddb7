// StrikeLedger: each author's strikes, decaying exponentially in event time.
//
// Strikes halve every half-life, so an author who misbehaved once a week ago is not
// treated like one who did so five minutes ago, without any timer or sweep: an entry
// holds (strikes, as of when) and is decayed when read.
//
// Event time can run backwards a little (comments come from several worker threads), so
// an earlier event never sees strikes grow: it reads them as of the entry's own time, and
// a strike recorded at an earlier time is added already decayed to that time.
//
// Memory stays bounded: at most max_authors authors (about 100 bytes each) are
// remembered. When full, the least recently seen author — by Add() or Strikes() — is
// forgotten (chosen within its shard; see Sharded); an author whose strikes have decayed
// below kForgetBelow is forgotten the next time it is read.
//
// Thread safety: every member may be called concurrently from any number of threads.
// Authors are sharded by the hash of their name, each shard under its own mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "support/lru_map.h"
#include "support/sharded.h"

namespace decorum::plugins {

class StrikeLedger {
 public:
  // Strikes below this are as good as none, and not worth a slot.
  static constexpr double kForgetBelow = 0.01;

  // REQUIRES: half_life_seconds > 0, max_authors >= 1.
  StrikeLedger(double half_life_seconds, size_t max_authors);

  // Records `weight` strikes (>= 0) for `author` at `event_ms` (epoch ms).
  void Add(std::string_view author, double weight, int64_t event_ms);

  // The author's strikes decayed to `event_ms`; 0 for an author never seen or forgotten.
  double Strikes(std::string_view author, int64_t event_ms);

  // The number of authors remembered (at most max_authors); for tests and diagnostics,
  // approximate under concurrent calls.
  size_t tracked_authors() const;

 private:
  struct Entry {
    double strikes;
    int64_t as_of_ms;  // the event time `strikes` is valid at
  };

  // The factor strikes keep after `elapsed_ms` (>= 0) of event time.
  double Decay(int64_t elapsed_ms) const;

  const double half_life_ms_;
  Sharded<LruMap<Entry>> authors_;
};

}  // namespace decorum::plugins
