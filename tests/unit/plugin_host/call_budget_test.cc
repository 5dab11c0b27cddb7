// CallBudget: a call that overruns is abandoned, later calls fail fast until it returns,
// and then the executor serves again.
#include "plugin_host/call_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace decorum {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

TEST(CallBudgetTest, FastCallsRunOnTheExecutorAndReturnDone) {
  CallBudget budget(milliseconds(1000));
  std::thread::id ran_on;
  EXPECT_EQ(budget.Run([&] { ran_on = std::this_thread::get_id(); }), CallBudget::Outcome::kDone);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_FALSE(budget.stuck());
}

TEST(CallBudgetTest, AnOverrunIsAbandonedAndLaterCallsFailFastUntilItReturns) {
  CallBudget budget(milliseconds(50));
  std::atomic<bool> release{false};
  auto finished = std::make_shared<std::atomic<bool>>(false);
  const auto t0 = Clock::now();
  EXPECT_EQ(budget.Run([&release, finished] {
              while (!release) std::this_thread::sleep_for(milliseconds(5));
              *finished = true;
            }),
            CallBudget::Outcome::kTimedOut);
  const auto waited = Clock::now() - t0;
  EXPECT_GE(waited, milliseconds(50));
  EXPECT_LT(waited, milliseconds(1000));
  EXPECT_TRUE(budget.stuck());

  // While the plugin is wedged, a call is refused at once instead of waiting its budget.
  bool ran = false;
  const auto t1 = Clock::now();
  EXPECT_EQ(budget.Run([&] { ran = true; }), CallBudget::Outcome::kBusy);
  EXPECT_LT(Clock::now() - t1, milliseconds(40));
  EXPECT_FALSE(ran);

  release = true;
  for (int i = 0; i < 200 && budget.stuck(); ++i) std::this_thread::sleep_for(milliseconds(5));
  EXPECT_TRUE(*finished);
  EXPECT_FALSE(budget.stuck());
  EXPECT_EQ(budget.Run([&] { ran = true; }), CallBudget::Outcome::kDone);
  EXPECT_TRUE(ran);
}

TEST(CallBudgetTest, ConcurrentCallersEachGetAnOutcome) {
  CallBudget budget(milliseconds(2000));
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (budget.Run([] {}) == CallBudget::Outcome::kDone) ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 400);
}

}  // namespace
}  // namespace decorum
