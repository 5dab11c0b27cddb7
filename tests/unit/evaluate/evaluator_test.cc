// Evaluation through Moderator::ModerateText: `unless`, `about`/`within`, protection
// multipliers, once-per-comment counting, min_action floors, shadow mode, thresholds.
#include "evaluate/evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::Cut;
using test::TextModerator;

constexpr char kWatchlist[] = R"(
targets:
  - id: anna
    name: Anna Delvey
    aliases: [Delvey]
    handles: ['@annadelvey']
    protection: high
  - id: ezra
    name: Ezra Sosa
    protection: elevated
  - id: bob
    name: Bob Smith
policy:
  thresholds: {flag: 2, quarantine: 5, escalate: 10}
  protection: {normal: 1.5, elevated: 2, high: 3}
)";

constexpr char kAboutRules[] = R"(
rules:
  - id: opt.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
  - id: any.loser
    category: insult
    score: 1
    about: any
    within: 3
    match: {words: [loser]}
  - id: listed.fraud
    category: insult
    score: 1
    about: [anna]
    match: {words: [fraud]}
  - id: none.clown
    category: insult
    score: 1
    about: none
    match: {words: [clown]}
  - id: shadow.moron
    category: insult
    score: 7
    mode: shadow
    match: {words: [moron]}
)";

class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gen_ = CompileYaml(std::string(kWatchlist) + kAboutRules);
    ASSERT_NE(gen_, nullptr);
    m_ = std::make_unique<TextModerator>(gen_);
  }

  std::shared_ptr<const Generation> gen_;
  std::unique_ptr<TextModerator> m_;
};

TEST_F(EvaluatorTest, NoHitsIsAllowWithZeroScore) {
  const Decision d = m_->Moderate("what a lovely cha-cha");
  EXPECT_TRUE(d.hits.empty());
  EXPECT_TRUE(d.shadow.empty());
  EXPECT_TRUE(d.targets.empty());
  EXPECT_EQ(d.score, 0);
  EXPECT_EQ(d.action, Action::kAllow);
}

TEST_F(EvaluatorTest, TargetsListedOnceAtFirstMention) {
  const std::string text = "I saw Anna Delvey, then Delvey again, and @annadelvey and Ezra Sosa";
  const Decision d = m_->Moderate(text);
  ASSERT_EQ(d.targets.size(), 2u);
  EXPECT_EQ(gen_->rules().targets[d.targets[0].target].id, "anna");
  EXPECT_EQ(Cut(text, d.targets[0].span), "Anna Delvey");
  EXPECT_EQ(gen_->rules().targets[d.targets[1].target].id, "ezra");
  EXPECT_EQ(Cut(text, d.targets[1].span), "Ezra Sosa");
  EXPECT_TRUE(d.hits.empty());
  EXPECT_EQ(d.action, Action::kAllow);  // a mention alone is not hostility
}

// A name is matched as a phrase (docs/rules.md), and a phrase also matches its words
// written together, so "AnnaDelvey" is as much a mention as "Anna Delvey".
TEST_F(EvaluatorTest, NameWrittenTogetherIsAMention) {
  for (const std::string name : {"AnnaDelvey", "ANNADELVEY", "Anna_Delvey", "Anna-Delvey", "Anna  Delvey"}) {
    const std::string text = name + " is an idiot";
    const Decision d = m_->Moderate(text);
    ASSERT_EQ(d.targets.size(), 1u) << text;
    EXPECT_EQ(Cut(text, d.targets[0].span), name);
    ASSERT_EQ(d.hits.size(), 1u) << text;
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna") << text;
    EXPECT_EQ(d.score, 6) << text;
  }
  const Decision d = m_->Moderate("EzraSosa, idiot");
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(gen_->rules().targets[d.targets[0].target].id, "ezra");
}

TEST_F(EvaluatorTest, HandleIsAMention) {
  const std::string text = "@annadelvey you idiot";
  const Decision d = m_->Moderate(text);
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(Cut(text, d.targets[0].span), "@annadelvey");
  ASSERT_EQ(d.hits.size(), 1u);
  EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna");
  EXPECT_EQ(d.hits[0].score, 6);
}

