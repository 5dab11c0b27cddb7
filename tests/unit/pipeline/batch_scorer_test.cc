// BatchScorer: one record per input line, in input order, error records where a line
// cannot be scored, byte-identical output for any thread count, counts that add up.
#include "pipeline/batch_scorer.h"
#include "sinks/decision_encoder.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ingest/line_reader.h"
#include "pipeline/moderator.h"
#include "plugin_host/plugin_chain.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::TempDir;

constexpr char kRules[] = R"(
targets:
  - {id: anna, name: Anna Delvey, aliases: [Delvey], protection: high}
  - {id: ezra, name: Ezra Sosa, protection: elevated}
rules:
  - {id: insult.idiot, category: insult, score: 2, match: {words: [idiot, 'moron*']}}
  - {id: insult.con, category: insult, score: 3, match: {phrases: [con artist]}}
  - {id: threat.kill, category: threat, score: 1, min_action: escalate,
     match: {phrases: [i will kill you]}}
  - {id: shadow.loser, category: insult, score: 1, mode: shadow, match: {words: [loser]}}
)";

// Splits output into lines; every record must end with '\n'.
std::vector<std::string> Lines(const std::string& out) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(out.substr(start, nl - start));
  }
  EXPECT_EQ(start, out.size()) << "output does not end with a newline";
  return lines;
}

class BatchScorerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gen_ = CompileYaml(kRules);
    ASSERT_NE(gen_, nullptr);
  }

  // Runs the scorer over `inputs` into a temporary file and returns what it wrote.
  std::string Score(const std::vector<std::string>& inputs, size_t threads, RunStats* stats,
                    Status* status = nullptr, size_t max_line_bytes = 1 << 20,
                    std::vector<BatchProgress>* progress = nullptr) {
    BatchOptions opts;
    opts.threads = threads;
    opts.max_line_bytes = max_line_bytes;
    return Run(opts, inputs, stats, status, progress);
  }

  std::string Run(const BatchOptions& opts, const std::vector<std::string>& inputs,
                  RunStats* stats, Status* status = nullptr,
                  std::vector<BatchProgress>* progress = nullptr) {
    BatchScorer scorer(gen_, opts);
    if (progress) scorer.set_progress([progress](const BatchProgress& p) { progress->push_back(p); });
    std::FILE* f = std::tmpfile();
    EXPECT_NE(f, nullptr);
    Status s = scorer.Run(inputs, f, stats);
    if (status) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.message();
    }
    std::string out;
    std::rewind(f);
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) out.append(buf, n);
    std::fclose(f);
    return out;
  }

  // What one Moderator writes for the same input, line by line: the reference output.
  std::string Reference(const std::string& path, size_t max_line_bytes = 1 << 20) {
    auto reader = LineReader::Open(path, max_line_bytes);
    EXPECT_TRUE(reader.ok());
    Moderator m(gen_, FieldMap(), max_line_bytes);
    RunStats stats;
    std::string out;
    Line line;
    while ((*reader)->Next(&line)) m.ModerateLine(line, line.number, &out, &stats);
    return out;
  }

  std::shared_ptr<const Generation> gen_;
  TempDir dir_;
  simdjson::dom::parser parser_;
};

