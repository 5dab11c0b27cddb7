// repeat_offender through its C ABI, loaded with dlopen exactly as the engine loads it.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "testing/plugin_harness.h"

namespace decorum::plugins {
namespace {

using decorum::testing::PluginHarness;
using decorum::testing::TestComment;
using decorum::testing::TestScore;

constexpr int64_t kT0 = 1'700'000'000'000;  // epoch ms
constexpr int64_t kHour = 3'600'000;
constexpr const char* kPath = DECORUM_PLUGIN_DIR "/repeat_offender.so";
constexpr const char* kGraceReason = "first low-severity offence: flag instead of quarantine";

// A comment by `author` at `ts_ms` with one hit per category (score 2.5 each) and the
// action the rules decided.
TestComment By(const std::string& author, int64_t ts_ms,
               std::vector<std::string> categories = {"insult"},
               decorum_action action = DECORUM_ACTION_ALLOW) {
  TestComment c;
  c.author = author;
  c.ts_ms = ts_ms;
  c.has_ts = true;
  c.action = action;
  for (const std::string& cat : categories) {
    TestComment::TestHit h;
    h.category = cat;
    h.rule = cat + ".test";
    h.score = 2.5;
    c.hits.push_back(h);
  }
  return c;
}

TestComment Quarantined(const std::string& author, int64_t ts_ms,
                        std::vector<std::string> categories = {"insult"}) {
  return By(author, ts_ms, std::move(categories), DECORUM_ACTION_QUARANTINE);
}

bool Untouched(const TestScore& s) {
  return s.status == DECORUM_OK && s.delta == 0 && s.floor == DECORUM_ACTION_ALLOW &&
         s.ceiling == DECORUM_ACTION_ESCALATE && s.labels.empty() && s.reason.empty();
}

bool Graced(const TestScore& s) {
  return s.status == DECORUM_OK && s.delta == 0 && s.floor == DECORUM_ACTION_ALLOW &&
         s.ceiling == DECORUM_ACTION_FLAG && s.labels == "first-offence-grace" &&
         s.reason == kGraceReason;
}

class RepeatOffenderPluginTest : public ::testing::Test {
 protected:
  // Records the final decision `action` for `c`.
  void Decide(const TestComment& c, decorum_action action) {
    std::string error;
    ASSERT_EQ(plugin_.OnDecision(c, action, 5, R"({"id":"c1"})", &error), DECORUM_OK) << error;
  }

  PluginHarness plugin_{kPath};
};

TEST_F(RepeatOffenderPluginTest, DescribesItself) {
  const decorum_plugin_api& api = plugin_.api();
  EXPECT_STREQ(api.name, "repeat_offender");
  EXPECT_EQ(api.abi_major, DECORUM_PLUGIN_ABI_MAJOR);
  EXPECT_EQ(api.capabilities, DECORUM_CAP_SCORE | DECORUM_CAP_ACT);
  EXPECT_EQ(api.act_min_action, DECORUM_ACTION_FLAG);
  EXPECT_EQ(api.score_only_with_hits, 1);
  EXPECT_NE(api.score, nullptr);
  EXPECT_NE(api.on_decision, nullptr);
}

TEST_F(RepeatOffenderPluginTest, EmptyConfigMeansDefaultsAndEveryKeyIsAccepted) {
  std::string error;
  EXPECT_TRUE(plugin_.Create("{}", &error)) << error;
  EXPECT_TRUE(plugin_.Create(R"({"half_life_seconds": 1800.5,
      "strike_weights": {"flag": 0.25, "quarantine": 1, "escalate": 3},
      "min_strikes": 2, "boost_per_strike": 0.5, "max_boost": 3,
      "grace_categories": ["insult"], "grace_max_score": 4.5, "max_authors": 1000})",
                             &error)) << error;
  EXPECT_TRUE(plugin_.Create(R"({"strike_weights": {}, "grace_categories": []})", &error))
      << error;
}

