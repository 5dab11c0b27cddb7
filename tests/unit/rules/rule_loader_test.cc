// RuleLoader (and, for pattern errors, Generation::Compile) on bad and tricky input:
// every error names file:line:column and the rule id, every error is reported at once,
// and BuildGeneration refuses a set with errors unless asked to skip the bad rules.
#include "rules/rule_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pipeline/generation_builder.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::AllErrors;
using test::CompileOrFail;
using test::JoinErrors;
using test::TempDir;
using test::TextModerator;
using test::Yaml;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool HasRule(const RuleSet& set, const std::string& id) {
  return std::any_of(set.rules.begin(), set.rules.end(), [&](const Rule& r) { return r.id == id; });
}

// Five lines with one good rule; every bad case below starts on line 6 of the same file.
constexpr char kGoodPrefix[] =
    "rules:\n"                       // 1
    "  - id: same.file.good\n"       // 2
    "    category: insult\n"         // 3
    "    score: 1\n"                 // 4
    "    match: {words: [clown]}\n"; // 5

// A second file with a good rule, for the BuildGeneration checks.
constexpr char kOtherFile[] =
    "rules:\n"
    "  - id: other.file.good\n"
    "    category: insult\n"
    "    score: 2\n"
    "    match: {words: [idiot]}\n";

struct BadCase {
  const char* name;
  const char* rest;      // appended to kGoodPrefix, starting on line 6
  const char* expected;  // the error's ToString() starts with this (file is "bad.yaml")
  bool file_survives;    // the good rule of the same file is still loaded
};