TEST_F(EvaluatorTest, DefaultAboutTiesToNearestTargetAndMultiplies) {
  {
    const Decision d = m_->Moderate("he is an idiot");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(d.hits[0].target, -1);
    EXPECT_EQ(d.hits[0].score, 2);
    EXPECT_EQ(d.score, 2);
    EXPECT_EQ(d.action, Action::kFlag);
  }
  {
    const Decision d = m_->Moderate("Bob Smith is an idiot");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "bob");
    EXPECT_EQ(d.hits[0].score, 3);  // 2 * normal 1.5
  }
  {
    const Decision d = m_->Moderate("Ezra Sosa is an idiot");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "ezra");
    EXPECT_EQ(d.hits[0].score, 4);  // 2 * elevated 2
  }
  {
    const Decision d = m_->Moderate("Anna Delvey is an idiot");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna");
    EXPECT_EQ(d.hits[0].score, 6);  // 2 * high 3
    EXPECT_EQ(d.score, 6);
    EXPECT_EQ(d.action, Action::kQuarantine);
  }
  {
    // Nearest wins: Ezra is 0 words away, Anna 3.
    const Decision d = m_->Moderate("Anna Delvey and Ezra Sosa idiot");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "ezra");
    EXPECT_EQ(d.targets.size(), 2u);
  }
  {
    // After the hit counts too.
    const Decision d = m_->Moderate("idiot, that Bob Smith. And in other news Anna Delvey");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "bob");
  }
}

TEST_F(EvaluatorTest, DefaultWithinIsEightWords) {
  // Exactly 8 words between: tied. 9: the hit still counts, untied.
  const Decision in = m_->Moderate("Bob Smith one two three four five six seven eight idiot");
  ASSERT_EQ(in.hits.size(), 1u);
  EXPECT_EQ(m_->TargetOf(in.hits[0]), "bob");
  const Decision out = m_->Moderate("Bob Smith one two three four five six seven eight nine idiot");
  ASSERT_EQ(out.hits.size(), 1u);
  EXPECT_EQ(out.hits[0].target, -1);
  EXPECT_EQ(out.hits[0].score, 2);
  EXPECT_EQ(out.targets.size(), 1u);
}

TEST_F(EvaluatorTest, HostilityNamingTargetScoresHigher) {
  const Decision named = m_->Moderate("Anna Delvey is an idiot");
  const Decision nobody = m_->Moderate("someone is an idiot");
  EXPECT_GT(named.score, nobody.score);
  EXPECT_GT(named.action, nobody.action);
}

TEST_F(EvaluatorTest, AboutAnyNeedsATargetWithinRange) {
  EXPECT_TRUE(m_->Moderate("what a loser").hits.empty());
  EXPECT_EQ(m_->Moderate("what a loser").action, Action::kAllow);
  {
    const Decision d = m_->Moderate("Anna Delvey is a loser");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna");
    EXPECT_EQ(d.hits[0].score, 3);
  }
  // within: 3 -> three words between still ties, four do not.
  EXPECT_EQ(m_->Moderate("Anna Delvey is such a loser").hits.size(), 1u);
  EXPECT_TRUE(m_->Moderate("Anna Delvey is truly such a loser").hits.empty());
  {
    const Decision d = m_->Moderate("loser, said Bob Smith");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "bob");
    EXPECT_EQ(d.hits[0].score, 1.5);
  }
}

TEST_F(EvaluatorTest, AboutListedOnlyThoseTargets) {
  EXPECT_TRUE(m_->Moderate("fraud").hits.empty());
  EXPECT_TRUE(m_->Moderate("Ezra Sosa is a fraud").hits.empty());
  {
    const Decision d = m_->Moderate("Anna Delvey is a fraud");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna");
    EXPECT_EQ(d.hits[0].score, 3);
  }
  {
    // Ezra is nearer, but only Anna counts for this rule.
    const Decision d = m_->Moderate("Delvey is a friend of Ezra Sosa the fraud");
    ASSERT_EQ(d.hits.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.hits[0]), "anna");
  }
}

TEST_F(EvaluatorTest, AboutNoneNeverTies) {
  const Decision d = m_->Moderate("Anna Delvey is a clown");
  ASSERT_EQ(d.hits.size(), 1u);
  EXPECT_EQ(d.hits[0].target, -1);
  EXPECT_EQ(d.hits[0].score, 1);
  EXPECT_EQ(d.score, 1);
  ASSERT_EQ(d.targets.size(), 1u);  // the mention is still reported
  EXPECT_EQ(m_->Moderate("a clown").hits.size(), 1u);
}

