// PluginChain inside the Moderator: plugin scores, floors and ceilings change the
// decision the way plugin.h says; a failing or throwing plugin costs the comment nothing
// but that plugin's contribution; acting plugins see the record as written; flush
// failures are reported. All through the real ABI (tests/abi_plugins/test_plugin.cc).
#include "plugin_host/plugin_chain.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pipeline/batch_scorer.h"
#include "pipeline/moderator.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;

constexpr char kRules[] = R"(
targets:
  - {id: anna, name: Anna Delvey, protection: normal}
rules:
  - {id: insult.idiot, category: insult, score: 2, match: {words: [idiot]}}
  - {id: threat.hurt, category: threat, score: 1, min_action: quarantine, match: {words: [hurt]}}
)";

std::string Module(const std::string& name) {
  return std::string(DECORUM_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

std::shared_ptr<PluginChain> Chain(const std::vector<std::pair<std::string, std::string>>& plugins) {
  std::vector<PluginSpec> specs;
  for (const auto& [name, config] : plugins) specs.push_back({name, Module("test_plugin"), config});
  auto chain = PluginChain::Create(specs);
  EXPECT_TRUE(chain.ok()) << chain.status().message();
  return chain.ok() ? chain.value() : nullptr;
}

// Moderates one line and returns its record, parsed.
struct Record {
  std::string json;
  std::string action;
  double score = 0;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
};

// `stats`, when given, counts the line (else a throwaway does).
void Moderate(Moderator& m, const std::string& line_json, Record* r, RunStats* stats = nullptr) {
  Line line;
  line.bytes = line_json;
  line.number = 1;
  line.length = line_json.size();
  RunStats own;
  r->json.clear();
  m.ModerateLine(line, 1, &r->json, stats ? stats : &own);
  ASSERT_FALSE(r->parser.parse(r->json).get(r->doc)) << r->json;
  r->action = std::string(std::string_view(r->doc["action"]));
  simdjson::dom::element score;
  if (r->doc["score"].get(score)) {  // an error record has none
    r->score = 0;
    return;
  }
  r->score = score.is_double() ? double(score) : double(int64_t(score));
}

TEST(PluginChainTest, DeltaLabelsAndReasonReachTheDecision) {
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"boost", R"({"delta":3.5,"label":"pile-on","reason":"41 hostile comments"})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  Record r;
  Moderate(m, R"({"id":"c1","text":"Anna Delvey you idiot"})", &r);
  EXPECT_EQ(r.action, "quarantine") << r.json;  // 3 (2 at a normal target) + 3.5 >= 5
  EXPECT_DOUBLE_EQ(r.score, 6.5);
  EXPECT_NE(r.json.find(R"("plugins":[{"name":"boost","score":3.5,"labels":["pile-on"],"reason":"41 hostile comments"}])"),
            std::string::npos) << r.json;
  // A clean comment is scored by this plugin too (it asks for every comment): the delta
  // alone may act, which is the plugin's decision to make.
  Moderate(m, R"({"id":"c2","text":"lovely dancing"})", &r);
  EXPECT_EQ(r.action, "flag") << r.json;
}

TEST(PluginChainTest, CeilingSoftensTheScoreButNotARuleFloor) {
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"grace", R"({"ceiling":"flag","delta":10})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  Record r;
  Moderate(m, R"({"id":"c1","text":"idiot"})", &r);
  EXPECT_EQ(r.action, "flag") << r.json;  // 12 would escalate; the ceiling holds it at flag
  EXPECT_NE(r.json.find(R"("ceiling":"flag")"), std::string::npos);
  Moderate(m, R"({"id":"c2","text":"I will hurt you"})", &r);
  EXPECT_EQ(r.action, "quarantine") << r.json;  // the threat rule's floor wins
}

TEST(PluginChainTest, FloorFromOnePluginWinsOverCeilingFromAnother) {
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"grace", R"({"ceiling":"allow"})"}, {"pile", R"({"floor":"escalate"})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  Record r;
  Moderate(m, R"({"id":"c1","text":"idiot"})", &r);
  EXPECT_EQ(r.action, "escalate") << r.json;
}

TEST(PluginChainTest, AFailingOrThrowingPluginCostsTheCommentNothingElse) {
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"flaky", R"({"fail_text":"boom","throw_text":"bang","delta":1})"},
                      {"steady", R"({"delta":0.5,"label":"ok"})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  Record r;
  Moderate(m, R"({"id":"c1","text":"idiot boom"})", &r);
  EXPECT_EQ(r.action, "flag") << r.json;
  EXPECT_DOUBLE_EQ(r.score, 2.5);  // rules 2 + steady 0.5; flaky counted nothing
  EXPECT_NE(r.json.find(R"({"name":"flaky","error":"refusing comment c1"})"), std::string::npos) << r.json;
  Moderate(m, R"({"id":"c2","text":"idiot bang"})", &r);
  EXPECT_NE(r.json.find(R"({"name":"flaky","error":"unknown exception"})"), std::string::npos) << r.json;
  EXPECT_DOUBLE_EQ(r.score, 2.5);
  const auto infos = chain->Instances();
  EXPECT_EQ(infos[0].counts.score_errors, 2u);
  EXPECT_EQ(infos[1].counts.score_errors, 0u);
  EXPECT_EQ(chain->TotalErrors(), 2u);
}

TEST(PluginChainTest, ActingPluginSeesFinalDecisionsAndFlushMakesThemDurable) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "chain_act";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "act.log").string();
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"log", R"({"log":")" + log + R"("})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  Record r;
  Moderate(m, R"({"id":"a","text":"idiot"})", &r);
  Moderate(m, R"({"id":"b","text":"hello"})", &r);
  EXPECT_FALSE(std::filesystem::exists(log)) << "nothing is durable before flush";
  ASSERT_TRUE(chain->Flush().ok());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "a flag\nb allow\n");
  EXPECT_EQ(chain->Instances()[0].counts.flush_calls, 1u);
  ASSERT_TRUE(chain->Flush().ok());
  EXPECT_EQ(chain->Instances()[0].counts.flush_calls, 1u) << "nothing new: no call";
  Moderate(m, R"({"id":"c","text":"hello"})", &r);
  ASSERT_TRUE(chain->Flush().ok());
  EXPECT_EQ(chain->Instances()[0].counts.flush_calls, 2u) << "a new decision: flushed again";
}

