// Moderator::ModerateLine: one record per line, decisions on repaired text, counted.
#include "pipeline/moderator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;

constexpr char kRules[] = R"(
targets:
  - {id: anna, name: Anna Delvey, protection: high}
rules:
  - {id: insult.idiot, category: insult, score: 2, match: {words: [idiot]}}
)";

Line MakeLine(std::string_view bytes, uint64_t number) {
  Line l;
  l.bytes = bytes;
  l.number = number;
  l.length = bytes.size();
  return l;
}

TEST(ModeratorTest, InvalidUtf8KeepsSpansOnTheOriginalBytes) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  Moderator m(gen, FieldMap(), 1 << 20);
  RunStats stats;
  std::string out;
  // A stray byte before the name: the comment is still scored, the record is valid UTF-8,
  // and spans are byte offsets into the text as it arrived (comment.h: each invalid byte
  // stands in place, so nothing after it moves).
  m.ModerateLine(MakeLine("{\"id\":\"u\",\"text\":\"\xFF Anna Delvey, idiot \xC3\"}", 3), 3, &out, &stats);
  ASSERT_TRUE(simdjson::validate_utf8(out.data(), out.size())) << out;
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  ASSERT_EQ(parser.parse(out).get(o), simdjson::SUCCESS) << out;
  EXPECT_EQ(o["action"].get_string().value(), "quarantine") << out;
  simdjson::dom::array hits = o["hits"].get_array().value();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits.at(0)["match"].get_string().value(), "idiot");
  EXPECT_EQ(hits.at(0)["span"].at(0).get_uint64().value(), 15u);  // 1 + 1 + 11 + 2
  EXPECT_EQ(hits.at(0)["span"].at(1).get_uint64().value(), 20u);
  EXPECT_EQ(o["targets"].at(0)["span"].at(0).get_uint64().value(), 2u);
  EXPECT_EQ(stats.comments, 1u);
  EXPECT_EQ(stats.by_action[static_cast<int>(Action::kQuarantine)], 1u);
}

TEST(ModeratorTest, OneRecordPerLineAndCounted) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  Moderator m(gen, FieldMap(), 64);
  RunStats stats;
  std::string out;
  m.ModerateLine(MakeLine("{\"text\":\"idiot\"}", 1), 1, &out, &stats);
  m.ModerateLine(MakeLine("", 2), 2, &out, &stats);
  Line long_line = MakeLine("", 3);
  long_line.too_long = true;
  long_line.length = 1000;
  m.ModerateLine(long_line, 3, &out, &stats);
  m.ModerateLine(MakeLine("[1,2]", 4), 4, &out, &stats);
  m.ModerateLine(MakeLine("{\"id\":\"k\",\"text\":42}", 5), 5, &out, &stats);
  m.ModerateLine(MakeLine("{\"id\":\"ok\",\"text\":\"fine\"}", 6), 6, &out, &stats);

  const std::string expected_prefix[] = {
      "{\"id\":1,\"action\":\"flag\",",
      "{\"id\":2,\"line\":2,\"action\":\"error\",\"error\":\"empty line\"}",
      "{\"id\":3,\"line\":3,\"action\":\"error\",\"error\":\"line of 1000 bytes exceeds the limit of 64 bytes\"}",
      "{\"id\":4,\"line\":4,\"action\":\"error\",\"error\":\"expected a JSON object",
      "{\"id\":\"k\",\"line\":5,\"action\":\"error\",\"error\":\"",
      "{\"id\":\"ok\",\"action\":\"allow\",",
  };
  size_t start = 0;
  for (const auto& prefix : expected_prefix) {
    const size_t nl = out.find('\n', start);
    ASSERT_NE(nl, std::string::npos) << out;
    const std::string line = out.substr(start, nl - start);
    EXPECT_EQ(line.rfind(prefix, 0), 0u) << line;
    start = nl + 1;
  }
  EXPECT_EQ(start, out.size()) << "exactly one record per line";
  EXPECT_EQ(stats.comments, 6u);
  EXPECT_EQ(stats.errors, 4u);
  EXPECT_EQ(stats.input_bytes, 16u + 0 + 1000 + 5 + 20 + 25);
}

// ModerateText exposes the normalized text it matched against (explain shows it).
TEST(ModeratorTest, ModerateTextKeepsNormalizedText) {
  auto gen = CompileYaml(kRules);
  ASSERT_NE(gen, nullptr);
  Moderator m(gen, FieldMap(), 1 << 20);
  Decision d;
  ASSERT_TRUE(m.ModerateText("What an 1D10T!", &d).ok());
  EXPECT_EQ(m.normalized().text, "what an idiot");
  EXPECT_EQ(d.hits.size(), 1u);
  EXPECT_EQ(&m.generation(), gen.get());
  // The next comment starts from a clean decision.
  ASSERT_TRUE(m.ModerateText("hello", &d).ok());
  EXPECT_TRUE(d.hits.empty());
  EXPECT_EQ(d.action, Action::kAllow);
}

}  // namespace
}  // namespace decorum