TEST_F(EvaluatorTest, EachRuleCountsOncePerComment) {
  {
    const Decision d = m_->Moderate("idiot idiot idiot");
    EXPECT_EQ(d.hits.size(), 3u);
    EXPECT_EQ(d.score, 2);
    EXPECT_EQ(d.action, Action::kFlag);
    // Hits are sorted by span.
    EXPECT_LT(d.hits[0].span.begin, d.hits[1].span.begin);
    EXPECT_LT(d.hits[1].span.begin, d.hits[2].span.begin);
  }
  // The best hit counts, whichever comes first.
  const std::string far = " one two three four five six seven eight nine ten ";
  {
    const Decision d = m_->Moderate("idiot" + far + "Anna Delvey idiot");
    ASSERT_EQ(d.hits.size(), 2u);
    EXPECT_EQ(d.hits[0].target, -1);
    EXPECT_EQ(m_->TargetOf(d.hits[1]), "anna");
    EXPECT_EQ(d.score, 6);
  }
  {
    const Decision d = m_->Moderate("Anna Delvey idiot" + far + "idiot");
    ASSERT_EQ(d.hits.size(), 2u);
    EXPECT_EQ(d.score, 6);
  }
  // Different rules add up.
  {
    const Decision d = m_->Moderate("idiot clown idiot clown");
    EXPECT_EQ(d.hits.size(), 4u);
    EXPECT_EQ(d.score, 3);
    EXPECT_EQ(d.action, Action::kFlag);
  }
}

TEST_F(EvaluatorTest, ShadowHitsReportedNeverCounted) {
  {
    const std::string text = "you moron";
    const Decision d = m_->Moderate(text);
    EXPECT_TRUE(d.hits.empty());
    ASSERT_EQ(m_->ShadowRules(d), std::vector<std::string>{"shadow.moron"});
    EXPECT_EQ(Cut(text, d.shadow[0].span), "moron");
    EXPECT_EQ(d.score, 0);
    EXPECT_EQ(d.action, Action::kAllow);
  }
  {
    const Decision d = m_->Moderate("Anna Delvey moron idiot");
    EXPECT_EQ(m_->HitRules(d), std::vector<std::string>{"opt.idiot"});
    ASSERT_EQ(d.shadow.size(), 1u);
    EXPECT_EQ(m_->TargetOf(d.shadow[0]), "anna");
    EXPECT_EQ(d.score, 6);  // the shadow rule's 7 * 3 is not in it
    EXPECT_EQ(d.action, Action::kQuarantine);
  }
}

TEST(UnlessTest, CancelsOnlyOverlappingHitsOfTheSameRule) {
  auto gen = CompileYaml(R"(
rules:
  - id: profanity.c
    category: profanity
    score: 3
    match: {regex: ['cunt']}
    unless: {words: [scunthorpe]}
  - id: profanity.c-no-unless
    category: profanity
    score: 1
    match: {regex: ['cunt']}
  - id: profanity.dick
    category: profanity
    score: 2
    match: {words: [dick]}
    unless: {phrases: [dick van dyke]}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  {
    const Decision d = m.Moderate("Scunthorpe United won");
    EXPECT_TRUE(m.HitsOf(d, "profanity.c").empty());
    // `unless` belongs to its rule: a rule without it still sees the substring.
    EXPECT_EQ(m.HitsOf(d, "profanity.c-no-unless").size(), 1u);
  }
  {
    const std::string text = "scunthorpe cunt";
    const Decision d = m.Moderate(text);
    const auto hits = m.HitsOf(d, "profanity.c");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].span.begin, 11u);
    EXPECT_EQ(Cut(text, hits[0].span), "cunt");
  }
  EXPECT_TRUE(m.HitsOf(m.Moderate("SCUNTHORPE"), "profanity.c").empty());
  EXPECT_TRUE(m.Moderate("Dick Van Dyke was great").hits.empty());
  {
    const std::string text = "Dick Van Dyke is a dick";
    const Decision d = m.Moderate(text);
    ASSERT_EQ(m.HitRules(d), std::vector<std::string>{"profanity.dick"});
    EXPECT_EQ(d.hits[0].span.begin, 19u);
    EXPECT_EQ(d.score, 2);
  }
}

