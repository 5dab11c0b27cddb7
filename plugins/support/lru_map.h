// LruMap: a map from a 64-bit key to V that never holds more than `capacity` entries;
// adding to a full map first drops the least recently used entry. Find() and
// FindOrInsert() count as a use, Peek() does not.
//
// Keys are meant to be 64-bit hashes of the real key (an author name, a target id): an
// entry then costs the same whatever the name's length, and the one-in-2^64-ish chance
// that two names share an entry is accepted.
//
// Memory: at most capacity × (sizeof(V) + about 80 bytes of list and hash nodes), plus
// whatever each V owns. Thread safety: none; Sharded adds the locking.
//
// Header-only because it is a template.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>

namespace decorum::plugins {

template <typename V>
class LruMap {
 public:
  // REQUIRES: capacity >= 1.
  explicit LruMap(size_t capacity) : capacity_(capacity) {}

  // The entry for `key`, now the most recently used; nullptr when absent.
  V* Find(uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  // The entry for `key` without counting as a use; nullptr when absent.
  const V* Peek(uint64_t key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->value;
  }

  // The entry for `key`, now the most recently used. When absent it is built from make()
  // (a V); if that makes the map exceed its capacity, the least recently used entry is
  // dropped. If make() or an allocation throws, the map is unchanged.
  template <typename Make>
  V& FindOrInsert(uint64_t key, Make&& make) {
    if (V* v = Find(key)) return *v;
    order_.push_front(Node{key, make()});
    try {
      index_.emplace(key, order_.begin());
    } catch (...) {
      order_.pop_front();
      throw;
    }
    if (order_.size() > capacity_) {
      index_.erase(order_.back().key);
      order_.pop_back();
    }
    return order_.front().value;
  }

  void Erase(uint64_t key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  struct Node {
    uint64_t key;
    V value;
  };
  size_t capacity_;
  std::list<Node> order_;  // most recently used first
  std::unordered_map<uint64_t, typename std::list<Node>::iterator> index_;
};

}  // namespace decorum::plugins
