// RepeatOffenderConfig: the repeat_offender plugin's options, read from the `config:` JSON
// object the engine passes to create(). README.md documents each key; the defaults below
// are the ones it lists.
#pragma once

#include <cstddef>
#include <string_view>

#include "decorum/plugin.h"
#include "support/category_set.h"

namespace decorum::plugins {

// Strikes an author earns per final decision, by its action.
struct StrikeWeights {
  double flag = 0.5;
  double quarantine = 1.0;
  double escalate = 2.0;

  // The weight for `action`; 0 for ALLOW and for values this plugin does not know.
  double For(decorum_action action) const;
};

struct RepeatOffenderConfig {
  // Strikes halve every half_life_seconds of event time.
  double half_life_seconds = 3600;
  StrikeWeights strike_weights;
  // Decayed strikes from which an author's comments are boosted.
  double min_strikes = 1.0;
  // The boost: boost_per_strike × strikes, at most max_boost.
  double boost_per_strike = 1.0;
  double max_boost = 4.0;
  // A first offence is low-severity when every hit is in one of these categories and the
  // rules' score is at most grace_max_score. [] turns the grace off.
  CategorySet grace_categories{"insult", "profanity"};
  double grace_max_score = 6.0;
  // Authors remembered at once; the least recently seen are forgotten first.
  size_t max_authors = 100'000;

  // Reads `json` (an object; "" or {} gives the defaults). Throws ConfigError with a
  // message naming the key for an unknown key, a wrong type or a value out of range.
  static RepeatOffenderConfig Parse(std::string_view json);
};

}  // namespace decorum::plugins
