// ReadRuleDirectory and DefaultRuleFiles: which files make up a rule set, in what order,
// under what names.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/generation_builder.h"
#include "rules/rule_loader.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::JoinErrors;
using test::TempDir;

TEST(RuleDirectoryTest, ReadsYamlRecursivelySortedByPath) {
  TempDir dir;
  dir.Write("b.yaml", "lists: {b: [b1]}\n");
  dir.Write("a.yml", "lists: {a: [a1]}\n");
  dir.Write("sub/c.yaml", "lists: {c: [c1]}\n");
  dir.Write("sub/deeper/d.yaml", "lists: {d: [d1]}\n");
  dir.Write("notes.txt", "not rules");
  dir.Write("README.md", "# not rules");
  dir.Write("sub/x.yaml.bak", "not rules");

  auto files = ReadRuleDirectory(dir.path());
  ASSERT_TRUE(files.ok()) << files.status().message();
  std::vector<std::string> names;
  for (const auto& f : files.value()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a.yml", "b.yaml", "sub/c.yaml", "sub/deeper/d.yaml"}));
  ASSERT_EQ(files.value().size(), 4u);
  EXPECT_EQ(files.value()[0].path, dir.path() + "/a.yml");
  EXPECT_EQ(files.value()[0].contents, "lists: {a: [a1]}\n");
  EXPECT_EQ(files.value()[2].path, dir.path() + "/sub/c.yaml");
}

TEST(RuleDirectoryTest, MissingDirectoryIsNotFound) {
  auto files = ReadRuleDirectory("/nonexistent/decorum/rules");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), Status::Code::kNotFound);
  EXPECT_NE(files.status().message().find("/nonexistent/decorum/rules"), std::string::npos);

  GenerationReport report;
  auto gen = BuildGeneration({"/nonexistent/decorum/rules", true}, &report);
  EXPECT_FALSE(gen.ok());
}

TEST(RuleDirectoryTest, DirectoryWithoutRuleFilesIsRefused) {
  TempDir dir;
  dir.Write("notes.txt", "nothing here");
  GenerationReport report;
  auto gen = BuildGeneration({dir.path(), false}, &report);
  EXPECT_FALSE(gen.ok());
  EXPECT_EQ(gen.status().code(), Status::Code::kNotFound);
}

// The ruleset id depends on the names relative to the root, not where the pack sits.
TEST(RuleDirectoryTest, RulesetIdIndependentOfInstallLocation) {
  const std::string rules =
      "rules:\n"
      "  - {id: r, category: insult, score: 2, match: {words: [idiot]}}\n";
  TempDir a, b;
  a.Write("pack/insult.yaml", rules);
  b.Write("pack/insult.yaml", rules);
  GenerationReport ra, rb;
  auto ga = BuildGeneration({a.path() + "/pack", false}, &ra);
  auto gb = BuildGeneration({b.path() + "/pack", false}, &rb);
  ASSERT_TRUE(ga.ok()) << JoinErrors(ra.errors);
  ASSERT_TRUE(gb.ok()) << JoinErrors(rb.errors);
  EXPECT_EQ(ga.value()->id(), gb.value()->id());
  EXPECT_EQ(ga.value()->id().size(), 16u);

  // A change to the rules changes the id.
  TempDir c;
  c.Write("pack/insult.yaml", rules + "# edited\n");
  GenerationReport rc;
  auto gc = BuildGeneration({c.path() + "/pack", false}, &rc);
  ASSERT_TRUE(gc.ok());
  EXPECT_NE(ga.value()->id(), gc.value()->id());
}

TEST(RuleDirectoryTest, DefaultPackIsEmbedded) {
  const auto files = DefaultRuleFiles();
  ASSERT_FALSE(files.empty());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i].path.rfind("rules/", 0), 0u) << files[i].path;
    EXPECT_EQ("rules/" + files[i].name, files[i].path);
    EXPECT_FALSE(files[i].contents.empty()) << files[i].path;
    if (i > 0) {
      EXPECT_LT(files[i - 1].path, files[i].path);
    }
  }
}

}  // namespace
}  // namespace decorum
