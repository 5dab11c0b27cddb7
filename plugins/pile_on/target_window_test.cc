#include "pile_on/target_window.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace decorum::plugins {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // epoch ms, a whole second
constexpr int64_t kSec = 1000;

TEST(TargetWindowTest, CountsTheLastWindowSecondsUpToTheNewestEvent) {
  TargetWindow w(60, 100);
  for (int s = 0; s < 60; ++s) ASSERT_TRUE(w.Add(kT0 + s * kSec, 1));
  EXPECT_EQ(w.count(), 60u);
  // Second 60 pushes second 0 out.
  ASSERT_TRUE(w.Add(kT0 + 60 * kSec + 999, 1));
  EXPECT_EQ(w.count(), 60u);
  // A jump past the whole window empties it.
  ASSERT_TRUE(w.Add(kT0 + 500 * kSec, 1));
  EXPECT_EQ(w.count(), 1u);
}

TEST(TargetWindowTest, OutOfOrderEventsInsideTheWindowCountOlderOnesDoNot) {
  TargetWindow w(60, 100);
  ASSERT_TRUE(w.Add(kT0 + 100 * kSec, 1));
  EXPECT_TRUE(w.Add(kT0 + 98 * kSec, 2));   // late, inside (40 s, 100 s]
  EXPECT_TRUE(w.Add(kT0 + 41 * kSec, 3));   // the oldest second still inside
  EXPECT_FALSE(w.Add(kT0 + 40 * kSec, 4));  // one second too old
  EXPECT_EQ(w.count(), 3u);
  EXPECT_EQ(w.authors(), 3u);
  // Moving on by one second drops the event at 41 s and its author.
  ASSERT_TRUE(w.Add(kT0 + 101 * kSec, 1));
  EXPECT_EQ(w.count(), 3u);
  EXPECT_EQ(w.authors(), 2u);
}

TEST(TargetWindowTest, DistinctAuthorsExpireWithTheirLastComment) {
  TargetWindow w(60, 100);
  ASSERT_TRUE(w.Add(kT0, 7));
  ASSERT_TRUE(w.Add(kT0 + 50 * kSec, 7));  // author 7 again, later
  ASSERT_TRUE(w.Add(kT0 + 50 * kSec, 8));
  EXPECT_EQ(w.authors(), 2u);
  // At 70 s the comment at 0 s is gone, but author 7 was last seen at 50 s.
  ASSERT_TRUE(w.Add(kT0 + 70 * kSec, 9));
  EXPECT_EQ(w.count(), 3u);
  EXPECT_EQ(w.authors(), 3u);
  // A late comment from 7 does not move its last-seen time backwards.
  ASSERT_TRUE(w.Add(kT0 + 20 * kSec, 7));
  ASSERT_TRUE(w.Add(kT0 + 109 * kSec, 9));  // window (49 s, 109 s]
  EXPECT_EQ(w.authors(), 3u);
  ASSERT_TRUE(w.Add(kT0 + 110 * kSec, 9));  // window (50 s, 110 s]: 7 and 8 expire
  EXPECT_EQ(w.authors(), 1u);
}

TEST(TargetWindowTest, ForgetsTheAuthorSeenLongestAgoWhenFull) {
  TargetWindow w(60, 2);
  ASSERT_TRUE(w.Add(kT0 + 1 * kSec, 1));
  ASSERT_TRUE(w.Add(kT0 + 2 * kSec, 2));
  ASSERT_TRUE(w.Add(kT0 + 3 * kSec, 3));  // forgets 1
  EXPECT_EQ(w.authors(), 2u);
  EXPECT_TRUE(w.authors_capped());
  EXPECT_EQ(w.count(), 3u);  // comments are counted regardless
  // 1 comes back as a new author and pushes out 2, the oldest now; 3 stays.
  ASSERT_TRUE(w.Add(kT0 + 4 * kSec, 1));
  ASSERT_TRUE(w.Add(kT0 + 4 * kSec, 3));
  EXPECT_EQ(w.authors(), 2u);
  // Expiry still finds everyone: after the window passes, nobody is left.
  ASSERT_TRUE(w.Add(kT0 + 200 * kSec, 5));
  EXPECT_EQ(w.authors(), 1u);
}

TEST(TargetWindowTest, AuthorsStayAtTheCapWhateverTheirNumber) {
  TargetWindow w(60, 4096);
  for (uint64_t a = 0; a < 100'000; ++a) {
    ASSERT_TRUE(w.Add(kT0 + static_cast<int64_t>(a % 30'000), a));
  }
  EXPECT_EQ(w.count(), 100'000u);
  EXPECT_EQ(w.authors(), 4096u);
  EXPECT_TRUE(w.authors_capped());
}

TEST(TargetWindowTest, TimesBeforeTheEpochUseFlooredSeconds) {
  TargetWindow w(2, 10);
  ASSERT_TRUE(w.Add(-1, 1));       // second -1
  ASSERT_TRUE(w.Add(-1000, 2));    // second -1 too
  ASSERT_TRUE(w.Add(999, 3));      // second 0: window (-2, 0] keeps -1
  EXPECT_EQ(w.count(), 3u);
  ASSERT_TRUE(w.Add(1000, 3));     // second 1: window (-1, 1] drops -1
  EXPECT_EQ(w.count(), 2u);
  EXPECT_EQ(w.authors(), 1u);
}

}  // namespace
}  // namespace decorum::plugins
