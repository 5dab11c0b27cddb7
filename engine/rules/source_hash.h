// A stable 64-bit fingerprint of a rule set's source files, the base of the `ruleset`
// id in every decision (SPEC §5): the same files always give the same id, on any machine.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace decorum {

struct RuleFile;

// FNV-1a 64 over each file's path and contents, length-prefixed so that moving bytes
// between a path and its contents changes the hash. Not cryptographic: it identifies,
// it does not authenticate.
uint64_t HashRuleFiles(const std::vector<RuleFile>& files);

// Continues an FNV-1a 64 hash over `bytes`.
uint64_t Fnv1a64(uint64_t h, std::string_view bytes);
inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

}  // namespace decorum
