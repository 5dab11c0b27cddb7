// A letter masked with '*' is filled in when the word it leaves is one the rule set knows
// (masked_letters.h): the hit then spans the word as written, "b*tch" included. Nothing
// else a '*' can be is touched: emphasis, arithmetic, a spaced-out star, several stars.
#include "match/masked_letters.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normalize/normalizer.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

constexpr char kRules[] = R"(
targets:
  - id: anna-delvey
    name: Anna Delvey
rules:
  - id: insult.gendered
    category: insult
    score: 2
    match: {words: [bitch, "fagot*"]}
  - id: self_harm.rope
    category: self_harm
    score: 10
    match: {phrases: [go rope]}
  - id: threat.rape
    category: threat
    score: 8
    match: {phrases: [rape her]}
  - id: threat.kill
    category: threat
    score: 5
    match: {phrases: [kill her]}
  - id: profanity.shoot
    category: profanity
    score: 1
    match: {phrases: [shoot him]}
  - id: profanity.shit
    category: profanity
    score: 1
    match: {words: [shit]}
  - id: threat.shot
    category: threat
    score: 5
    match: {phrases: [should get shot]}
  - id: self_harm.kys
    category: self_harm
    score: 10
    match: {words: [kys, kms]}
)";

class MaskedLettersTest : public test::RuleSetTest {
 protected:
  void SetUp() override { Use(kRules); }

  // The normalized text of `original` after Unmask.
  std::string Unmasked(std::string_view original) {
    NormalizedText t;
    normalizer_.Normalize(original, &t);
    gen_->masked_letters().Unmask(original, &t);
    return t.text;
  }

  Normalizer normalizer_;
};

TEST_F(MaskedLettersTest, FillsInALetterTheRuleSetKnows) {
  EXPECT_EQ(Unmasked("what a b*tch"), "what a bitch");
  EXPECT_EQ(Unmasked("B*TCH"), "bitch");
  EXPECT_EQ(Unmasked("k*ll her"), "kil her");             // runs collapse as usual
  EXPECT_EQ(Unmasked("Anna D*lvey"), "ana delvey");       // a watched name
  EXPECT_EQ(Unmasked("the f*ggot"), "the fagot");         // a prefix word, doubled letter kept
  EXPECT_EQ(Unmasked("b*7ch"), "bitch");                  // leet on the other side of the star
  EXPECT_EQ(Unmasked("you b*tch and k*ll her"), "you bitch and kil her");
}

TEST_F(MaskedLettersTest, TheHitSpansTheWordAsWritten) {
  EXPECT_EQ(m_->MatchesOf("what a b*tch", "insult.gendered"), std::vector<std::string>{"b*tch"});
  EXPECT_EQ(m_->MatchesOf("I will k*ll her", "threat.kill"), std::vector<std::string>{"k*ll her"});
  const Decision d = m_->Moderate("Anna D*lvey is a b*tch");
  ASSERT_EQ(d.targets.size(), 1u);
  EXPECT_EQ(test::Cut("Anna D*lvey is a b*tch", d.targets[0].span), "Anna D*lvey");
}

TEST_F(MaskedLettersTest, OnlyWordsThatAgreeAndArePresentFillAMask) {
  // A phrase's word is a candidate only where the rest of the phrase is there: "r*pe" is
  // "rape" in "rape her" and "rope" in "go rope".
  EXPECT_EQ(Unmasked("r*pe her"), "rape her");
  EXPECT_EQ(Unmasked("go r*pe"), "go rope");
  EXPECT_EQ(Unmasked("r*pe"), "r pe");                    // neither phrase is there
  // "shoot" is "shot" with o twice: one star cannot hide it, so "sh*t" is only "shit".
  EXPECT_EQ(Unmasked("sh*t"), "shit");
  EXPECT_EQ(Unmasked("sh*t him"), "shit him");
  // Where a listed word and a phrase that is there disagree, no guess is made: "should
  // get sh*t done" must not become a threat.
  EXPECT_EQ(Unmasked("Delvey should get sh*t done"), "delvey should get sh t done");
  EXPECT_TRUE(m_->Moderate("Delvey should get sh*t done").hits.empty());
  // Two listed words, two letters: "k*s" is "kys" or "kms".
  EXPECT_EQ(Unmasked("ugh k*s"), "ugh k s");
}

TEST_F(MaskedLettersTest, LeavesEveryOtherStarAlone) {
  EXPECT_EQ(Unmasked("*bold* move"), "bold move");        // emphasis: no letter on one side
  EXPECT_EQ(Unmasked("5*3 is 15"), "5 3 is 15");          // arithmetic
  EXPECT_EQ(Unmasked("b * tch"), "b tch");                // spaced: not one star between letters
  EXPECT_EQ(Unmasked("b**ch"), "b ch");                   // two stars
  EXPECT_EQ(Unmasked("*itch"), "itch");                   // first letter
  EXPECT_EQ(Unmasked("bitc*"), "bitc");                   // last letter
  EXPECT_EQ(Unmasked("c*t nap"), "c t nap");              // no known word fits
  EXPECT_EQ(Unmasked("b*tch2"), "b tch2");                // a word with a digit
  EXPECT_EQ(Unmasked("b*tchy"), "b tchy");                // a longer word: not a known one
  EXPECT_EQ(Unmasked("what a bitch"), "what a bitch");    // nothing masked
  EXPECT_TRUE(m_->Moderate("*bold* move, 5*3").hits.empty());
}

TEST_F(MaskedLettersTest, AnEmptyRuleSetKnowsNothing) {
  auto gen = test::CompileYaml("rules: []\n");
  ASSERT_NE(gen, nullptr);
  EXPECT_EQ(gen->masked_letters().size(), 0u);
  NormalizedText t;
  normalizer_.Normalize("b*tch", &t);
  gen->masked_letters().Unmask("b*tch", &t);
  EXPECT_EQ(t.text, "b tch");
}

}  // namespace
}  // namespace decorum
