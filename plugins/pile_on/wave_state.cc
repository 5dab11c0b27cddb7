#include "pile_on/wave_state.h"

namespace decorum::plugins {

WaveState::Step WaveState::Observe(const WaveRule& rule, uint32_t count_before,
                                   uint32_t count, size_t authors) {
  // The window only moves when a comment arrives, so the cool-down is noticed here, on
  // the first comment after it, and judged on the count without that comment.
  if (active_ && count_before < rule.cooldown_ratio * rule.threshold) active_ = false;
  if (active_) return Step::kOngoing;
  if (count >= rule.threshold && authors >= rule.min_authors) {
    active_ = true;
    return Step::kStarted;
  }
  return Step::kQuiet;
}

}  // namespace decorum::plugins
