// RuleSet: the rules, watchlist and policy as loaded from YAML, before compilation.
//
// Plain data. A RuleSet is built once by the RuleLoader and then owned, immutable, by
// the Generation compiled from it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "decorum/decision.h"

namespace decorum {

// Where a YAML node came from, for error messages: "rules/insult.yaml:12:5".
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string ToString() const;
};

enum class Category : uint8_t {
  kInsult, kThreat, kIdentityAttack, kSexual, kSelfHarm, kProfanity, kDoxxing, kSpam, kOther,
};
inline constexpr int kCategoryCount = 9;
std::string_view CategoryName(Category c);
bool ParseCategory(std::string_view name, Category* out);

enum class Protection : uint8_t { kNormal = 0, kElevated = 1, kHigh = 2 };
inline constexpr int kProtectionCount = 3;
std::string_view ProtectionName(Protection p);
bool ParseProtection(std::string_view name, Protection* out);

struct PatternSpec {
  enum class Kind : uint8_t { kWord, kPhrase, kRegex };
  Kind kind = Kind::kWord;
  std::string text;        // as written in the rule (list references already expanded)
  SourceLocation where;
};

struct Target {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  std::vector<std::string> handles;
  Protection protection = Protection::kNormal;
  SourceLocation where;
};

struct Rule {
  // How a hit relates to the watchlist (docs/rules.md, `about`).
  enum class About : uint8_t {
    kOptional,  // no `about`: tie to the nearest target in range if any; counts either way
    kAny,       // `about: any`: counts only near some target
    kListed,    // `about: [ids]`: counts only near one of about_targets
    kNone,      // `about: none`: never tied to a target
  };
  // Which side of the hit a target mention may stand on (docs/rules.md, `side`). A
  // mention that overlaps the hit counts on every side.
  enum class Side : uint8_t {
    kEither,  // no `side`: before or after the hit
    kAfter,   // `side: after`: the mention is not wholly before the hit ("kill Delvey")
    kBefore,  // `side: before`: the mention is not wholly after the hit
  };

  std::string id;
  std::string description;
  Category category = Category::kOther;
  double score = 0;
  std::vector<PatternSpec> match;
  std::vector<PatternSpec> unless;
  About about = About::kOptional;
  std::vector<uint32_t> about_targets;  // indices into RuleSet::targets, for kListed
  uint32_t within = 8;                  // words between hit and mention; 0: spaces only
  Side side = Side::kEither;            // where the mention may stand
  Action min_action = Action::kAllow;   // kAllow means no floor
  bool shadow = false;
  bool raw = false;
  std::vector<std::string> examples_match;
  std::vector<std::string> examples_no_match;
  SourceLocation where;
};

struct Policy {
  double flag = 2;
  double quarantine = 5;
  double escalate = 10;
  std::array<double, kProtectionCount> protection = {1.5, 2, 3};
};

struct RuleSet {
  std::vector<Rule> rules;      // enabled rules only, in load order
  std::vector<Target> targets;  // the watchlist, in load order
  Policy policy;
  uint64_t source_hash = 0;     // hash of every input file's path and bytes
  size_t disabled_rules = 0;    // rules present but `enabled: false`
};

}  // namespace decorum
