// Unless regexes live in per-rule groups (generation.h, Databases::unless) that the
// Scanner scans only when a rule of the group matched. The decisions must be those of
// scanning every unless pattern every time, and the groups must really be skipped
// otherwise — that is what the split is for.
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "evaluate/evaluator.h"
#include "match/scanner.h"
#include "normalize/normalizer.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

constexpr char kRules[] = R"(
rules:
  - id: threat.kill
    category: threat
    score: 5
    match:
      words: [kill]
    unless:
      phrases: [kill time]
      regex: ['\bkil (her|his) (\w+ )?(routine|dance)\b']
  - id: insult.idiot
    category: insult
    score: 2
    match:
      words: ['idiot*']
    unless:
      words: [idiotproof]
      phrases: [not an idiot]
  - id: insult.loser
    category: insult
    score: 2
    match:
      words: [loser]
  - id: insult.moron
    category: insult
    score: 2
    match:
      words: ['moron*']
    unless:
      regex: ['\bmoronpro+f']
  - id: doxxing.email
    category: doxxing
    score: 3
    raw: true
    match:
      regex: ['[a-z0-9.]+@[a-z0-9]+\.[a-z]{2,}']
    unless:
      words: ['bookings*']
      regex: ['@example\.org']
)";

// The rules whose unless matches the Scanner reported for `text`.
std::set<std::string> UnlessRulesScanned(const Generation& gen, Scanner* scanner, const std::string& text) {
  Normalizer normalizer;
  NormalizedText n;
  normalizer.Normalize(text, &n);
  std::vector<Match> matches;
  EXPECT_TRUE(scanner->Scan(n, text, &matches).ok());
  std::set<std::string> rules;
  for (const Match& m : matches) {
    const PatternRef& ref = gen.refs()[m.id];
    if (ref.kind == PatternRef::Kind::kUnless) rules.insert(gen.rules().rules[ref.index].id);
  }
  return rules;
}

TEST(UnlessGroupsTest, EachRuleWithUnlessRegexesHasAGroupInTheSpacesItUses) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  // Three rules have unless regexes (insult.idiot only words and phrases, which stay in
  // the space's databases): three groups, in both spaces' tables, threat.kill's and
  // insult.moron's regexes in the normalized space, doxxing.email's in the raw one.
  ASSERT_EQ(gen->normalized().unless.size(), 3u);
  ASSERT_EQ(gen->raw().unless.size(), 3u);
  EXPECT_NE(gen->normalized().unless[0].full, nullptr);
  EXPECT_NE(gen->normalized().unless[1].full, nullptr);
  EXPECT_EQ(gen->normalized().unless[2].full, nullptr);
  EXPECT_EQ(gen->raw().unless[0].full, nullptr);
  EXPECT_EQ(gen->raw().unless[1].full, nullptr);
  EXPECT_NE(gen->raw().unless[2].full, nullptr);
  std::map<std::string, std::set<int32_t>> groups;
  for (const PatternRef& ref : gen->refs()) {
    if (ref.kind != PatternRef::Kind::kMatch) {
      EXPECT_EQ(ref.unless_group, -1);
      continue;
    }
    groups[gen->rules().rules[ref.index].id].insert(ref.unless_group);
  }
  EXPECT_EQ(groups, (std::map<std::string, std::set<int32_t>>{{"threat.kill", {0}},
                                                              {"insult.idiot", {-1}},
                                                              {"insult.loser", {-1}},
                                                              {"insult.moron", {1}},
                                                              {"doxxing.email", {2}}}));
}

