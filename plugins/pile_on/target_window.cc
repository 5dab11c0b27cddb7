#include "pile_on/target_window.h"

namespace decorum::plugins {

namespace {

// Seconds are floored, so that -1 ms (before the epoch) is second -1, not second 0.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

// An expired second's author list keeps a small buffer for reuse; a burst's peak must
// not stay allocated once it has passed (with a long window there are thousands of
// lists per target, so the slack per list is what bounds the total).
constexpr size_t kKeptCapacity = 4;

}  // namespace

TargetWindow::TargetWindow(int64_t seconds, size_t max_authors)
    : seconds_(seconds),
      max_authors_(max_authors),
      counts_(static_cast<size_t>(seconds), 0),
      by_second_(static_cast<size_t>(seconds)) {}

size_t TargetWindow::Slot(int64_t second) const {
  int64_t m = second % seconds_;
  if (m < 0) m += seconds_;
  return static_cast<size_t>(m);
}

bool TargetWindow::Add(int64_t event_ms, uint64_t author) {
  const int64_t second = FloorDiv(event_ms, 1000);
  if (!started_) {
    started_ = true;
    head_ = second;
  } else if (second > head_) {
    Advance(second);
  } else if (second <= head_ - seconds_) {
    return false;
  }
  ++counts_[Slot(second)];
  ++count_;
  NoteAuthor(second, author);
  return true;
}

void TargetWindow::Advance(int64_t second) {
  // The seconds (head_, second] reuse the slots of (head_ - seconds_, second - seconds_],
  // exactly the ones that leave the window.
  if (second - head_ >= seconds_) {
    for (size_t slot = 0; slot < counts_.size(); ++slot) ExpireSlot(slot);
  } else {
    for (int64_t s = head_ + 1; s <= second; ++s) ExpireSlot(Slot(s));
  }
  head_ = second;
}

void TargetWindow::ExpireSlot(size_t slot) {
  count_ -= counts_[slot];
  counts_[slot] = 0;
  std::vector<uint64_t>& authors = by_second_[slot];
  for (uint64_t a : authors) seen_.erase(a);
  authors.clear();
  if (authors.capacity() > kKeptCapacity) std::vector<uint64_t>().swap(authors);
}

void TargetWindow::NoteAuthor(int64_t second, uint64_t author) {
  auto it = seen_.find(author);
  if (it != seen_.end()) {
    if (second <= it->second.second) return;  // an out-of-order comment: already later
    Unfile(it->second);
    File(author, it->second, second);
    return;
  }
  if (seen_.size() >= max_authors_) ForgetOldestAuthor();
  File(author, seen_[author], second);
}

void TargetWindow::File(uint64_t author, Seen& seen, int64_t second) {
  std::vector<uint64_t>& authors = by_second_[Slot(second)];
  seen.second = second;
  seen.pos = static_cast<uint32_t>(authors.size());
  authors.push_back(author);
}

void TargetWindow::Unfile(const Seen& seen) {
  // Swap-remove, so moving an author to a later second is O(1).
  std::vector<uint64_t>& authors = by_second_[Slot(seen.second)];
  const uint32_t pos = seen.pos;
  const uint64_t last = authors.back();
  authors[pos] = last;
  seen_.find(last)->second.pos = pos;
  authors.pop_back();
}

void TargetWindow::ForgetOldestAuthor() {
  // Every remembered author was last seen inside the window (expiry forgets the rest), so
  // the oldest is in the first non-empty second from the window's start.
  for (int64_t s = head_ - seconds_ + 1; s <= head_; ++s) {
    std::vector<uint64_t>& authors = by_second_[Slot(s)];
    if (authors.empty()) continue;
    seen_.erase(authors.back());
    authors.pop_back();
    return;
  }
}

}  // namespace decorum::plugins