TEST_F(BatchScorerTest, OneRecordPerLineInOrderWithErrors) {
  const std::string long_text(5000, 'x');
  const std::string input =
      "{\"id\":\"a\",\"text\":\"you idiot\"}\n"                      // 1 flag
      "this is not json\n"                                          // 2 error
      "{\"id\":\"c\",\"author\":\"x\"}\n"                           // 3 error: no text
      "\n"                                                          // 4 error: empty
      "{\"id\":\"e\",\"text\":\"" + long_text + "\"}\n"             // 5 error: too long
      "{\"text\":\"lovely waltz\"}\n"                               // 6 allow, id = line
      "{\"id\":7,\"text\":\"Anna Delvey is a con artist\"}\r\n"     // 7 quarantine (CRLF)
      "{\"id\":\"h\",\"text\":\"i will kill you\"}\n"               // 8 escalate
      "   \n"                                                       // 9 error: blank
      "{\"id\":\"j\",\"text\":\"trunc";                             // 10 error: truncated
  const std::string path = dir_.Write("in.ndjson", input);
  RunStats stats;
  const std::string out = Score({path}, 1, &stats, nullptr, 4096);
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size(), 10u) << out;

  struct Expect {
    std::string id;  // as JSON
    std::string action;
  };
  const std::vector<Expect> expected = {
      {"\"a\"", "flag"},  {"2", "error"},        {"\"c\"", "error"},   {"4", "error"},
      {"5", "error"},     {"6", "allow"},        {"7", "quarantine"},  {"\"h\"", "escalate"},
      {"9", "error"},     {"10", "error"},
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    simdjson::dom::object o;
    ASSERT_EQ(parser_.parse(lines[i]).get(o), simdjson::SUCCESS) << lines[i];
    EXPECT_EQ(simdjson::to_string(o["id"].value()), expected[i].id) << lines[i];
    std::string_view action;
    ASSERT_EQ(o["action"].get(action), simdjson::SUCCESS) << lines[i];
    EXPECT_EQ(action, expected[i].action) << lines[i];
    if (action == "error") {
      uint64_t line_no = 0;
      ASSERT_EQ(o["line"].get(line_no), simdjson::SUCCESS) << lines[i];
      EXPECT_EQ(line_no, i + 1) << lines[i];
      std::string_view msg;
      ASSERT_EQ(o["error"].get(msg), simdjson::SUCCESS) << lines[i];
      EXPECT_FALSE(msg.empty());
    } else {
      EXPECT_EQ(o["ruleset"].get_string().value(), gen_->id());
    }
  }
  EXPECT_NE(lines[2].find("text"), std::string::npos) << "the error names the missing field: " << lines[2];
  EXPECT_NE(lines[4].find("4096"), std::string::npos) << "the error names the limit: " << lines[4];

  EXPECT_EQ(stats.comments, 10u);
  EXPECT_EQ(stats.errors, 6u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kAllow)], 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kFlag)], 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kQuarantine)], 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kEscalate)], 1u);
  EXPECT_EQ(stats.input_bytes, input.size() - 9 /* newlines */ - 1 /* '\r' */);

  // The scorer writes exactly what one Moderator writes for the same lines.
  EXPECT_EQ(out, Reference(path, 4096));
}

// A flush covers every batch scored before it began: when flushes are slow (a commit and
// an fsync each) the batches that finish during one need no flush of their own, although
// the workers go on acting meanwhile. Nothing is lost by it: every acted decision is in
// the plugin's log at the end, and every record is written.
TEST_F(BatchScorerTest, OneFlushCoversEveryBatchScoredBeforeIt) {
  const std::string in = dir_.path() + "/many_batches.ndjson";
  const std::string log = dir_.path() + "/acted.log";
  // ~8 KB lines: a batch holds ~128 (blocks of 1 MiB with an acting plugin, as here). One
  // line in 128 sleeps 40 ms in score(), so a batch takes about that long (under
  // sanitizers too: the sleep, not the moderation, dominates; the pad is not moderated)
  // and the workers act all through a run of ~16 batches.
  constexpr int kLines = 16 * 128;
  {
    std::FILE* f = std::fopen(in.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string pad(8150, 'x');
    for (int i = 0; i < kLines; ++i) {
      std::fprintf(f, "{\"id\":\"%d\",\"text\":\"idiot%s\",\"pad\":\"%s\"}\n", i,
                   i % 128 == 0 ? " slow" : "", pad.c_str());
    }
    std::fclose(f);
  }
  auto chain = PluginChain::Create(
      {{"slow_disk", std::string(DECORUM_TEST_PLUGIN_DIR) + "/test_plugin.so",
        R"({"log":")" + log + R"(","flush_ms":200,"hang_text":"slow","hang_ms":40})"}});
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  BatchOptions opts;
  opts.threads = 2;
  opts.plugins = chain.value();
  RunStats stats;
  const std::vector<std::string> lines = Lines(Run(opts, {in}, &stats));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kLines));
  // A flush a batch would be ~16 (as it was); 200 ms a flush against a batch every ~20 ms
  // lets each flush cover several.
  const uint64_t flushes = chain.value()->Instances()[0].counts.flush_calls;
  EXPECT_GE(flushes, 1u);
  EXPECT_LE(flushes, 8u);
  std::FILE* f = std::fopen(log.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  size_t logged = 0;
  for (int c; (c = std::fgetc(f)) != EOF;) logged += c == '\n';
  std::fclose(f);
  EXPECT_EQ(logged, static_cast<size_t>(kLines));
}

