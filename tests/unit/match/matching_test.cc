// Matching through the whole per-comment pipeline (Moderator::ModerateText) on small
// inline rule sets: the evasions docs/rules.md promises to catch, the near-misses it
// promises not to, and spans that cut the ORIGINAL bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::Cut;
using test::TextModerator;

constexpr char kRules[] = R"(
rules:
  - id: insult.idiot
    category: insult
    score: 2
    match: {words: [idiot]}
  - id: insult.con-artist
    category: insult
    score: 3
    match: {phrases: [con artist]}
  - id: threat.kill-you
    category: threat
    score: 5
    match: {phrases: [i will kill you]}
  - id: threat.kill
    category: threat
    score: 1
    match: {words: [kill]}
  - id: profanity.ass
    category: profanity
    score: 1
    match: {words: [ass]}
  - id: insult.prefix
    category: insult
    score: 1
    match: {words: ['moron*']}
)";

class MatchingTest : public test::RuleSetTest {
 protected:
  void SetUp() override { Use(kRules); }
};

struct Evasion {
  std::string text;
  std::string rule;
  std::string match;  // the original bytes the hit's span must cut out
};

TEST_F(MatchingTest, EvasionsHitAndSpansCutTheOriginal) {
  const std::vector<Evasion> cases = {
      {"idiot", "insult.idiot", "idiot"},
      {"what an 1d10t", "insult.idiot", "1d10t"},
      // Spaced letters glued to a one-letter word before them are still found.
      {"you are such a i d i o t", "insult.idiot", "i d i o t"},
      {"I'm a i d i o t lol", "insult.idiot", "i d i o t"},
      {"you i d i o t", "insult.idiot", "i d i o t"},
      {"you i.d.i.o.t!", "insult.idiot", "i.d.i.o.t"},
      {"iiiidiot", "insult.idiot", "iiiidiot"},
      {"such an idiooooot", "insult.idiot", "idiooooot"},
      {"IDIOT", "insult.idiot", "IDIOT"},
      {"you IdIoT.", "insult.idiot", "IdIoT"},
      {"\xD1\x96" "d" "\xD1\x96\xD0\xBE" "t", "insult.idiot",  // Cyrillic і, і, о
       "\xD1\x96" "d" "\xD1\x96\xD0\xBE" "t"},
      {"\xC3\xAD" "di" "\xC3\xB3" "t", "insult.idiot", "\xC3\xAD" "di" "\xC3\xB3" "t"},  // ídiót
      {"\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94", "insult.idiot",  // ｉｄｉｏｔ
       "\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94"},
      {"id\xE2\x80\x8Diot", "insult.idiot", "id\xE2\x80\x8Diot"},  // zero-width joiner inside
      {"c0n artist", "insult.con-artist", "c0n artist"},
      {"she is a con-artist.", "insult.con-artist", "con-artist"},
      {"conartist", "insult.con-artist", "conartist"},
      {"con_artist", "insult.con-artist", "con_artist"},
      {"CON   ARTIST", "insult.con-artist", "CON   ARTIST"},
      {"i will k1ll you", "threat.kill-you", "i will k1ll you"},
      {"I WILL KILL YOU", "threat.kill-you", "I WILL KILL YOU"},
      {"i will kiiilll you", "threat.kill-you", "i will kiiilll you"},
      {"i will k i l l you", "threat.kill-you", "i will k i l l you"},
      {"i, will. kill -- you", "threat.kill-you", "i, will. kill -- you"},
      {"iwillkillyou", "threat.kill-you", "iwillkillyou"},  // written together
      {"kill", "threat.kill", "kill"},
      {"killll", "threat.kill", "killll"},
      {"kiiill", "threat.kill", "kiiill"},
      {"k1ll", "threat.kill", "k1ll"},
      {"ass", "profanity.ass", "ass"},
      {"asssss", "profanity.ass", "asssss"},
      {"a$$", "profanity.ass", "a$$"},
      {"moron", "insult.prefix", "moron"},
      {"morons all of you", "insult.prefix", "morons"},
      {"so moronic", "insult.prefix", "moronic"},
      {"m0r0ns", "insult.prefix", "m0r0ns"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchesOf(c.text, c.rule), std::vector<std::string>{c.match})
        << "text: " << c.text << " (normalized: " << m_->moderator().normalized().text << ")";
  }
}

TEST_F(MatchingTest, NearMissesDoNotHit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"as", "profanity.ass"},
      {"as far as I know", "profanity.ass"},
      {"class", "profanity.ass"},
      {"a classic routine", "profanity.ass"},
      {"the assassin in the movie", "profanity.ass"},
      {"bass guitar", "profanity.ass"},
      {"assess this", "profanity.ass"},
      {"kil", "threat.kill"},
      {"skill", "threat.kill"},
      {"killer instinct", "threat.kill"},
      {"idiom", "insult.idiot"},
      {"idiots", "insult.idiot"},  // a whole word without '*' does not take a suffix
      {"con", "insult.con-artist"},
      {"artist", "insult.con-artist"},
      {"a con by an artist", "insult.con-artist"},
      {"oxymoron", "insult.prefix"},
      {"mor on", "insult.prefix"},
      {"i will not kill you", "threat.kill-you"},
  };
  for (const auto& [text, rule] : cases) {
    EXPECT_TRUE(MatchesOf(text, rule).empty())
        << "'" << text << "' must not hit " << rule << " (normalized: " << m_->moderator().normalized().text
        << ")";
  }
}

