// Sharded: one T split into independently locked shards, so that concurrent callers whose
// keys land in different shards never wait for each other and no lock is ever global.
//
// Capacity: the total capacity is split over the shards exactly (their capacities sum to
// it), so a bounded T stays bounded by the total. The price is that "least recently used"
// is decided within a shard, not across all of them; keys are hashes, so shards fill
// evenly and the difference is noise.
//
// Thread safety: With() and ForEach() may be called from any number of threads.
// Header-only because it is a template.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

namespace decorum::plugins {

template <typename T>
class Sharded {
 public:
  // Enough shards that a handful of worker threads rarely collide.
  static constexpr size_t kMaxShards = 32;

  // Builds min(kMaxShards, capacity) shards; shard i is make(cap_i) (a T), where the cap_i
  // differ by at most one and sum to `capacity`. REQUIRES: capacity >= 1.
  template <typename Make>
  Sharded(size_t capacity, Make make)
      : count_(std::clamp<size_t>(capacity, 1, kMaxShards)),
        shards_(std::make_unique<Shard[]>(count_)) {
    for (size_t i = 0; i < count_; ++i) {
      shards_[i].value.emplace(make(capacity / count_ + (i < capacity % count_ ? 1 : 0)));
    }
  }

  // Calls f(T&) with the shard that `key` maps to locked, and returns what f returns.
  // REQUIRES: f does not call back into this Sharded, and returns nothing that points
  // into the shard (it is unlocked again when With returns).
  template <typename F>
  decltype(auto) With(uint64_t key, F&& f) {
    Shard& s = shards_[Index(key)];
    std::lock_guard<std::mutex> lock(s.mu);
    return f(*s.value);
  }
  // The same with f(const T&).
  template <typename F>
  decltype(auto) With(uint64_t key, F&& f) const {
    const Shard& s = shards_[Index(key)];
    std::lock_guard<std::mutex> lock(s.mu);
    return f(static_cast<const T&>(*s.value));
  }

  // Calls f(const T&) on every shard in turn, each locked only while it is visited (so
  // the shards are not seen at one single instant).
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < count_; ++i) {
      std::lock_guard<std::mutex> lock(shards_[i].mu);
      f(*shards_[i].value);
    }
  }

  size_t shard_count() const { return count_; }

 private:
  // Own cache line each, so threads locking neighbouring shards do not contend on it.
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::optional<T> value;
  };

  // The key's high product bits pick the shard: the hash tables inside a shard use the
  // key modulo their bucket count, and the two choices should not be correlated.
  size_t Index(uint64_t key) const {
    return static_cast<size_t>(((key * 0x9E3779B97F4A7C15ull) >> 32) % count_);
  }

  size_t count_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace decorum::plugins
