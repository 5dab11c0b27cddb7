#include "pile_on/pile_on_tracker.h"

#include <functional>

namespace decorum::plugins {

PileOnTracker::PileOnTracker(const PileOnConfig& config)
    : window_seconds_(config.window_seconds),
      max_authors_per_target_(config.max_authors_per_target),
      rule_{config.threshold, config.min_authors, config.cooldown_ratio},
      targets_(config.max_targets, [](size_t cap) { return LruMap<Target>(cap); }) {}

uint64_t PileOnTracker::Key(std::string_view s) { return std::hash<std::string_view>{}(s); }

PileOnTracker::Observation PileOnTracker::Observe(std::string_view target,
                                                  std::string_view author,
                                                  int64_t event_ms) {
  const uint64_t target_key = Key(target);
  const uint64_t author_key = Key(author);
  return targets_.With(target_key, [&](LruMap<Target>& shard) {
    Target& t = shard.FindOrInsert(target_key, [&] {
      return Target{TargetWindow(window_seconds_, max_authors_per_target_), WaveState()};
    });
    Observation o;
    if (!t.window.Add(event_ms, author_key)) return o;
    o.counted = true;
    o.count = t.window.count();
    o.authors = t.window.authors();
    o.authors_capped = t.window.authors_capped();
    o.step = t.wave.Observe(rule_, o.count - 1, o.count, o.authors);
    return o;
  });
}

size_t PileOnTracker::tracked_targets() const {
  size_t n = 0;
  targets_.ForEach([&](const LruMap<Target>& shard) { n += shard.size(); });
  return n;
}

size_t PileOnTracker::tracked_authors(std::string_view target) const {
  const uint64_t key = Key(target);
  // Peek, not Find: looking must not count as activity and change what is evicted next.
  return targets_.With(key, [&](const LruMap<Target>& shard) -> size_t {
    const Target* t = shard.Peek(key);
    return t ? t->window.authors() : 0;
  });
}

}  // namespace decorum::plugins
