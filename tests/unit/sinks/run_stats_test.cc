// RunStats: per-action counts, per-rule counts (once per comment), merging and summary.
#include "sinks/run_stats.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::TextModerator;

constexpr char kRules[] = R"(
targets:
  - {id: anna, name: Anna Delvey}
  - {id: ezra, name: Ezra Sosa}
rules:
  - {id: r.idiot, category: insult, score: 2, match: {words: [idiot]}}
  - {id: r.clown, category: insult, score: 1, match: {words: [clown]}}
  - {id: r.kill, category: threat, score: 10, match: {words: [kill]}}
)";

TEST(RunStatsTest, CountsActionsRulesAndTargets) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  RunStats stats;
  stats.Count(*gen, m.Moderate("idiot idiot clown idiot"));  // flag: 2 + 1
  stats.Count(*gen, m.Moderate("Anna Delvey and Ezra Sosa and Anna Delvey"));  // allow
  stats.Count(*gen, m.Moderate("kill"));  // escalate
  stats.Count(*gen, m.Moderate("nothing"));
  stats.CountError();

  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kAllow)], 2u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kFlag)], 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kQuarantine)], 0u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kEscalate)], 1u);
  EXPECT_EQ(stats.errors, 1u);
  ASSERT_EQ(stats.rule_hits.size(), 3u);
  EXPECT_EQ(stats.rule_hits[0], 1u);  // three idiot hits, one comment
  EXPECT_EQ(stats.rule_hits[1], 1u);
  EXPECT_EQ(stats.rule_hits[2], 1u);
  ASSERT_EQ(stats.target_hits.size(), 2u);
  EXPECT_EQ(stats.target_hits[0], 1u);  // two mentions, one comment
  EXPECT_EQ(stats.target_hits[1], 1u);
}

TEST(RunStatsTest, MergeAddsEverything) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  TextModerator m(gen);
  RunStats a, b, total;
  a.comments = 2;
  a.input_bytes = 10;
  a.Count(*gen, m.Moderate("idiot"));
  a.CountError();
  b.comments = 3;
  b.input_bytes = 5;
  b.Count(*gen, m.Moderate("idiot clown"));
  b.Count(*gen, m.Moderate("Ezra Sosa"));
  b.Count(*gen, m.Moderate("kill"));
  total.Merge(a);  // into an empty one: vectors grow
  total.Merge(b);
  EXPECT_EQ(total.comments, 5u);
  EXPECT_EQ(total.input_bytes, 15u);
  EXPECT_EQ(total.errors, 1u);
  EXPECT_EQ(total.by_action[static_cast<int>(Action::kFlag)], 2u);
  EXPECT_EQ(total.by_action[static_cast<int>(Action::kAllow)], 1u);
  EXPECT_EQ(total.by_action[static_cast<int>(Action::kEscalate)], 1u);
  ASSERT_EQ(total.rule_hits.size(), 3u);
  EXPECT_EQ(total.rule_hits[0], 2u);
  EXPECT_EQ(total.rule_hits[1], 1u);
  EXPECT_EQ(total.rule_hits[2], 1u);
  ASSERT_EQ(total.target_hits.size(), 2u);
  EXPECT_EQ(total.target_hits[1], 1u);

  const std::string summary = total.Summary(*gen, 1.0);
  EXPECT_NE(summary.find("5 comments"), std::string::npos) << summary;
  EXPECT_NE(summary.find("flag 2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("error 1"), std::string::npos) << summary;
  EXPECT_NE(summary.find("r.idiot 2"), std::string::npos) << summary;
  EXPECT_NE(summary.find("ezra 1"), std::string::npos) << summary;
  EXPECT_NE(summary.find(gen->id()), std::string::npos) << summary;
}

}  // namespace
}  // namespace decorum
