#include "support/config_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum::plugins {
namespace {

// The message of the ConfigError that f throws, or "" when it throws none.
template <typename F>
std::string ErrorOf(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigReaderTest, AbsentKeysGiveDefaults) {
  ConfigReader r("p", "{}");
  EXPECT_EQ(r.Integer("i", 7, 1, 10), 7);
  EXPECT_EQ(r.Number("n", 0.5, 0, 1), 0.5);
  EXPECT_EQ(r.PositiveNumber("q", 2, 10), 2);
  EXPECT_EQ(r.Categories("c", CategorySet{"insult"}, false), CategorySet{"insult"});
  ConfigReader sub = r.Object("o");
  EXPECT_EQ(sub.Integer("x", 3, 0, 5), 3);
  sub.Finish();
  r.Finish();
}

TEST(ConfigReaderTest, ReadsPresentKeys) {
  ConfigReader r("p", R"({"i": 10, "n": 1, "q": 0.25, "c": ["threat", "sexual"],
                          "o": {"x": 0}})");
  EXPECT_EQ(r.Integer("i", 7, 1, 10), 10);
  EXPECT_EQ(r.Number("n", 0.5, 0, 1), 1.0);  // an integer is a number too
  EXPECT_EQ(r.PositiveNumber("q", 2, 10), 0.25);
  EXPECT_EQ(r.Categories("c", CategorySet{}, false), (CategorySet{"sexual", "threat"}));
  ConfigReader sub = r.Object("o");
  EXPECT_EQ(sub.Integer("x", 3, 0, 5), 0);
  sub.Finish();
  r.Finish();
}

TEST(ConfigReaderTest, EmptyTextIsAnEmptyObject) {
  ConfigReader r("p", "");
  EXPECT_EQ(r.Integer("i", 7, 1, 10), 7);
  r.Finish();
}

TEST(ConfigReaderTest, ErrorsNameThePluginAndTheKey) {
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", "[]"); }),
            "p: config: expected a JSON object, got an array");
  EXPECT_NE(ErrorOf([] { ConfigReader("p", "{"); }).find("p: config: not valid JSON ("),
            std::string::npos);
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"i": 0})").Integer("i", 1, 1, 10); }),
            "p: i: expected an integer from 1 to 10, got 0");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"i": 1.0})").Integer("i", 1, 1, 10); }),
            "p: i: expected an integer from 1 to 10, got a number with a fraction or an "
            "exponent");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"n": [1]})").Number("n", 1, 0, 2); }),
            "p: n: expected a number from 0 to 2, got an array");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"n": 2.5})").Number("n", 1, 0, 2); }),
            "p: n: expected a number from 0 to 2, got 2.5");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"q": 0})").PositiveNumber("q", 1, 2); }),
            "p: q: expected a number above 0 and at most 2, got 0");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"o": 1})").Object("o"); }),
            "p: o: expected an object, got a number");
  EXPECT_EQ(ErrorOf([] {
              ConfigReader r("p", R"({"o": {"x": 9}})");
              r.Object("o").Integer("x", 1, 0, 5);
            }),
            "p: o.x: expected an integer from 0 to 5, got 9");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"c": []})").Categories("c", {}, false); }),
            "p: c: expected at least one category");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"c": []})").Categories("c", {}, true); }), "");
}

TEST(ConfigReaderTest, FinishRejectsUnknownAndDuplicateKeys) {
  EXPECT_EQ(ErrorOf([] {
              ConfigReader r("p", R"({"a": 1, "b": 2})");
              r.Integer("a", 0, 0, 5);
              r.Integer("z", 0, 0, 5);
              r.Finish();
            }),
            "p: b: unknown key (known keys: a, z)");
  EXPECT_EQ(ErrorOf([] {
              ConfigReader r("p", R"({"a": 1, "a": 2})");
              r.Integer("a", 0, 0, 5);
              r.Finish();
            }),
            "p: a: duplicate key");
  EXPECT_EQ(ErrorOf([] {
              ConfigReader r("p", R"({"o": {"y": 1}})");
              ConfigReader o = r.Object("o");
              o.Integer("x", 0, 0, 5);
              r.Finish();  // the parent knows o, not what is inside it
              o.Finish();
            }),
            "p: o.y: unknown key (known keys: x)");
  EXPECT_EQ(ErrorOf([] { ConfigReader("p", R"({"a": 1})").Finish(); }),
            "p: a: unknown key (no keys are accepted here)");
}

TEST(ConfigReaderTest, LongNamesAreCutInMessages) {
  const std::string key(500, 'k');
  const std::string msg = ErrorOf([&] { ConfigReader("p", "{\"" + key + "\": 1}").Finish(); });
  EXPECT_LT(msg.size(), 200u);
  EXPECT_EQ(msg.rfind("p: " + std::string(64, 'k') + "...: unknown key", 0), 0u) << msg;
}

}  // namespace
}  // namespace decorum::plugins
