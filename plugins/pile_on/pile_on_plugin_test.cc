// pile_on through its C ABI, loaded with dlopen exactly as the engine loads it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
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
constexpr const char* kPath = DECORUM_PLUGIN_DIR "/pile_on.so";

TestComment About(const std::string& target, const std::string& author, int64_t ts_ms,
                  const std::string& category = "insult") {
  TestComment c;
  c.author = author;
  c.ts_ms = ts_ms;
  c.has_ts = true;
  TestComment::TestHit h;
  h.category = category;
  h.rule = category + ".test";
  h.target = target;
  c.hits.push_back(h);
  c.targets.push_back(target);
  return c;
}

bool HasLabel(const TestScore& s, const std::string& label) {
  return ("\n" + s.labels + "\n").find("\n" + label + "\n") != std::string::npos;
}

bool Escalated(const TestScore& s) { return s.floor == DECORUM_ACTION_ESCALATE; }
bool Boosted(const TestScore& s) { return s.delta > 0; }
bool Untouched(const TestScore& s) {
  return s.status == DECORUM_OK && s.delta == 0 && s.floor == DECORUM_ACTION_ALLOW &&
         s.ceiling == DECORUM_ACTION_ESCALATE && s.labels.empty() && s.reason.empty();
}

class PileOnPluginTest : public ::testing::Test {
 protected:
  PluginHarness plugin_{kPath};
};

TEST_F(PileOnPluginTest, DescribesItself) {
  const decorum_plugin_api& api = plugin_.api();
  EXPECT_STREQ(api.name, "pile_on");
  EXPECT_EQ(api.abi_major, DECORUM_PLUGIN_ABI_MAJOR);
  EXPECT_EQ(api.capabilities, DECORUM_CAP_SCORE);
  EXPECT_EQ(api.score_only_with_hits, 1);
  EXPECT_NE(api.score, nullptr);
  EXPECT_EQ(api.on_decision, nullptr);
}

TEST_F(PileOnPluginTest, EmptyConfigMeansDefaultsAndEveryKeyIsAccepted) {
  std::string error;
  EXPECT_TRUE(plugin_.Create("{}", &error)) << error;
  EXPECT_TRUE(plugin_.Create("", &error)) << error;
  EXPECT_TRUE(plugin_.Create(R"({"window_seconds": 120, "threshold": 30, "min_authors": 8,
      "boost": 1.5, "cooldown_ratio": 0.25, "max_authors_per_target": 1000,
      "max_targets": 50, "categories": ["insult", "threat"]})", &error)) << error;
}