const BadCase kBadCases[] = {
    {"YamlSyntaxError",
     "  - id: bad.rule\n"
     "    category: insult: oops\n"
     "    score: 2\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:7:21: YAML syntax error: ", false},
    {"UnknownTopLevelKey",
     "rulez: []\n",
     "bad.yaml:6:1: unknown key 'rulez' in a rule file", true},
    {"UnknownRuleKey",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    scroe: 3\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:5: rule bad.rule: unknown key 'scroe'", true},
    {"UnclosedRegex",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      regex: ['(unclosed']\n",
     "bad.yaml:10:14: rule bad.rule: pattern '(unclosed' does not compile", true},
    {"UnclosedUnlessRegex",  // unless regexes compile apart from the rest (generation.h)
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match: {words: [moron]}\n"
     "    unless:\n"
     "      regex: ['(unclosed']\n",
     "bad.yaml:11:14: rule bad.rule: pattern '(unclosed' does not compile", true},
    {"BackreferenceRegex",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      regex: ['(a)\\1']\n",
     "bad.yaml:10:14: rule bad.rule: pattern '(a)\\1' does not compile", true},
    {"UnknownList",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      words: [$nope]\n",
     "bad.yaml:10:14: rule bad.rule: unknown list '$nope'", true},
    {"OnlyEmptyLists",  // would load, pass `check` and never match
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      words: [$none]\n"
     "lists: {none: []}\n",
     "bad.yaml:10:14: rule bad.rule: 'match' has no words, phrases or regex: every list it names is empty", true},
    {"ListNamingAList",  // was taken as the literal word "$inner"
     "lists:\n"
     "  inner: [dolt]\n"
     "  outer: [$inner, oaf]\n",
     "bad.yaml:8:3: list 'outer' names the list '$inner': lists do not nest", true},
    {"InvalidUtf8",  // Latin-1 "café": was the word "caf" and a stray byte
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match: {words: [caf\xe9]}\n",
     "bad.yaml:9:24: the file is not valid UTF-8 here", false},
    {"RegexThatCanNeverMatch",  // '-' becomes a space in the normalized text
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      regex: ['\\bcon-artist\\b']\n",
     "bad.yaml:10:14: rule bad.rule: regex '\\bcon-artist\\b' can never match: every match needs '-'", true},
    {"OneLetterAlias",  // "I" would name the target in nearly every comment
     "targets:\n"
     "  - id: ann\n"
     "    name: Ann Lee\n"
     "    aliases: [I]\n",
     "bad.yaml:7:5: target ann: name or alias 'I' is a single letter once normalized", true},
    {"UnknownAboutTarget",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    about: [nobody]\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:13: rule bad.rule: unknown target 'nobody' in 'about'", true},
    {"BadCategory",
     "  - id: bad.rule\n"
     "    category: rude\n"
     "    score: 2\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:7:15: rule bad.rule: category must be one of", true},
    {"NegativeScore",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: -1\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:8:12: rule bad.rule: 'score' must be a non-negative number", true},
    {"MissingMatch",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n",
     "bad.yaml:6:5: rule bad.rule: missing 'match'", true},
    {"BadMinAction",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    min_action: ban\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:17: rule bad.rule: min_action must be flag, quarantine or escalate", true},
    {"MinActionAllowIsNotAFloor",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    min_action: allow\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:17: rule bad.rule: min_action must be flag, quarantine or escalate", true},
    {"BadMode",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    mode: silent\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:11: rule bad.rule: mode must be enforce or shadow", true},
    {"BadSide",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    side: left\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:11: rule bad.rule: 'side' must be 'either', 'after' or 'before'", true},
    {"BadSideWithoutATarget",  // one error: the value, not also the missing target
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    about: none\n"
     "    side: sideways\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:10:11: rule bad.rule: 'side' must be 'either', 'after' or 'before'", true},
    {"SideWithoutATarget",  // about: none places no mention: the side would do nothing
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    side: after\n"
     "    about: none\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:11: rule bad.rule: 'side' places the target mention, but 'about: none'", true},
    {"DuplicateRuleKey",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    score: 30\n"
     "    match: {words: [moron]}\n",
     "bad.yaml:9:5: rule bad.rule: duplicate key 'score' (first at ", true},
    {"WordNormalizesToNothing",
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      words: ['!!!']\n",
     "bad.yaml:10:14: rule bad.rule: pattern '!!!' has no letter or digit", true},
    {"RegexWithANulByte",  // Hyperscan would compile only "ab"
     "  - id: bad.rule\n"
     "    category: insult\n"
     "    score: 2\n"
     "    match:\n"
     "      regex: [\"ab\\0\\\\d\"]\n",
     "bad.yaml:10:14: rule bad.rule: pattern in 'match.regex' contains a NUL byte", true},
};

class BadRuleTest : public ::testing::TestWithParam<BadCase> {};

// Loading (and compiling) the bad file alone reports exactly its one error, at the place
// and with the rule id stated; the bad rule never makes it into the set.
TEST_P(BadRuleTest, ErrorNamesFileLineColumnAndRule) {
  const BadCase& c = GetParam();
  const std::string contents = std::string(kGoodPrefix) + c.rest;
  const auto errors = AllErrors({Yaml("bad.yaml", contents)});
  ASSERT_EQ(errors.size(), 1u) << JoinErrors(errors);
  const std::string s = errors[0].ToString();
  EXPECT_EQ(s.rfind(c.expected, 0), 0u) << "got:      " << s << "\nexpected: " << c.expected << "...";
  EXPECT_EQ(errors[0].where.file, "bad.yaml");
  if (Contains(c.expected, "rule bad.rule")) {
    EXPECT_EQ(errors[0].rule_id, "bad.rule");
  }

  // A rule the loader complains about is left out of the set; pattern errors are found
  // later, by the compiler.
  LoadedRules loaded = LoadRuleSet({Yaml("bad.yaml", contents)});
  if (!loaded.errors.empty()) {
    EXPECT_FALSE(HasRule(loaded.set, "bad.rule"));
  }
}

// decorum-level loading: the set is refused as a whole, unless skipping bad rules, which
// keeps every good rule (in this file and the other) and drops only the bad one.
TEST_P(BadRuleTest, BuildGenerationRefusesOrSkips) {
  const BadCase& c = GetParam();
  TempDir dir;
  dir.Write("a_good.yaml", kOtherFile);
  dir.Write("bad.yaml", std::string(kGoodPrefix) + c.rest);

  {
    GenerationReport report;
    auto gen = BuildGeneration({dir.path(), /*skip_bad_rules=*/false}, &report);
    EXPECT_FALSE(gen.ok());
    EXPECT_EQ(gen.status().code(), Status::Code::kRuleError) << gen.status().message();
    ASSERT_EQ(report.errors.size(), 1u) << JoinErrors(report.errors);
    const std::string s = report.errors[0].ToString();
    EXPECT_TRUE(Contains(s, std::string("/") + c.expected)) << s;
  }
  {
    GenerationReport report;
    auto gen = BuildGeneration({dir.path(), /*skip_bad_rules=*/true}, &report);
    ASSERT_TRUE(gen.ok()) << gen.status().message();
    ASSERT_EQ(report.errors.size(), 1u) << JoinErrors(report.errors);
    EXPECT_TRUE(Contains(report.errors[0].ToString(), c.expected)) << report.errors[0].ToString();
    const RuleSet& set = gen.value()->rules();
    EXPECT_TRUE(HasRule(set, "other.file.good"));
    EXPECT_EQ(HasRule(set, "same.file.good"), c.file_survives);
    EXPECT_FALSE(HasRule(set, "bad.rule"));

    TextModerator m(gen.value());
    EXPECT_EQ(m.HitRules(m.Moderate("what an idiot")), std::vector<std::string>{"other.file.good"});
    EXPECT_TRUE(m.Moderate("what a moron").hits.empty());
    EXPECT_EQ(m.Moderate("what a clown").hits.size(), c.file_survives ? 1u : 0u);
  }
}

// Skipping is for a few broken rules among good ones: when the errors leave no rule at
// all, the set is refused rather than going live to allow every comment.
TEST(BuildGenerationTest, SkippingEveryRuleIsRefused) {
  TempDir dir;
  dir.Write("bad.yaml", "hello\n");
  GenerationReport report;
  auto gen = BuildGeneration({dir.path(), /*skip_bad_rules=*/true}, &report);
  ASSERT_FALSE(gen.ok());
  EXPECT_EQ(gen.status().code(), Status::Code::kRuleError);
  EXPECT_TRUE(Contains(gen.status().message(), "nothing usable")) << gen.status().message();
  EXPECT_EQ(report.errors.size(), 1u) << JoinErrors(report.errors);
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

INSTANTIATE_TEST_SUITE_P(RuleLoader, BadRuleTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(RuleErrorTest, ToStringFormat) {
  RuleError with_rule{{"rules/insults.yaml", 14, 7}, "insult.generic", "unknown key 'scroe'"};
  EXPECT_EQ(with_rule.ToString(), "rules/insults.yaml:14:7: rule insult.generic: unknown key 'scroe'");
  RuleError without_rule{{"rules/x.yaml", 3, 1}, "", "unknown key 'rulez'"};
  EXPECT_EQ(without_rule.ToString(), "rules/x.yaml:3:1: unknown key 'rulez'");
}

TEST(RuleLoaderTest, DuplicateRuleIdNamesFirstLocation) {
  const std::string a =
      "rules:\n"
      "  - id: dup.rule\n"
      "    category: insult\n"
      "    score: 2\n"
      "    match: {words: [idiot]}\n";
  const std::string b =
      "# the same id again\n"
      "rules:\n"
      "  - id: dup.rule\n"
      "    category: insult\n"
      "    score: 5\n"
      "    match: {words: [moron]}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("a.yaml", a), Yaml("b.yaml", b)});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  const std::string s = loaded.errors[0].ToString();
  EXPECT_EQ(s.rfind("b.yaml:3:9: rule dup.rule: duplicate rule id", 0), 0u) << s;
  EXPECT_TRUE(Contains(s, "a.yaml:2:5")) << "must name the first definition: " << s;
  // The first definition stays; the duplicate is dropped.
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  EXPECT_EQ(loaded.set.rules[0].score, 2);
  EXPECT_EQ(loaded.rules_seen, 2u);

  // The same within one file.
  LoadedRules one = LoadRuleSet({Yaml("one.yaml", a + b.substr(b.find("  - id")))});
  ASSERT_EQ(one.errors.size(), 1u) << JoinErrors(one.errors);
  EXPECT_TRUE(Contains(one.errors[0].ToString(), "one.yaml:6:9: rule dup.rule: duplicate rule id"))
      << one.errors[0].ToString();
  EXPECT_TRUE(Contains(one.errors[0].ToString(), "one.yaml:2:5")) << one.errors[0].ToString();
}

TEST(RuleLoaderTest, AllErrorsReportedAtOnce) {
  const std::string yaml =
      "rules:\n"
      "  - id: bad.one\n"              // 2
      "    category: insult\n"
      "    scroe: 2\n"                 // 4: unknown key (and no score)
      "    match: {words: [a1]}\n"
      "  - id: bad.two\n"              // 6
      "    category: nasty\n"          // 7
      "    score: 2\n"
      "    match: {words: [a2]}\n"
      "  - id: bad.three\n"            // 10
      "    category: insult\n"
      "    score: 2\n"
      "    match: {words: [$missing]}\n"  // 13
      "  - id: fine\n"
      "    category: insult\n"
      "    score: 2\n"
      "    match: {words: [ok]}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("many.yaml", yaml)});
  // bad.one has two defects (the misspelt key, and so no score); the others one each.
  std::vector<std::string> by_rule;
  for (const auto& e : loaded.errors) by_rule.push_back(e.rule_id);
  EXPECT_EQ(std::count(by_rule.begin(), by_rule.end(), "bad.one"), 2) << JoinErrors(loaded.errors);
  EXPECT_EQ(std::count(by_rule.begin(), by_rule.end(), "bad.two"), 1) << JoinErrors(loaded.errors);
  EXPECT_EQ(std::count(by_rule.begin(), by_rule.end(), "bad.three"), 1) << JoinErrors(loaded.errors);
  EXPECT_EQ(loaded.errors.size(), 4u) << JoinErrors(loaded.errors);
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  EXPECT_EQ(loaded.set.rules[0].id, "fine");
  EXPECT_EQ(loaded.rules_seen, 4u);

  // Three rules with one defect each -> exactly three errors.
  const std::string three =
      "rules:\n"
      "  - id: r.one\n"
      "    category: insult\n"
      "    score: 2\n"
      "    scroe: 3\n"
      "    match: {words: [a1]}\n"
      "  - id: r.two\n"
      "    category: nasty\n"
      "    score: 2\n"
      "    match: {words: [a2]}\n"
      "  - id: r.three\n"
      "    category: insult\n"
      "    score: 2\n"
      "    match: {words: [$missing]}\n";
  LoadedRules l3 = LoadRuleSet({Yaml("three.yaml", three)});
  ASSERT_EQ(l3.errors.size(), 3u) << JoinErrors(l3.errors);
  EXPECT_EQ(l3.errors[0].rule_id, "r.one");
  EXPECT_EQ(l3.errors[1].rule_id, "r.two");
  EXPECT_EQ(l3.errors[2].rule_id, "r.three");
  EXPECT_TRUE(l3.set.rules.empty());
}

// A load error and a pattern error in different rules: BuildGeneration still reports both
// (it compiles what loaded to find pattern errors too).
TEST(RuleLoaderTest, LoadAndPatternErrorsReportedTogether) {
  TempDir dir;
  dir.Write("x.yaml",
            "rules:\n"
            "  - id: load.bad\n"
            "    category: insult\n"
            "    score: 2\n"
            "    scroe: 1\n"
            "    match: {words: [idiot]}\n"
            "  - id: regex.bad\n"
            "    category: insult\n"
            "    score: 2\n"
            "    match: {regex: ['(oops']}\n"
            "  - id: fine\n"
            "    category: insult\n"
            "    score: 2\n"
            "    match: {words: [clown]}\n");
  GenerationReport report;
  auto gen = BuildGeneration({dir.path(), false}, &report);
  EXPECT_FALSE(gen.ok());
  ASSERT_EQ(report.errors.size(), 2u) << JoinErrors(report.errors);
  EXPECT_EQ(report.errors[0].rule_id, "load.bad");
  EXPECT_EQ(report.errors[1].rule_id, "regex.bad");
  EXPECT_EQ(report.rules_seen, 3u);

  GenerationReport skip_report;
  auto skipped = BuildGeneration({dir.path(), true}, &skip_report);
  ASSERT_TRUE(skipped.ok()) << skipped.status().message();
  EXPECT_EQ(skip_report.errors.size(), 2u) << JoinErrors(skip_report.errors);
  ASSERT_EQ(skipped.value()->rules().rules.size(), 1u);
  EXPECT_EQ(skipped.value()->rules().rules[0].id, "fine");
}

TEST(RuleLoaderTest, ListsUsableAcrossFilesInAnyOrder) {
  const auto uses = Yaml("a_uses.yaml",
                         "rules:\n"
                         "  - id: insult.list\n"
                         "    category: insult\n"
                         "    score: 2\n"
                         "    match: {words: [$insults], phrases: [$phrases]}\n"
                         "    unless: {words: [$harmless]}\n");
  const auto defines = Yaml("b_defines.yaml",
                            "lists:\n"
                            "  insults: [idiot, moron]\n"
                            "  phrases: [waste of space]\n"
                            "  harmless: [idiot savant]\n");
  for (const auto& files : {std::vector<RuleFile>{uses, defines}, std::vector<RuleFile>{defines, uses}}) {
    LoadedRules loaded = LoadRuleSet(files);
    ASSERT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
    ASSERT_EQ(loaded.set.rules.size(), 1u);
    const Rule& r = loaded.set.rules[0];
    ASSERT_EQ(r.match.size(), 3u);
    EXPECT_EQ(r.match[0].text, "idiot");
    EXPECT_EQ(r.match[0].kind, PatternSpec::Kind::kWord);
    EXPECT_EQ(r.match[1].text, "moron");
    EXPECT_EQ(r.match[2].text, "waste of space");
    EXPECT_EQ(r.match[2].kind, PatternSpec::Kind::kPhrase);
    ASSERT_EQ(r.unless.size(), 1u);
    EXPECT_EQ(r.unless[0].text, "idiot savant");

    auto gen = CompileOrFail(files);
    ASSERT_NE(gen, nullptr);
    TextModerator m(gen);
    EXPECT_EQ(m.Moderate("you moron").hits.size(), 1u);
    EXPECT_EQ(m.Moderate("a waste of space").hits.size(), 1u);
    EXPECT_TRUE(m.Moderate("an idiot savant").hits.empty());
  }
}

TEST(RuleLoaderTest, DuplicateListRejected) {
  LoadedRules loaded = LoadRuleSet({Yaml("a.yaml", "lists:\n  insults: [idiot]\n"),
                                    Yaml("b.yaml", "lists:\n  insults: [moron]\n")});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  const std::string s = loaded.errors[0].ToString();
  EXPECT_TRUE(Contains(s, "b.yaml:2:3")) << s;
  EXPECT_TRUE(Contains(s, "a.yaml:2:3")) << s;
}

// A key given twice is an error, not a silent choice of one of the values: a second
// `rules:` block (two files pasted together) must not vanish without a word.
TEST(RuleLoaderTest, DuplicateTopLevelKeyIsAnError) {
  const std::string yaml =
      "rules:\n"
      "  - {id: first, category: insult, score: 2, match: {words: [idiot]}}\n"
      "rules:\n"
      "  - {id: second, category: insult, score: 2, match: {words: [moron]}}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("twice.yaml", yaml)});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  EXPECT_EQ(loaded.errors[0].ToString().rfind("twice.yaml:3:1: duplicate key 'rules' (first at twice.yaml:1:1)", 0), 0u)
      << loaded.errors[0].ToString();

  TempDir dir;
  dir.Write("twice.yaml", yaml);
  GenerationReport report;
  EXPECT_FALSE(BuildGeneration({dir.path(), false}, &report).ok());
  EXPECT_EQ(report.errors.size(), 1u) << JoinErrors(report.errors);
}

// A file may hold several YAML documents; every one of them is loaded.
TEST(RuleLoaderTest, EveryYamlDocumentIsLoaded) {
  const std::string yaml =
      "lists:\n"
      "  insults: [idiot]\n"
      "---\n"
      "rules:\n"
      "  - {id: first, category: insult, score: 2, match: {words: [$insults]}}\n"
      "---\n"
      "# a comment-only document\n"
      "---\n"
      "rules:\n"
      "  - {id: second, category: insult, score: 2, match: {words: [moron]}}\n"
      "  - {id: first, category: insult, score: 2, match: {words: [clown]}}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("docs.yaml", yaml)});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  // Locations stay those of the whole file.
  EXPECT_EQ(loaded.errors[0].ToString().rfind("docs.yaml:11:10: rule first: duplicate rule id (first defined at docs.yaml:5:5)", 0), 0u)
      << loaded.errors[0].ToString();
  ASSERT_EQ(loaded.set.rules.size(), 2u);
  EXPECT_EQ(loaded.set.rules[0].id, "first");
  EXPECT_EQ(loaded.set.rules[1].id, "second");
  EXPECT_EQ(loaded.rules_seen, 3u);
}

TEST(RuleLoaderTest, EmptyFilesAreFine) {
  LoadedRules loaded = LoadRuleSet({Yaml("empty.yaml", ""), Yaml("comment.yaml", "# nothing yet\n"),
                                    Yaml("doc.yaml", "---\n")});
  EXPECT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
  EXPECT_TRUE(loaded.set.rules.empty());
  EXPECT_EQ(loaded.rules_seen, 0u);

  // And a set with no pattern at all still compiles and allows everything.
  auto gen = CompileOrFail({Yaml("empty.yaml", "")});
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  Decision d = m.Moderate("you idiot");
  EXPECT_TRUE(d.hits.empty());
  EXPECT_EQ(d.action, Action::kAllow);
}

TEST(RuleLoaderTest, NotAMapIsAnError) {
  LoadedRules loaded = LoadRuleSet({Yaml("list.yaml", "- just\n- a list\n")});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  EXPECT_EQ(loaded.errors[0].ToString().rfind("list.yaml:1:1: ", 0), 0u) << loaded.errors[0].ToString();
}

TEST(RuleLoaderTest, DuplicatePolicyRejected) {
  const std::string policy_a =
      "policy:\n"
      "  thresholds: {flag: 1, quarantine: 4, escalate: 8}\n";
  const std::string policy_b =
      "policy:\n"
      "  thresholds: {flag: 3, quarantine: 6, escalate: 9}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("a.yaml", policy_a), Yaml("b.yaml", policy_b)});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  const std::string s = loaded.errors[0].ToString();
  EXPECT_EQ(s.rfind("b.yaml:2:3: ", 0), 0u) << s;
  EXPECT_TRUE(Contains(s, "a.yaml:2:3")) << "must name the first policy: " << s;
  EXPECT_EQ(loaded.set.policy.flag, 1);  // the first one stands

  TempDir dir;
  dir.Write("a.yaml", policy_a);
  dir.Write("b.yaml", policy_b + "rules:\n  - {id: r, category: insult, score: 2, match: {words: [idiot]}}\n");
  GenerationReport report;
  EXPECT_FALSE(BuildGeneration({dir.path(), false}, &report).ok());
  EXPECT_EQ(report.errors.size(), 1u) << JoinErrors(report.errors);
}

TEST(RuleLoaderTest, PolicyValuesAndDefaults) {
  LoadedRules def = LoadRuleSet({Yaml("none.yaml", "")});
  EXPECT_EQ(def.set.policy.flag, 2);
  EXPECT_EQ(def.set.policy.quarantine, 5);
  EXPECT_EQ(def.set.policy.escalate, 10);
  EXPECT_EQ(def.set.policy.protection[0], 1.5);
  EXPECT_EQ(def.set.policy.protection[1], 2);
  EXPECT_EQ(def.set.policy.protection[2], 3);

  LoadedRules set = LoadRuleSet({Yaml("p.yaml",
                                      "policy:\n"
                                      "  thresholds: {flag: 1, quarantine: 3.5, escalate: 7}\n"
                                      "  protection: {normal: 1, elevated: 4, high: 9}\n")});
  ASSERT_TRUE(set.errors.empty()) << JoinErrors(set.errors);
  EXPECT_EQ(set.set.policy.flag, 1);
  EXPECT_EQ(set.set.policy.quarantine, 3.5);
  EXPECT_EQ(set.set.policy.escalate, 7);
  EXPECT_EQ(set.set.policy.protection[0], 1);
  EXPECT_EQ(set.set.policy.protection[1], 4);
  EXPECT_EQ(set.set.policy.protection[2], 9);

  LoadedRules bad = LoadRuleSet({Yaml("p.yaml",
                                      "policy:\n"
                                      "  thresholds: {flag: 6, quarantine: 3, escalate: 7}\n")});
  EXPECT_EQ(bad.errors.size(), 1u) << JoinErrors(bad.errors);
}

// A policy with errors is reported and, when the run skips bad rules, never goes live half
// applied: the thresholds stay consistent (flag <= quarantine <= escalate).
TEST(RuleLoaderTest, BadThresholdsAreNotAppliedHalfway) {
  const std::string policy =
      "policy:\n"
      "  thresholds: {flag: 6, quarantine: 3, escalate: 7}\n"
      "rules:\n"
      "  - {id: r, category: insult, score: 4, match: {words: [idiot]}}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("p.yaml", policy)});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  const Policy& p = loaded.set.policy;
  EXPECT_LE(p.flag, p.quarantine);
  EXPECT_LE(p.quarantine, p.escalate);
  // Skipped, the error must say which thresholds are in force instead of the author's.
  EXPECT_TRUE(Contains(loaded.errors[0].message,
                       "(none of policy.thresholds applies: flag 2, quarantine 5, escalate 10 stay)"))
      << loaded.errors[0].message;
  LoadedRules bad_protection = LoadRuleSet({Yaml("r.yaml", "policy:\n  protection: {high: lots}\n")});
  ASSERT_EQ(bad_protection.errors.size(), 1u) << JoinErrors(bad_protection.errors);
  EXPECT_TRUE(Contains(bad_protection.errors[0].message, "(it stays 3)")) << bad_protection.errors[0].message;

  // A threshold that is not a number leaves the others as written... only when they are
  // consistent; here the missing flag would fall back to 2 > quarantine 1.
  LoadedRules partial = LoadRuleSet({Yaml("q.yaml",
                                          "policy:\n"
                                          "  thresholds: {flag: -1, quarantine: 1, escalate: 1.5}\n")});
  EXPECT_GE(partial.errors.size(), 1u);
  EXPECT_LE(partial.set.policy.flag, partial.set.policy.quarantine) << JoinErrors(partial.errors);
  EXPECT_LE(partial.set.policy.quarantine, partial.set.policy.escalate);

  TempDir dir;
  dir.Write("p.yaml", policy);
  GenerationReport report;
  EXPECT_FALSE(BuildGeneration({dir.path(), false}, &report).ok());
  auto skipped = BuildGeneration({dir.path(), true}, &report);
  ASSERT_TRUE(skipped.ok()) << skipped.status().message();
  TextModerator m(skipped.value());
  const Decision d = m.Moderate("idiot");  // score 4
  EXPECT_EQ(d.score, 4);
  const Policy& live = skipped.value()->rules().policy;
  EXPECT_LE(live.flag, live.quarantine);
  EXPECT_LE(live.quarantine, live.escalate);
}

// A one-letter name is one code point, whatever its bytes: Russian "Я" (I) is as common
// as English "I". And skipping a bad rule and a bad alias together keeps the rest: the
// set is compiled again without the rule, the alias still left out.
TEST(RuleLoaderTest, OneLetterAliasesInAnyScriptAndSkippingWithABadRule) {
  TempDir dir;
  dir.Write("t.yaml",
            "targets:\n"
            "  - {id: ivan, name: Иван Петров, aliases: [Я, 李, Ваня]}\n"
            "rules:\n"
            "  - {id: bad.rule, category: insult, score: 2, match: {regex: ['con-artist']}}\n"
            "  - {id: good.rule, category: insult, score: 2, match: {words: [idiot]}}\n");
  GenerationReport report;
  EXPECT_FALSE(BuildGeneration({dir.path(), false}, &report).ok());
  ASSERT_EQ(report.errors.size(), 3u) << JoinErrors(report.errors);
  EXPECT_TRUE(Contains(JoinErrors(report.errors), "name or alias 'Я' is a single letter")) << JoinErrors(report.errors);
  EXPECT_TRUE(Contains(JoinErrors(report.errors), "name or alias '李' is a single letter")) << JoinErrors(report.errors);
  GenerationReport skipped_report;
  auto skipped = BuildGeneration({dir.path(), true}, &skipped_report);
  ASSERT_TRUE(skipped.ok()) << skipped.status().message();
  EXPECT_EQ(skipped_report.errors.size(), 3u) << JoinErrors(skipped_report.errors);
  EXPECT_TRUE(HasRule(skipped.value()->rules(), "good.rule"));
  EXPECT_FALSE(HasRule(skipped.value()->rules(), "bad.rule"));
  TextModerator m(skipped.value());
  EXPECT_EQ(m.Moderate("Ваня idiot").targets.size(), 1u);
  EXPECT_TRUE(m.Moderate("Я думаю idiot").targets.empty());
}

// A list naming a list is an error, and the item is left out: skipped, the list goes on
// without it instead of matching the literal "$inner" (normalized: "sinner").
TEST(RuleLoaderTest, AListItemNamingAListIsLeftOut) {
  LoadedRules loaded = LoadRuleSet({Yaml("l.yaml",
                                         "lists: {inner: [dolt], outer: [$inner, oaf]}\n"
                                         "rules:\n"
                                         "  - {id: r.x, category: insult, score: 2, match: {words: [$outer]}}\n")});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  ASSERT_EQ(loaded.set.rules[0].match.size(), 1u);
  EXPECT_EQ(loaded.set.rules[0].match[0].text, "oaf");
}

TEST(RuleLoaderTest, DisabledRulesExcludedAndCounted) {
  const std::string yaml =
      "rules:\n"
      "  - id: on\n"
      "    category: insult\n"
      "    score: 2\n"
      "    match: {words: [idiot]}\n"
      "  - id: off\n"
      "    category: insult\n"
      "    score: 2\n"
      "    enabled: false\n"
      "    match: {words: [moron]}\n"
      "  - id: explicitly.on\n"
      "    category: insult\n"
      "    score: 2\n"
      "    enabled: true\n"
      "    match: {words: [clown]}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("r.yaml", yaml)});
  ASSERT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
  EXPECT_EQ(loaded.rules_seen, 3u);
  EXPECT_EQ(loaded.set.disabled_rules, 1u);
  ASSERT_EQ(loaded.set.rules.size(), 2u);
  EXPECT_EQ(loaded.set.rules[0].id, "on");
  EXPECT_EQ(loaded.set.rules[1].id, "explicitly.on");

  auto gen = CompileOrFail({Yaml("r.yaml", yaml)});
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  EXPECT_TRUE(m.Moderate("you moron").hits.empty());
  EXPECT_EQ(m.Moderate("you idiot").hits.size(), 1u);

  TempDir dir;
  dir.Write("r.yaml", yaml);
  GenerationReport report;
  auto built = BuildGeneration({dir.path(), false}, &report);
  ASSERT_TRUE(built.ok()) << built.status().message();
  EXPECT_EQ(report.disabled_rules, 1u);
  EXPECT_EQ(report.rules_seen, 3u);
  EXPECT_TRUE(report.errors.empty());
}

TEST(RuleLoaderTest, ParsesEveryRuleKey) {
  const std::string yaml =
      "targets:\n"
      "  - id: anna\n"
      "    name: Anna Delvey\n"
      "    aliases: [Delvey, Sorokin]\n"
      "    handles: ['@annadelvey']\n"
      "    protection: high\n"
      "  - id: bob\n"
      "    name: Bob Smith\n"
      "rules:\n"
      "  - id: threat.full_rule-1\n"
      "    description: everything set\n"
      "    category: threat\n"
      "    score: 2.5\n"
      "    match: {words: kill, phrases: [hurt you], regex: 'k[i]+ll'}\n"
      "    unless: {words: [killer]}\n"
      "    about: [bob, anna]\n"
      "    within: 3\n"
      "    side: before\n"
      "    min_action: escalate\n"
      "    mode: shadow\n"
      "    raw: true\n"
      "    examples: {match: ['kill'], no_match: [fine, ok]}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("r.yaml", yaml)});
  ASSERT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
  ASSERT_EQ(loaded.set.targets.size(), 2u);
  const Target& anna = loaded.set.targets[0];
  EXPECT_EQ(anna.id, "anna");
  EXPECT_EQ(anna.name, "Anna Delvey");
  EXPECT_EQ(anna.aliases, (std::vector<std::string>{"Delvey", "Sorokin"}));
  EXPECT_EQ(anna.handles, (std::vector<std::string>{"@annadelvey"}));
  EXPECT_EQ(anna.protection, Protection::kHigh);
  EXPECT_EQ(loaded.set.targets[1].protection, Protection::kNormal);
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  const Rule& r = loaded.set.rules[0];
  EXPECT_EQ(r.id, "threat.full_rule-1");
  EXPECT_EQ(r.description, "everything set");
  EXPECT_EQ(r.category, Category::kThreat);
  EXPECT_EQ(r.score, 2.5);
  ASSERT_EQ(r.match.size(), 3u);
  EXPECT_EQ(r.match[0].kind, PatternSpec::Kind::kWord);
  EXPECT_EQ(r.match[1].kind, PatternSpec::Kind::kPhrase);
  EXPECT_EQ(r.match[2].kind, PatternSpec::Kind::kRegex);
  EXPECT_EQ(r.match[2].text, "k[i]+ll");
  ASSERT_EQ(r.unless.size(), 1u);
  EXPECT_EQ(r.about, Rule::About::kListed);
  EXPECT_EQ(r.about_targets, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(r.within, 3u);
  EXPECT_EQ(r.side, Rule::Side::kBefore);
  EXPECT_EQ(r.min_action, Action::kEscalate);
  EXPECT_TRUE(r.shadow);
  EXPECT_TRUE(r.raw);
  EXPECT_EQ(r.examples_match, (std::vector<std::string>{"kill"}));
  EXPECT_EQ(r.examples_no_match, (std::vector<std::string>{"fine", "ok"}));
  EXPECT_EQ(r.where.ToString(), "r.yaml:10:5");
}

// `side: either` is the default, so it asks nothing of `about: none`, in whichever
// order the keys are written.
TEST(RuleLoaderTest, SideEitherGoesWithAboutNone) {
  const std::string yaml =
      "rules:\n"
      "  - id: r.one\n"
      "    category: insult\n"
      "    score: 1\n"
      "    side: either\n"
      "    about: none\n"
      "    match: {words: [moron]}\n";
  LoadedRules loaded = LoadRuleSet({Yaml("r.yaml", yaml)});
  ASSERT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
  ASSERT_EQ(loaded.set.rules.size(), 1u);
  EXPECT_EQ(loaded.set.rules[0].side, Rule::Side::kEither);
  EXPECT_EQ(loaded.set.rules[0].about, Rule::About::kNone);
}

TEST(RuleLoaderTest, TargetErrors) {
  const std::string yaml =
      "targets:\n"
      "  - id: anna\n"                 // 2
      "    name: Anna\n"
      "    protection: extreme\n"      // 4
      "  - id: bob\n"                  // 5
      "    name: Bob\n"
      "    handles: [bob]\n"           // 7: no '@'
      "  - name: Nobody\n"             // 8: no id
      "  - id: carl\n"                 // 9
      "    name: Carl\n"
      "  - id: carl\n"                 // 11: duplicate
      "    name: Carl Again\n";
  LoadedRules loaded = LoadRuleSet({Yaml("t.yaml", yaml)});
  ASSERT_EQ(loaded.errors.size(), 4u) << JoinErrors(loaded.errors);
  EXPECT_TRUE(Contains(loaded.errors[0].ToString(), "t.yaml:4:17:")) << loaded.errors[0].ToString();
  EXPECT_TRUE(Contains(loaded.errors[1].ToString(), "t.yaml:7:")) << loaded.errors[1].ToString();
  EXPECT_TRUE(Contains(loaded.errors[2].ToString(), "t.yaml:8:5:")) << loaded.errors[2].ToString();
  EXPECT_TRUE(Contains(loaded.errors[3].ToString(), "t.yaml:11:9:")) << loaded.errors[3].ToString();
  EXPECT_TRUE(Contains(loaded.errors[3].ToString(), "t.yaml:9:5")) << loaded.errors[3].ToString();
  ASSERT_EQ(loaded.set.targets.size(), 1u);
  EXPECT_EQ(loaded.set.targets[0].id, "carl");
}

TEST(RuleLoaderTest, BadRuleIdCharacters) {
  LoadedRules loaded = LoadRuleSet({Yaml("r.yaml",
                                         "rules:\n"
                                         "  - id: has space\n"
                                         "    category: insult\n"
                                         "    score: 1\n"
                                         "    match: {words: [x1]}\n")});
  ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
  EXPECT_EQ(loaded.errors[0].ToString().rfind("r.yaml:2:9: rule has space: ", 0), 0u)
      << loaded.errors[0].ToString();
  EXPECT_TRUE(loaded.set.rules.empty());
}

TEST(RuleLoaderTest, SourceHashDependsOnPathAndBytes) {
  const std::string yaml = "lists:\n  a: [b]\n";
  const uint64_t h1 = LoadRuleSet({Yaml("x.yaml", yaml)}).set.source_hash;
  EXPECT_EQ(h1, LoadRuleSet({Yaml("x.yaml", yaml)}).set.source_hash);
  EXPECT_NE(h1, LoadRuleSet({Yaml("y.yaml", yaml)}).set.source_hash);
  EXPECT_NE(h1, LoadRuleSet({Yaml("x.yaml", yaml + " ")}).set.source_hash);
}

}  // namespace
}  // namespace decorum
