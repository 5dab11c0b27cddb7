// RuleLoader: YAML rule files -> RuleSet, collecting every error at once (SPEC §6).
//
// Loading is two-phase: every file is parsed first (lists, targets, rules, policy), then
// list references (`$name`) and target references (`about: [id]`) are resolved, so a file
// may use a list defined in another file whatever the load order. A rule with any error
// is left out of the RuleSet and named in `errors`; a file that is not valid YAML
// contributes nothing. Callers decide whether a set with errors may go live (normally
// not; `on_error: skip` runs with the good rules).
//
// Thread safety: stateless functions; safe to call from any thread.
#pragma once

#include <string>
#include <vector>

#include "decorum/status.h"
#include "rules/rule_set.h"

namespace decorum {

struct RuleFile {
  std::string path;      // as shown in errors
  std::string contents;
  std::string name;      // path relative to the rules root: what the ruleset id hashes, so
                         // the same pack gives the same id wherever it is installed
};

struct RuleError {
  SourceLocation where;
  std::string rule_id;   // empty when the error is not inside a rule
  std::string message;
  // "rules/a.yaml:3:5: rule insult.x: unknown key 'scroe'"
  std::string ToString() const;
};

struct LoadedRules {
  RuleSet set;
  std::vector<RuleError> errors;
  size_t rules_seen = 0;  // every rule entry found, good or bad, enabled or not
};

// Reads every *.yaml / *.yml file under `dir`, recursively, sorted by path.
// Errors: the directory does not exist or a file cannot be read.
Result<std::vector<RuleFile>> ReadRuleDirectory(const std::string& dir);

// The default pack compiled into the binary (rules/ at build time).
std::vector<RuleFile> DefaultRuleFiles();

LoadedRules LoadRuleSet(const std::vector<RuleFile>& files);

}  // namespace decorum
