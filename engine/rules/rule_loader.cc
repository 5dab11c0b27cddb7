#include "rules/rule_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "normalize/utf8.h"
#include "rules/embedded_rules.h"
#include "rules/source_hash.h"

namespace decorum {

std::string RuleError::ToString() const {
  std::string s = where.ToString();
  s += ": ";
  if (!rule_id.empty()) s += "rule " + rule_id + ": ";
  s += message;
  return s;
}

Result<std::vector<RuleFile>> ReadRuleDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("rules directory '" + dir + "' does not exist or is not a directory");
  }
  std::vector<std::string> paths;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto ext = it->path().extension();
    if (ext == ".yaml" || ext == ".yml") paths.push_back(it->path().string());
  }
  if (ec) return Status::IoError("cannot list rules directory '" + dir + "': " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<RuleFile> files;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return Status::IoError("cannot read rule file '" + p + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    files.push_back({p, ss.str(), fs::relative(p, dir, ec).generic_string()});
  }
  return files;
}

std::vector<RuleFile> DefaultRuleFiles() {
  std::vector<RuleFile> files;
  for (const auto& f : EmbeddedRuleFiles()) files.push_back({f.path, std::string(f.contents()), std::string(f.path).substr(6)});
  return files;
}

namespace {

// Where a document starts; nothing else of the event stream is needed.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark last;
};

// yaml-cpp 0.7's LoadAll never returns on some malformed input: a ',' at the top level,
// outside any brackets ("," or "[a]\n,"), is a token no document consumes, so LoadAll
// appends empty documents forever until memory runs out (found by fuzz_rule_loader; see
// tests/unit/rules/rule_loader_regression_test.cc). This walks the documents with a
// parser we can stop: a document that makes progress consumes at least one token of at
// least one byte ("[a] [b]" is two documents of three bytes each), so more documents than
// bytes means the parser is stuck. Returns where it is stuck, or nothing when LoadAll is
// safe. Throws what yaml-cpp throws for a syntax error, as LoadAll would.
std::optional<YAML::Mark> FindStuckDocument(const std::string& contents) {
  std::istringstream in(contents);
  YAML::Parser parser(in);
  DocumentStarts starts;
  size_t documents = 0;
  while (parser.HandleNextDocument(starts)) {
    if (++documents > contents.size()) return starts.last;
  }
  return std::nullopt;
}

// One file's parse, before cross-file references are resolved.
struct PendingRule {
  Rule rule;
  std::vector<std::pair<std::string, SourceLocation>> about_ids;
  bool ok = true;
  bool enabled = true;
};

// Collects everything across files; errors accumulate instead of aborting.
class Loader {
 public:
  LoadedRules Run(const std::vector<RuleFile>& files) {
    for (const auto& f : files) LoadFile(f);
    Resolve();
    out_.set.source_hash = HashRuleFiles(files);
    return std::move(out_);
  }

 private:
  SourceLocation Where(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    return SourceLocation{file_, m.line + 1, m.column + 1};
  }

  void Error(const YAML::Node& n, const std::string& rule_id, std::string msg) {
    out_.errors.push_back({Where(n), rule_id, std::move(msg)});
  }