TEST(PluginChainTest, FlushFailureStopsTheBatchBeforeItsRecordsAreWritten) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "chain_flush";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string input = (dir / "in.ndjson").string();
  {
    std::ofstream f(input);
    for (int i = 0; i < 10; ++i) f << R"({"id":")" << i << R"(","text":"idiot"})" << "\n";
  }
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"disk", R"({"flush_fail":true})"}});
  ASSERT_TRUE(gen && chain);
  BatchOptions options;
  options.plugins = chain;
  BatchScorer scorer(gen, options);
  const std::string output = (dir / "out.ndjson").string();
  std::FILE* out = std::fopen(output.c_str(), "wb");
  RunStats stats;
  Status s = scorer.Run({input}, out, &stats);
  std::fclose(out);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("plugin 'disk': flush failed: disk full (test plugin)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("stopped before writing the records of lines 1"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(output), 0u) << "no record ahead of the plugin's storage";
}

// A plugin that stores decisions (it has flush()) and refuses one: that comment's record is
// an error record naming the plugin, not a decision the store never took (the audit found
// quarantined comments missing from the store while their records said "quarantine").
TEST(PluginChainTest, ADecisionAStoringPluginRefusesBecomesAnErrorRecord) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "chain_refuse";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "act.log").string();
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"store", R"({"act_fail_text":"refuse","log":")" + log + R"("})"}});
  ASSERT_TRUE(gen && chain);
  Moderator m(gen, FieldMap(), 1 << 20, chain);
  RunStats stats;
  Record r;
  Moderate(m, R"({"id":"a","text":"idiot, refuse it"})", &r, &stats);
  EXPECT_EQ(r.json, R"({"id":"a","line":1,"action":"error","error":"plugin 'store': on_decision failed: store full )"
                    R"((test plugin); the decision (flag) was not stored: send the comment again"})"
                    "\n");
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_EQ(stats.not_stored, 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kFlag)], 0u) << "not counted as decided";
  Moderate(m, R"({"id":"b","text":"idiot"})", &r);
  EXPECT_EQ(r.action, "flag");
  ASSERT_TRUE(chain->Flush().ok());
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "b flag\n");
  EXPECT_EQ(chain->Instances()[0].counts.act_errors, 1u);
}

