#include "match/generation.h"

#include <hs/hs.h>

#include <algorithm>
#include <bitset>
#include <chrono>
#include <cstdio>
#include <set>
#include <span>

#include <spdlog/spdlog.h>

#include "match/byte_gate.h"
#include "match/database_cache.h"
#include "match/pattern_compiler.h"
#include "rules/source_hash.h"

namespace decorum {
namespace {

// Bumped whenever the meaning of a compiled generation changes (pattern translation,
// flags), so decisions made under different semantics never share a ruleset id.
constexpr std::string_view kFormatVersion = "decorum-generation-2";  // 2: joined target names

struct Expression {
  CompiledPattern pattern;
  PatternRef ref;
  const SourceLocation* where = nullptr;
  const std::string* original = nullptr;  // the pattern as written, for errors
};

// The expressions of one database, in Hyperscan's parallel-array form.
struct ExpressionSet {
  std::vector<Expression> items;

  void Add(CompiledPattern pattern, PatternRef ref, const SourceLocation* where,
           const std::string* original) {
    items.push_back({std::move(pattern), ref, where, original});
  }
};

// A database's expressions in Hyperscan's parallel-array form.
struct HsArrays {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;

  void Add(const std::string& expression, unsigned f, unsigned id) {
    exprs.push_back(expression.c_str());
    flags.push_back(f);
    ids.push_back(id);
  }
  bool empty() const { return exprs.empty(); }
  size_t size() const { return exprs.size(); }
};

// Compiles `a` into a block-mode database, through `cache` when given.
// On failure returns null and, when Hyperscan names one, sets *error_index to the index of
// the expression it blamed (-1 for a database-wide error) with its message.
hs_database_t* CompileArrays(const HsArrays& a, const DatabaseCache* cache, bool* from_cache,
                             int* error_index, std::string* error) {
  uint64_t key = 0;
  if (cache) {
    key = DatabaseCache::Key(a.exprs, a.flags, a.ids);
    if (hs_database_t* cached = cache->Load(key)) {
      *from_cache = true;
      return cached;
    }
  }
  *from_cache = false;
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(a.exprs.data(), a.flags.data(), a.ids.data(), static_cast<unsigned>(a.size()),
                       HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    *error_index = err ? err->expression : -1;
    *error = err && err->message ? err->message : "unknown Hyperscan error";
    hs_free_compile_error(err);
    return nullptr;
  }
  if (cache) {
    Status st = cache->Store(key, db);
    if (!st.ok()) spdlog::warn("database cache: {}", st.message());
  }
  return db;
}

using Expressions = std::span<const Expression>;

// Compiles `set` into a database; ids are `id_base + position`. Failure as CompileArrays.
hs_database_t* CompileDatabase(Expressions set, uint32_t id_base, const DatabaseCache* cache,
                               bool* from_cache, int* error_index, std::string* error) {
  HsArrays a;
  for (size_t i = 0; i < set.size(); ++i) {
    a.Add(set[i].pattern.expression, set[i].pattern.flags, id_base + static_cast<unsigned>(i));
  }
  return CompileArrays(a, cache, from_cache, error_index, error);
}

// Start-of-match tracking makes Hyperscan run its regex engines in a much costlier mode
// (on the default pack a third of all scan time goes to the one raw e-mail regex), yet
// regexes match few comments; and the regexes that need a digit (phone numbers,
// addresses, sums: byte_gate.h) cost a quarter of the scan, yet most texts hold no
// digit. So next to the full database (which, with the Scanner's word-boundary checks on
// literals, defines what matches) `set` also gets:
//   screen: every expression but the digit ones, same ids, HS_FLAG_SOM_LEFTMOST dropped;
//   digit:  the expressions that need a digit, the same way (null if there are none);
//   som:    the SOM expressions, same ids and flags, in groups (SomGroups): each one a
//           database of its own, up to Generation::kMaxSomGroups of them.
// Hyperscan reports every match of every expression independently of the others in its
// database, and dropping SOM changes only the start it reports, never which ends; so
// screen and digit together report exactly the full database's non-SOM matches, plus one
// report per SOM match end, and each SOM group exactly the full database's matches of its
// expressions; a digit expression has none in a text without a digit. The Scanner scans
// the screen, and the digit database only when the text holds a digit; it keeps their
// non-SOM reports and replaces the others by a scan of the groups of the SOM expressions
// that fired (and only those: a SOM scan over the whole group cost 2.2 times as much as
// over the one expression that fired, on the default pack). When every expression tracks
// SOM and they make one group, that group is `full` itself (not owned by the result).
// Digit expressions are split off only when others remain for the screen. When every
// screen expression needs one byte (the raw e-mail regex an '@'), the Scanner skips the
// screen over text without it, as it skips the digit database. Returns no
// databases when there is nothing to split (no SOM and no digit expression) or a split
// database fails to compile (the Scanner then scans the full database).
struct SplitDatabases {
  hs_database_t* screen = nullptr;
  int screen_gate = -1;  // a byte every screen expression needs (byte_gate.h), or -1
  std::vector<hs_database_t*> som;
  hs_database_t* digit = nullptr;
  std::vector<uint32_t> som_group;  // per expression of `set`: its group (SOM ones only)
  bool from_cache = true;
};

// The SOM groups' expressions: group g of `groups` holds the SOM expressions of `set` whose
// som_group is g, in order. Fills split->som_group.
std::vector<HsArrays> SomGroups(Expressions set, uint32_t id_base, SplitDatabases* split) {
  size_t som_count = 0;
  for (const auto& e : set) som_count += (e.pattern.flags & HS_FLAG_SOM_LEFTMOST) != 0;
  std::vector<HsArrays> groups;
  if (som_count == 0) return groups;
  const size_t per_group = (som_count + Generation::kMaxSomGroups - 1) / Generation::kMaxSomGroups;
  groups.resize((som_count + per_group - 1) / per_group);
  split->som_group.assign(set.size(), 0);
  size_t k = 0;
  for (size_t i = 0; i < set.size(); ++i) {
    const CompiledPattern& p = set[i].pattern;
    if (!(p.flags & HS_FLAG_SOM_LEFTMOST)) continue;
    const uint32_t g = static_cast<uint32_t>(k++ / per_group);
    split->som_group[i] = g;
    groups[g].Add(p.expression, p.flags, id_base + static_cast<unsigned>(i));
  }
  return groups;
}

// Compiles `groups` (SOM or unless groups: `kind` names which), one database each, through
// `cache` as one entry (a generation's dozens of small databases would otherwise crowd
// every other entry out of the cache).
bool CompileGroups(const std::vector<HsArrays>& groups, std::string_view kind, const DatabaseCache* cache,
                   std::vector<hs_database_t*>* out, bool* from_cache, std::string* error) {
  uint64_t key = 0;
  if (cache) {
    HsArrays all;
    std::string layout(kind);
    for (const HsArrays& g : groups) {
      all.exprs.insert(all.exprs.end(), g.exprs.begin(), g.exprs.end());
      all.flags.insert(all.flags.end(), g.flags.begin(), g.flags.end());
      all.ids.insert(all.ids.end(), g.ids.begin(), g.ids.end());
      layout += ' ' + std::to_string(g.size());
    }
    key = Fnv1a64(DatabaseCache::Key(all.exprs, all.flags, all.ids), layout);
    *out = cache->LoadAll(key);
    if (out->size() == groups.size()) {
      *from_cache = true;
      return true;
    }
    for (hs_database_t* db : *out) hs_free_database(db);
    out->clear();
  }
  *from_cache = false;
  for (const HsArrays& g : groups) {
    bool unused = false;
    int error_index = -1;
    hs_database_t* db = CompileArrays(g, nullptr, &unused, &error_index, error);
    if (!db) return false;
    out->push_back(db);
  }
  if (cache) {
    Status st = cache->StoreAll(key, std::vector<const hs_database*>(out->begin(), out->end()));
    if (!st.ok()) spdlog::warn("database cache: {}", st.message());
  }
  return true;
}

SplitDatabases CompileSplit(Expressions set, uint32_t id_base, hs_database_t* full,
                            const DatabaseCache* cache) {
  bool any_digit = false, any_other = false;
  for (const auto& e : set) (e.pattern.needs_digit ? any_digit : any_other) = true;
  const bool gate = any_digit && any_other;

  HsArrays screen, digit;
  std::bitset<128> screen_needs;
  screen_needs.set();
  for (size_t i = 0; i < set.size(); ++i) {
    const CompiledPattern& p = set[i].pattern;
    const unsigned id = id_base + static_cast<unsigned>(i);
    const unsigned screen_flags = p.flags & ~static_cast<unsigned>(HS_FLAG_SOM_LEFTMOST);
    if (gate && p.needs_digit) {
      digit.Add(p.expression, screen_flags, id);
    } else {
      screen.Add(p.expression, screen_flags, id);
      screen_needs &= p.needs_bytes;
    }
  }
  SplitDatabases out;
  out.screen_gate = GateByte(screen_needs);
  const std::vector<HsArrays> som = SomGroups(set, id_base, &out);
  if (som.empty() && digit.empty()) return out;
  int error_index = -1;
  std::string error;
  bool cached = false;
  out.screen = CompileArrays(screen, cache, &cached, &error_index, &error);
  out.from_cache = cached;
  bool ok = out.screen != nullptr;
  if (ok && som.size() == 1 && som[0].size() == set.size()) {
    out.som.push_back(full);
  } else if (ok && !som.empty()) {
    ok = CompileGroups(som, "som", cache, &out.som, &cached, &error);
    out.from_cache = out.from_cache && cached;
  }
  if (ok && !digit.empty()) {
    out.digit = CompileArrays(digit, cache, &cached, &error_index, &error);
    out.from_cache = out.from_cache && cached;
    ok = out.digit != nullptr;
  }
  if (!ok) {
    spdlog::warn("split database does not compile ({}); scanning the full database", error);
    hs_free_database(out.screen);
    for (hs_database_t* db : out.som) {
      if (db != full) hs_free_database(db);
    }
    hs_free_database(out.digit);
    return SplitDatabases{};
  }
  return out;
}

// An unless regex: kept out of the space's databases, in its rule's unless group. (Unless
// words and phrases stay in: literals cost next to nothing in the screen's literal
// matcher, while a scan of their own costs a few hundred cycles, and rules with them fire
// on a fair share of comments — insult.generic on 7% of the bench corpus.)
bool IsUnlessRegex(const Expression& e) {
  return e.ref.kind == PatternRef::Kind::kUnless && e.pattern.literal_length == 0;
}

// Moves the unless regexes of `set` after the others, keeping each kind's order; returns
// how many others there are.
size_t MoveUnlessRegexesLast(ExpressionSet* set) {
  const auto unless_from = std::stable_partition(set->items.begin(), set->items.end(),
                                                 [](const Expression& e) { return !IsUnlessRegex(e); });
  return static_cast<size_t>(unless_from - set->items.begin());
}

// Compiles the unless regexes `unless` (ids from `id_base`) into their groups,
// group_of_rule[rule] telling each rule's group: *out gets `group_count` entries, each
// with `full` (null for a group without regexes here) and, when all of the group's
// expressions track SOM (regexes do), a SOM-free `screen` and `som` = {full}. The fulls
// and the screens are one cache entry each, however many groups there are. False (with
// *error) when a group does not compile; what was compiled is then in *out.
bool CompileUnlessGroups(Expressions unless, uint32_t id_base, const std::vector<int32_t>& group_of_rule,
                         size_t group_count, const DatabaseCache* cache, std::vector<Generation::Databases>* out,
                         bool* from_cache, std::string* error) {
  out->clear();
  *from_cache = true;
  if (unless.empty()) return true;
  std::vector<HsArrays> fulls(group_count), screens(group_count);
  std::vector<bool> all_som(group_count, true);
  for (size_t i = 0; i < unless.size(); ++i) {
    const CompiledPattern& p = unless[i].pattern;
    const size_t g = static_cast<size_t>(group_of_rule[unless[i].ref.index]);
    const unsigned id = id_base + static_cast<unsigned>(i);
    fulls[g].Add(p.expression, p.flags, id);
    screens[g].Add(p.expression, p.flags & ~static_cast<unsigned>(HS_FLAG_SOM_LEFTMOST), id);
    all_som[g] = all_som[g] && (p.flags & HS_FLAG_SOM_LEFTMOST);
  }
  // Compiles the non-empty `arrays` (those `wanted`) as one entry; *dbs gets one slot a
  // group, null for the others.
  auto compile = [&](const std::vector<HsArrays>& arrays, std::string_view kind, auto wanted,
                     std::vector<hs_database_t*>* dbs) {
    std::vector<HsArrays> present;
    for (size_t g = 0; g < group_count; ++g) {
      if (wanted(g)) present.push_back(arrays[g]);
    }
    dbs->assign(group_count, nullptr);
    if (present.empty()) return true;
    std::vector<hs_database_t*> compiled;
    bool cached = false;
    const bool ok = CompileGroups(present, kind, cache, &compiled, &cached, error);
    *from_cache = *from_cache && cached;
    size_t next = 0;
    for (size_t g = 0; g < group_count && next < compiled.size(); ++g) {
      if (wanted(g)) (*dbs)[g] = compiled[next++];
    }
    return ok;
  };
  std::vector<hs_database_t*> full_dbs, screen_dbs;
  bool ok = compile(fulls, "unless", [&](size_t g) { return !fulls[g].empty(); }, &full_dbs);
  if (ok) {
    ok = compile(screens, "unless screens", [&](size_t g) { return !fulls[g].empty() && all_som[g]; },
                 &screen_dbs);
  }
  out->resize(group_count);
  for (size_t g = 0; g < group_count; ++g) {
    Generation::Databases& d = (*out)[g];
    d.full = full_dbs[g];
    if (g < screen_dbs.size() && screen_dbs[g]) {
      d.screen = screen_dbs[g];
      d.som.push_back(d.full);
    }
  }
  return ok;
}

// Finds every expression Hyperscan rejects on its own (compile_multi only names the
// first), so a bad rule set reports all its bad patterns at once.
void CollectBadExpressions(const ExpressionSet& set, const RuleSet& rules,
                           std::vector<RuleError>* errors, std::set<uint32_t>* bad_rules) {
  for (const auto& e : set.items) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile(e.pattern.expression.c_str(), e.pattern.flags, HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS) {
      hs_free_database(db);
      continue;
    }
    std::string msg = "pattern '" + *e.original + "' does not compile: " +
                      (err && err->message ? err->message : "unknown error");
    hs_free_compile_error(err);
    if (e.ref.kind == PatternRef::Kind::kTarget) {
      errors->push_back({*e.where, "", "target " + rules.targets[e.ref.index].id + ": " + msg});
    } else {
      errors->push_back({*e.where, rules.rules[e.ref.index].id, msg});
      bad_rules->insert(e.ref.index);
    }
  }
}

}  // namespace

