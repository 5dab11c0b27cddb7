// RunStats: what a batch run decided, counted per worker and merged at the end for the
// summary (SPEC §9: counts per action, top rules, top targets, throughput).
//
// Thread safety: none; each worker owns one, Merge() runs after the workers stop.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "decorum/decision.h"
#include "match/generation.h"

namespace decorum {

struct RunStats {
  std::array<uint64_t, kActionCount> by_action{};
  uint64_t errors = 0;
  // Of `errors`: comments whose decision a plugin that stores decisions refused
  // (PluginChain::Act), so their record is an error record instead.
  uint64_t not_stored = 0;
  uint64_t comments = 0;       // lines seen, errors included
  uint64_t input_bytes = 0;    // decompressed line bytes
  std::vector<uint64_t> rule_hits;    // per rule index: comments where the rule counted
  std::vector<uint64_t> target_hits;  // per target index: comments mentioning it

  // Counts one decided comment. Sizes the per-rule vectors for `gen` on first use.
  void Count(const Generation& gen, const Decision& d);
  void CountError() { ++errors; }
  void CountNotStored() {
    ++errors;
    ++not_stored;
  }
  void Merge(const RunStats& other);

  // The end-of-run summary: counts per action, the `top` rules and targets, and the
  // rate over `seconds`.
  std::string Summary(const Generation& gen, double seconds, size_t top = 5) const;
};

}  // namespace decorum
