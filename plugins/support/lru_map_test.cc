#include "support/lru_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <list>
#include <map>
#include <random>
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

TEST(LruMapTest, ErasingKeepsTheOrderOfTheRest) {
  LruMap<int> m(3);
  for (int k = 1; k <= 3; ++k) m.FindOrInsert(k, [k] { return k; });
  m.Erase(1);  // the oldest; 3 (the last entry) fills its place
  m.FindOrInsert(4, [] { return 4; });
  m.FindOrInsert(5, [] { return 5; });  // full: drops 2, the least recently used
  EXPECT_EQ(m.Peek(2), nullptr);
  EXPECT_EQ(*m.Peek(3), 3);
  EXPECT_EQ(*m.Peek(4), 4);
  EXPECT_EQ(*m.Peek(5), 5);
}

// Keys that share their home slot (small integers and multiples of a power of two) and a
// long random sequence of every operation, against a plain list kept in recency order.
TEST(LruMapTest, AgreesWithAReferenceModel) {
  constexpr size_t kCapacity = 37;
  LruMap<uint64_t> m(kCapacity);
  std::list<std::pair<uint64_t, uint64_t>> model;  // most recently used first
  auto find = [&](uint64_t k) {
    for (auto it = model.begin(); it != model.end(); ++it) {
      if (it->first == k) return it;
    }
    return model.end();
  };
  std::mt19937_64 rng(7);
  for (int step = 0; step < 200'000; ++step) {
    const uint64_t key = (rng() % 90) << (step % 3 == 0 ? 40 : 0);
    switch (rng() % 4) {
      case 0: {  // Find
        uint64_t* v = m.Find(key);
        auto it = find(key);
        ASSERT_EQ(v != nullptr, it != model.end()) << step;
        if (v) {
          ASSERT_EQ(*v, it->second);
          model.splice(model.begin(), model, it);
        }
        break;
      }
      case 1: {  // Peek
        const uint64_t* v = m.Peek(key);
        auto it = find(key);
        ASSERT_EQ(v != nullptr, it != model.end()) << step;
        if (v) ASSERT_EQ(*v, it->second);
        break;
      }
      case 2: {  // FindOrInsert
        const uint64_t fresh = rng();
        uint64_t& v = m.FindOrInsert(key, [&] { return fresh; });
        auto it = find(key);
        if (it != model.end()) {
          ASSERT_EQ(v, it->second) << step;
          model.splice(model.begin(), model, it);
        } else {
          ASSERT_EQ(v, fresh) << step;
          model.emplace_front(key, fresh);
          if (model.size() > kCapacity) model.pop_back();
        }
        break;
      }
      default: {  // Erase
        m.Erase(key);
        if (auto it = find(key); it != model.end()) model.erase(it);
        break;
      }
    }
    ASSERT_EQ(m.size(), model.size()) << step;
  }
  for (const auto& [k, v] : model) {
    ASSERT_NE(m.Peek(k), nullptr);
    EXPECT_EQ(*m.Peek(k), v);
  }
}

}  // namespace
}  // namespace decorum::plugins
