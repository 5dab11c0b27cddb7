// PileOnConfig: the pile_on plugin's options, read from the `config:` JSON object the
// engine passes to create(). README.md documents each key; the defaults below are the
// ones it lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "support/category_set.h"

namespace decorum::plugins {

struct PileOnConfig {
  // The sliding window, in seconds of event time; also its number of 1-second buckets.
  int64_t window_seconds = 60;
  // Hostile comments in the window that, with enough authors, start a wave.
  uint32_t threshold = 20;
  // Distinct authors a wave needs: twenty insults from one account are that account's
  // problem (repeat_offender's), not a pile-on.
  uint32_t min_authors = 5;
  // Added to the score of every hostile comment about a target while its wave lasts.
  double boost = 2.0;
  // The wave ends when the window holds fewer than cooldown_ratio × threshold comments.
  double cooldown_ratio = 0.5;
  // Authors remembered per target; beyond it the distinct count is a lower bound.
  size_t max_authors_per_target = 4096;
  // Targets tracked at once; the least recently active are forgotten first.
  size_t max_targets = 1024;
  // Hit categories that make a comment hostile about the hit's target.
  CategorySet categories{"insult", "threat", "identity_attack", "sexual", "self_harm",
                         "doxxing"};

  // Reads `json` (an object; "" or {} gives the defaults). Throws ConfigError with a
  // message naming the key for an unknown key, a wrong type or a value out of range.
  static PileOnConfig Parse(std::string_view json);
};

}  // namespace decorum::plugins
