#include "plugin_host/call_counters.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace decorum {
namespace {

TEST(CallCountersTest, CountsEachKindApart) {
  CallCounters c;
  c.Add(PluginCall::kScoreCalls);
  c.Add(PluginCall::kScoreCalls);
  c.Add(PluginCall::kFlushErrors);
  c.Add(PluginCall::kActsDone);
  const PluginCallCounts r = c.Read();
  EXPECT_EQ(r.score_calls, 2u);
  EXPECT_EQ(r.flush_errors, 1u);
  EXPECT_EQ(r.score_errors + r.act_calls + r.act_errors + r.flush_calls + r.timeouts, 0u);
  EXPECT_EQ(c.Get(PluginCall::kActsDone), 1u);
}

// More threads than stripes, so some share one: no count may be lost either way.
TEST(CallCountersTest, NoCountIsLostAcrossThreads) {
  CallCounters c;
  constexpr int kThreads = 12;
  constexpr int kEach = 20'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c] {
      for (int i = 0; i < kEach; ++i) {
        c.Add(PluginCall::kScoreCalls);
        if (i % 4 == 0) c.Add(PluginCall::kActCalls);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Get(PluginCall::kScoreCalls), uint64_t{kThreads} * kEach);
  EXPECT_EQ(c.Get(PluginCall::kActCalls), uint64_t{kThreads} * kEach / 4);
}

}  // namespace
}  // namespace decorum
