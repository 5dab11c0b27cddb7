#include "pipeline/generation_builder.h"

#include <optional>

#include "match/database_cache.h"

namespace decorum {

Result<std::shared_ptr<const Generation>> BuildGeneration(const GenerationRequest& request,
                                                          GenerationReport* report) {
  std::vector<RuleFile> files;
  if (request.rules_dir.empty()) {
    files = DefaultRuleFiles();
  } else {
    auto read = ReadRuleDirectory(request.rules_dir);
    if (!read.ok()) return read.status();
    files = std::move(read.value());
    if (files.empty()) {
      return Status::NotFound("no *.yaml rule files under '" + request.rules_dir + "'");
    }
  }
  LoadedRules loaded = LoadRuleSet(files);
  report->errors = std::move(loaded.errors);
  report->rules_seen = loaded.rules_seen;
  report->disabled_rules = loaded.set.disabled_rules;
  const bool load_failed = !report->errors.empty();
  if (load_failed && !request.skip_bad_rules) {
    // Compile anyway to report pattern errors too: `check` promises every error at once.
    std::vector<RuleError> compile_errors;
    (void)Generation::Compile(std::move(loaded.set), false, &compile_errors);
    report->errors.insert(report->errors.end(), compile_errors.begin(), compile_errors.end());
    return Status::RuleError(std::to_string(report->errors.size()) + " error(s) in the rule set");
  }
  std::optional<DatabaseCache> cache;
  if (!request.cache_dir.empty()) cache.emplace(request.cache_dir);
  auto gen = Generation::Compile(std::move(loaded.set), request.skip_bad_rules, &report->errors,
                                 cache ? &*cache : nullptr);
  if (!gen.ok()) return gen.status();
  // Skipping errors must leave something to run: going live with no rule would allow every
  // comment because of a typo.
  if (!report->errors.empty() && (*gen)->rules().rules.empty()) {
    return Status::RuleError("nothing usable: once the " + std::to_string(report->errors.size()) +
                             " error(s) above are skipped, no rule is left");
  }
  return gen;
}

}  // namespace decorum