TEST(UnlessGroupsTest, OnlyTheGroupsOfRulesThatMatchedAreScanned) {
  // Unless regexes that never overlap their rule's matches (so they cancel nothing): the
  // point here is which of them get scanned at all.
  auto gen = test::CompileYaml(R"(
rules:
  - id: threat.kill
    category: threat
    score: 5
    match: {words: [kill]}
    unless: {regex: ['\bwent (\w+ )?fishing\b', '\bhunting\b']}
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
    unless: {regex: ['no offen[cs]e']}
  - id: insult.loser
    category: insult
    score: 2
    match: {words: [loser]}
  - id: doxxing.email
    category: doxxing
    score: 3
    raw: true
    match:
      regex: ['[a-z0-9.]+@[a-z0-9]+\.[a-z]{2,}']
    unless:
      regex: ['office hours']
)");
  ASSERT_NE(gen, nullptr);
  Scanner scanner(gen);
  using Rules = std::set<std::string>;
  // Every text holds the unless patterns of all three rules; only the matched rules' are
  // reported.
  const std::string unless_all = " went deer fishing, hunting, no offense, office hours";
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, unless_all), (Rules{}));
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, "what a loser" + unless_all), (Rules{}));
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, "you idiot" + unless_all), (Rules{"insult.idiot"}));
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, "i will kill you" + unless_all), (Rules{"threat.kill"}));
  // A raw rule's match brings its group's unless regexes.
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, "mail a@b.co" + unless_all), (Rules{"doxxing.email"}));
  EXPECT_EQ(UnlessRulesScanned(*gen, &scanner, "idiot, kill" + unless_all), (Rules{"insult.idiot", "threat.kill"}));
}

TEST(UnlessGroupsTest, UnlessStillCancelsItsRule) {
  auto gen = test::CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  test::TextModerator m(gen);
  EXPECT_EQ(m.MatchesOf("i will kill you", "threat.kill"), std::vector<std::string>{"kill"});
  EXPECT_TRUE(m.MatchesOf("gonna kiiill her dance routine tonight", "threat.kill").empty());
  EXPECT_TRUE(m.MatchesOf("just here to kill time", "threat.kill").empty());
  EXPECT_TRUE(m.MatchesOf("he is not an idiot", "insult.idiot").empty());
  EXPECT_EQ(m.MatchesOf("he is an idiot", "insult.idiot"), std::vector<std::string>{"idiot"});
  // The raw rule, cancelled from the raw space and from the normalized one (where the
  // address reads "bookingsadelvey com").
  EXPECT_EQ(m.MatchesOf("mail anna@delvey.com", "doxxing.email"), std::vector<std::string>{"anna@delvey.com"});
  EXPECT_TRUE(m.MatchesOf("mail press@example.org", "doxxing.email").empty());
  EXPECT_TRUE(m.MatchesOf("mail bookings@delvey.com", "doxxing.email").empty());
  // A joined word is scanned again without its first letters (Scanner::ForEachBuffer);
  // unless patterns are scanned over those windows too, the literals with the rest and
  // the regexes after their rule matched: "a i d i o t p r o o f" joins into
  // "aidiotprof", where only the window from the 'i' matches either pattern, and
  // '\bmoronpro+f' in "amoronprof" only in the window from the 'm'.
  EXPECT_TRUE(m.MatchesOf("a i d i o t p r o o f", "insult.idiot").empty());
  EXPECT_EQ(m.MatchesOf("a i d i o t s", "insult.idiot"), std::vector<std::string>{"i d i o t s"});
  EXPECT_TRUE(m.MatchesOf("a m o r o n p r o o f", "insult.moron").empty());
  EXPECT_EQ(m.MatchesOf("a m o r o n s", "insult.moron"), std::vector<std::string>{"m o r o n s"});
}

