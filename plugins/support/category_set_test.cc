#include "support/category_set.h"

#include <gtest/gtest.h>

namespace decorum::plugins {
namespace {

TEST(CategorySetTest, HoldsKnownCategoriesOnly) {
  CategorySet s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.Add("threat"));
  EXPECT_TRUE(s.Add("insult"));
  EXPECT_FALSE(s.Add("Insult"));  // names are exact
  EXPECT_FALSE(s.Add("rudeness"));
  EXPECT_TRUE(s.Contains("insult"));
  EXPECT_FALSE(s.Contains("profanity"));
  EXPECT_FALSE(s.Contains("rudeness"));
  EXPECT_FALSE(s.Contains(""));
  EXPECT_EQ(s.ToString(), "insult, threat");  // kKnown order
  EXPECT_EQ(s, (CategorySet{"threat", "insult"}));
}

TEST(CategorySetTest, EveryKnownCategoryFits) {
  CategorySet s;
  for (std::string_view k : CategorySet::kKnown) EXPECT_TRUE(s.Add(k));
  for (std::string_view k : CategorySet::kKnown) EXPECT_TRUE(s.Contains(k));
}

}  // namespace
}  // namespace decorum::plugins
