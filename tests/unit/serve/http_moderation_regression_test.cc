// Regression tests for the HTTP reply bodies, from inputs found while writing
// tests/fuzz/fuzz_http_request.cc (which checks that every reply parses as JSON).
#include "serve/http_moderation.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace decorum::serve {
namespace {

// Parses `json` as an object and returns its "error" string ("<invalid>" when it does not).
std::string ErrorOf(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view error;
  if (parser.parse(simdjson::padded_string(json))["error"].get_string().get(error)) return "<invalid>";
  return std::string(error);
}

// Beast accepts any byte above 0x7F in a request target, and the 404 body echoes the
// target: "GET /\xff HTTP/1.1" once got {"error":"no such endpoint: /\xff"}, which is not
// valid JSON (simdjson: UTF8_ERROR). Invalid bytes must come out as U+FFFD.
TEST(HttpModerationRegressionTest, JsonErrorRepairsInvalidUtf8FromTheClient) {
  EXPECT_EQ(ErrorOf(JsonError("no such endpoint: /\xff\xfe")), "no such endpoint: /\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ErrorOf(JsonError("cut \xc3")), "cut \xEF\xBF\xBD");
  // Valid UTF-8 and escapes are kept as they were.
  EXPECT_EQ(JsonError("caf\xc3\xa9 \"q\" \\ \n\x01"), "{\"error\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\\u0001\"}");
}

}  // namespace
}  // namespace decorum::serve