TEST_F(BatchScorerTest, EmptyInputGivesNoOutput) {
  const std::string path = dir_.Write("empty.ndjson", "");
  RunStats stats;
  EXPECT_EQ(Score({path}, 2, &stats), "");
  EXPECT_EQ(stats.comments, 0u);
}

TEST_F(BatchScorerTest, MissingInputIsAnError) {
  RunStats stats;
  Status s;
  const std::string good = dir_.Write("good.ndjson", "{\"text\":\"idiot\"}\n");
  const std::string out = Score({good, dir_.path() + "/missing.ndjson"}, 2, &stats, &s);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing.ndjson"), std::string::npos) << s.message();
  // Lines read before the failure are still written.
  EXPECT_EQ(Lines(out).size(), 1u);
}

TEST_F(BatchScorerTest, SeveralInputsInOrder) {
  const std::string a = dir_.Write("a.ndjson", "{\"id\":\"a1\",\"text\":\"x\"}\n{\"id\":\"a2\",\"text\":\"y\"}\n");
  const std::string b = dir_.Write("b.ndjson", "{\"id\":\"b1\",\"text\":\"idiot\"}");
  RunStats stats;
  const auto lines = Lines(Score({a, b, a}, 3, &stats));
  ASSERT_EQ(lines.size(), 5u);
  const char* ids[] = {"a1", "a2", "b1", "a1", "a2"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(lines[i].rfind(std::string("{\"id\":\"") + ids[i] + "\"", 0), 0u) << lines[i];
  }
  EXPECT_EQ(stats.comments, 5u);
}

