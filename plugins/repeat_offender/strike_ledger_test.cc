#include "repeat_offender/strike_ledger.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace decorum::plugins {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;

TEST(StrikeLedgerTest, StrikesHalveEveryHalfLife) {
  StrikeLedger ledger(3600, 100);
  ledger.Add("u", 8, kT0);
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0), 8);
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0 + kHour), 4);
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0 + 3 * kHour), 1);
  EXPECT_NEAR(ledger.Strikes("u", kT0 + kHour / 2), 8 / std::sqrt(2.0), 1e-9);
  // A new strike adds to what is left.
  ledger.Add("u", 1, kT0 + kHour);
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0 + kHour), 5);
  EXPECT_EQ(ledger.Strikes("someone else", kT0), 0);
}

TEST(StrikeLedgerTest, EarlierEventsNeverSeeStrikesGrow) {
  StrikeLedger ledger(3600, 100);
  ledger.Add("u", 1, kT0 + kHour);
  // A strike stamped an hour earlier arrives late: it has already halved by then.
  ledger.Add("u", 1, kT0);
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0 + kHour), 1.5);
  // Read at an earlier time, the strikes are as of the entry's time, not grown.
  EXPECT_DOUBLE_EQ(ledger.Strikes("u", kT0), 1.5);
}

TEST(StrikeLedgerTest, ForgetsAuthorsWhoseStrikesDecayedAway) {
  StrikeLedger ledger(3600, 100);
  ledger.Add("u", 1, kT0);
  EXPECT_EQ(ledger.tracked_authors(), 1u);
  // 2^-7 = 0.0078 < kForgetBelow.
  EXPECT_EQ(ledger.Strikes("u", kT0 + 7 * kHour), 0);
  EXPECT_EQ(ledger.tracked_authors(), 0u);
}

TEST(StrikeLedgerTest, AuthorsStayAtTheCapWhateverTheirNumber) {
  StrikeLedger ledger(3600, 100'000);
  for (int i = 0; i < 150'000; ++i) ledger.Add("author-" + std::to_string(i), 1, kT0 + i);
  EXPECT_EQ(ledger.tracked_authors(), 100'000u);
  // The ones seen last are still there; the first ones were forgotten.
  EXPECT_DOUBLE_EQ(ledger.Strikes("author-149999", kT0 + 149'999), 1);
  EXPECT_EQ(ledger.Strikes("author-0", kT0 + 149'999), 0);
}

TEST(StrikeLedgerTest, ASmallCapIsKeptExactly) {
  StrikeLedger ledger(3600, 7);
  for (int i = 0; i < 1000; ++i) ledger.Add("author-" + std::to_string(i), 1, kT0);
  EXPECT_EQ(ledger.tracked_authors(), 7u);
}

}  // namespace
}  // namespace decorum::plugins
