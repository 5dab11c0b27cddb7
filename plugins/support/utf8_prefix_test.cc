#include "support/utf8_prefix.h"

#include <gtest/gtest.h>

namespace decorum::plugins {
namespace {

TEST(Utf8PrefixTest, KeepsWhatFitsAndNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("abc", 3), "abc");
  EXPECT_EQ(Utf8Prefix("abcd", 3), "abc");
  EXPECT_EQ(Utf8Prefix("", 0), "");
  // "é" is two bytes: a budget of 2 after "a" keeps "a" only.
  EXPECT_EQ(Utf8Prefix("a\xC3\xA9", 2), "a");
  EXPECT_EQ(Utf8Prefix("a\xC3\xA9z", 3), "a\xC3\xA9");
  // A four-byte character cut anywhere inside goes whole.
  EXPECT_EQ(Utf8Prefix("\xF0\x9F\x98\x80!", 3), "");
}

}  // namespace
}  // namespace decorum::plugins
