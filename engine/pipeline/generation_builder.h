// BuildGeneration: rules directory (or the embedded default pack) -> a live Generation.
//
// The one path every front end (score, check, explain, and the daemon's reload) uses to
// go from files to a compiled rule set, so they all apply the same on_error policy.
//
// Thread safety: safe to call from any thread; it shares nothing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "decorum/status.h"
#include "match/generation.h"
#include "rules/rule_loader.h"

namespace decorum {

struct GenerationRequest {
  std::string rules_dir;   // empty: the embedded default pack
  bool skip_bad_rules = false;  // on_error: skip — drop only the broken rules
  std::string cache_dir;   // on-disk database cache (database_cache.h); empty: none
};

struct GenerationReport {
  std::vector<RuleError> errors;  // every error found, whether or not the set went live
  size_t rules_seen = 0;
  size_t disabled_rules = 0;
};

// Loads, validates and compiles. Fails (kRuleError) when there is any error and
// !skip_bad_rules; with skip_bad_rules fails only when nothing usable is left (a file
// that cannot be read, a rule set that does not compile at all, or errors that left no
// rule).
Result<std::shared_ptr<const Generation>> BuildGeneration(const GenerationRequest& request,
                                                          GenerationReport* report);

}  // namespace decorum
