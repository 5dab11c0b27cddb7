// WaveState: whether one target is in a pile-on wave right now.
//
// A wave starts when the window reaches `threshold` hostile comments from at least
// `min_authors` distinct authors, and ends only once the count falls below
// cooldown_ratio × threshold. The gap between the two is deliberate hysteresis: a wave
// hovering around the threshold escalates once, not at every crossing, and moderators get
// one escalation per wave.
//
// Thread safety: none; PileOnTracker locks around it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace decorum::plugins {

struct WaveRule {
  uint32_t threshold;
  uint32_t min_authors;
  double cooldown_ratio;  // in (0, 1]
};

class WaveState {
 public:
  enum class Step {
    kQuiet,    // no wave: the comment is just hostile
    kStarted,  // this comment started a wave (escalate it)
    kOngoing,  // a wave was already on (boost it)
  };

  // Steps the state for one counted hostile comment. `count_before` is the window's count
  // once older events have expired but before this comment; `count` and `authors` include
  // it. A wave whose count fell below the cool-down level ends first, so this very
  // comment may start the next one.
  Step Observe(const WaveRule& rule, uint32_t count_before, uint32_t count, size_t authors);

  bool active() const { return active_; }

 private:
  bool active_ = false;
};

}  // namespace decorum::plugins