TEST_F(PileOnPluginTest, BadConfigFailsCreateWithAMessageNamingTheKey) {
  const struct {
    const char* json;
    const char* message;  // expected within create()'s error
  } cases[] = {
      {R"({"windw_seconds": 60})", "pile_on: windw_seconds: unknown key (known keys: "},
      {R"({"window_seconds": "60"})",
       "pile_on: window_seconds: expected an integer from 1 to 3600, got a string"},
      {R"({"window_seconds": 0})",
       "pile_on: window_seconds: expected an integer from 1 to 3600, got 0"},
      {R"({"window_seconds": 60.5})", "pile_on: window_seconds: expected an integer"},
      {R"({"window_seconds": 18446744073709551615})",
       "pile_on: window_seconds: expected an integer from 1 to 3600, got 18446744073709551615"},
      {R"({"threshold": -1})", "pile_on: threshold: expected an integer from 1"},
      {R"({"min_authors": true})", "pile_on: min_authors: expected an integer"},
      {R"({"boost": "high"})", "pile_on: boost: expected a number from 0 to 1000, got a string"},
      {R"({"boost": -2})", "pile_on: boost: expected a number from 0 to 1000, got -2"},
      {R"({"cooldown_ratio": 0})", "pile_on: cooldown_ratio: expected a number above 0"},
      {R"({"cooldown_ratio": 1.5})", "pile_on: cooldown_ratio: expected a number above 0"},
      {R"({"max_targets": 0})", "pile_on: max_targets: expected an integer from 1"},
      {R"({"max_authors_per_target": null})", "pile_on: max_authors_per_target: "},
      {R"({"categories": "insult"})", "pile_on: categories: expected an array of category"},
      {R"({"categories": [1]})", "pile_on: categories: expected an array of category"},
      {R"({"categories": ["insult", "insullt"]})",
       "pile_on: categories: \"insullt\" is not a category"},
      {R"({"categories": []})", "pile_on: categories: expected at least one category"},
      {R"({"min_authors": 10, "max_authors_per_target": 5})",
       "pile_on: min_authors: must not exceed max_authors_per_target"},
      {R"({"threshold": 3, "threshold": 4})", "pile_on: threshold: duplicate key"},
      {R"([1, 2])", "pile_on: config: expected a JSON object, got an array"},
      {R"({"threshold": )", "pile_on: config: not valid JSON"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(plugin_.Create(c.json, &error)) << c.json;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << "config " << c.json << "\n  error:    " << error << "\n  expected: " << c.message;
  }
}

// One comment of a generated stream, and what pile_on answered.
struct Event {
  TestComment comment;
  int64_t arrival = 0;  // when a worker thread gets to it: ts plus up to 1.5 s of jitter
  enum Kind { kNormal, kAnnaHostile, kAnnaProfanity, kBobHostile } kind = kNormal;
  TestScore score;
};

// Normal traffic for 15 minutes with two waves of hostile comments about anna-delvey
// in it, replayed slightly out of order.
std::vector<Event> GenerateStream() {
  std::mt19937 rng(20240501);
  std::uniform_int_distribution<int> author(0, 499), pick(0, 9), jitter(0, 1500);
  std::vector<Event> events;
  auto add = [&](TestComment c, Event::Kind kind) {
    Event e;
    e.arrival = c.ts_ms + jitter(rng);
    e.comment = std::move(c);
    e.kind = kind;
    events.push_back(std::move(e));
  };
  // Every 250 ms a comment from a crowd of 500: mostly hits without a target, some
  // profanity about anna-delvey (not a hostile category by default).
  for (int64_t t = 0; t < 900'000; t += 250) {
    const std::string who = "user" + std::to_string(author(rng));
    const int p = pick(rng);
    if (p < 2) {
      add(About("anna-delvey", who, kT0 + t, "profanity"), Event::kAnnaProfanity);
    } else {
      TestComment c = About("", who, kT0 + t, p < 6 ? "profanity" : "insult");
      c.targets.clear();
      add(std::move(c), Event::kNormal);
    }
  }
  // A steady trickle about bob: at most 7 in any minute, never a pile-on.
  for (int64_t t = 3'000; t < 900'000; t += 10'000) {
    add(About("bob", "user" + std::to_string(author(rng)), kT0 + t), Event::kBobHostile);
  }
  // Wave 1: 60 comments from 40 authors in 30 s (120 s - 150 s).
  for (int i = 0; i < 60; ++i) {
    add(About("anna-delvey", "w1-" + std::to_string(i % 40), kT0 + 120'000 + i * 500),
        Event::kAnnaHostile);
  }
  // Between the waves, one every 30 s until 390 s: the first ones are still inside the
  // first wave's minute, the later ones are not, nor inside the second wave's.
  for (int64_t t = 180'000; t < 420'000; t += 30'000) {
    add(About("anna-delvey", "user" + std::to_string(author(rng)), kT0 + t),
        Event::kAnnaHostile);
  }
  // Wave 2: 40 comments from 25 authors in 20 s (500 s - 520 s).
  for (int i = 0; i < 40; ++i) {
    add(About("anna-delvey", "w2-" + std::to_string(i % 25), kT0 + 500'000 + i * 500),
        Event::kAnnaHostile);
  }
  // After it, one every 20 s.
  for (int64_t t = 600'000; t < 900'000; t += 20'000) {
    add(About("anna-delvey", "user" + std::to_string(author(rng)), kT0 + t),
        Event::kAnnaHostile);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.arrival < b.arrival; });
  return events;
}

bool In(const Event& e, int64_t from_s, int64_t to_s) {
  return e.comment.ts_ms >= kT0 + from_s * 1000 && e.comment.ts_ms < kT0 + to_s * 1000;
}

TEST_F(PileOnPluginTest, ReplayEscalatesOncePerWaveAndBoostsUntilTheCoolDown) {
  ASSERT_TRUE(plugin_.Create("{}"));
  std::vector<Event> events = GenerateStream();
  for (Event& e : events) {
    e.score = plugin_.Score(e.comment);
    ASSERT_EQ(e.score.status, DECORUM_OK) << e.score.error;
  }

  // Exactly one escalation per wave, and nothing else escalated.
  std::vector<const Event*> escalations;
  for (const Event& e : events) {
    if (Escalated(e.score)) escalations.push_back(&e);
  }
  ASSERT_EQ(escalations.size(), 2u);
  EXPECT_TRUE(In(*escalations[0], 120, 150));
  EXPECT_TRUE(In(*escalations[1], 500, 520));
  for (const Event* e : escalations) {
    EXPECT_EQ(e->kind, Event::kAnnaHostile);
    EXPECT_EQ(e->score.delta, 0) << "the escalating comment gets the floor, not the boost";
    EXPECT_EQ(e->score.labels, "pile-on");
    // Out of order, but all inside one minute: the 20th arrival is the 20th in the window.
    EXPECT_EQ(e->score.reason,
              "pile-on: 20 hostile comments from 20 authors about anna-delvey in the last 60 s");
  }

  // Within each wave, every hostile comment arriving after the escalation is boosted,
  // and none before it.
  for (int wave = 0; wave < 2; ++wave) {
    const int64_t from = wave == 0 ? 120 : 500, to = wave == 0 ? 150 : 520;
    bool after = false;
    int boosted = 0, hostile = 0;
    for (const Event& e : events) {
      if (e.kind != Event::kAnnaHostile || !In(e, from, to)) continue;
      ++hostile;
      if (&e == escalations[wave]) {
        after = true;
        continue;
      }
      EXPECT_EQ(Boosted(e.score), after) << "wave " << wave + 1 << " comment " << hostile;
      if (!after) {
        EXPECT_TRUE(Untouched(e.score));
      } else {
        EXPECT_EQ(e.score.delta, 2.0);
        EXPECT_TRUE(HasLabel(e.score, "pile-on"));
        EXPECT_EQ(e.score.floor, DECORUM_ACTION_ALLOW);
        EXPECT_NE(e.score.reason.find("about anna-delvey in the last 60 s"), std::string::npos);
      }
      boosted += Boosted(e.score);
    }
    EXPECT_EQ(boosted, hostile - 20) << "wave " << wave + 1;
  }

  // Hostile comments about other targets, profanity and target-less hits: never touched.
  for (const Event& e : events) {
    if (e.kind != Event::kAnnaHostile) {
      EXPECT_TRUE(Untouched(e.score)) << "kind " << e.kind << " at " << e.comment.ts_ms - kT0;
    }
  }
  // Once each wave's minute has passed, hostile comments about anna-delvey are back to
  // normal: the wave cooled down.
  for (const Event& e : events) {
    if (e.kind == Event::kAnnaHostile && (In(e, 215, 500) || In(e, 585, 900))) {
      EXPECT_TRUE(Untouched(e.score)) << "at " << e.comment.ts_ms - kT0 << " ms";
    }
  }
}

TEST_F(PileOnPluginTest, AWaveNeedsEnoughDistinctAuthors) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 20, "min_authors": 5})"));
  // Two accounts, thirty insults: not a pile-on.
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(Untouched(plugin_.Score(About("anna-delvey", i % 2 ? "a" : "b", kT0 + i))));
  }
  EXPECT_TRUE(Untouched(plugin_.Score(About("anna-delvey", "c", kT0 + 40))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("anna-delvey", "d", kT0 + 41))));
  const TestScore s = plugin_.Score(About("anna-delvey", "e", kT0 + 42));
  EXPECT_TRUE(Escalated(s));
  EXPECT_EQ(s.reason,
            "pile-on: 33 hostile comments from 5 authors about anna-delvey in the last 60 s");
}