  // Checks that every key of map `n` is in `allowed`, and that none is given twice:
  // yaml-cpp accepts a repeated key and n[key] then silently returns the first value
  // (a second `rules:` block in a file would vanish without a word).
  bool CheckKeys(const YAML::Node& n, std::initializer_list<std::string_view> allowed,
                 const std::string& rule_id, std::string_view what) {
    bool ok = true;
    std::vector<std::pair<std::string, YAML::Node>> seen;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      auto first = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == key; });
      if (first != seen.end()) {
        Error(kv.first, rule_id, "duplicate key '" + key + "' (first at " + Where(first->second).ToString() + ")");
        ok = false;
        continue;
      }
      seen.emplace_back(key, kv.first);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Error(kv.first, rule_id, "unknown key '" + key + "' in " + std::string(what) + " (expected one of: " + list + ")");
        ok = false;
      }
    }
    return ok;
  }

  // A string, or a list of strings. Returns nullopt (and records an error) otherwise.
  std::optional<std::vector<std::string>> StringList(const YAML::Node& n, const std::string& rule_id,
                                                     std::string_view key) {
    std::vector<std::string> v;
    if (n.IsScalar()) {
      v.push_back(n.Scalar());
      return v;
    }
    if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!item.IsScalar()) {
          Error(item, rule_id, "'" + std::string(key) + "' must be a list of strings");
          return std::nullopt;
        }
        v.push_back(item.Scalar());
      }
      return v;
    }
    Error(n, rule_id, "'" + std::string(key) + "' must be a string or a list of strings");
    return std::nullopt;
  }

  std::optional<std::string> String(const YAML::Node& n, const std::string& rule_id, std::string_view key) {
    if (!n.IsScalar()) {
      Error(n, rule_id, "'" + std::string(key) + "' must be a string");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<double> Number(const YAML::Node& n, const std::string& rule_id, std::string_view key) {
    double d = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, d) || !std::isfinite(d) || d < 0) {
      Error(n, rule_id, "'" + std::string(key) + "' must be a non-negative number");
      return std::nullopt;
    }
    return d;
  }

  std::optional<bool> Bool(const YAML::Node& n, const std::string& rule_id, std::string_view key) {
    bool b = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) {
      Error(n, rule_id, "'" + std::string(key) + "' must be true or false");
      return std::nullopt;
    }
    return b;
  }

  void LoadFile(const RuleFile& f) {
    file_ = f.path;
    // yaml-cpp takes invalid UTF-8 as it comes: a file saved as Latin-1 turned "café"
    // into the word "caf" and a byte no comment's text can hold, without a word.
    if (const std::optional<SourceLocation> bad = FirstInvalidUtf8(f.contents)) {
      out_.errors.push_back({*bad, "", "the file is not valid UTF-8 here (saved in another encoding?)"});
      return;
    }
    // Every document of the file ("---" separated), not just the first: YAML::Load would
    // silently drop the rest.
    std::vector<YAML::Node> docs;
    try {
      if (const std::optional<YAML::Mark> stuck = FindStuckDocument(f.contents)) {
        out_.errors.push_back({SourceLocation{file_, stuck->line + 1, stuck->column + 1}, "",
                               "YAML syntax error: unexpected ',' outside brackets"});
        return;
      }
      docs = YAML::LoadAll(f.contents);
    } catch (const YAML::Exception& e) {
      out_.errors.push_back({SourceLocation{file_, e.mark.line + 1, e.mark.column + 1}, "",
                             "YAML syntax error: " + e.msg});
      return;
    }
    for (const auto& root : docs) LoadDocument(root);
  }

  // Where `contents` first stops being UTF-8, or nullopt.
  std::optional<SourceLocation> FirstInvalidUtf8(std::string_view contents) const {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < contents.size();) {
      const unsigned char c = static_cast<unsigned char>(contents[i]);
      if (c < 0x80) {
        if (c == '\n') {
          ++line;
          line_start = i + 1;
        }
        ++i;
        continue;
      }
      const Utf8Decoded d = DecodeUtf8(contents, i);
      if (d.code_point == kInvalidCodePoint) {
        return SourceLocation{file_, static_cast<int>(line), static_cast<int>(i - line_start + 1)};
      }
      i += d.length;
    }
    return std::nullopt;
  }

  void LoadDocument(const YAML::Node& root) {
    if (root.IsNull()) return;  // an empty file is allowed
    if (!root.IsMap()) {
      Error(root, "", "a rule file must be a map with any of: lists, targets, rules, policy");
      return;
    }
    try {
      CheckKeys(root, {"lists", "targets", "rules", "policy"}, "", "a rule file");
      if (root["lists"]) LoadLists(root["lists"]);
      if (root["targets"]) LoadTargets(root["targets"]);
      if (root["rules"]) LoadRules(root["rules"]);
      if (root["policy"]) LoadPolicy(root["policy"]);
    } catch (const YAML::Exception& e) {
      // yaml-cpp throws on malformed access (e.g. a duplicate key in a flow map).
      out_.errors.push_back({SourceLocation{file_, e.mark.line + 1, e.mark.column + 1}, "", e.msg});
    }
  }

  void LoadLists(const YAML::Node& n) {
    if (!n.IsMap()) return Error(n, "", "'lists' must be a map from list name to words");
    for (const auto& kv : n) {
      const std::string name = kv.first.Scalar();
      if (lists_.count(name)) {
        Error(kv.first, "", "list '" + name + "' is already defined at " + lists_[name].second.ToString());
        continue;
      }
      auto items = StringList(kv.second, "", "lists." + name);
      if (items) lists_[name] = {std::move(*items), Where(kv.first)};
    }
  }

  void LoadTargets(const YAML::Node& n) {
    if (!n.IsSequence()) return Error(n, "", "'targets' must be a list");
    for (const auto& t : n) {
      if (!t.IsMap()) {
        Error(t, "", "a target must be a map with id, name, aliases, handles, protection");
        continue;
      }
      Target target;
      target.where = Where(t);
      bool ok = CheckKeys(t, {"id", "name", "aliases", "handles", "protection"}, "", "a target");
      if (auto id = t["id"] ? String(t["id"], "", "id") : std::nullopt) target.id = *id;
      if (target.id.empty()) {
        Error(t, "", "a target needs an 'id'");
        continue;
      }
      const std::string label = "target " + target.id;
      if (target_index_.count(target.id)) {
        Error(t["id"], "", "duplicate target id '" + target.id + "' (first defined at " +
                               out_.set.targets[target_index_[target.id]].where.ToString() + ")");
        continue;
      }
      if (auto name = t["name"] ? String(t["name"], "", "name") : std::nullopt) target.name = *name;
      if (target.name.empty()) {
        Error(t, "", label + " needs a 'name'");
        ok = false;
      }
      if (t["aliases"]) {
        if (auto v = StringList(t["aliases"], "", "aliases")) target.aliases = *v; else ok = false;
      }
      if (t["handles"]) {
        if (auto v = StringList(t["handles"], "", "handles")) {
          target.handles = *v;
          for (const auto& h : target.handles) {
            if (h.size() < 2 || h[0] != '@') {
              Error(t["handles"], "", label + ": handle '" + h + "' must start with '@'");
              ok = false;
            }
          }
        } else {
          ok = false;
        }
      }
      if (t["protection"]) {
        auto p = String(t["protection"], "", "protection");
        if (!p || !ParseProtection(*p, &target.protection)) {
          Error(t["protection"], "", label + ": protection must be normal, elevated or high");
          ok = false;
        }
      }
      if (!ok) continue;
      target_index_[target.id] = static_cast<uint32_t>(out_.set.targets.size());
      out_.set.targets.push_back(std::move(target));
    }
  }

  // Reads a `match:` or `unless:` block into patterns; list references stay as "$name"
  // words until Resolve().
  bool LoadPatterns(const YAML::Node& n, const std::string& id, std::string_view key,
                    std::vector<PatternSpec>* out) {
    if (!n.IsMap()) {
      Error(n, id, "'" + std::string(key) + "' must be a map with any of: words, phrases, regex");
      return false;
    }
    bool ok = CheckKeys(n, {"words", "phrases", "regex"}, id, key);
    const std::pair<const char*, PatternSpec::Kind> kinds[] = {
        {"words", PatternSpec::Kind::kWord},
        {"phrases", PatternSpec::Kind::kPhrase},
        {"regex", PatternSpec::Kind::kRegex}};
    for (const auto& [name, kind] : kinds) {
      if (!n[name]) continue;
      auto items = StringList(n[name], id, std::string(key) + "." + name);
      if (!items) {
        ok = false;
        continue;
      }
      for (auto& s : *items) {
        if (s.empty()) {
          Error(n[name], id, "empty pattern in '" + std::string(key) + "." + name + "'");
          ok = false;
          continue;
        }
        // YAML can spell a NUL ("\0"); Hyperscan reads patterns as C strings and would
        // silently compile only what precedes it.
        if (s.find('\0') != std::string::npos) {
          Error(n[name], id, "pattern in '" + std::string(key) + "." + name + "' contains a NUL byte");
          ok = false;
          continue;
        }
        out->push_back({kind, std::move(s), Where(n[name])});
      }
    }
    if (out->empty() && ok) {
      Error(n, id, "'" + std::string(key) + "' has no words, phrases or regex");
      ok = false;
    }
    return ok;
  }

  void LoadRules(const YAML::Node& n) {
    if (!n.IsSequence()) return Error(n, "", "'rules' must be a list");
    for (const auto& r : n) {
      ++out_.rules_seen;
      if (!r.IsMap()) {
        Error(r, "", "a rule must be a map");
        continue;
      }
      PendingRule p;
      Rule& rule = p.rule;
      rule.where = Where(r);
      if (r["id"] && r["id"].IsScalar()) rule.id = r["id"].Scalar();
      const std::string& id = rule.id;
      if (id.empty()) {
        Error(r, "", "a rule needs an 'id'");
        continue;
      }
      if (!std::all_of(id.begin(), id.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
          })) {
        Error(r["id"], id, "rule id may hold only letters, digits, '.', '-', '_'");
        p.ok = false;
      }
      auto dup = rule_ids_.find(id);
      if (dup != rule_ids_.end()) {
        Error(r["id"], id, "duplicate rule id (first defined at " + dup->second.ToString() + ")");
        continue;
      }
      rule_ids_[id] = rule.where;
      p.ok &= CheckKeys(r, {"id", "description", "category", "score", "match", "about", "within",
                            "side", "unless", "min_action", "mode", "enabled", "raw", "examples"},
                        id, "a rule");
      if (r["description"]) {
        if (auto d = String(r["description"], id, "description")) rule.description = *d; else p.ok = false;
      }
      if (!r["category"]) {
        Error(r, id, "missing 'category'");
        p.ok = false;
      } else {
        auto c = String(r["category"], id, "category");
        if (!c || !ParseCategory(*c, &rule.category)) {
          Error(r["category"], id,
                "category must be one of insult, threat, identity_attack, sexual, self_harm, "
                "profanity, doxxing, spam, other");
          p.ok = false;
        }
      }
      if (!r["score"]) {
        Error(r, id, "missing 'score'");
        p.ok = false;
      } else if (auto s = Number(r["score"], id, "score")) {
        rule.score = *s;
      } else {
        p.ok = false;
      }
      if (!r["match"]) {
        Error(r, id, "missing 'match'");
        p.ok = false;
      } else {
        p.ok &= LoadPatterns(r["match"], id, "match", &rule.match);
      }
      if (r["unless"]) p.ok &= LoadPatterns(r["unless"], id, "unless", &rule.unless);
      if (r["about"]) {
        const YAML::Node a = r["about"];
        if (a.IsScalar() && a.Scalar() == "any") {
          rule.about = Rule::About::kAny;
        } else if (a.IsScalar() && a.Scalar() == "none") {
          rule.about = Rule::About::kNone;
        } else if (a.IsSequence() && a.size() > 0) {
          rule.about = Rule::About::kListed;
          for (const auto& item : a) {
            if (!item.IsScalar()) {
              Error(item, id, "'about' entries must be target ids");
              p.ok = false;
              continue;
            }
            p.about_ids.push_back({item.Scalar(), Where(item)});
          }
        } else {
          Error(a, id, "'about' must be 'any', 'none' or a list of target ids");
          p.ok = false;
        }
      }
      if (r["within"]) {
        uint32_t w = 0;
        if (r["within"].IsScalar() && YAML::convert<uint32_t>::decode(r["within"], w) && w <= 1000) {
          rule.within = w;
        } else {
          Error(r["within"], id, "'within' must be a whole number of words from 0 to 1000");
          p.ok = false;
        }
      }
      if (r["side"]) {
        const YAML::Node s = r["side"];
        const std::string v = s.IsScalar() ? s.Scalar() : "";
        if (v == "either") {
          rule.side = Rule::Side::kEither;
        } else if (v == "after") {
          rule.side = Rule::Side::kAfter;
        } else if (v == "before") {
          rule.side = Rule::Side::kBefore;
        } else {
          Error(s, id, "'side' must be 'either', 'after' or 'before'");
          p.ok = false;
        }
        // Without a target to place, a side would be silently ignored.
        if (rule.side != Rule::Side::kEither && rule.about == Rule::About::kNone) {
          Error(s, id, "'side' places the target mention, but 'about: none' ties the rule to no target");
          p.ok = false;
        }
      }
      if (r["min_action"]) {
        auto a = String(r["min_action"], id, "min_action");
        if (!a || !ParseAction(*a, &rule.min_action) || rule.min_action == Action::kAllow) {
          Error(r["min_action"], id, "min_action must be flag, quarantine or escalate");
          p.ok = false;
        }
      }
      if (r["mode"]) {
        auto m = String(r["mode"], id, "mode");
        if (m && *m == "shadow") {
          rule.shadow = true;
        } else if (!m || *m != "enforce") {
          Error(r["mode"], id, "mode must be enforce or shadow");
          p.ok = false;
        }
      }
      if (r["enabled"]) {
        if (auto b = Bool(r["enabled"], id, "enabled")) p.enabled = *b; else p.ok = false;
      }
      if (r["raw"]) {
        if (auto b = Bool(r["raw"], id, "raw")) rule.raw = *b; else p.ok = false;
      }
      if (r["examples"]) {
        const YAML::Node ex = r["examples"];
        if (!ex.IsMap()) {
          Error(ex, id, "'examples' must be a map with match and/or no_match");
          p.ok = false;
        } else {
          p.ok &= CheckKeys(ex, {"match", "no_match"}, id, "examples");
          if (ex["match"]) {
            if (auto v = StringList(ex["match"], id, "examples.match")) rule.examples_match = *v; else p.ok = false;
          }
          if (ex["no_match"]) {
            if (auto v = StringList(ex["no_match"], id, "examples.no_match")) rule.examples_no_match = *v; else p.ok = false;
          }
        }
      }
      pending_.push_back(std::move(p));
    }
  }

  void LoadPolicy(const YAML::Node& n) {
    if (policy_where_) {
      return Error(n, "", "a policy is already defined at " + policy_where_->ToString() +
                              "; only one file may hold 'policy'");
    }
    policy_where_ = Where(n);
    if (!n.IsMap()) return Error(n, "", "'policy' must be a map with thresholds and protection");
    CheckKeys(n, {"thresholds", "protection"}, "", "policy");
    Policy& p = out_.set.policy;
    if (const YAML::Node t = n["thresholds"]) {
      if (!t.IsMap()) {
        Error(t, "", "'policy.thresholds' must be a map with flag, quarantine, escalate");
      } else {
        // Read into a copy and apply only when valid as a whole: with on_error: skip the
        // set goes live, and must not do so with half-applied, inconsistent thresholds.
        const size_t errors_before = out_.errors.size();
        bool ok = CheckKeys(t, {"flag", "quarantine", "escalate"}, "", "policy.thresholds");
        Policy q = p;
        auto read = [&](const char* key, double* dst) {
          if (!t[key]) return;
          if (auto v = Number(t[key], "", std::string("policy.thresholds.") + key)) *dst = *v; else ok = false;
        };
        read("flag", &q.flag);
        read("quarantine", &q.quarantine);
        read("escalate", &q.escalate);
        if (!(q.flag <= q.quarantine && q.quarantine <= q.escalate)) {
          Error(t, "", "policy thresholds must satisfy flag <= quarantine <= escalate");
          ok = false;
        }
        if (ok) {
          p.flag = q.flag;
          p.quarantine = q.quarantine;
          p.escalate = q.escalate;
        } else {
          // Skipped, the error would leave every threshold the author wrote silently
          // replaced by the built-in ones: say which are in force.
          char kept[128];
          std::snprintf(kept, sizeof(kept), " (none of policy.thresholds applies: flag %g, quarantine %g, escalate %g stay)",
                        p.flag, p.quarantine, p.escalate);
          for (size_t i = errors_before; i < out_.errors.size(); ++i) out_.errors[i].message += kept;
        }
      }
    }
    if (const YAML::Node m = n["protection"]) {
      if (!m.IsMap()) {
        Error(m, "", "'policy.protection' must be a map with normal, elevated, high");
      } else {
        CheckKeys(m, {"normal", "elevated", "high"}, "", "policy.protection");
        for (int i = 0; i < kProtectionCount; ++i) {
          const std::string key(ProtectionName(static_cast<Protection>(i)));
          if (!m[key]) continue;
          if (auto v = Number(m[key], "", "policy.protection." + key)) {
            p.protection[i] = *v;
          } else {
            char kept[64];
            std::snprintf(kept, sizeof(kept), " (it stays %g)", p.protection[i]);
            out_.errors.back().message += kept;
          }
        }
      }
    }
  }

  // Expands `$list` references in one pattern list. Returns false on an unknown list.
  bool ExpandLists(Rule& rule, std::vector<PatternSpec>* patterns) {
    bool ok = true;
    std::vector<PatternSpec> expanded;
    for (auto& p : *patterns) {
      if (p.text.size() > 1 && p.text[0] == '$') {
        auto it = lists_.find(p.text.substr(1));
        if (it == lists_.end()) {
          out_.errors.push_back({p.where, rule.id, "unknown list '" + p.text + "'"});
          ok = false;
          continue;
        }
        for (const auto& item : it->second.first) expanded.push_back({p.kind, item, p.where});
      } else {
        expanded.push_back(std::move(p));
      }
    }
    *patterns = std::move(expanded);
    return ok;
  }

  void Resolve() {
    // A list item naming a list was taken as the literal word "$name": lists do not nest.
    // The item is an error, and is left out (under --on-error skip the list goes on
    // without it, rather than matching "$inner", which normalizes to "sinner").
    for (auto& [name, list] : lists_) {
      std::vector<std::string>& items = list.first;
      for (auto it = items.begin(); it != items.end();) {
        if (it->size() > 1 && (*it)[0] == '$' && lists_.count(it->substr(1))) {
          out_.errors.push_back({list.second, "", "list '" + name + "' names the list '" + *it +
                                                      "': lists do not nest; name both lists in the rule"});
          it = items.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& p : pending_) {
      Rule& rule = p.rule;
      const bool had_match = !rule.match.empty();
      const SourceLocation match_where = had_match ? rule.match.front().where : rule.where;
      p.ok &= ExpandLists(rule, &rule.match);
      p.ok &= ExpandLists(rule, &rule.unless);
      if (p.ok && had_match && rule.match.empty()) {
        // Only empty lists: the rule would load, pass `check` and never match.
        out_.errors.push_back({match_where, rule.id, "'match' has no words, phrases or regex: every list it names is empty"});
        p.ok = false;
      }
      for (const auto& [tid, where] : p.about_ids) {
        auto it = target_index_.find(tid);
        if (it == target_index_.end()) {
          out_.errors.push_back({where, rule.id, "unknown target '" + tid + "' in 'about'"});
          p.ok = false;
        } else {
          rule.about_targets.push_back(it->second);
        }
      }
      if (!p.ok) continue;
      if (!p.enabled) {
        ++out_.set.disabled_rules;
        continue;
      }
      out_.set.rules.push_back(std::move(rule));
    }
  }

  std::string file_;
  LoadedRules out_;
  std::map<std::string, std::pair<std::vector<std::string>, SourceLocation>> lists_;
  std::unordered_map<std::string, uint32_t> target_index_;
  std::unordered_map<std::string, SourceLocation> rule_ids_;
  std::vector<PendingRule> pending_;
  std::optional<SourceLocation> policy_where_;
};

}  // namespace

LoadedRules LoadRuleSet(const std::vector<RuleFile>& files) { return Loader().Run(files); }

}  // namespace decorum
