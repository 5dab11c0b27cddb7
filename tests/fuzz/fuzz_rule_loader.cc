// Fuzz target: arbitrary bytes as one YAML rule file -> LoadRuleSet -> Generation::Compile
// -> one comment moderated with the result.
//
// Rule files are trusted input (an operator writes them), but a broken one must fail
// `decorum check` cleanly and never take the process down (SPEC §10): no crash, no
// sanitizer report and no exception escaping — yaml-cpp throws, and the loader promises
// to turn every throw into a RuleError. An escaping exception reaches libFuzzer as an
// abort, so it is reported like a crash.
//
// The set is compiled whether or not loading found errors, as BuildGeneration does
// (`check` reports pattern errors alongside load errors), and with skip_bad_rules so the
// path that drops rejected patterns and recompiles the rest (`--on-error skip`) is
// exercised too. When a generation comes out, one comment is moderated with it, so a set
// the compiler accepts but the evaluator cannot handle is caught here as well.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "match/generation.h"
#include "pipeline/moderator.h"
#include "rules/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<decorum::RuleFile> files;
  files.push_back({"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size),
                   "fuzz.yaml"});
  decorum::LoadedRules loaded = decorum::LoadRuleSet(files);

  std::vector<decorum::RuleError> errors = std::move(loaded.errors);
  auto gen = decorum::Generation::Compile(std::move(loaded.set), /*skip_bad_rules=*/true,
                                          &errors);
  if (!gen.ok()) return 0;

  // Words the default pack and the seeds use, a handle, leet and a homoglyph, so fuzzed
  // rules built from the seeds have something to hit.
  static constexpr std::string_view kComment =
      "@anna you 1d10t, go k1ll yourself... i d i o t \xD1\x96" "diot stupid loser die";
  decorum::Moderator moderator(gen.value(), decorum::FieldMap(), 1 << 16);
  decorum::Decision decision;
  (void)moderator.ModerateText(kComment, &decision);
  return 0;
}
