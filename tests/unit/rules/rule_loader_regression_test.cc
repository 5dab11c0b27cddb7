// Regression tests for the rule loader, from inputs the fuzzer found
// (tests/fuzz/fuzz_rule_loader.cc). Each one once crashed, hung or exhausted memory.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/rule_loader.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::JoinErrors;
using test::Yaml;

// A ',' at the top level, outside brackets, is a token no YAML document consumes:
// yaml-cpp 0.7's LoadAll then returned empty documents forever and the process grew until
// it was killed (the fuzzer's input was a watchlist file with one stray ','; these are
// the minimized forms). It must be one syntax error at the comma, and nothing loaded.
TEST(RuleLoaderRegressionTest, StrayTopLevelCommaIsASyntaxErrorNotAHang) {
  struct Case {
    const char* contents;
    int line;
    int column;
  };
  const std::vector<Case> cases = {
      {",", 1, 1},
      {"[a]\n,", 2, 1},
      {"\n\n  ,", 3, 3},
      {"{a: 1},", 1, 7},
      {"{rules: [{id: x.y, category: insult, score: 1, match: {words: [clown]}}]}\n,\n", 2, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.contents);
    const LoadedRules loaded = LoadRuleSet({Yaml("stray.yaml", c.contents)});
    ASSERT_EQ(loaded.errors.size(), 1u) << JoinErrors(loaded.errors);
    const RuleError& e = loaded.errors[0];
    EXPECT_EQ(e.where.file, "stray.yaml");
    EXPECT_EQ(e.where.line, c.line);
    EXPECT_EQ(e.where.column, c.column);
    EXPECT_NE(e.message.find("YAML syntax error"), std::string::npos) << e.message;
    EXPECT_TRUE(loaded.set.rules.empty());
  }
}

// The guard against the hang must not cost multi-document files anything: documents
// after "---", and flow collections back to back (yaml-cpp reads "{...} {...}" as two
// documents), all still load.
TEST(RuleLoaderRegressionTest, MultiDocumentFilesStillLoadEveryDocument) {
  const LoadedRules loaded = LoadRuleSet({Yaml(
      "multi.yaml",
      "rules:\n"
      "  - id: a.one\n"
      "    category: insult\n"
      "    score: 1\n"
      "    match: {words: [clown]}\n"
      "---\n"
      "rules:\n"
      "  - id: a.two\n"
      "    category: insult\n"
      "    score: 1\n"
      "    match: {words: [buffoon]}\n"
      "---\n"
      "{rules: [{id: a.three, category: insult, score: 1, match: {words: [jester]}}]} "
      "{rules: [{id: a.four, category: insult, score: 1, match: {words: [fool]}}]}\n")});
  EXPECT_TRUE(loaded.errors.empty()) << JoinErrors(loaded.errors);
  ASSERT_EQ(loaded.set.rules.size(), 4u);
  EXPECT_EQ(loaded.set.rules[0].id, "a.one");
  EXPECT_EQ(loaded.set.rules[3].id, "a.four");
}

}  // namespace
}  // namespace decorum
