#include "pile_on/pile_on_tracker.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum::plugins {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

TEST(PileOnTrackerTest, TargetsStayAtTheCapWhateverTheirNumber) {
  PileOnConfig config;  // max_targets 1024
  PileOnTracker tracker(config);
  for (int i = 0; i < 100'000; ++i) {
    tracker.Observe("target-" + std::to_string(i), "author-" + std::to_string(i), kT0 + i);
  }
  EXPECT_EQ(tracker.tracked_targets(), 1024u);
}

TEST(PileOnTrackerTest, AuthorsPerTargetStayAtTheCap) {
  PileOnConfig config;  // max_authors_per_target 4096
  PileOnTracker tracker(config);
  PileOnTracker::Observation last;
  for (int i = 0; i < 100'000; ++i) {
    last = tracker.Observe("anna-delvey", "author-" + std::to_string(i), kT0 + i / 10);
  }
  EXPECT_EQ(tracker.tracked_authors("anna-delvey"), 4096u);
  EXPECT_EQ(last.count, 100'000u);
  EXPECT_EQ(last.authors, 4096u);
  EXPECT_TRUE(last.authors_capped);
  EXPECT_EQ(tracker.tracked_authors("nobody"), 0u);
}

TEST(PileOnTrackerTest, AnActiveTargetOutlivesAStreamOfOneOffTargets) {
  PileOnConfig config;
  config.threshold = 3;
  config.min_authors = 1;
  PileOnTracker tracker(config);
  int started = 0;
  for (int i = 0; i < 50'000; ++i) {
    const int64_t t = kT0 + i;  // 50 s in all: the hot target's wave never cools
    tracker.Observe("cold-" + std::to_string(i), "a", t);
    if (i % 100 == 0) {
      started += tracker.Observe("hot", "a", t).step == WaveState::Step::kStarted;
    }
  }
  // Had "hot" been evicted, its wave would have started again.
  EXPECT_EQ(started, 1);
  EXPECT_EQ(tracker.tracked_authors("hot"), 1u);
  EXPECT_EQ(tracker.tracked_targets(), 1024u);
}

TEST(PileOnTrackerTest, EventsOlderThanTheWindowAreNotCounted) {
  PileOnConfig config;
  PileOnTracker tracker(config);
  EXPECT_TRUE(tracker.Observe("t", "a", kT0 + 100'000).counted);
  const PileOnTracker::Observation o = tracker.Observe("t", "b", kT0);
  EXPECT_FALSE(o.counted);
  EXPECT_EQ(o.step, WaveState::Step::kQuiet);
  EXPECT_EQ(tracker.Observe("t", "c", kT0 + 99'000).count, 2u);
}

TEST(PileOnTrackerTest, AnonymousCommentsAreOneAuthor) {
  PileOnConfig config;
  PileOnTracker tracker(config);
  PileOnTracker::Observation o;
  for (int i = 0; i < 30; ++i) o = tracker.Observe("t", "", kT0 + i);
  EXPECT_EQ(o.count, 30u);
  EXPECT_EQ(o.authors, 1u);
  EXPECT_EQ(o.step, WaveState::Step::kQuiet);  // min_authors 5
}

}  // namespace
}  // namespace decorum::plugins
