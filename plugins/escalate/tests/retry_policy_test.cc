// The retry decisions and the backoff schedule, fed directly.
#include "retry_policy.h"

#include <gtest/gtest.h>

namespace decorum::escalate {
namespace {

TEST(EscalateClassifyStatusTest, SuccessTemporaryAndPermanent) {
  for (long s : {200L, 201L, 202L, 204L, 299L}) EXPECT_EQ(ClassifyStatus(s), Outcome::kDelivered) << s;
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) EXPECT_EQ(ClassifyStatus(s), Outcome::kRetry) << s;
  for (long s : {400L, 401L, 403L, 404L, 409L, 413L, 422L}) EXPECT_EQ(ClassifyStatus(s), Outcome::kReject) << s;
  // A redirect (not followed) or an interim answer means a misconfigured URL: keep the
  // file and retry rather than move everything aside.
  for (long s : {100L, 301L, 302L, 307L}) EXPECT_EQ(ClassifyStatus(s), Outcome::kRetry) << s;
}

TEST(EscalateBackoffTest, DoublesWithJitterUpToTheMaximum) {
  Backoff b(100, 1000, /*seed=*/42);
  int64_t base = 100;
  for (int i = 0; i < 10; ++i) {
    const int64_t d = b.NextDelayMs();
    EXPECT_GE(d, base / 2) << i;
    EXPECT_LE(d, base) << i;
    base = std::min<int64_t>(base * 2, 1000);
  }
  b.Reset();
  EXPECT_LE(b.NextDelayMs(), 100);
}

TEST(EscalateBackoffTest, JitterSpreadsTheDelays) {
  Backoff a(1000, 1000, 1), b(1000, 1000, 2);
  int differing = 0;
  for (int i = 0; i < 20; ++i) differing += a.NextDelayMs() != b.NextDelayMs();
  EXPECT_GT(differing, 10);
}

TEST(EscalateBackoffTest, RetryAfterIsALowerBoundCappedAtTheMaximum) {
  Backoff b(10, 5000, 7);
  EXPECT_EQ(b.NextDelayMs(/*hint_ms=*/3000), 3000);
  EXPECT_EQ(b.NextDelayMs(/*hint_ms=*/3600000), 5000);
  EXPECT_LE(b.NextDelayMs(), 40);
}

TEST(EscalateBackoffTest, NeverZeroAndNoOverflowNearTheTop) {
  Backoff tiny(1, 1, 3);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(tiny.NextDelayMs(), 1);
  Backoff big(1, INT64_MAX / 2 + 5, 3);
  for (int i = 0; i < 80; ++i) EXPECT_GT(big.NextDelayMs(), 0);
}

}  // namespace
}  // namespace decorum::escalate