TEST_F(RepeatOffenderPluginTest, BadConfigFailsCreateWithAMessageNamingTheKey) {
  const struct {
    const char* json;
    const char* message;  // expected within create()'s error
  } cases[] = {
      {R"({"half_life": 60})", "repeat_offender: half_life: unknown key (known keys: "},
      {R"({"half_life_seconds": "1h"})",
       "repeat_offender: half_life_seconds: expected a number above 0 and at most "},
      {R"({"half_life_seconds": 0})",
       "repeat_offender: half_life_seconds: expected a number above 0"},
      {R"({"strike_weights": [1, 2]})",
       "repeat_offender: strike_weights: expected an object, got an array"},
      {R"({"strike_weights": {"flag": "low"}})",
       "repeat_offender: strike_weights.flag: expected a number from 0 to 1000, got a string"},
      {R"({"strike_weights": {"escalate": -1}})",
       "repeat_offender: strike_weights.escalate: expected a number from 0 to 1000, got -1"},
      {R"({"strike_weights": {"warn": 1}})",
       "repeat_offender: strike_weights.warn: unknown key (known keys: flag, quarantine, "
       "escalate)"},
      {R"({"min_strikes": 0})", "repeat_offender: min_strikes: expected a number above 0"},
      {R"({"boost_per_strike": null})", "repeat_offender: boost_per_strike: expected a number"},
      {R"({"max_boost": 1e9})", "repeat_offender: max_boost: expected a number from 0 to 1000"},
      {R"({"grace_categories": "insult"})",
       "repeat_offender: grace_categories: expected an array of category names"},
      {R"({"grace_categories": ["insult", "rude"]})",
       "repeat_offender: grace_categories: \"rude\" is not a category"},
      {R"({"grace_max_score": -1})", "repeat_offender: grace_max_score: expected a number"},
      {R"({"max_authors": 0})", "repeat_offender: max_authors: expected an integer from 1 to"},
      {R"({"max_authors": 100.5})", "repeat_offender: max_authors: expected an integer"},
      {R"("strikes")", "repeat_offender: config: expected a JSON object, got a string"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(plugin_.Create(c.json, &error)) << c.json;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "config " << c.json << "\n  error:    " << error << "\n  expected: " << c.message;
  }
}

TEST_F(RepeatOffenderPluginTest, StrikesDecayAndTheBoostGoesWithThem) {
  ASSERT_TRUE(plugin_.Create(R"({"max_boost": 100})"));
  for (int i = 0; i < 8; ++i) Decide(By("u123", kT0), DECORUM_ACTION_QUARANTINE);

  TestScore s = plugin_.Score(By("u123", kT0));
  EXPECT_EQ(s.delta, 8);
  EXPECT_EQ(s.labels, "repeat-offender");
  EXPECT_EQ(s.reason, "repeat offender: 8.0 recent strikes for author u123");
  EXPECT_EQ(s.floor, DECORUM_ACTION_ALLOW);
  EXPECT_EQ(s.ceiling, DECORUM_ACTION_ESCALATE);
  // Halved after each half-life (3600 s).
  EXPECT_DOUBLE_EQ(plugin_.Score(By("u123", kT0 + kHour)).delta, 4);
  EXPECT_DOUBLE_EQ(plugin_.Score(By("u123", kT0 + 2 * kHour)).delta, 2);
  s = plugin_.Score(By("u123", kT0 + 3 * kHour));
  EXPECT_DOUBLE_EQ(s.delta, 1);
  EXPECT_EQ(s.reason, "repeat offender: 1.0 recent strikes for author u123");
  // Below min_strikes (1.0): no boost, and long after, nothing at all.
  EXPECT_TRUE(Untouched(plugin_.Score(By("u123", kT0 + 4 * kHour))));
  EXPECT_TRUE(Untouched(plugin_.Score(By("u123", kT0 + 48 * kHour))));
  // Other authors were never affected.
  EXPECT_TRUE(Untouched(plugin_.Score(By("u124", kT0))));
}

TEST_F(RepeatOffenderPluginTest, StrikesAreWeightedByActionAndTheBoostIsCapped) {
  ASSERT_TRUE(plugin_.Create("{}"));
  Decide(By("a", kT0), DECORUM_ACTION_FLAG);
  EXPECT_TRUE(Untouched(plugin_.Score(By("a", kT0))));  // 0.5 strikes
  Decide(By("a", kT0), DECORUM_ACTION_FLAG);
  EXPECT_EQ(plugin_.Score(By("a", kT0)).delta, 1);  // 0.5 + 0.5
  Decide(By("a", kT0), DECORUM_ACTION_ESCALATE);
  EXPECT_EQ(plugin_.Score(By("a", kT0)).delta, 3);  // + 2
  // ALLOW earns nothing (the engine does not even call for it, given act_min_action).
  Decide(By("b", kT0), DECORUM_ACTION_ALLOW);
  EXPECT_TRUE(Untouched(plugin_.Score(By("b", kT0))));
  // Ten escalations: 20 strikes, boost capped at max_boost (4).
  for (int i = 0; i < 10; ++i) Decide(By("c", kT0), DECORUM_ACTION_ESCALATE);
  const TestScore s = plugin_.Score(By("c", kT0));
  EXPECT_EQ(s.delta, 4);
  EXPECT_EQ(s.reason, "repeat offender: 20.0 recent strikes for author c");
}

TEST_F(RepeatOffenderPluginTest, FirstLowSeverityOffenceIsGracedOnce) {
  ASSERT_TRUE(plugin_.Create("{}"));
  const TestComment first = Quarantined("newbie", kT0, {"insult", "profanity"});  // score 5
  EXPECT_TRUE(Graced(plugin_.Score(first)));
  // The engine flags it, and that decision is a strike (0.5).
  Decide(first, DECORUM_ACTION_FLAG);
  const TestComment second = Quarantined("newbie", kT0 + 60'000, {"insult"});
  EXPECT_TRUE(Untouched(plugin_.Score(second)));  // 0.5 strikes: no grace, no boost yet
}

TEST_F(RepeatOffenderPluginTest, NoGraceForSevereOrHighScoringOrOtherDecisions) {
  ASSERT_TRUE(plugin_.Create("{}"));
  // A threat is never low-severity, alone or with an insult.
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("a", kT0, {"threat"}))));
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("a", kT0, {"insult", "threat"}))));
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("a", kT0, {"identity_attack"}))));
  // The score is capped at grace_max_score (6), inclusive.
  TestComment c = Quarantined("a", kT0, {"insult"});
  c.score = 6.5;
  EXPECT_TRUE(Untouched(plugin_.Score(c)));
  c.score = 6;
  EXPECT_TRUE(Graced(plugin_.Score(c)));
  // A rule whose min_action demands quarantine would override the ceiling: no grace.
  c.rules_floor = DECORUM_ACTION_QUARANTINE;
  EXPECT_TRUE(Untouched(plugin_.Score(c)));
  // Only a quarantine is softened.
  EXPECT_TRUE(Untouched(plugin_.Score(By("a", kT0, {"insult"}, DECORUM_ACTION_FLAG))));
  EXPECT_TRUE(Untouched(plugin_.Score(By("a", kT0, {"insult"}, DECORUM_ACTION_ESCALATE))));
  // Without an author there is no one to grace (nor to strike).
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("", kT0))));
  Decide(By("", kT0), DECORUM_ACTION_ESCALATE);
  EXPECT_TRUE(Untouched(plugin_.Score(By("", kT0))));
}

