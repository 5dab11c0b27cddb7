#include "pile_on/pile_on_config.h"

#include <string>

#include "support/config_reader.h"

namespace decorum::plugins {

namespace {

// The ring holds one bucket per second for every target: an hour of them costs about
// 200 KB per target (README, memory), which is as far as a "burst" detector should go.
constexpr int64_t kMaxWindowSeconds = 3600;
constexpr int64_t kMaxCount = 1'000'000;

}  // namespace

PileOnConfig PileOnConfig::Parse(std::string_view json) {
  PileOnConfig c;
  ConfigReader r("pile_on", json);
  c.window_seconds = r.Integer("window_seconds", c.window_seconds, 1, kMaxWindowSeconds);
  c.threshold = static_cast<uint32_t>(r.Integer("threshold", c.threshold, 1, kMaxCount));
  c.min_authors =
      static_cast<uint32_t>(r.Integer("min_authors", c.min_authors, 1, kMaxCount));
  c.boost = r.Number("boost", c.boost, 0, 1000);
  c.cooldown_ratio = r.PositiveNumber("cooldown_ratio", c.cooldown_ratio, 1);
  c.max_authors_per_target = static_cast<size_t>(
      r.Integer("max_authors_per_target", static_cast<int64_t>(c.max_authors_per_target), 1,
                kMaxCount));
  c.max_targets = static_cast<size_t>(
      r.Integer("max_targets", static_cast<int64_t>(c.max_targets), 1, kMaxCount));
  c.categories = r.Categories("categories", c.categories, /*allow_empty=*/false);
  r.Finish();
  // The distinct count never exceeds the authors remembered, so such a wave could never
  // start: almost certainly a mistake worth stopping for.
  if (c.min_authors > c.max_authors_per_target) {
    r.Fail("min_authors", "must not exceed max_authors_per_target (" +
                              std::to_string(c.max_authors_per_target) +
                              "): the distinct count never goes higher");
  }
  return c;
}

}  // namespace decorum::plugins