TEST(MinActionTest, FloorAppliesWhenTheRuleCounts) {
  auto gen = CompileYaml(R"(
targets:
  - {id: anna, name: Anna Delvey}
rules:
  - id: threat.find
    category: threat
    score: 0.5
    min_action: escalate
    match: {phrases: [i will find you]}
  - id: doxx.shadow
    category: doxxing
    score: 0.5
    min_action: escalate
    mode: shadow
    match: {words: [address]}
  - id: threat.about
    category: threat
    score: 0.5
    min_action: quarantine
    about: any
    match: {words: [hunt]}
  - id: threat.unless
    category: threat
    score: 0.5
    min_action: escalate
    match: {words: [shoot]}
    unless: {phrases: [photo shoot]}
  - id: low.flag
    category: other
    score: 0
    min_action: flag
    match: {words: [spamword]}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  {
    const Decision d = m.Moderate("i will find you");
    EXPECT_EQ(d.score, 0.5);
    EXPECT_EQ(d.action, Action::kEscalate);
  }
  // A shadow rule never counts, so its floor does not apply.
  EXPECT_EQ(m.Moderate("her address").action, Action::kAllow);
  // A rule that needs a target and has none does not count.
  EXPECT_EQ(m.Moderate("we hunt").action, Action::kAllow);
  EXPECT_EQ(m.Moderate("Anna Delvey we hunt").action, Action::kQuarantine);
  // A hit cancelled by `unless` does not count.
  EXPECT_EQ(m.Moderate("a photo shoot").action, Action::kAllow);
  EXPECT_EQ(m.Moderate("shoot").action, Action::kEscalate);
  // A zero-score rule with a floor still floors.
  EXPECT_EQ(m.Moderate("spamword").action, Action::kFlag);
  // The floor only raises: a higher total keeps its action.
  EXPECT_EQ(m.Moderate("spamword i will find you").action, Action::kEscalate);
}

TEST(ThresholdTest, ScoreMapsToActions) {
  auto gen = CompileYaml(R"(
policy:
  thresholds: {flag: 2, quarantine: 5, escalate: 10}
rules:
  - {id: s0, category: other, score: 0, match: {words: [zero]}}
  - {id: s1, category: other, score: 1, match: {words: [one]}}
  - {id: s2, category: other, score: 2, match: {words: [two]}}
  - {id: s4, category: other, score: 4.99, match: {words: [almost]}}
  - {id: s5, category: other, score: 5, match: {words: [five]}}
  - {id: s10, category: other, score: 10, match: {words: [ten]}}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  struct Case {
    const char* text;
    double score;
    Action action;
  };
  const Case cases[] = {
      {"nothing here", 0, Action::kAllow},
      {"zero", 0, Action::kAllow},
      {"one", 1, Action::kAllow},
      {"two", 2, Action::kFlag},
      {"one one", 1, Action::kAllow},  // counted once, stays below flag
      {"almost", 4.99, Action::kFlag},
      {"five", 5, Action::kQuarantine},
      {"almost two", 6.99, Action::kQuarantine},
      {"ten", 10, Action::kEscalate},
      {"one two five ten", 18, Action::kEscalate},
  };
  for (const auto& c : cases) {
    const Decision d = m.Moderate(c.text);
    EXPECT_DOUBLE_EQ(d.score, c.score) << c.text;
    EXPECT_EQ(d.action, c.action) << c.text;
  }
  // A zero-score hit is still listed.
  EXPECT_EQ(m.Moderate("zero").hits.size(), 1u);
}

TEST(ProtectionPolicyTest, MultipliersComeFromPolicy) {
  auto gen = CompileYaml(R"(
targets:
  - {id: n, name: Nora Normal}
  - {id: e, name: Ella Elevated, protection: elevated}
  - {id: h, name: Hank High, protection: high}
policy:
  protection: {normal: 1, elevated: 4, high: 9}
rules:
  - {id: r, category: insult, score: 2, match: {words: [idiot]}}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  EXPECT_EQ(m.Moderate("Nora Normal idiot").score, 2);
  EXPECT_EQ(m.Moderate("Ella Elevated idiot").score, 8);
  EXPECT_EQ(m.Moderate("Hank High idiot").score, 18);
  EXPECT_EQ(m.Moderate("idiot").score, 2);
}

TEST(DistanceTest, CountsWordsStrictlyBetween) {
  const std::string text = "alpha beta gamma delta";
  const Span alpha{0, 5}, beta{6, 10}, delta{17, 22};
  EXPECT_EQ(Evaluator::Between(text, alpha, beta).words, 0u);
  EXPECT_EQ(Evaluator::Between(text, alpha, delta).words, 2u);
  EXPECT_EQ(Evaluator::Between(text, delta, alpha).words, 2u);
  EXPECT_EQ(Evaluator::Between(text, alpha, Span{2, 8}).words, 0u);  // overlapping
  EXPECT_FALSE(Evaluator::Between(text, alpha, delta).crosses_sentence);
  EXPECT_FALSE(Evaluator::Between(text, alpha, beta).punctuated);
  // Punctuation is not a word; non-ASCII letters are.
  const std::string mixed = "a -- , \xC3\xA9t\xC3\xA9 ... b";
  const auto d = Evaluator::Between(mixed, Span{0, 1}, Span{static_cast<uint32_t>(mixed.size() - 1),
                                                          static_cast<uint32_t>(mixed.size())});
  EXPECT_EQ(d.words, 1u);
  EXPECT_TRUE(d.crosses_sentence);  // the "..." ends a sentence
  EXPECT_TRUE(d.punctuated);
}

// One Evaluator reused across comments keeps no state from the previous one.
TEST_F(EvaluatorTest, NoStateLeaksBetweenComments) {
  const Decision first = m_->Moderate("Anna Delvey is an idiot");
  EXPECT_EQ(first.score, 6);
  const Decision second = m_->Moderate("idiot");
  EXPECT_EQ(second.score, 2);
  EXPECT_TRUE(second.targets.empty());
  const Decision third = m_->Moderate("nice");
  EXPECT_EQ(third.score, 0);
  EXPECT_TRUE(third.hits.empty());
}

}  // namespace
}  // namespace decorum

namespace decorum {
namespace {

// A mention in the same sentence beats a nearer one across a sentence end, but a target
// named only in the previous sentence still counts.
TEST(SentenceProximityTest, SameSentenceTargetWins) {
  auto gen = test::CompileYaml(std::string(kWatchlist) + R"(
rules:
  - id: opt.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
)");
  ASSERT_NE(gen, nullptr);
  test::TextModerator m(gen);
  auto target_of = [&](const std::string& text) -> std::string {
    const Decision d = m.Moderate(text);
    if (d.hits.size() != 1 || d.hits[0].target < 0) return "";
    return gen->rules().targets[d.hits[0].target].id;
  };
  EXPECT_EQ(target_of("Bob Smith is an idiot. Ezra Sosa was classy."), "bob");
  EXPECT_EQ(target_of("Bob Smith is great! Ezra Sosa is an idiot"), "ezra");
  EXPECT_EQ(target_of("Anna Delvey. What an idiot."), "anna");
}

// `side` places the mention: `after` takes a name after the hit or inside it, never one
// that ends before the hit begins; `before` the mirror image; `either` (the default)
// both. Each rule also needs the name right beside the hit (`within: 0`).
TEST(SideTest, MentionMustStandOnTheRulesSide) {
  auto gen = test::CompileYaml(std::string(kWatchlist) + R"(
rules:
  - id: after.kill
    category: threat
    score: 5
    about: any
    within: 0
    side: after
    match:
      words: [kill]
      regex: ['\bbreak @?\w+ s legs\b']
  - id: before.rocks
    category: other
    score: 1
    about: any
    within: 0
    side: before
    match: {words: [rocks]}
  - id: either.stinks
    category: insult
    score: 1
    about: any
    within: 0
    match: {words: [stinks]}
)");
  ASSERT_NE(gen, nullptr);
  test::TextModerator m(gen);
  auto hits = [&](const std::string& text) {
    std::string out;
    for (const Hit& h : m.Moderate(text).hits) {
      out += (out.empty() ? "" : " ") + gen->rules().rules[h.rule].id + "->" +
             (h.target < 0 ? "-" : gen->rules().targets[h.target].id);
    }
    return out;
  };
  EXPECT_EQ(hits("kill Delvey"), "after.kill->anna");
  EXPECT_EQ(hits("kill \t Delvey"), "after.kill->anna");
  EXPECT_EQ(hits("kill @annadelvey now"), "after.kill->anna");
  // `within: 0` is right beside: punctuation between is a vocative or a new sentence.
  EXPECT_EQ(hits("go and kill, Delvey!"), "");
  EXPECT_EQ(hits("that was a kill. Delvey rocks"), "before.rocks->anna");
  EXPECT_EQ(hits("Delvey kill it"), "");  // the name precedes the hit
  // Between two names, `after` takes the one after even when it is not the nearer.
  EXPECT_EQ(hits("Bob Smith kill Ezra Sosa"), "after.kill->ezra");
  EXPECT_EQ(hits("break Delvey's legs"), "after.kill->anna");  // the name inside the hit
  EXPECT_EQ(hits("Ezra Sosa rocks"), "before.rocks->ezra");
  EXPECT_EQ(hits("rocks Ezra Sosa"), "");
  EXPECT_EQ(hits("Bob Smith stinks"), "either.stinks->bob");
  EXPECT_EQ(hits("stinks Bob Smith"), "either.stinks->bob");
}

}  // namespace
}  // namespace decorum