TEST_F(PileOnPluginTest, CommentsOlderThanTheWindowAreIgnored) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 2, "min_authors": 1})"));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0 + 100'000))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "b", kT0 + 200'000))));  // 100 s expired
  // 70 s behind the newest: outside the window, so not counted (it would escalate).
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "c", kT0 + 130'000))));
  // 2 s behind: inside, counted.
  EXPECT_TRUE(Escalated(plugin_.Score(About("t", "d", kT0 + 198'000))));
}

TEST_F(PileOnPluginTest, OnlyConfiguredCategoriesWithATargetCount) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 2, "min_authors": 1})"));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0, "profanity"))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0, "spam"))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("", "a", kT0, "threat"))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0, "threat"))));
  EXPECT_TRUE(Escalated(plugin_.Score(About("t", "a", kT0, "doxxing"))));

  ASSERT_TRUE(plugin_.Create(R"({"threshold": 2, "min_authors": 1,
                                  "categories": ["profanity"]})"));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0, "threat"))));
  EXPECT_TRUE(Untouched(plugin_.Score(About("t", "a", kT0, "profanity"))));
  EXPECT_TRUE(Escalated(plugin_.Score(About("t", "a", kT0, "profanity"))));
}

TEST_F(PileOnPluginTest, ACommentCountsOncePerTargetAndOnceForEachTarget) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 2, "min_authors": 1, "boost": 3})"));
  // Two hits about t: one comment.
  TestComment twice = About("t", "a", kT0);
  twice.hits.push_back(twice.hits[0]);
  EXPECT_TRUE(Untouched(plugin_.Score(twice)));
  // About t and u: starts t's wave; u has one comment.
  TestComment both = About("t", "a", kT0 + 1);
  both.hits.push_back(About("u", "a", kT0 + 1).hits[0]);
  TestScore s = plugin_.Score(both);
  EXPECT_TRUE(Escalated(s));
  EXPECT_EQ(s.delta, 0);
  // Starts u's wave and joins t's: escalated, boosted once, both reasons.
  s = plugin_.Score(both);
  EXPECT_TRUE(Escalated(s));
  EXPECT_EQ(s.delta, 3);
  EXPECT_EQ(s.labels, "pile-on");
  EXPECT_EQ(s.reason,
            "pile-on: 3 hostile comments from 1 author about t in the last 60 s; "
            "pile-on: 2 hostile comments from 1 author about u in the last 60 s");
  // Both waves on: boosted once.
  s = plugin_.Score(both);
  EXPECT_FALSE(Escalated(s));
  EXPECT_EQ(s.delta, 3);
}