// More rules with unless regexes than Generation::kMaxUnlessGroups: consecutive rules
// share a group, and every rule is still cancelled by its own unless regex and only by
// it.
TEST(UnlessGroupsTest, ManyRulesShareGroups) {
  constexpr int kRuleCount = 70;
  auto word = [](int i) { return std::string("q") + char('a' + i / 26) + char('a' + i % 26); };
  std::string yaml = "rules:\n";
  for (int i = 0; i < kRuleCount; ++i) {
    yaml += "  - id: insult.r" + std::to_string(i) + "\n    category: insult\n    score: 1\n" +
            "    match: {words: [" + word(i) + "]}\n    unless: {regex: ['\\bnot " + word(i) + "\\b']}\n";
  }
  auto gen = test::CompileYaml(yaml);
  ASSERT_NE(gen, nullptr);
  ASSERT_LE(gen->normalized().unless.size(), Generation::kMaxUnlessGroups);
  ASSERT_GT(gen->normalized().unless.size(), 1u);
  test::TextModerator m(gen);
  std::mt19937 rng(3);
  for (int iter = 0; iter < 300; ++iter) {
    const int a = static_cast<int>(rng() % kRuleCount);
    const int b = static_cast<int>(rng() % kRuleCount);
    // a's word alone, b's negated: a hits once, b not at all (nor does anything else).
    const std::string text = word(a) + " and not " + word(b);
    SCOPED_TRACE(text);
    EXPECT_EQ(m.HitRules(m.Moderate(text)), std::vector<std::string>{"insult.r" + std::to_string(a)});
  }
}

// Scanner::Scan's filter, which the Moderator fills with Evaluator::MayCount: the unless
// regexes of a rule that needs a target mention are scanned only when one stands where
// the rule wants it, since without one its match cannot count whatever they say. A rule
// that needs no target has its group scanned whenever it matched.
TEST(UnlessGroupsTest, GroupsOfMatchesThatCannotCountAreSkipped) {
  auto gen = test::CompileYaml(R"(
targets:
  - id: anna
    name: Anna Delvey
    aliases: [Delvey]
rules:
  - id: threat.named
    category: threat
    score: 5
    about: any
    within: 0
    side: after
    match: {words: [kill]}
    unless: {regex: ['\bkil \w+ s chances\b', '\bhunting\b']}
  - id: threat.any
    category: threat
    score: 5
    match: {words: [stab]}
    unless: {regex: ['\bhunting\b']}
)");
  ASSERT_NE(gen, nullptr);
  Scanner scanner(gen);
  Evaluator evaluator;
  Normalizer normalizer;
  NormalizedText n;
  std::vector<Match> matches;
  using Rules = std::set<std::string>;
  auto scanned = [&](const std::string& text, bool filtered) {
    normalizer.Normalize(text, &n);
    Scanner::UnlessFilter filter;
    if (filtered) {
      filter = [&](const std::vector<Match>& all, const Match& m) {
        return evaluator.MayCount(*gen, n, text, all, m);
      };
    }
    EXPECT_TRUE(scanner.Scan(n, text, &matches, filter).ok());
    Rules rules;
    for (const Match& m : matches) {
      const PatternRef& ref = gen->refs()[m.id];
      if (ref.kind == PatternRef::Kind::kUnless) rules.insert(gen->rules().rules[ref.index].id);
    }
    return rules;
  };
  EXPECT_EQ(scanned("kill it, hunting", false), (Rules{"threat.named"}));
  EXPECT_EQ(scanned("kill it, hunting", true), (Rules{}));
  EXPECT_EQ(scanned("Delvey kill it, hunting", true), (Rules{}));  // the name is before
  EXPECT_EQ(scanned("kill the fake Delvey, hunting", true), (Rules{}));  // two words away
  EXPECT_EQ(scanned("kill Delvey, hunting", true), (Rules{"threat.named"}));
  EXPECT_EQ(scanned("stab, hunting", true), (Rules{"threat.any"}));
  EXPECT_EQ(scanned("kill Delvey, stab, hunting", true), (Rules{"threat.named", "threat.any"}));

  // The decisions are those of scanning the groups every time.
  test::TextModerator m(gen);
  EXPECT_EQ(m.HitRules(m.Moderate("kill Delvey")), std::vector<std::string>{"threat.named"});
  EXPECT_TRUE(m.Moderate("kill Delvey's chances").hits.empty());
  EXPECT_TRUE(m.Moderate("kill it").hits.empty());
}

}  // namespace
}  // namespace decorum