TEST_F(MatchingTest, SpansAfterMultiByteCharacters) {
  const std::string fullwidth = "\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94";
  const std::string prefix = "\xC3\xA9 \xF0\x9F\x98\x80 ";  // "é 😀 ": 2 + 1 + 4 + 1 bytes
  {
    const std::string text = prefix + fullwidth + " !";
    const Decision d = m_->Moderate(text);
    const auto hits = m_->HitsOf(d, "insult.idiot");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].span.begin, 8u);
    EXPECT_EQ(hits[0].span.end, 23u);
    EXPECT_EQ(Cut(text, hits[0].span), fullwidth);
  }
  {
    const std::string text = prefix + "1d10t " + prefix + "id\xE2\x80\x8Diot";
    const Decision d = m_->Moderate(text);
    const auto hits = m_->HitsOf(d, "insult.idiot");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].span.begin, 8u);
    EXPECT_EQ(Cut(text, hits[0].span), "1d10t");
    EXPECT_EQ(hits[1].span.begin, 8u + 6u + 8u);
    EXPECT_EQ(Cut(text, hits[1].span), "id\xE2\x80\x8Diot");
  }
  {
    // Cyrillic before a con-artist phrase written with a leet digit and a hyphen.
    const std::string text = "\xD0\x90\xD0\xBD\xD0\xBD\xD0\xB0 is a c0n-artist";  // "Анна is a ..."
    const Decision d = m_->Moderate(text);
    const auto hits = m_->HitsOf(d, "insult.con-artist");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].span.begin, 14u);
    EXPECT_EQ(Cut(text, hits[0].span), "c0n-artist");
  }
}

TEST_F(MatchingTest, EveryOccurrenceIsAHit) {
  const std::string text = "idiot, 1d10t and IDIOT";
  EXPECT_EQ(MatchesOf(text, "insult.idiot"), (std::vector<std::string>{"idiot", "1d10t", "IDIOT"}));
}

TEST(PrefixWordTest, TrailingStarMatchesContinuations) {
  auto gen = CompileYaml(R"(
rules:
  - id: insult.idiot-prefix
    category: insult
    score: 2
    match: {words: ['idiot*']}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  for (const std::string text : {"idiot", "idiots", "idiotic", "IDIOTS!!", "1d10ts"}) {
    const Decision d = m.Moderate(text);
    ASSERT_EQ(d.hits.size(), 1u) << text;
    // The span covers the whole word, continuation included.
    EXPECT_EQ(Cut(text, d.hits[0].span), text.substr(0, text.find('!'))) << text;
  }
  for (const std::string text : {"idio", "an idiom", "myidiots"}) {
    EXPECT_TRUE(m.Moderate(text).hits.empty()) << text;
  }
}

TEST(RegexRuleTest, NormalizedRegexSeesNormalizedText) {
  auto gen = CompileYaml(R"(
rules:
  - id: regex.normalized
    category: other
    score: 1
    match: {regex: ['idi+ot']}
  - id: regex.leet-literal
    category: other
    score: 1
    match: {regex: ['1d10t']}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  const std::string text = "what a 1D10T";
  const Decision d = m.Moderate(text);
  ASSERT_EQ(m.HitRules(d), std::vector<std::string>{"regex.normalized"});
  EXPECT_EQ(Cut(text, d.hits[0].span), "1D10T");
}

TEST(RegexRuleTest, RawRuleMatchesOriginalBytes) {
  auto gen = CompileYaml(R"(
rules:
  - id: raw.email
    category: doxxing
    score: 3
    raw: true
    match: {regex: ['[a-z0-9._-]+@[a-z0-9-]+\.[a-z]{2,}']}
  - id: raw.leet
    category: other
    score: 1
    raw: true
    match: {regex: ['1d10t']}
)");
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  {
    const std::string text = "\xC3\xA9 mail Anna.Sorokin@Example.com now";
    const Decision d = m.Moderate(text);
    ASSERT_EQ(m.HitRules(d), std::vector<std::string>{"raw.email"});
    EXPECT_EQ(Cut(text, d.hits[0].span), "Anna.Sorokin@Example.com");
    EXPECT_EQ(d.hits[0].span.begin, 8u);
  }
  {
    const std::string text = "a 1D10T here";  // case-insensitive, on the original bytes
    const Decision d = m.Moderate(text);
    ASSERT_EQ(m.HitRules(d), std::vector<std::string>{"raw.leet"});
    EXPECT_EQ(Cut(text, d.hits[0].span), "1D10T");
  }
  // The normalized form is not what a raw rule sees.
  EXPECT_TRUE(m.Moderate("an idiot here").hits.empty());
}

}  // namespace
}  // namespace decorum