TEST_F(PileOnPluginTest, AnonymousCommentsCountAsOneAuthor) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 5, "min_authors": 2})"));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Untouched(plugin_.Score(About("t", "", kT0 + i))));
  EXPECT_TRUE(Escalated(plugin_.Score(About("t", "someone", kT0 + 10))));
}

TEST_F(PileOnPluginTest, CommentsWithoutTimestampsRunOnTheWallClock) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 3, "min_authors": 1})"));
  TestComment c = About("t", "a", 0);
  c.has_ts = false;
  EXPECT_TRUE(Untouched(plugin_.Score(c)));
  EXPECT_TRUE(Untouched(plugin_.Score(c)));
  EXPECT_TRUE(Escalated(plugin_.Score(c)));
  EXPECT_TRUE(Boosted(plugin_.Score(c)));
}

TEST_F(PileOnPluginTest, ConcurrentScoringEscalatesEachTargetExactlyOnce) {
  ASSERT_TRUE(plugin_.Create(R"({"threshold": 20, "min_authors": 5})"));
  constexpr int kThreads = 4, kPerThread = 5000, kTargets = 8;
  std::atomic<int> escalations{0}, boosts{0}, errors{0};
  std::vector<std::vector<int>> per_target(kThreads, std::vector<int>(kTargets, 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::uniform_int_distribution<int> target(0, kTargets - 1), author(0, 99), ms(0, 9999);
      for (int i = 0; i < kPerThread; ++i) {
        const int k = target(rng);
        ++per_target[t][k];
        // All within 10 s: every wave stays on once started.
        const TestScore s = plugin_.Score(About("target-" + std::to_string(k),
                                                "user" + std::to_string(author(rng)),
                                                kT0 + ms(rng)));
        if (s.status != DECORUM_OK) ++errors;
        if (Escalated(s)) ++escalations;
        if (Boosted(s)) ++boosts;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  int expected_boosts = 0;
  for (int k = 0; k < kTargets; ++k) {
    int n = 0;
    for (int t = 0; t < kThreads; ++t) n += per_target[t][k];
    expected_boosts += n - 20;
  }
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(escalations.load(), kTargets);
  EXPECT_EQ(boosts.load(), expected_boosts);
}

}  // namespace
}  // namespace decorum::plugins
