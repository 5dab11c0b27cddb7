#include "pile_on/wave_state.h"

#include <gtest/gtest.h>

namespace decorum::plugins {
namespace {

using Step = WaveState::Step;
const WaveRule kRule{/*threshold=*/20, /*min_authors=*/5, /*cooldown_ratio=*/0.5};

TEST(WaveStateTest, StartsOnceAtTheThresholdAndContinuesUntilTheCoolDown) {
  WaveState w;
  for (uint32_t n = 1; n < 20; ++n) EXPECT_EQ(w.Observe(kRule, n - 1, n, 10), Step::kQuiet);
  EXPECT_EQ(w.Observe(kRule, 19, 20, 10), Step::kStarted);
  EXPECT_TRUE(w.active());
  EXPECT_EQ(w.Observe(kRule, 20, 21, 10), Step::kOngoing);
  // Hysteresis: dipping below the threshold is not the end, below half of it is.
  EXPECT_EQ(w.Observe(kRule, 10, 11, 10), Step::kOngoing);
  EXPECT_EQ(w.Observe(kRule, 9, 10, 10), Step::kQuiet);
  EXPECT_FALSE(w.active());
  // The next wave escalates again.
  EXPECT_EQ(w.Observe(kRule, 19, 20, 10), Step::kStarted);
}

TEST(WaveStateTest, NeedsEnoughDistinctAuthors) {
  WaveState w;
  EXPECT_EQ(w.Observe(kRule, 49, 50, 4), Step::kQuiet);
  EXPECT_EQ(w.Observe(kRule, 50, 51, 5), Step::kStarted);
}

TEST(WaveStateTest, AnEndedWaveCanRestartOnTheSameComment) {
  // With a ratio of 1 the end and the restart levels meet.
  const WaveRule rule{10, 1, 1.0};
  WaveState w;
  EXPECT_EQ(w.Observe(rule, 9, 10, 1), Step::kStarted);
  EXPECT_EQ(w.Observe(rule, 9, 10, 1), Step::kStarted);
}

}  // namespace
}  // namespace decorum::plugins