// A few thousand varied lines (several batches): the output is the same bytes whatever
// the thread count, equals the single-Moderator reference, and the counts add up.
TEST_F(BatchScorerTest, OutputIdenticalForAnyThreadCount) {
  const std::vector<std::string> texts = {
      "you idiot",
      "Anna Delvey is a con artist",
      "Ezra Sosa, what a m0r0n",
      "i will k1ll you Delvey",
      "lovely rumba tonight",
      "\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94 \xF0\x9F\x98\x80",
      "loser",
      "con-artist con artist conartist",
      "she said \\\"idiot\\\" twice: idiot",
      "caf\xC3\xA9 au lait",
  };
  std::mt19937 rng(42);
  std::string input;
  const int kLines = 9000;  // several 256 KiB blocks
  for (int i = 1; i <= kLines; ++i) {
    const uint32_t r = rng() % 100;
    if (r < 3) {
      input += "{broken json\n";
    } else if (r < 5) {
      input += "\n";
    } else if (r < 7) {
      input += "{\"id\":\"n" + std::to_string(i) + "\"}\n";
    } else if (r < 8) {
      input += "{\"text\":\"" + std::string(3000, 'y') + "\"}\n";  // over the 2048 limit
    } else if (r < 9) {
      input += "{\"id\":\"bad-utf8\",\"text\":\"idiot \xFF\xFE end\"}\n";
    } else {
      std::string id;
      if (r % 3 == 0) id = "\"id\":" + std::to_string(i) + ",";
      else if (r % 3 == 1) id = "\"id\":\"c" + std::to_string(i) + "\",";
      input += "{" + id + "\"text\":\"" + texts[rng() % texts.size()] + " #" + std::to_string(i) + "\"}\n";
    }
  }
  const std::string path = dir_.Write("many.ndjson", input);
  const std::string reference = Reference(path, 2048);

  std::string first;
  for (size_t threads : {1, 2, 3}) {
    RunStats stats;
    std::vector<BatchProgress> progress;
    const std::string out = Score({path}, threads, &stats, nullptr, 2048, &progress);
    const auto lines = Lines(out);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kLines)) << "threads=" << threads;
    if (first.empty()) {
      first = out;
      EXPECT_EQ(out, reference) << "threads=" << threads;
    } else {
      EXPECT_TRUE(out == first) << "threads=" << threads << " output differs from threads=1";
    }

    uint64_t errors = 0;
    for (const auto& l : lines) errors += l.find("\"action\":\"error\"") != std::string::npos;
    uint64_t decided = 0;
    for (uint64_t n : stats.by_action) decided += n;
    EXPECT_EQ(stats.comments, static_cast<uint64_t>(kLines));
    EXPECT_EQ(decided + stats.errors, static_cast<uint64_t>(kLines));
    EXPECT_EQ(stats.errors, errors);
    EXPECT_GT(stats.errors, 0u);
    EXPECT_GT(stats.by_action[static_cast<int>(Action::kEscalate)], 0u);
    EXPECT_GT(stats.by_action[static_cast<int>(Action::kAllow)], 0u);

    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.back().comments, static_cast<uint64_t>(kLines));
    EXPECT_EQ(progress.back().total_bytes, input.size());
  }
}

// Resuming (skip_lines): the first lines are read but neither scored nor written, also
// when they end inside a later block of the input (each ~256 KiB); asking to skip more
// lines than the inputs have is an error that says so.
TEST_F(BatchScorerTest, SkipLinesDropsTheFirstRecordsAcrossBlocks) {
  std::string input;
  const uint64_t kLines = 6000;  // ~0.7 MB: three blocks
  for (uint64_t i = 1; i <= kLines; ++i) {
    input += "{\"id\":" + std::to_string(i) + ",\"text\":\"" + (i % 3 ? "hello" : "you idiot") +
             " number " + std::to_string(i) + " " + std::string(60, 'z') + "\"}\n";
  }
  const std::string a = dir_.Write("skip-a.ndjson", input);
  const std::string b = dir_.Write("skip-b.ndjson", "{\"id\":\"b1\",\"text\":\"idiot\"}\n");
  const std::vector<std::string> all = Lines(Reference(a) + Reference(b));
  ASSERT_EQ(all.size(), kLines + 1);
  for (uint64_t skip : {uint64_t{0}, uint64_t{1}, uint64_t{2700}, uint64_t{4500}, kLines - 1,
                        kLines, kLines + 1}) {
    for (size_t threads : {1, 2}) {
      SCOPED_TRACE("skip=" + std::to_string(skip) + " threads=" + std::to_string(threads));
      BatchOptions opts;
      opts.threads = threads;
      opts.skip_lines = skip;
      RunStats stats;
      const auto lines = Lines(Run(opts, {a, b}, &stats));
      EXPECT_EQ(lines, std::vector<std::string>(all.begin() + skip, all.end()));
      EXPECT_EQ(stats.comments, kLines + 1 - skip);
    }
  }
  BatchOptions opts;
  opts.threads = 2;
  opts.skip_lines = kLines + 2;
  RunStats stats;
  Status status;
  EXPECT_EQ(Run(opts, {a, b}, &stats, &status), "");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot resume"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("only " + std::to_string(kLines + 1) + " lines"),
            std::string::npos)
      << status.message();
}

