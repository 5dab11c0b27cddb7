// The embedded default pack (BuildGeneration with no rules_dir) on the texts the project
// is about: innocent words that contain or resemble abuse stay allowed; abuse aimed at a
// watched person scores higher than the same words at nobody.
#include <gtest/gtest.h>

#include <string>

#include "pipeline/generation_builder.h"
#include "testing/rule_fixture.h"

namespace decorum {
namespace {

using test::Cut;
using test::JoinErrors;
using test::TextModerator;

class DefaultPackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GenerationReport report;
    auto gen = BuildGeneration(GenerationRequest{}, &report);
    ASSERT_TRUE(gen.ok()) << gen.status().message() << "\n" << JoinErrors(report.errors);
    ASSERT_TRUE(report.errors.empty()) << JoinErrors(report.errors);
    gen_ = new std::shared_ptr<const Generation>(gen.value());
  }
  static void TearDownTestSuite() {
    delete gen_;
    gen_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(gen_, nullptr);
    m_ = std::make_unique<TextModerator>(*gen_);
  }

  // Every hit, for failure messages.
  std::string Describe(const std::string& text, const Decision& d) {
    std::string s = "'" + text + "' -> " + std::string(ActionName(d.action)) + " " +
                    std::to_string(d.score) + ":";
    for (const Hit& h : d.hits) s += " " + m_->RuleOf(h).id + "[" + Cut(text, h.span) + "]";
    for (const Hit& h : d.shadow) s += " shadow:" + m_->RuleOf(h).id + "[" + Cut(text, h.span) + "]";
    return s;
  }

  static std::shared_ptr<const Generation>* gen_;
  std::unique_ptr<TextModerator> m_;
};

std::shared_ptr<const Generation>* DefaultPackTest::gen_ = nullptr;

TEST_F(DefaultPackTest, LoadsWithoutErrors) {
  EXPECT_FALSE((*gen_)->rules().rules.empty());
  EXPECT_FALSE((*gen_)->rules().targets.empty());
  EXPECT_EQ((*gen_)->id().size(), 16u);
}

TEST_F(DefaultPackTest, InnocentTextsAreAllowedWithoutHits) {
  for (const std::string text : {
           "Scunthorpe United won",
           "Dick Van Dyke was great",
           "I live in Sussex",
           "the assassin in the movie",
           "a classic routine",
           "the cha-cha killed it",
           "she murdered that routine",
           "this dance is sick",
       }) {
    const Decision d = m_->Moderate(text);
    EXPECT_TRUE(d.hits.empty()) << Describe(text, d);
    EXPECT_EQ(d.score, 0) << Describe(text, d);
    EXPECT_EQ(d.action, Action::kAllow) << Describe(text, d);
  }
}

TEST_F(DefaultPackTest, WatchedPersonRaisesTheScore) {
  const std::string named = "Anna Delvey is a con artist";
  const std::string nobody = "she is a con artist";
  const Decision dn = m_->Moderate(named);
  const Decision dx = m_->Moderate(nobody);
  ASSERT_FALSE(dx.hits.empty()) << Describe(nobody, dx);
  ASSERT_FALSE(dn.hits.empty()) << Describe(named, dn);
  EXPECT_GT(dn.score, dx.score) << Describe(named, dn) << "\n" << Describe(nobody, dx);
  EXPECT_GE(dn.action, dx.action);
  // The con-artist hit is tied to Anna Delvey and reports the original words.
  bool tied = false;
  for (const Hit& h : dn.hits) {
    if (Cut(named, h.span) == "con artist" && m_->TargetOf(h) == "anna-delvey") tied = true;
  }
  EXPECT_TRUE(tied) << Describe(named, dn);
  ASSERT_FALSE(dn.targets.empty());
  EXPECT_EQ(Cut(named, dn.targets[0].span), "Anna Delvey");
}

// The watchlist matches names as phrases, so written together too (rules/watchlist
// says so for "VelJohnson").
TEST_F(DefaultPackTest, NamesWrittenTogetherAreMentions) {
  const Decision spaced = m_->Moderate("Anna Delvey is a con artist");
  const Decision joined = m_->Moderate("AnnaDelvey is a con artist");
  EXPECT_EQ(joined.score, spaced.score) << Describe("AnnaDelvey is a con artist", joined);
  ASSERT_EQ(joined.targets.size(), 1u);
  EXPECT_EQ(m_->gen().rules().targets[joined.targets[0].target].id, "anna-delvey");
  const Decision vel = m_->Moderate("VelJohnson waltzed");  // alias "Vel Johnson"
  ASSERT_EQ(vel.targets.size(), 1u);
  EXPECT_EQ(m_->gen().rules().targets[vel.targets[0].target].id, "reginald-veljohnson");
}

TEST_F(DefaultPackTest, KysEscalates) {
  for (const std::string text : {"kys", "just kys already", "KYS"}) {
    const Decision d = m_->Moderate(text);
    EXPECT_EQ(d.action, Action::kEscalate) << Describe(text, d);
  }
}

}  // namespace
}  // namespace decorum
