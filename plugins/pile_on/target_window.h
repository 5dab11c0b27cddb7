// TargetWindow: the hostile comments about one target over the last `seconds` seconds of
// event time — how many, and from how many distinct authors.
//
// The window ends at the newest event seen so far (its head) and covers the `seconds`
// whole seconds up to and including the head's. Events arriving out of order still count
// if they fall inside it; an event older than that is not counted at all. Comments come
// from several worker threads, so a few hundred milliseconds of disorder is normal.
//
// Counts live in a ring of one-second buckets. Authors are remembered as hash -> the last
// second they were seen, filed under that second so that expiring a second forgets its
// authors in one sweep, and at most `max_authors` of them: past that, the author seen
// longest ago is forgotten, and authors() becomes a lower bound of the true distinct
// count (never an overestimate: every author counted is a real, distinct one).
//
// Cost: Add() is O(1) amortized (O(seconds) when it must forget an author to make room).
// Memory: at most about seconds × 60 bytes (a count and a short author list per second)
// plus max_authors × 80 bytes (hash node, bucket and list entry per author).
// Thread safety: none; PileOnTracker locks around it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace decorum::plugins {

class TargetWindow {
 public:
  // REQUIRES: seconds >= 1, max_authors >= 1.
  TargetWindow(int64_t seconds, size_t max_authors);

  // Records one comment by `author` at `event_ms` (epoch ms). Moves the head forward when
  // the event is the newest yet, expiring what falls out. Returns false, counting
  // nothing, when the event is older than the window.
  bool Add(int64_t event_ms, uint64_t author);

  // Comments in the window.
  uint32_t count() const { return count_; }
  // Distinct authors in the window (a lower bound once max_authors is reached).
  size_t authors() const { return seen_.size(); }
  // Whether authors() has hit max_authors, i.e. may be short of the true count.
  bool authors_capped() const { return seen_.size() >= max_authors_; }

 private:
  struct Seen {
    int64_t second;   // the last second the author was seen
    uint32_t pos;     // index in by_second_[Slot(second)]
  };

  size_t Slot(int64_t second) const;
  void Advance(int64_t second);         // moves head_ forward to `second`
  void ExpireSlot(size_t slot);
  void NoteAuthor(int64_t second, uint64_t author);
  void File(uint64_t author, Seen& seen, int64_t second);
  void Unfile(const Seen& seen);
  void ForgetOldestAuthor();

  const int64_t seconds_;
  const size_t max_authors_;
  bool started_ = false;
  int64_t head_ = 0;                    // the newest second seen
  uint32_t count_ = 0;                  // sum of counts_
  std::vector<uint32_t> counts_;        // comments per second, slot = second mod seconds_
  std::vector<std::vector<uint64_t>> by_second_;  // authors whose last second is the slot's
  std::unordered_map<uint64_t, Seen> seen_;
};

}  // namespace decorum::plugins
