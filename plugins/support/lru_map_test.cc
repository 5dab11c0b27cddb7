#include "support/lru_map.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace decorum::plugins {
namespace {

TEST(LruMapTest, DropsTheLeastRecentlyUsedWhenFull) {
  LruMap<std::string> m(2);
  m.FindOrInsert(1, [] { return std::string("one"); });
  m.FindOrInsert(2, [] { return std::string("two"); });
  ASSERT_NE(m.Find(1), nullptr);  // 1 is now the most recent
  m.FindOrInsert(3, [] { return std::string("three"); });
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.Peek(2), nullptr);
  EXPECT_EQ(*m.Peek(1), "one");
  EXPECT_EQ(*m.Peek(3), "three");
}

TEST(LruMapTest, PeekIsNotAUse) {
  LruMap<int> m(2);
  m.FindOrInsert(1, [] { return 1; });
  m.FindOrInsert(2, [] { return 2; });
  ASSERT_NE(m.Peek(1), nullptr);
  m.FindOrInsert(3, [] { return 3; });
  EXPECT_EQ(m.Peek(1), nullptr);
}

TEST(LruMapTest, FindOrInsertReturnsTheExistingEntry) {
  LruMap<int> m(4);
  m.FindOrInsert(1, [] { return 1; }) = 10;
  EXPECT_EQ(m.FindOrInsert(1, [] { return 99; }), 10);
  m.Erase(1);
  m.Erase(42);  // absent: nothing happens
  EXPECT_EQ(m.size(), 0u);
}

TEST(LruMapTest, AThrowingMakeLeavesTheMapUnchanged) {
  LruMap<int> m(1);
  m.FindOrInsert(1, [] { return 1; });
  EXPECT_THROW(m.FindOrInsert(2, []() -> int { throw std::runtime_error("no"); }),
               std::runtime_error);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_NE(m.Peek(1), nullptr);
}

TEST(LruMapTest, StaysAtCapacity) {
  LruMap<int> m(1000);
  for (uint64_t k = 0; k < 100'000; ++k) m.FindOrInsert(k, [] { return 0; });
  EXPECT_EQ(m.size(), 1000u);
}

}  // namespace
}  // namespace decorum::plugins
