// Generation: one compiled, immutable rule set — the Hyperscan databases, the rule
// table and the watchlist — ready to be shared by every worker thread (SPEC §7).
//
// Every pattern of every rule (match and unless) and every watchlist name, alias and
// handle is one expression in a single block-mode database over the normalized text, so
// a comment is scanned once; `raw: true` rules live in a second, usually empty, database
// over the original bytes. Expression ids index `refs()`. Words, phrases, names and
// handles are bare literals there: the word boundaries around them are checked by the
// Scanner (PatternRef::word_start / word_end, pattern_compiler.h), so for those ids a
// database reports every occurrence and the Scanner keeps the ones `\b` would have.
//
// Thread safety: immutable after Compile(); share it via shared_ptr<const Generation>
// (a reload publishes a new one; comments in flight keep theirs alive).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decorum/status.h"
#include "rules/rule_loader.h"
#include "rules/rule_set.h"

struct hs_database;

namespace decorum {

class DatabaseCache;

// What a Hyperscan expression id stands for, and how to turn its raw match into a span.
struct PatternRef {
  enum class Kind : uint8_t { kMatch, kUnless, kTarget };
  Kind kind = Kind::kMatch;
  bool prefix = false;       // extend the match to the end of the word
  bool exact_runs = false;   // letter runs must equal `runs`, not just reach them
  bool som = false;          // compiled with HS_FLAG_SOM_LEFTMOST (regexes)
  uint32_t som_group = 0;    // SOM expressions of a split database: their group in *_som_dbs()
  bool word_start = false;   // literals: a word boundary must precede the match (Scanner)
  bool word_end = false;     // literals: a word boundary must follow the match (Scanner)
  uint32_t index = 0;        // rule index for kMatch / kUnless, target index for kTarget
  uint32_t literal_length = 0;  // literals: start = end - literal_length; 0: SOM reported
  uint32_t runs_offset = 0;  // run requirements: run_requirements()[offset, offset+size)
  uint32_t runs_size = 0;    // 0: no requirement (every letter may occur once or more)
};

class Generation {
 public:
  // At most this many SOM groups a database: a rule set of thousands of regexes shares
  // them out (consecutive expressions, so a rule's regexes stay together) rather than
  // compiling and loading thousands of databases.
  static constexpr size_t kMaxSomGroups = 32;

  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // Compiles `set`. Patterns Hyperscan (or the pattern compiler) rejects are appended to
  // *errors, each naming its rule; then, unless `skip_bad_rules`, compilation fails with
  // a kRuleError status. With `skip_bad_rules` the failing rules are dropped and the rest
  // compiled. With a `cache`, databases are loaded from it when present and stored in it
  // when compiled (a cache that fails is only logged: it saves time, never correctness).
  static Result<std::shared_ptr<const Generation>> Compile(RuleSet set, bool skip_bad_rules,
                                                           std::vector<RuleError>* errors,
                                                           const DatabaseCache* cache = nullptr);

  const RuleSet& rules() const { return set_; }
  const std::vector<PatternRef>& refs() const { return refs_; }
  const std::vector<uint8_t>& run_requirements() const { return runs_; }
  // Null when the set has no pattern of that kind.
  const hs_database* normalized_db() const { return normalized_db_; }
  const hs_database* raw_db() const { return raw_db_; }
  // The same two databases split for speed (generation.cc, CompileSplit): the screen
  // holds every expression of its database but those that need a digit, the digit
  // database those (every match of theirs holds a digit, byte_gate.h: it is scanned
  // only over text that has one), both with start-of-match tracking dropped; the SOM
  // groups the expressions that track it, each in exactly one group database
  // (PatternRef::som_group), so that a SOM expression that fired is rescanned with few
  // others. All under the same ids. All null (empty) when the database has nothing to
  // split (no SOM and no digit expression, or they could not be compiled): the Scanner
  // then uses the full one. The digit database is null when no expression needs a digit
  // (or every one does), the SOM groups empty when none tracks SOM; when every expression
  // tracks SOM and they make one group (the raw database, usually), that group is the
  // full database itself.
  const hs_database* normalized_screen_db() const { return normalized_split_.screen; }
  const std::vector<hs_database*>& normalized_som_dbs() const { return normalized_split_.som; }
  const hs_database* normalized_digit_db() const { return normalized_split_.digit; }
  const hs_database* raw_screen_db() const { return raw_split_.screen; }
  const std::vector<hs_database*>& raw_som_dbs() const { return raw_split_.som; }
  const hs_database* raw_digit_db() const { return raw_split_.digit; }
  // A byte every expression of the screen needs (byte_gate.h): the screen need not be
  // scanned over text without it. -1: none.
  int normalized_screen_gate() const { return normalized_split_.screen_gate; }
  int raw_screen_gate() const { return raw_split_.screen_gate; }
  // Number of expressions in the normalized and raw databases; raw ids start at
  // raw_id_base() in refs().
  uint32_t raw_id_base() const { return raw_id_base_; }
  // The `ruleset` id in decisions: 16 hex digits over the rule sources, the rules that
  // made it in, the Hyperscan version and our format version.
  const std::string& id() const { return id_; }
  size_t pattern_count() const { return refs_.size(); }
  double compile_seconds() const { return compile_seconds_; }
  // True when every database came from the on-disk cache.
  bool from_cache() const { return from_cache_; }

 private:
  Generation() = default;

  RuleSet set_;
  std::vector<PatternRef> refs_;
  std::vector<uint8_t> runs_;
  hs_database* normalized_db_ = nullptr;
  hs_database* raw_db_ = nullptr;
  struct Split {
    hs_database* screen = nullptr;
    int screen_gate = -1;
    std::vector<hs_database*> som;
    hs_database* digit = nullptr;
  };
  Split normalized_split_;
  Split raw_split_;
  uint32_t raw_id_base_ = 0;
  std::string id_;
  double compile_seconds_ = 0;
  bool from_cache_ = false;
};

}  // namespace decorum
