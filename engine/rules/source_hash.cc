#include "rules/source_hash.h"

#include <string>

#include "rules/rule_loader.h"

namespace decorum {

uint64_t Fnv1a64(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t HashRuleFiles(const std::vector<RuleFile>& files) {
  uint64_t h = kFnvOffset;
  for (const auto& f : files) {
    const std::string header = std::to_string(f.name.size()) + ":" + f.name + ":" +
                               std::to_string(f.contents.size()) + ":";
    h = Fnv1a64(h, header);
    h = Fnv1a64(h, f.contents);
  }
  return h;
}

}  // namespace decorum
