// Decision and error records (SPEC §5): parsed back with simdjson, they have exactly the
// documented fields, spans cut the original text, and ids keep their JSON type.
#include "sinks/decision_encoder.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>
#include <vector>

#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::CompileYaml;
using test::TextModerator;

constexpr char kRules[] = R"(
targets:
  - id: anna-delvey
    name: Anna Delvey
    protection: high
rules:
  - id: insult.idiot
    category: insult
    score: 2.5
    match: {words: [idiot]}
  - id: insult.con-artist
    category: insult
    score: 3
    about: none
    match: {phrases: [con artist]}
  - id: shadow.moron
    category: insult
    score: 1
    mode: shadow
    match: {words: [moron]}
)";

std::vector<std::string> Keys(simdjson::dom::object o) {
  std::vector<std::string> keys;
  for (auto field : o) keys.emplace_back(field.key);
  return keys;
}

std::string Text(simdjson::dom::element e) {
  std::string_view v;
  EXPECT_EQ(e.get(v), simdjson::SUCCESS);
  return std::string(v);
}

class DecisionEncoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gen_ = CompileYaml(kRules);
    ASSERT_NE(gen_, nullptr);
    m_ = std::make_unique<TextModerator>(gen_);
  }

  // Moderates `text` and encodes the decision for a comment with the given id.
  std::string Encode(const std::string& text, IdKind kind, std::string_view id, uint64_t fallback) {
    text_ = text;
    decision_ = m_->Moderate(text_);
    Comment c;
    c.text = text_;
    c.id_kind = kind;
    c.id = id;
    c.line = fallback;
    std::string out;
    AppendDecisionRecord(*gen_, c, decision_, fallback, &out);
    return out;
  }

  simdjson::dom::object Parse(const std::string& line) {
    EXPECT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n') << "a record is one '\\n'-terminated line";
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "a record is a single line: " << line;
    EXPECT_TRUE(simdjson::validate_utf8(line.data(), line.size()));
    simdjson::dom::object o;
    auto err = parser_.parse(line).get(o);
    EXPECT_EQ(err, simdjson::SUCCESS) << line;
    return o;
  }

  // Checks one hit object against the original text.
  void CheckHit(simdjson::dom::object h, bool shadow) {
    const auto keys = Keys(h);
    const std::set<std::string> allowed = {"rule", "category", "score", "span", "match", "target"};
    for (const auto& k : keys) EXPECT_TRUE(allowed.count(k)) << "unexpected hit key " << k;
    if (!shadow) {
      ASSERT_GE(keys.size(), 5u);
      EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 5),
                (std::vector<std::string>{"rule", "category", "score", "span", "match"}));
    }
    EXPECT_TRUE(h["rule"].is_string());
    simdjson::dom::array span;
    ASSERT_EQ(h["span"].get(span), simdjson::SUCCESS);
    ASSERT_EQ(span.size(), 2u);
    uint64_t b = 0, e = 0;
    ASSERT_EQ(span.at(0).get(b), simdjson::SUCCESS);
    ASSERT_EQ(span.at(1).get(e), simdjson::SUCCESS);
    ASSERT_LE(b, e);
    ASSERT_LE(e, text_.size());
    if (!shadow || h["match"].error() == simdjson::SUCCESS) {
      EXPECT_EQ(Text(h["match"]), text_.substr(b, e - b));
    }
  }

  std::shared_ptr<const Generation> gen_;
  std::unique_ptr<TextModerator> m_;
  simdjson::dom::parser parser_;
  std::string text_;
  Decision decision_;
};

