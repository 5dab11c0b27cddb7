#include "repeat_offender/strike_ledger.h"

#include <cmath>
#include <functional>

namespace decorum::plugins {

namespace {

uint64_t Key(std::string_view author) { return std::hash<std::string_view>{}(author); }

}  // namespace

StrikeLedger::StrikeLedger(double half_life_seconds, size_t max_authors)
    : half_life_ms_(half_life_seconds * 1000),
      authors_(max_authors, [](size_t cap) { return LruMap<Entry>(cap); }) {}

double StrikeLedger::Decay(int64_t elapsed_ms) const {
  return std::exp2(-static_cast<double>(elapsed_ms) / half_life_ms_);
}

void StrikeLedger::Add(std::string_view author, double weight, int64_t event_ms) {
  const uint64_t key = Key(author);
  authors_.With(key, [&](LruMap<Entry>& shard) {
    Entry& e = shard.FindOrInsert(key, [&] { return Entry{0, event_ms}; });
    if (event_ms >= e.as_of_ms) {
      e.strikes = e.strikes * Decay(event_ms - e.as_of_ms) + weight;
      e.as_of_ms = event_ms;
    } else {
      e.strikes += weight * Decay(e.as_of_ms - event_ms);
    }
  });
}

double StrikeLedger::Strikes(std::string_view author, int64_t event_ms) {
  const uint64_t key = Key(author);
  return authors_.With(key, [&](LruMap<Entry>& shard) -> double {
    Entry* e = shard.Find(key);
    if (e == nullptr) return 0;
    const double strikes =
        event_ms > e->as_of_ms ? e->strikes * Decay(event_ms - e->as_of_ms) : e->strikes;
    if (strikes < kForgetBelow) {
      shard.Erase(key);
      return 0;
    }
    return strikes;
  });
}

size_t StrikeLedger::tracked_authors() const {
  size_t n = 0;
  authors_.ForEach([&](const LruMap<Entry>& shard) { n += shard.size(); });
  return n;
}

}  // namespace decorum::plugins