TEST_F(RepeatOffenderPluginTest, GraceCategoriesAreConfigurable) {
  ASSERT_TRUE(plugin_.Create(R"({"grace_categories": ["spam"], "grace_max_score": 3})"));
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("a", kT0, {"insult"}))));
  EXPECT_TRUE(Graced(plugin_.Score(Quarantined("a", kT0, {"spam"}))));  // 2.5 <= 3
  ASSERT_TRUE(plugin_.Create(R"({"grace_categories": []})"));
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("a", kT0, {"insult"}))));
}

TEST_F(RepeatOffenderPluginTest, GraceComesBackOnceTheStrikeHasDecayed) {
  ASSERT_TRUE(plugin_.Create("{}"));
  Decide(By("u", kT0), DECORUM_ACTION_FLAG);  // 0.5 strikes
  EXPECT_TRUE(Untouched(plugin_.Score(Quarantined("u", kT0 + 3 * kHour))));  // 0.0625
  EXPECT_TRUE(Graced(plugin_.Score(Quarantined("u", kT0 + 4 * kHour))));     // 0.03125
}

TEST_F(RepeatOffenderPluginTest, LongAuthorNamesAreCutInTheReason) {
  ASSERT_TRUE(plugin_.Create("{}"));
  const std::string author(300, 'x');
  for (int i = 0; i < 2; ++i) Decide(By(author, kT0), DECORUM_ACTION_QUARANTINE);
  const TestScore s = plugin_.Score(By(author, kT0));
  EXPECT_EQ(s.reason, "repeat offender: 2.0 recent strikes for author " + std::string(64, 'x'));
}

TEST_F(RepeatOffenderPluginTest, ConcurrentDecisionsAndScoresLoseNoStrike) {
  // A boost of 0.001 a strike, uncapped, reads the strike count back exactly.
  ASSERT_TRUE(plugin_.Create(R"({"boost_per_strike": 0.001, "max_boost": 1000,
                                  "min_strikes": 0.001})"));
  constexpr int kThreads = 4, kPerThread = 2000, kAuthors = 10;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Everything at one instant: no decay, so the totals are exact.
        const TestComment c = By("user" + std::to_string((i + t) % kAuthors), kT0);
        if (plugin_.OnDecision(c, DECORUM_ACTION_FLAG, 3, "{}") != DECORUM_OK) ++errors;
        if (plugin_.Score(c).status != DECORUM_OK) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  // Each author: 4 threads × 200 flags × 0.5 = 400 strikes.
  for (int a = 0; a < kAuthors; ++a) {
    const TestScore s = plugin_.Score(By("user" + std::to_string(a), kT0));
    EXPECT_DOUBLE_EQ(s.delta, 0.4) << "user" << a;
    EXPECT_EQ(s.reason, "repeat offender: 400.0 recent strikes for author user" +
                            std::to_string(a));
  }
}

}  // namespace
}  // namespace decorum::plugins
