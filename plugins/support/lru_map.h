// LruMap: a map from a 64-bit key to V that never holds more than `capacity` entries;
// adding to a full map first drops the least recently used entry. Find() and
// FindOrInsert() count as a use, Peek() does not.
//
// Keys are meant to be 64-bit hashes of the real key (an author name, a target id): an
// entry then costs the same whatever the name's length, and the one-in-2^64-ish chance
// that two names share an entry is accepted.
//
// Layout, because a plugin looks an author up for every comment and most lookups are
// for someone it has never seen: the entries live in one vector, linked into recency
// order by 32-bit indices, and an open-addressing index (linear probing, at most half
// full) holds each key next to its entry's position. An absent key therefore costs one
// probe into the index, usually one cache line, and nothing is allocated per entry.
//
// Memory: at most capacity × (sizeof(V) + 16) bytes of entries plus 32-64 bytes of index
// per entry, plus whatever each V owns. Thread safety: none; Sharded adds the locking.
//
// A pointer or reference into the map stays valid until the next FindOrInsert() or
// Erase() (entries move when the vector grows or an erased entry's place is filled).
//
// Header-only because it is a template.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace decorum::plugins {

template <typename V>
class LruMap {
  static_assert(std::is_nothrow_move_constructible_v<V>,
                "entries are moved in place; a throwing move would lose one");

 public:
  // REQUIRES: 1 <= capacity < 2^31.
  explicit LruMap(size_t capacity) : capacity_(capacity) {}

  // The entry for `key`, now the most recently used; nullptr when absent.
  V* Find(uint64_t key) {
    const size_t slot = Probe(key);
    if (slots_.empty() || slots_[slot].entry == kNone) return nullptr;
    const uint32_t i = slots_[slot].entry;
    MoveToFront(i);
    return &entries_[i].value;
  }

  // The entry for `key` without counting as a use; nullptr when absent.
  const V* Peek(uint64_t key) const {
    const size_t slot = Probe(key);
    if (slots_.empty() || slots_[slot].entry == kNone) return nullptr;
    return &entries_[slots_[slot].entry].value;
  }

  // The entry for `key`, now the most recently used. When absent it is built from make()
  // (a V); if that makes the map exceed its capacity, the least recently used entry is
  // dropped. If make() or an allocation throws, the map is unchanged.
  template <typename Make>
  V& FindOrInsert(uint64_t key, Make&& make) {
    if (V* v = Find(key)) return *v;
    V value = make();
    uint32_t i;
    if (entries_.size() == capacity_) {
      // Full: the least recently used entry's place is reused; the index does not grow.
      i = tail_;
      RemoveSlot(Probe(entries_[i].key));
      Unlink(i);
      Replace(i, Entry{key, kNone, kNone, std::move(value)});
    } else {
      if ((entries_.size() + 1) * 2 > slots_.size()) Rehash(slots_.empty() ? 8 : slots_.size() * 2);
      i = static_cast<uint32_t>(entries_.size());
      entries_.push_back(Entry{key, kNone, kNone, std::move(value)});
    }
    slots_[Probe(key)] = Slot{key, i};
    LinkFront(i);
    return entries_[i].value;
  }

  void Erase(uint64_t key) {
    if (slots_.empty()) return;
    const size_t slot = Probe(key);
    const uint32_t i = slots_[slot].entry;
    if (i == kNone) return;
    RemoveSlot(slot);
    Unlink(i);
    // The last entry fills the hole, so the entries stay dense and never exceed capacity.
    const uint32_t last = static_cast<uint32_t>(entries_.size() - 1);
    if (i != last) {
      Replace(i, std::move(entries_[last]));
      slots_[Probe(entries_[i].key)].entry = i;
      const Entry& moved = entries_[i];
      (moved.prev == kNone ? head_ : entries_[moved.prev].next) = i;
      (moved.next == kNone ? tail_ : entries_[moved.next].prev) = i;
    }
    entries_.pop_back();
  }

  size_t size() const { return entries_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  struct Entry {
    uint64_t key;
    uint32_t prev;  // more recently used; kNone for the head
    uint32_t next;  // less recently used; kNone for the tail
    V value;
  };
  struct Slot {
    uint64_t key = 0;
    uint32_t entry = kNone;  // kNone: empty
  };

  // Keys are hashes already; the multiply spreads any that are not (small integers in
  // tests) and decorrelates the index from Sharded's choice of shard.
  size_t Home(uint64_t key) const {
    return static_cast<size_t>(((key ^ (key >> 31)) * 0xD6E8FEB86659FD93ull) >> shift_);
  }

  // The slot holding `key`, or the empty slot where it would go. REQUIRES: slots_ not
  // empty, or the result is not used (callers check).
  size_t Probe(uint64_t key) const {
    if (slots_.empty()) return 0;
    size_t s = Home(key);
    while (slots_[s].entry != kNone && slots_[s].key != key) s = (s + 1) & mask_;
    return s;
  }

  // Empties `hole`, shifting later entries of the probe run back so that every key stays
  // reachable from its home without tombstones.
  void RemoveSlot(size_t hole) {
    for (size_t j = (hole + 1) & mask_; slots_[j].entry != kNone; j = (j + 1) & mask_) {
      const size_t home = Home(slots_[j].key);
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
  }

  // REQUIRES: slot_count a power of two, more than twice the entries.
  void Rehash(size_t slot_count) {
    std::vector<Slot> old(slot_count);
    old.swap(slots_);
    mask_ = slot_count - 1;
    shift_ = 64 - std::countr_zero(slot_count);
    for (const Slot& s : old) {
      if (s.entry != kNone) slots_[Probe(s.key)] = s;
    }
  }

  // Entries are replaced by destroying and move-constructing, so V needs no assignment
  // (plugin state often has const members); nothrow moves keep that safe.
  void Replace(uint32_t i, Entry&& from) {
    std::destroy_at(&entries_[i]);
    std::construct_at(&entries_[i], std::move(from));
  }

  void Unlink(uint32_t i) {
    Entry& e = entries_[i];
    (e.prev == kNone ? head_ : entries_[e.prev].next) = e.next;
    (e.next == kNone ? tail_ : entries_[e.next].prev) = e.prev;
    e.prev = e.next = kNone;
  }

  void LinkFront(uint32_t i) {
    Entry& e = entries_[i];
    e.prev = kNone;
    e.next = head_;
    (head_ == kNone ? tail_ : entries_[head_].prev) = i;
    head_ = i;
  }

  void MoveToFront(uint32_t i) {
    if (head_ == i) return;
    Unlink(i);
    LinkFront(i);
  }

  size_t capacity_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full; empty at first
  size_t mask_ = 0;
  int shift_ = 63;  // 64 - log2(slot count): Home() takes the product's high bits
  uint32_t head_ = kNone;  // most recently used
  uint32_t tail_ = kNone;  // least recently used
};

}  // namespace decorum::plugins
