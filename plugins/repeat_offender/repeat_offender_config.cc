#include "repeat_offender/repeat_offender_config.h"

#include "support/config_reader.h"

namespace decorum::plugins {

namespace {

// Generous ceilings whose only job is to catch a misplaced digit (or a value in ms).
constexpr double kMaxHalfLifeSeconds = 366.0 * 24 * 3600;  // a year
constexpr double kMaxWeight = 1000;
constexpr double kMaxScore = 1e9;
// About 100 bytes an author: ten million is a gigabyte.
constexpr int64_t kMaxAuthors = 10'000'000;

}  // namespace

double StrikeWeights::For(decorum_action action) const {
  switch (action) {
    case DECORUM_ACTION_FLAG: return flag;
    case DECORUM_ACTION_QUARANTINE: return quarantine;
    case DECORUM_ACTION_ESCALATE: return escalate;
    default: return 0;
  }
}

RepeatOffenderConfig RepeatOffenderConfig::Parse(std::string_view json) {
  RepeatOffenderConfig c;
  ConfigReader r("repeat_offender", json);
  c.half_life_seconds =
      r.PositiveNumber("half_life_seconds", c.half_life_seconds, kMaxHalfLifeSeconds);
  {
    ConfigReader w = r.Object("strike_weights");
    StrikeWeights& sw = c.strike_weights;
    sw.flag = w.Number("flag", sw.flag, 0, kMaxWeight);
    sw.quarantine = w.Number("quarantine", sw.quarantine, 0, kMaxWeight);
    sw.escalate = w.Number("escalate", sw.escalate, 0, kMaxWeight);
    w.Finish();
  }
  c.min_strikes = r.PositiveNumber("min_strikes", c.min_strikes, kMaxWeight * 1000);
  c.boost_per_strike = r.Number("boost_per_strike", c.boost_per_strike, 0, kMaxWeight);
  c.max_boost = r.Number("max_boost", c.max_boost, 0, kMaxWeight);
  c.grace_categories =
      r.Categories("grace_categories", c.grace_categories, /*allow_empty=*/true);
  c.grace_max_score = r.Number("grace_max_score", c.grace_max_score, 0, kMaxScore);
  c.max_authors = static_cast<size_t>(
      r.Integer("max_authors", static_cast<int64_t>(c.max_authors), 1, kMaxAuthors));
  r.Finish();
  return c;
}

}  // namespace decorum::plugins