TEST_F(DecisionEncoderTest, FullRecordHasExactlyTheSpecFields) {
  // "é " before the name, a leet insult tied to the target, an untied phrase with a quote
  // in it, and a shadow hit.
  const std::string text = "\xC3\xA9 Anna Delvey is an 1d10t, a con\"artist, moron";
  const std::string line = Encode(text, IdKind::kString, "c42", 99);
  simdjson::dom::object o = Parse(line);
  EXPECT_EQ(Keys(o), (std::vector<std::string>{"id", "action", "score", "targets", "hits", "plugins",
                                                "shadow", "ruleset"}))
      << line;
  EXPECT_EQ(Text(o["id"]), "c42");
  EXPECT_EQ(Text(o["action"]), "escalate");  // 2.5 * 3 + 3 = 10.5
  double score = 0;
  ASSERT_EQ(o["score"].get(score), simdjson::SUCCESS);
  EXPECT_DOUBLE_EQ(score, 10.5);

  simdjson::dom::array targets;
  ASSERT_EQ(o["targets"].get(targets), simdjson::SUCCESS);
  ASSERT_EQ(targets.size(), 1u);
  simdjson::dom::object t;
  ASSERT_EQ(targets.at(0).get(t), simdjson::SUCCESS);
  EXPECT_EQ(Keys(t), (std::vector<std::string>{"id", "span"}));
  EXPECT_EQ(Text(t["id"]), "anna-delvey");
  EXPECT_EQ(t["span"].at(0).get_uint64().value(), 3u);
  EXPECT_EQ(t["span"].at(1).get_uint64().value(), 14u);

  simdjson::dom::array hits;
  ASSERT_EQ(o["hits"].get(hits), simdjson::SUCCESS);
  ASSERT_EQ(hits.size(), 2u) << line;
  simdjson::dom::object h0, h1;
  ASSERT_EQ(hits.at(0).get(h0), simdjson::SUCCESS);
  ASSERT_EQ(hits.at(1).get(h1), simdjson::SUCCESS);
  CheckHit(h0, false);
  CheckHit(h1, false);
  EXPECT_EQ(Keys(h0), (std::vector<std::string>{"rule", "category", "score", "span", "match", "target"}));
  EXPECT_EQ(Text(h0["rule"]), "insult.idiot");
  EXPECT_EQ(Text(h0["category"]), "insult");
  EXPECT_EQ(h0["score"].get_double().value(), 7.5);
  EXPECT_EQ(Text(h0["match"]), "1d10t");
  EXPECT_EQ(Text(h0["target"]), "anna-delvey");
  // Untied hit: no "target" key at all (not null, not "").
  EXPECT_EQ(Keys(h1), (std::vector<std::string>{"rule", "category", "score", "span", "match"}));
  EXPECT_EQ(Text(h1["match"]), "con\"artist");
  EXPECT_EQ(h1["score"].get_int64().value(), 3);  // an integer score prints as "3"

  simdjson::dom::array plugins;
  ASSERT_EQ(o["plugins"].get(plugins), simdjson::SUCCESS);
  EXPECT_EQ(plugins.size(), 0u);

  simdjson::dom::array shadow;
  ASSERT_EQ(o["shadow"].get(shadow), simdjson::SUCCESS);
  ASSERT_EQ(shadow.size(), 1u);
  simdjson::dom::object s0;
  ASSERT_EQ(shadow.at(0).get(s0), simdjson::SUCCESS);
  CheckHit(s0, true);
  EXPECT_EQ(Text(s0["rule"]), "shadow.moron");

  const std::string ruleset = Text(o["ruleset"]);
  EXPECT_EQ(ruleset, gen_->id());
  ASSERT_EQ(ruleset.size(), 16u);
  EXPECT_EQ(ruleset.find_first_not_of("0123456789abcdef"), std::string::npos) << ruleset;
}

TEST_F(DecisionEncoderTest, AllowRecordHasEmptyArrays) {
  const std::string line = Encode("lovely dancing", IdKind::kString, "x", 1);
  EXPECT_EQ(line, "{\"id\":\"x\",\"action\":\"allow\",\"score\":0,\"targets\":[],\"hits\":[],"
                  "\"plugins\":[],\"shadow\":[],\"ruleset\":\"" + gen_->id() + "\"}\n");
  Parse(line);
}

