// DecideAction: the total score and floor against the policy thresholds.
#include "decide/policy_decider.h"

#include <gtest/gtest.h>

namespace decorum {
namespace {

Evaluation Ev(double score, Action floor = Action::kAllow) {
  Evaluation e;
  e.score = score;
  e.floor = floor;
  return e;
}

TEST(PolicyDeciderTest, ThresholdsAreInclusive) {
  Policy p;  // 2 / 5 / 10
  EXPECT_EQ(DecideAction(p, Ev(0)), Action::kAllow);
  EXPECT_EQ(DecideAction(p, Ev(1.999)), Action::kAllow);
  EXPECT_EQ(DecideAction(p, Ev(2)), Action::kFlag);
  EXPECT_EQ(DecideAction(p, Ev(4.999)), Action::kFlag);
  EXPECT_EQ(DecideAction(p, Ev(5)), Action::kQuarantine);
  EXPECT_EQ(DecideAction(p, Ev(9.999)), Action::kQuarantine);
  EXPECT_EQ(DecideAction(p, Ev(10)), Action::kEscalate);
  EXPECT_EQ(DecideAction(p, Ev(1e9)), Action::kEscalate);
}

TEST(PolicyDeciderTest, ZeroScoreNeverActsEvenWithZeroThresholds) {
  Policy p;
  p.flag = 0;
  p.quarantine = 0;
  p.escalate = 0;
  EXPECT_EQ(DecideAction(p, Ev(0)), Action::kAllow);
  EXPECT_EQ(DecideAction(p, Ev(0.001)), Action::kEscalate);
  p.escalate = 3;
  p.quarantine = 1;
  EXPECT_EQ(DecideAction(p, Ev(0.5)), Action::kFlag);
}

TEST(PolicyDeciderTest, FloorOnlyRaises) {
  Policy p;
  EXPECT_EQ(DecideAction(p, Ev(0, Action::kQuarantine)), Action::kQuarantine);
  EXPECT_EQ(DecideAction(p, Ev(2, Action::kEscalate)), Action::kEscalate);
  EXPECT_EQ(DecideAction(p, Ev(10, Action::kFlag)), Action::kEscalate);
  EXPECT_EQ(DecideAction(p, Ev(6, Action::kFlag)), Action::kQuarantine);
}

TEST(ActionTest, NamesRoundTrip) {
  for (int i = 0; i < kActionCount; ++i) {
    const Action a = static_cast<Action>(i);
    Action parsed = Action::kAllow;
    ASSERT_TRUE(ParseAction(ActionName(a), &parsed)) << ActionName(a);
    EXPECT_EQ(parsed, a);
  }
  EXPECT_EQ(ActionName(Action::kEscalate), "escalate");
  Action x;
  EXPECT_FALSE(ParseAction("error", &x));
  EXPECT_FALSE(ParseAction("Flag", &x));
  EXPECT_LT(Action::kAllow, Action::kFlag);
  EXPECT_LT(Action::kFlag, Action::kQuarantine);
  EXPECT_LT(Action::kQuarantine, Action::kEscalate);
}

}  // namespace
}  // namespace decorum