// A plugin that acts but stores nothing (no flush(): a notifier) promises no durability:
// its failure is counted and logged, and the decision stands.
TEST(PluginChainTest, ANotifierFailingLeavesTheDecisionStanding) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  auto chain = PluginChain::Create({{"notify", Module("broken_act_fails"), "{}"}});
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  Moderator m(gen, FieldMap(), 1 << 20, chain.value());
  Record r;
  Moderate(m, R"({"id":"a","text":"idiot"})", &r);
  EXPECT_EQ(r.action, "flag") << r.json;
  EXPECT_EQ(chain.value()->Instances()[0].counts.act_errors, 1u);
  EXPECT_TRUE(chain.value()->Flush().ok());
}

TEST(PluginChainTest, AHangingPluginPastItsBudgetDelaysACommentByTheBudgetOnly) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  auto chain = PluginChain::Create({{"slow", Module("test_plugin"),
                                     R"({"hang_text":"stall","hang_ms":400,"delta":1})", 50}});
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  Moderator m(gen, FieldMap(), 1 << 20, chain.value());
  Record r;
  const auto t0 = std::chrono::steady_clock::now();
  Moderate(m, R"({"id":"a","text":"idiot stall"})", &r);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
  // The rules decided without the plugin's score, but the plugin also stores decisions
  // (it has flush()) and its on_decision() was skipped while score() is stuck: the
  // record says so instead of claiming a decision the plugin never took.
  EXPECT_EQ(r.action, "error") << r.json;
  EXPECT_NE(r.json.find("plugin 'slow': on_decision failed: skipped: an earlier call is still running "
                        "past its 50 ms budget; the decision (flag) was not stored: send the comment again"),
            std::string::npos) << r.json;
  // While the call is stuck, the plugin is skipped at once.
  Moderate(m, R"({"id":"b","text":"idiot"})", &r);
  EXPECT_NE(r.json.find("skipped: an earlier call is still running past its 50 ms budget"),
            std::string::npos) << r.json;
  // Once it returns, it scores again.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Moderate(m, R"({"id":"c","text":"idiot"})", &r);
  EXPECT_DOUBLE_EQ(r.score, 3) << r.json;
  // a: score timed out, then its on_decision was skipped; b: both skipped.
  EXPECT_EQ(chain.value()->Instances()[0].counts.timeouts, 4u);
}

TEST(PluginChainTest, ConcurrentScoringFromManyModerators) {
  auto gen = CompileYaml(kRules);
  auto chain = Chain({{"a", R"({"delta":1})"}, {"b", R"({"delta":-0.5,"label":"x"})"}});
  ASSERT_TRUE(gen && chain);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Moderator m(gen, FieldMap(), 1 << 20, chain);
      Record r;
      for (int i = 0; i < 500; ++i) {
        Moderate(m, R"({"text":"Anna Delvey idiot"})", &r);
        ASSERT_DOUBLE_EQ(r.score, 3.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(chain->Instances()[0].counts.score_calls, 2000u);
}

}  // namespace
}  // namespace decorum