namespace {

void FreeDatabases(const Generation::Databases& d) {
  hs_free_database(d.screen);
  for (hs_database* db : d.som) {
    if (db != d.full) hs_free_database(db);
  }
  hs_free_database(d.digit);
  for (const Generation::Databases& group : d.unless) FreeDatabases(group);
  hs_free_database(d.full);
}

}  // namespace

Generation::~Generation() {
  FreeDatabases(normalized_);
  FreeDatabases(raw_);
}

Result<std::shared_ptr<const Generation>> Generation::Compile(RuleSet set, bool skip_bad_rules,
                                                              std::vector<RuleError>* errors,
                                                              const DatabaseCache* cache) {
  const auto start = std::chrono::steady_clock::now();
  const size_t errors_before = errors->size();
  PatternCompiler compiler;
  ExpressionSet normalized, raw;
  std::set<uint32_t> bad_rules;
  // A name, alias or handle that does not compile is left out of its target; the set as
  // a whole is refused for it unless skipping, like a rule's bad pattern.
  bool bad_target_patterns = false;

  // Watchlist first: its ids are the smallest, which keeps mention lookup cheap.
  for (uint32_t t = 0; t < set.targets.size(); ++t) {
    const Target& target = set.targets[t];
    PatternRef ref;
    ref.kind = PatternRef::Kind::kTarget;
    ref.index = t;
    auto add = [&](const std::string& text, Result<CompiledPattern> expr) {
      if (!expr.ok()) {
        errors->push_back({target.where, "", "target " + target.id + ": " + expr.status().message()});
        bad_target_patterns = true;
        return;
      }
      normalized.Add(std::move(expr.value()), ref, &target.where, &text);
    };
    // Names and aliases are phrases (docs/rules.md), so like rule phrases they also match
    // their words written together: "AnnaDelvey", "VelJohnson" are mentions too; and their
    // possessive without the apostrophe ("Delveys", PossessiveVariant).
    auto add_name = [&](const std::string& text) {
      add(text, compiler.TargetName(text));
      const std::string joined = compiler.JoinedVariant(text);
      if (!joined.empty()) add(text, compiler.TargetName(joined));
      const std::string possessive = PatternCompiler::PossessiveVariant(text);
      if (!possessive.empty()) add(text, compiler.TargetName(possessive));
    };
    add_name(target.name);
    for (const auto& a : target.aliases) add_name(a);
    for (const auto& h : target.handles) add(h, compiler.TargetHandle(h));
  }

  for (uint32_t r = 0; r < set.rules.size(); ++r) {
    const Rule& rule = set.rules[r];
    auto add_patterns = [&](const std::vector<PatternSpec>& patterns, PatternRef::Kind kind) {
      for (const auto& p : patterns) {
        PatternRef ref;
        ref.kind = kind;
        ref.index = r;
        if (p.kind == PatternSpec::Kind::kRegex) {
          auto expr = compiler.Regex(p.text, rule.raw);
          if (!expr.ok()) {
            errors->push_back({p.where, rule.id, expr.status().message()});
            bad_rules.insert(r);
            continue;
          }
          (rule.raw ? raw : normalized).Add(std::move(expr.value()), ref, &p.where, &p.text);
          continue;
        }
        auto expr = compiler.WordOrPhrase(p.text);
        if (!expr.ok()) {
          errors->push_back({p.where, rule.id, expr.status().message()});
          bad_rules.insert(r);
          continue;
        }
        // Words and phrases always match the normalized text, even in a raw rule: they
        // are normalized themselves, so only there do they mean what they say.
        normalized.Add(std::move(expr.value()), ref, &p.where, &p.text);
        const std::string joined = compiler.JoinedVariant(p.text);
        if (!joined.empty()) {
          auto joined_expr = compiler.WordOrPhrase(joined);
          if (joined_expr.ok()) normalized.Add(std::move(joined_expr.value()), ref, &p.where, &p.text);
        }
      }
    };
    add_patterns(rule.match, PatternRef::Kind::kMatch);
    add_patterns(rule.unless, PatternRef::Kind::kUnless);
  }

  // Each space's unless regexes go after its other expressions (ids follow positions),
  // and each rule with any gets an unless group.
  const size_t normalized_matching = MoveUnlessRegexesLast(&normalized);
  const size_t raw_matching = MoveUnlessRegexesLast(&raw);
  std::vector<int32_t> group_of_rule(set.rules.size(), -1);
  size_t unless_rules = 0;
  for (const ExpressionSet* es : {&normalized, &raw}) {
    for (const Expression& e : es->items) {
      if (IsUnlessRegex(e) && group_of_rule[e.ref.index] < 0) {
        group_of_rule[e.ref.index] = 0;
        ++unless_rules;
      }
    }
  }
  const size_t rules_per_group = std::max<size_t>(1, (unless_rules + kMaxUnlessGroups - 1) / kMaxUnlessGroups);
  size_t unless_groups = 0;
  for (int32_t& g : group_of_rule) {
    if (g < 0) continue;
    g = static_cast<int32_t>(unless_groups++ / rules_per_group);  // consecutive rules share
  }
  unless_groups = (unless_groups + rules_per_group - 1) / rules_per_group;

  auto gen = std::shared_ptr<Generation>(new Generation());
  const uint32_t raw_base = static_cast<uint32_t>(normalized.items.size());
  struct Space {
    Expressions matching;
    Expressions unless;
    uint32_t id_base;
    Databases* dbs;
  };
  const Space spaces[] = {
      {Expressions(normalized.items).first(normalized_matching),
       Expressions(normalized.items).subspan(normalized_matching), 0, &gen->normalized_},
      {Expressions(raw.items).first(raw_matching), Expressions(raw.items).subspan(raw_matching), raw_base,
       &gen->raw_},
  };
  std::string error;
  int error_index = -1;
  // Not compiling when a target's pattern failed (and it is not skipped) goes the way of a
  // failed compile below: every rule pattern's error is collected too, then refused.
  bool ok = bad_rules.empty() && !(bad_target_patterns && !skip_bad_rules);
  bool compiled_any = false, all_cached = true;
  for (const Space& space : spaces) {
    bool cached = true;
    if (ok && !space.matching.empty()) {
      space.dbs->full = CompileDatabase(space.matching, space.id_base, cache, &cached, &error_index, &error);
      ok = space.dbs->full != nullptr;
      compiled_any = true;
      all_cached = all_cached && cached;
    }
    if (ok && !space.unless.empty()) {
      ok = CompileUnlessGroups(space.unless, space.id_base + static_cast<uint32_t>(space.matching.size()),
                               group_of_rule, unless_groups, cache, &space.dbs->unless, &cached, &error);
      compiled_any = true;
      all_cached = all_cached && cached;
    }
  }
  if (!ok) {
    CollectBadExpressions(normalized, set, errors, &bad_rules);
    CollectBadExpressions(raw, set, errors, &bad_rules);
    if (errors->size() == errors_before) {
      // Every pattern compiles alone but not together (e.g. the database is too large).
      errors->push_back({SourceLocation{"<rule set>"}, "", "Hyperscan cannot compile the rule set: " + error});
      return Status::RuleError("the rule set does not compile: " + error);
    }
    if (!skip_bad_rules || bad_rules.empty()) {
      return Status::RuleError(std::to_string(errors->size() - errors_before) +
                               " pattern error(s) in the rule set");
    }
    // Drop the failing rules and compile what is left. Target errors cannot be skipped
    // this way (they are not rules), hence the bad_rules.empty() check above.
    RuleSet kept = std::move(set);
    std::vector<Rule> rules;
    for (uint32_t r = 0; r < kept.rules.size(); ++r) {
      if (!bad_rules.count(r)) rules.push_back(std::move(kept.rules[r]));
    }
    // Remap `about` indices are target indices, unaffected by dropping rules.
    kept.rules = std::move(rules);
    // Skipping still: a target's bad name is left out on this pass too (its error was
    // reported above), where refusing for it would undo the skip.
    std::vector<RuleError> ignored;
    return Compile(std::move(kept), /*skip_bad_rules=*/true, &ignored, cache);
  }

  gen->raw_id_base_ = raw_base;
  for (const Space& space : spaces) {
    SplitDatabases split;
    if (space.dbs->full) {
      split = CompileSplit(space.matching, space.id_base, space.dbs->full, cache);
      space.dbs->screen = split.screen;
      space.dbs->screen_gate = split.screen_gate;
      space.dbs->som = split.som;
      space.dbs->digit = split.digit;
      all_cached = all_cached && split.from_cache;
    }
    // Refs in id order: the space's databases' expressions, then its unless regexes.
    for (size_t i = 0; i < space.matching.size() + space.unless.size(); ++i) {
      const bool unless = i >= space.matching.size();
      const Expression& e = unless ? space.unless[i - space.matching.size()] : space.matching[i];
      PatternRef ref = e.ref;
      ref.prefix = e.pattern.prefix;
      ref.exact_runs = e.pattern.exact_runs;
      ref.literal_length = e.pattern.literal_length;
      ref.som = (e.pattern.flags & HS_FLAG_SOM_LEFTMOST) != 0;
      if (ref.som && !unless && !split.som.empty()) ref.som_group = split.som_group[i];
      if (ref.kind == PatternRef::Kind::kMatch) ref.unless_group = group_of_rule[ref.index];
      ref.word_start = e.pattern.word_start;
      ref.word_end = e.pattern.word_end;
      ref.wide_start = e.pattern.wide_start;
      ref.wide_end = e.pattern.wide_end;
      ref.runs_offset = static_cast<uint32_t>(gen->runs_.size());
      ref.runs_size = static_cast<uint32_t>(e.pattern.runs.size());
      gen->runs_.insert(gen->runs_.end(), e.pattern.runs.begin(), e.pattern.runs.end());
      gen->refs_.push_back(ref);
    }
  }
  gen->from_cache_ = compiled_any && all_cached;

  uint64_t h = Fnv1a64(kFnvOffset, kFormatVersion);
  h = Fnv1a64(h, hs_version());
  h = Fnv1a64(h, std::string_view(reinterpret_cast<const char*>(&set.source_hash), sizeof(set.source_hash)));
  for (const auto& r : set.rules) {
    h = Fnv1a64(h, r.id);
    h = Fnv1a64(h, "\n");
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  gen->id_ = hex;
  gen->set_ = std::move(set);
  gen->masked_letters_ = MaskedLetters::Build(gen->set_);
  gen->compile_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::shared_ptr<const Generation>(std::move(gen));
}

}  // namespace decorum
