#include "support/sharded.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace decorum::plugins {
namespace {

struct Counter {
  size_t capacity;
  uint64_t n = 0;
};

TEST(ShardedTest, SplitsTheCapacityExactly) {
  for (size_t capacity : {1u, 5u, 32u, 33u, 1000u, 100'000u}) {
    Sharded<Counter> s(capacity, [](size_t cap) { return Counter{cap}; });
    size_t total = 0, shards = 0;
    s.ForEach([&](const Counter& c) {
      total += c.capacity;
      ++shards;
      EXPECT_GE(c.capacity, 1u);
    });
    EXPECT_EQ(total, capacity);
    EXPECT_EQ(shards, s.shard_count());
    EXPECT_LE(shards, Sharded<Counter>::kMaxShards);
  }
}

TEST(ShardedTest, ConcurrentUpdatesAreNotLost) {
  Sharded<Counter> s(1000, [](size_t cap) { return Counter{cap}; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&s] {
      for (uint64_t k = 0; k < 20'000; ++k) s.With(k, [](Counter& c) { ++c.n; });
    });
  }
  for (std::thread& t : threads) t.join();
  uint64_t total = 0;
  s.ForEach([&](const Counter& c) { total += c.n; });
  EXPECT_EQ(total, 80'000u);
}

}  // namespace
}  // namespace decorum::plugins