// Resuming checks the output's last record against the last skipped line, wherever that
// line falls (the first line, inside a block, a block's last line, the second input): the
// same id goes on; another id is refused before anything is written.
TEST_F(BatchScorerTest, SkipLinesChecksTheLastRecordsId) {
  std::string input;
  const uint64_t kLines = 6000;
  for (uint64_t i = 1; i <= kLines; ++i) {
    input += "{\"id\":\"a" + std::to_string(i) + "\",\"text\":\"hello number " + std::to_string(i) +
             " " + std::string(60, 'z') + "\"}\n";
  }
  const std::string a = dir_.Write("check-a.ndjson", input);
  const std::string b = dir_.Write("check-b.ndjson", "{\"text\":\"no id\"}\n{\"id\":5,\"text\":\"x\"}\n");
  const std::vector<std::string> all = Lines(Reference(a) + Reference(b));
  ASSERT_EQ(all.size(), kLines + 2);
  for (uint64_t skip : {uint64_t{1}, uint64_t{2700}, kLines, kLines + 1, kLines + 2}) {
    SCOPED_TRACE("skip=" + std::to_string(skip));
    BatchOptions opts;
    opts.threads = 2;
    opts.skip_lines = skip;
    opts.resume_last_id = std::string(RecordIdField(all[skip - 1]));
    ASSERT_FALSE(opts.resume_last_id.empty()) << all[skip - 1];
    int checked = 0;  // on_resume_checked: once when the check passes, never when it fails
    opts.on_resume_checked = [&checked] {
      ++checked;
      return Status::Ok();
    };
    RunStats stats;
    Status status;
    EXPECT_EQ(Lines(Run(opts, {a, b}, &stats, &status)),
              std::vector<std::string>(all.begin() + skip, all.end()));
    EXPECT_TRUE(status.ok()) << status.message();
    EXPECT_EQ(checked, 1);

    checked = 0;
    opts.resume_last_id = "\"a0\"";
    EXPECT_EQ(Run(opts, {a, b}, &stats, &status), "");
    EXPECT_EQ(checked, 0);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find("cannot resume: the output's last record (record " +
                                    std::to_string(skip) + ") is for comment \"a0\""),
              std::string::npos)
        << status.message();
  }
}

TEST(RecordIdFieldTest, TheIdAsWritten) {
  EXPECT_EQ(RecordIdField("{\"id\":\"c7\",\"action\":\"allow\"}"), "\"c7\"");
  EXPECT_EQ(RecordIdField("{\"id\":\"a\\\"b\\\\\",\"line\":1}"), "\"a\\\"b\\\\\"");
  EXPECT_EQ(RecordIdField("{\"id\":42,\"line\":1}"), "42");
  EXPECT_EQ(RecordIdField("{\"id\":1.5e+21,\"action\":\"flag\"}"), "1.5e+21");
  EXPECT_EQ(RecordIdField("{\"id\":\"cut"), "");
  EXPECT_EQ(RecordIdField("{\"id\":\"c7\""), "");
  EXPECT_EQ(RecordIdField("{\"id\":42"), "");
  EXPECT_EQ(RecordIdField("{\"id\":,"), "");
  EXPECT_EQ(RecordIdField("garbage"), "");
}

// Blocks of tiny lines are cut at 4,096 lines (each empty line is an error record): the
// cut blocks give every record, in order, on any number of threads.
TEST_F(BatchScorerTest, TinyLinesAcrossCutBlocks) {
  std::string input;
  for (int i = 0; i < 3; ++i) input += std::string(5000, '\n') + "{\"id\":\"x\",\"text\":\"you idiot\"}\n";
  const std::string path = dir_.Write("tiny.ndjson", input);
  const std::string reference = Reference(path);
  ASSERT_EQ(Lines(reference).size(), 15003u);
  for (size_t threads : {1, 2}) {
    RunStats stats;
    EXPECT_TRUE(Score({path}, threads, &stats) == reference) << "threads=" << threads;
    EXPECT_EQ(stats.comments, 15003u);
  }
}

}  // namespace
}  // namespace decorum
