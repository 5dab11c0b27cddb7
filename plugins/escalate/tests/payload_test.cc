// The webhook body, built directly: valid JSON whatever bytes the engine hands over.
#include "payload.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace decorum::escalate {
namespace {

decorum_str S(std::string_view s) { return {s.data(), s.size()}; }

TEST(EscalatePayloadTest, EscapesTextAndRepairsInvalidUtf8) {
  const std::string text = std::string("quote \" backslash \\ tab \t nul ") + '\0' +
                           " bad \xC3\x28 end \xF0\x9F\x98\x80";
  decorum_comment c{};
  c.struct_size = sizeof c;
  c.id = S("17");
  c.text = S(text);
  decorum_decision d{};
  d.struct_size = sizeof d;
  d.comment = &c;
  d.action = DECORUM_ACTION_ESCALATE;
  d.record_json = S("{\"id\":17,\"action\":\"escalate\"}");
  const std::string json = BuildPayload("0000000000000001-000000-00000000000000ff", "esc", 5, d);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(root["comment"]["id"]), "17");
  EXPECT_TRUE(root["comment"]["author"].is_null());
  EXPECT_TRUE(root["comment"]["thread"].is_null());
  EXPECT_TRUE(root["comment"]["ts_ms"].error() == simdjson::NO_SUCH_FIELD);
  const std::string_view decoded = root["comment"]["text"];
  EXPECT_EQ(decoded, std::string("quote \" backslash \\ tab \t nul ") + '\0' +
                         " bad \xEF\xBF\xBD( end \xF0\x9F\x98\x80");
  EXPECT_EQ(int64_t(root["decision"]["id"]), 17);
  EXPECT_EQ(int64_t(root["escalated_at"]), 5);
}

TEST(EscalatePayloadTest, MissingRecordBecomesNull) {
  decorum_decision d{};
  d.struct_size = sizeof d;
  const std::string json = BuildPayload("id", "esc", 1, d);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_TRUE(root["decision"].is_null());
  EXPECT_TRUE(root["comment"].is_null());
}

}  // namespace
}  // namespace decorum::escalate
