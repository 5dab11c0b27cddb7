#include "serve/metrics.h"

#include <gtest/gtest.h>

#include "testing/rule_fixture.h"

namespace decorum::serve {
namespace {

TEST(MetricsTest, FoldsBatchesAndKeepsHitsAcrossGenerations) {
  auto gen = test::CompileYaml(R"(
rules:
  - id: r.one
    category: insult
    score: 2
    match: {words: [meanie]}
)");
  ASSERT_NE(gen, nullptr);
  Metrics m;
  auto live = std::make_shared<const LiveGeneration>(gen, 1);
  m.SetCurrent(live);
  BatchStats b;
  Decision d;
  d.action = Action::kFlag;
  d.hits.push_back(Hit{0, {0, 6}, -1, 2});
  b.run.Count(*gen, d);
  b.AddLatency(std::chrono::microseconds(30));
  b.errors[static_cast<int>(ErrorKind::kLineTooLong)] = 2;
  m.Fold(*live, &b);
  EXPECT_TRUE(b.empty());
  // A reload: the old generation's hits stay in the totals.
  auto live2 = std::make_shared<const LiveGeneration>(gen, 2);
  m.SetCurrent(live2);
  b.run.Count(*gen, d);
  m.Fold(*live2, &b);
  const std::string text = m.Render();
  EXPECT_NE(text.find("decorum_comments_total{action=\"flag\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("decorum_rule_hits_total{rule=\"r.one\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("decorum_errors_total{kind=\"line_too_long\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("decorum_decision_latency_seconds_bucket{le=\"5e-05\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("decorum_decision_latency_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("generation=\"2\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace decorum::serve