TEST_F(DecisionEncoderTest, IdKeepsItsJsonType) {
  {
    simdjson::dom::object o = Parse(Encode("idiot", IdKind::kNumber, "42", 7));
    uint64_t id = 0;
    ASSERT_EQ(o["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(id, 42u);
  }
  {
    simdjson::dom::object o = Parse(Encode("idiot", IdKind::kNumber, "1.5", 7));
    EXPECT_EQ(o["id"].get_double().value(), 1.5);
  }
  {
    simdjson::dom::object o = Parse(Encode("idiot", IdKind::kString, "42", 7));
    EXPECT_EQ(Text(o["id"]), "42");  // a string id stays a string
  }
  {
    // A string id that needs escaping.
    simdjson::dom::object o = Parse(Encode("idiot", IdKind::kString, "a\"b\\c\n", 7));
    EXPECT_EQ(Text(o["id"]), "a\"b\\c\n");
  }
  {
    // Absent: the fallback (batch line number), as a number.
    simdjson::dom::object o = Parse(Encode("idiot", IdKind::kAbsent, "", 1234));
    uint64_t id = 0;
    ASSERT_EQ(o["id"].get(id), simdjson::SUCCESS);
    EXPECT_EQ(id, 1234u);
  }
}

// The encoder sizes each record once from upper bounds and then writes without checks
// (json_writer.h); a bound too small aborts. Every field here expands as much as JSON
// escaping can make it: control characters become six bytes, invalid bytes three, the
// numbers take their longest forms and a plugin's labels are all separators and control
// characters.
TEST_F(DecisionEncoderTest, WorstCaseEscapingFitsTheRecordBound) {
  const std::string controls(40, '\x01');
  text_ = controls + std::string(8, '\xFF') + controls;
  const auto size = static_cast<uint32_t>(text_.size());
  Decision d;
  d.action = Action::kQuarantine;
  d.score = -1.2345678901234567e+300;
  d.targets.push_back({0, {0, size}});
  d.hits.push_back({0, {0, size}, 0, -98765.4321});
  d.hits.push_back({1, {3, 40}, -1, 1e-300});
  d.shadow.push_back({2, {0, size}, 0, 4294967295.125});
  PluginResult labelled;
  labelled.name = "\x02\x02\x02";
  labelled.delta = -0.0015;
  labelled.floor = Action::kFlag;
  labelled.ceiling = Action::kQuarantine;
  labelled.reason = controls;
  labelled.labels = "\n\x01\n\n\x01\x01\n\"\n\\\n";
  d.plugins.push_back(labelled);
  PluginResult failed;
  failed.name = "x";
  failed.error = controls + "\xFE";
  d.plugins.push_back(failed);
  Comment c;
  c.text = text_;
  c.id_kind = IdKind::kString;
  c.id = controls;
  std::string out = "kept";
  DecisionEncoder(*gen_).Append(c, d, 1, &out);
  ASSERT_EQ(out.substr(0, 4), "kept");
  const std::string line = out.substr(4);
  simdjson::dom::object o = Parse(line);
  EXPECT_EQ(Text(o["id"]), controls);
  EXPECT_EQ(Text(o["action"]), "quarantine");
  simdjson::dom::array hits;
  ASSERT_EQ(o["hits"].get(hits), simdjson::SUCCESS);
  ASSERT_EQ(hits.size(), 2u);
  // (Decoded comments are valid UTF-8; this text is not, to take the invalid-byte path.)
  std::string repaired = controls;
  for (int i = 0; i < 8; ++i) repaired += "\xEF\xBF\xBD";
  repaired += controls;
  EXPECT_EQ(Text(hits.at(0)["match"]), repaired);
  EXPECT_EQ(Text(hits.at(0)["target"]), "anna-delvey");
  EXPECT_EQ(Text(hits.at(1)["match"]), controls.substr(3));
  simdjson::dom::array shadow;
  ASSERT_EQ(o["shadow"].get(shadow), simdjson::SUCCESS);
  ASSERT_EQ(shadow.size(), 1u);
  simdjson::dom::array plugins;
  ASSERT_EQ(o["plugins"].get(plugins), simdjson::SUCCESS);
  ASSERT_EQ(plugins.size(), 2u);
  simdjson::dom::object p0 = plugins.at(0).get_object().value();
  EXPECT_EQ(Text(p0["name"]), "\x02\x02\x02");
  EXPECT_EQ(Text(p0["reason"]), controls);
  simdjson::dom::array labels;
  ASSERT_EQ(p0["labels"].get(labels), simdjson::SUCCESS);
  std::vector<std::string> got;
  for (simdjson::dom::element l : labels) got.push_back(Text(l));
  EXPECT_EQ(got, (std::vector<std::string>{"\x01", "\x01\x01", "\"", "\\"}));
  EXPECT_EQ(Text(plugins.at(1)["error"]), controls + "\xEF\xBF\xBD");
}

TEST(ErrorRecordTest, Shape) {
  simdjson::dom::parser parser;
  {
    Comment c;
    c.id_kind = IdKind::kString;
    c.id = "c7";
    c.line = 12;
    std::string out;
    AppendErrorRecord(c, 12, "missing \"text\"\nfield", &out);
    ASSERT_EQ(out.back(), '\n');
    EXPECT_EQ(out.find('\n'), out.size() - 1);
    simdjson::dom::object o;
    ASSERT_EQ(parser.parse(out).get(o), simdjson::SUCCESS) << out;
    EXPECT_EQ(Keys(o), (std::vector<std::string>{"id", "line", "action", "error"}));
    EXPECT_EQ(Text(o["id"]), "c7");
    EXPECT_EQ(o["line"].get_uint64().value(), 12u);
    EXPECT_EQ(Text(o["action"]), "error");
    EXPECT_EQ(Text(o["error"]), "missing \"text\"\nfield");
  }
  {
    Comment c;  // no id: the fallback number
    c.line = 3;
    std::string out = "prefix\n";  // appends, never clears
    AppendErrorRecord(c, 3, "invalid JSON", &out);
    EXPECT_EQ(out, "prefix\n{\"id\":3,\"line\":3,\"action\":\"error\",\"error\":\"invalid JSON\"}\n");
  }
  {
    Comment c;
    c.id_kind = IdKind::kNumber;
    c.id = "77";
    c.line = 5;
    std::string out;
    AppendErrorRecord(c, 5, "bad \xFF byte", &out);
    EXPECT_TRUE(simdjson::validate_utf8(out.data(), out.size()));
    simdjson::dom::object o;
    ASSERT_EQ(parser.parse(out).get(o), simdjson::SUCCESS) << out;
    EXPECT_EQ(o["id"].get_uint64().value(), 77u);
  }
}

}  // namespace
}  // namespace decorum
