// Generation: one compiled, immutable rule set — the Hyperscan databases, the rule
// table and the watchlist — ready to be shared by every worker thread (SPEC §7).
//
// Every pattern of every rule (match and unless) and every watchlist name, alias and handle
// is one expression in a single block-mode database over the normalized text, so a comment
// is scanned once; `raw: true` rules live in a second, usually empty, database over the
// original bytes. Unless regexes are the exception: an unless pattern matters only where
// its rule matched, and regexes cost the scan most, so those are kept apart, in databases
// scanned only when their rule matched and could count (Databases::unless, Scanner::Scan).
// Expression ids index `refs()`. Words, phrases, names and handles are bare literals there:
// the word boundaries around them are checked by the Scanner (PatternRef::word_start /
// word_end, pattern_compiler.h), so for those ids a database reports every occurrence and
// the Scanner keeps the ones `\b` would have (or, for a word of a non-Latin script
// delimited by spaces, the ones its own letters do not continue: PatternRef::wide_start /
// wide_end).
//
// Thread safety: immutable after Compile(); share it via shared_ptr<const Generation>
// (a reload publishes a new one; comments in flight keep theirs alive).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decorum/status.h"
#include "match/masked_letters.h"
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
  bool wide_start = false;   // literals: at the start, a non-ASCII byte is a word byte too
  bool wide_end = false;     // literals: likewise at the end (and a prefix extends over it)
  uint32_t index = 0;        // rule index for kMatch / kUnless, target index for kTarget
  uint32_t literal_length = 0;  // literals: start = end - literal_length; 0: SOM reported
  uint32_t runs_offset = 0;  // run requirements: run_requirements()[offset, offset+size)
  uint32_t runs_size = 0;    // 0: no requirement (every letter may occur once or more)
  // kMatch of a rule with unless regexes: the group (Databases::unless) that holds them,
  // to be scanned when this expression is reported (and its match could count:
  // Scanner::Scan's filter); -1 when the rule has none.
  int32_t unless_group = -1;
};

class Generation {
 public:
  // At most this many SOM groups a database: a rule set of thousands of regexes shares
  // them out (consecutive expressions, so a rule's regexes stay together) rather than
  // compiling and loading thousands of databases.
  static constexpr size_t kMaxSomGroups = 32;
  // At most this many unless groups, for the same reason: consecutive rules share one.
  static constexpr size_t kMaxUnlessGroups = 32;

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
  // The rule set's words with a letter masked, to fill in before a scan (masked_letters.h).
  const MaskedLetters& masked_letters() const { return masked_letters_; }
  const std::vector<PatternRef>& refs() const { return refs_; }
  const std::vector<uint8_t>& run_requirements() const { return runs_; }
  // The databases of one space: the normalized text's or the original bytes'.
  struct Databases {
    // Every expression of the space but the unless regexes; null when there is none.
    hs_database* full = nullptr;
    // The same expressions split for speed (generation.cc, CompileSplit): the screen
    // holds every one of them but those that need a digit, the digit database those
    // (every match of theirs holds a digit, byte_gate.h: it is scanned only over text
    // that has one), both with start-of-match tracking dropped; the SOM groups the
    // expressions that track it, each in exactly one group database
    // (PatternRef::som_group), so that a SOM expression that fired is rescanned with few
    // others. All under `full`'s ids. All null (empty) when there is nothing to split (no
    // SOM and no digit expression, or they could not be compiled): the Scanner then
    // scans `full`. `digit` is null when no expression needs a digit (or every one
    // does), `som` empty when none tracks SOM; when every expression tracks SOM and they
    // make one group (the raw space, usually), that group is `full` itself.
    hs_database* screen = nullptr;
    int screen_gate = -1;  // a byte every screen expression needs (byte_gate.h), or -1
    std::vector<hs_database*> som;
    hs_database* digit = nullptr;
    // The unless regexes, per group (PatternRef::unless_group: a rule's are in one group,
    // rules share groups beyond kMaxUnlessGroups), each group scanned like a space: its
    // `full` holds its regexes with their flags as written (null where the group has
    // none in this space) and, as they all track SOM, its `screen` the same without SOM
    // and `som` {full}: the SOM scan, which costs a regex many times more (16k
    // instructions a scan for threat.violence's three), runs only where one fired.
    // No digit database or gate byte. Empty when the space has no unless regex, else one
    // entry per group.
    std::vector<Databases> unless;
  };
  const Databases& normalized() const { return normalized_; }
  const Databases& raw() const { return raw_; }
  // Ids: the normalized space's expressions (its databases', then its unless regexes)
  // come first; the raw space's start at raw_id_base().
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
  MaskedLetters masked_letters_;
  std::vector<PatternRef> refs_;
  std::vector<uint8_t> runs_;
  Databases normalized_;
  Databases raw_;
  uint32_t raw_id_base_ = 0;
  std::string id_;
  double compile_seconds_ = 0;
  bool from_cache_ = false;
};

}  // namespace decorum
