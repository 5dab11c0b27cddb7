// AppendJsonString / AppendJsonNumber / AppendJsonUint: the output is always valid JSON
// (and valid UTF-8), whatever bytes come in.
#include "sinks/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace decorum {
namespace {

std::string Str(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Num(double v) {
  std::string out;
  AppendJsonNumber(&out, v);
  return out;
}

bool ValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

// Parses `json` (a JSON string literal) and returns its value; fails the test if it does
// not parse as a string.
std::string ParseString(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view v;
  auto err = parser.parse(json).get(v);
  EXPECT_EQ(err, simdjson::SUCCESS) << json;
  return std::string(v);
}

const std::string kFffd = "\xEF\xBF\xBD";

TEST(JsonStringTest, PlainTextIsQuoted) {
  EXPECT_EQ(Str(""), "\"\"");
  EXPECT_EQ(Str("abc def"), "\"abc def\"");
  EXPECT_EQ(Str("/ ' < > & \x7f"), "\"/ ' < > & \x7f\"");
}

TEST(JsonStringTest, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(Str("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(Str("a\\b"), "\"a\\\\b\"");
  EXPECT_EQ(Str("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(Str("\x01\x1f\b\f"), "\"\\u0001\\u001f\\u0008\\u000c\"");
  EXPECT_EQ(Str(std::string_view("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(ParseString(Str("say \"hi\"\\\n\x02")), "say \"hi\"\\\n\x02");
}

TEST(JsonStringTest, ValidUtf8PassesThrough) {
  const std::string s = "caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBD\x89 \xD1\x96 \xE2\x80\x8D \xF4\x8F\xBF\xBF";
  EXPECT_EQ(Str(s), "\"" + s + "\"");
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Str("\xFF"), "\"" + kFffd + "\"");
  EXPECT_EQ(Str("a\xC3"), "\"a" + kFffd + "\"");               // truncated sequence
  EXPECT_EQ(Str("\xC3" "a"), "\"" + kFffd + "a\"");            // missing continuation
  EXPECT_EQ(Str("\x80x"), "\"" + kFffd + "x\"");               // stray continuation
  EXPECT_EQ(Str("\xC0\xAF"), "\"" + kFffd + kFffd + "\"");     // overlong '/'
  EXPECT_EQ(Str("\xE0\x80\xAF"), "\"" + kFffd + kFffd + kFffd + "\"");  // overlong
  EXPECT_EQ(Str("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");  // surrogate
  EXPECT_EQ(Str("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");  // > U+10FFFF
  EXPECT_EQ(Str("\xF0\x9F\x98"), "\"" + kFffd + kFffd + kFffd + "\"");  // truncated emoji
  // Invalid bytes next to characters that need escaping.
  EXPECT_EQ(Str("\"\xFF\\"), "\"\\\"" + kFffd + "\\\\\"");
  EXPECT_TRUE(ValidUtf8(Str("x\xFE\xFFy\xC3\xA9")));
}

TEST(JsonStringTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(1234);
  simdjson::dom::parser parser;
  for (int i = 0; i < 3000; ++i) {
    std::string s(rng() % 24, '\0');
    for (char& c : s) {
      // Bias towards interesting bytes: controls, quotes, UTF-8 lead/continuation bytes.
      const uint32_t r = rng() % 6;
      if (r == 0) c = static_cast<char>(rng() % 0x20);
      else if (r == 1) c = "\"\\/"[rng() % 3];
      else if (r == 2) c = static_cast<char>(0x80 + rng() % 0x40);
      else if (r == 3) c = static_cast<char>(0xC0 + rng() % 0x40);
      else c = static_cast<char>(rng() % 256);
    }
    const std::string json = Str(s);
    ASSERT_TRUE(ValidUtf8(json)) << i;
    std::string_view v;
    ASSERT_EQ(parser.parse(json).get(v), simdjson::SUCCESS) << i;
    if (ValidUtf8(s)) {
      EXPECT_EQ(v, s) << i;  // valid input round-trips exactly
    }
  }
}

TEST(JsonNumberTest, ShortestFormRoundedToThreeDecimals) {
  EXPECT_EQ(Num(7.5), "7.5");
  EXPECT_EQ(Num(3), "3");
  EXPECT_EQ(Num(3.0000001), "3");
  EXPECT_EQ(Num(0.3), "0.3");
  EXPECT_EQ(Num(0.1 + 0.2), "0.3");
  EXPECT_EQ(Num(1.0 / 3), "0.333");
  EXPECT_EQ(Num(2.0 / 3), "0.667");
  EXPECT_EQ(Num(12.3456), "12.346");
  EXPECT_EQ(Num(0), "0");
  EXPECT_EQ(Num(-2.5), "-2.5");
  EXPECT_EQ(Num(100), "100");
  EXPECT_EQ(Num(4.5 * 3), "13.5");
}

TEST(JsonNumberTest, NoNegativeZeroOrNonFinite) {
  EXPECT_EQ(Num(-0.0), "0");
  EXPECT_EQ(Num(-0.0001), "0");
  EXPECT_EQ(Num(std::numeric_limits<double>::quiet_NaN()), "0");
  EXPECT_EQ(Num(std::numeric_limits<double>::infinity()), "0");
  EXPECT_EQ(Num(-std::numeric_limits<double>::infinity()), "0");
}

// Whole numbers take a shortcut; it must print what the shortest double form prints.
TEST(JsonNumberTest, WholeNumbersPrintAsTheShortestDoubleForm) {
  for (double v : {1.0, -1.0, 7.0, -42.0, 99999.0, -99999.0, 100000.0, 1e6, 123456789.0}) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof(buf), v);
    EXPECT_EQ(Num(v), std::string(buf, res.ptr)) << v;
  }
}

TEST(JsonNumberTest, LargeValuesStayValidJsonNumbers) {
  simdjson::dom::parser parser;
  // Past ~1.8e305 rounding to three decimals would overflow to infinity ("inf" is not JSON).
  const double max = std::numeric_limits<double>::max();
  for (double v : {1e3, 1e5, 1e6, 123456789.0, 1e15, 1e306, -1e306, max, -max}) {
    const std::string s = Num(v);
    double parsed = 0;
    ASSERT_EQ(parser.parse(s).get(parsed), simdjson::SUCCESS) << s;
    EXPECT_EQ(parsed, v) << s;
  }
}

TEST(JsonUintTest, Digits) {
  std::string out;
  AppendJsonUint(&out, 0);
  out += ',';
  AppendJsonUint(&out, 18446744073709551615ULL);
  EXPECT_EQ(out, "0,18446744073709551615");
}

TEST(JsonWriterTest, AppendsWithoutClearing) {
  std::string out = "[";
  AppendJsonString(&out, "a");
  out += ',';
  AppendJsonNumber(&out, 1.25);
  out += ']';
  EXPECT_EQ(out, "[\"a\",1.25]");
}

}  // namespace
}  // namespace decorum
