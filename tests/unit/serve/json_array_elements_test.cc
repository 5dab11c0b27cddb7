#include "serve/json_array_elements.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace decorum::serve {
namespace {

std::vector<std::string> Split(std::string_view body) {
  std::vector<std::string_view> elements;
  const Status s = SplitJsonArray(body, &elements);
  EXPECT_TRUE(s.ok()) << body << ": " << s.message();
  return {elements.begin(), elements.end()};
}

std::string ErrorOf(std::string_view body) {
  std::vector<std::string_view> elements;
  const Status s = SplitJsonArray(body, &elements);
  return s.ok() ? "<ok>" : s.message();
}

using Elements = std::vector<std::string>;

TEST(JsonArrayElementsTest, EmptyArrays) {
  EXPECT_EQ(Split("[]"), Elements{});
  EXPECT_EQ(Split(" \r\n\t[ \n ] \n"), Elements{});
}

TEST(JsonArrayElementsTest, ElementsAreTrimmedAndInOrder) {
  EXPECT_EQ(Split("[1]"), Elements{"1"});
  EXPECT_EQ(Split("[ {\"text\":\"a\"} ,\n\t{\"text\":\"b\"}\r\n]"), (Elements{"{\"text\":\"a\"}", "{\"text\":\"b\"}"}));
  EXPECT_EQ(Split("[[1,2],[3],{}]"), (Elements{"[1,2]", "[3]", "{}"}));
  EXPECT_EQ(Split("[\"x\", null, 2.5]"), (Elements{"\"x\"", "null", "2.5"}));
  EXPECT_EQ(Split("[ -1e5 ,{} ,\n\"s\"\t]"), (Elements{"-1e5", "{}", "\"s\""}));
}

// Commas and brackets inside strings, escaped quotes and backslashes do not split.
TEST(JsonArrayElementsTest, StringsAreSkippedWithTheirEscapes) {
  EXPECT_EQ(Split(R"([{"text":"a],[b"},{"text":"q\"],\\"}])"),
            (Elements{R"({"text":"a],[b"})", R"({"text":"q\"],\\"})"}));
  EXPECT_EQ(Split(R"(["\\",1])"), (Elements{R"("\\")", "1"}));
}

// The point of splitting without parsing: what would fail a parser inside one element
// leaves that element whole, for the decoder to answer with its error record.
TEST(JsonArrayElementsTest, AnElementsOwnDefectsDoNotFailTheFrame) {
  EXPECT_EQ(Split("[{\"id\":123456789012345678901234,\"text\":\"a\"},{\"text\":\"b\"}]"),
            (Elements{"{\"id\":123456789012345678901234,\"text\":\"a\"}", "{\"text\":\"b\"}"}));
  EXPECT_EQ(Split("[{\"text\":\"caf\xff\"},{\"text\":\"b\"}]"), (Elements{"{\"text\":\"caf\xff\"}", "{\"text\":\"b\"}"}));
  EXPECT_EQ(Split("[{\"text\": },{\"text\":\"b\" \"c\"}]"), (Elements{"{\"text\": }", "{\"text\":\"b\" \"c\"}"}));
  EXPECT_EQ(Split("[{\"a\":[1}],2]"), (Elements{"{\"a\":[1}]", "2"}));  // mismatched inside
}

TEST(JsonArrayElementsTest, ABrokenFrameIsRefusedNamingTheByte) {
  EXPECT_EQ(ErrorOf(""), "byte 0: expected '[' to open the array");
  EXPECT_EQ(ErrorOf("  {\"text\":\"a\"}"), "byte 2: expected '[' to open the array");
  EXPECT_EQ(ErrorOf("["), "byte 1: the array is not closed (expected ']')");
  EXPECT_EQ(ErrorOf("[{\"text\":\"a\"},"), "byte 14: the array is not closed (expected ']')");
  EXPECT_EQ(ErrorOf("[[1]"), "byte 4: the array is not closed (expected ']')");
  EXPECT_EQ(ErrorOf("[1,]"), "byte 3: expected an element before ']'");
  EXPECT_EQ(ErrorOf("[,1]"), "byte 1: expected an element before ','");
  EXPECT_EQ(ErrorOf("[1,,2]"), "byte 3: expected an element before ','");
  EXPECT_EQ(ErrorOf("[1, ]"), "byte 4: expected an element before ']'");
  EXPECT_EQ(ErrorOf("[1}"), "byte 2: expected ']' to close the array, found '}'");
  EXPECT_EQ(ErrorOf("[1] x"), "byte 4: expected nothing after the array's closing ']'");
  EXPECT_EQ(ErrorOf("[1][2]"), "byte 3: expected nothing after the array's closing ']'");
  EXPECT_EQ(ErrorOf("[\"abc]"), "byte 6: a string is not closed");
  EXPECT_EQ(ErrorOf("[\"a\\\"]"), "byte 6: a string is not closed");
  EXPECT_EQ(ErrorOf("[\"a\\"), "byte 4: a string is not closed");
  // Two values without a comma would be one element, one record for two comments.
  EXPECT_EQ(ErrorOf(R"([{"id":"a"} {"id":"b"}])"), "byte 12: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf(R"([{"id":"a"}{"id":"b"},{"id":"c"}])"), "byte 11: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf(R"(["a" "b"])"), "byte 5: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf(R"(["a"x])"), "byte 4: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf("[1 2]"), "byte 3: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf("[1 [2]]"), "byte 3: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf("[tru\"e\"]"), "byte 4: expected ',' or ']' after an element");
  EXPECT_EQ(ErrorOf("[[1] 2]"), "byte 5: expected ',' or ']' after an element");
}

// Every array a JSON parser accepts is split into the same elements it sees.
TEST(JsonArrayElementsTest, AgreesWithSimdjsonOnValidArrays) {
  const char* bodies[] = {
      "[]",
      "[1,2,3]",
      R"([{"id":"a","text":"x, y]"},{"id":2,"text":"\u005d\"","meta":{"k":[1,{"z":"}"}]}}])",
      "[\n  {\"text\": \"pretty\"},\n  [ [ ] ],\n  \"s\",\n  true\n]\n",
  };
  simdjson::dom::parser parser;
  for (const char* body : bodies) {
    simdjson::dom::array array;
    ASSERT_EQ(parser.parse(simdjson::padded_string(std::string_view(body))).get_array().get(array), simdjson::SUCCESS)
        << body;
    const Elements ours = Split(body);
    ASSERT_EQ(ours.size(), array.size()) << body;
    size_t i = 0;
    for (simdjson::dom::element el : array) {
      simdjson::dom::parser one;
      simdjson::dom::element mine;
      ASSERT_EQ(one.parse(simdjson::padded_string(ours[i])).get(mine), simdjson::SUCCESS) << ours[i];
      EXPECT_EQ(simdjson::minify(mine), simdjson::minify(el)) << body << " element " << i;
      ++i;
    }
  }
}

}  // namespace
}  // namespace decorum::serve
