#include "decode/utf8_repair.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum {
namespace {

TEST(Utf8MaskTest, ValidInputIsUnchanged) {
  for (const char* s : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                        "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80"}) {
    EXPECT_EQ(MaskInvalidUtf8(s), s);
  }
  EXPECT_EQ(MaskInvalidUtf8(std::string_view("a\0b", 3)), std::string_view("a\0b", 3));
}

TEST(Utf8MaskTest, StrayAndImpossibleBytes) {
  EXPECT_EQ(MaskInvalidUtf8("\x80"), "?");
  EXPECT_EQ(MaskInvalidUtf8("a\xBFz"), "a?z");
  EXPECT_EQ(MaskInvalidUtf8("\xC0\x80"), "??");   // overlong NUL
  EXPECT_EQ(MaskInvalidUtf8("\xC1\xBF"), "??");
  EXPECT_EQ(MaskInvalidUtf8("\xF5\x80\x80\x80"), "????");
  EXPECT_EQ(MaskInvalidUtf8("\xFF"), "?");
}

TEST(Utf8MaskTest, MaximalSubpartsAreMaskedByteForByte) {
  EXPECT_EQ(MaskInvalidUtf8("\xE2\x82"), "??");  // truncated at end
  EXPECT_EQ(MaskInvalidUtf8("\xE2\x82z"), "??z");
  EXPECT_EQ(MaskInvalidUtf8("\xF0\x9F\x98z"), "???z");
  EXPECT_EQ(MaskInvalidUtf8("\xF0\x9F\x98\xC3\xA9"), "???\xC3\xA9");
  EXPECT_EQ(MaskInvalidUtf8("\xC3"), "?");
}

TEST(Utf8MaskTest, NarrowedSecondByteRanges) {
  EXPECT_EQ(MaskInvalidUtf8("\xE0\x80\x80"), "???");      // overlong
  EXPECT_EQ(MaskInvalidUtf8("\xED\xA0\x80"), "???");      // surrogate
  EXPECT_EQ(MaskInvalidUtf8("\xF0\x80\x80\x80"), "????");
  EXPECT_EQ(MaskInvalidUtf8("\xF4\x90\x80\x80"), "????");  // > U+10FFFF
}

TEST(Utf8MaskTest, LengthIsKeptAndInPlaceWorks) {
  std::string in = "you \xFF\xFE idiot \xE2\x82";
  const size_t before = in.size();
  EXPECT_EQ(MaskInvalidUtf8(in, in.data()), 4u);
  EXPECT_EQ(in.size(), before);
  EXPECT_EQ(in, "you ?? idiot ??");
}

TEST(ReplaceLoneSurrogateEscapesTest, RewritesOnlyLoneSurrogates) {
  auto fix = [](std::string s) {
    const size_t n = ReplaceLoneSurrogateEscapes(s.data(), s.size());
    return std::to_string(n) + ":" + s;
  };
  EXPECT_EQ(fix(R"("a \ud83d b")"), R"(1:"a \ufffd b")");
  EXPECT_EQ(fix(R"("\udc00")"), R"(1:"\ufffd")");
  EXPECT_EQ(fix(R"("\ud83d\ude00")"), R"(0:"\ud83d\ude00")");        // a pair
  EXPECT_EQ(fix(R"("\ud83d\ud83d\ude00")"), R"(1:"\ufffd\ud83d\ude00")");
  EXPECT_EQ(fix(R"("\ud800\u0041")"), R"(1:"\ufffd\u0041")");
  EXPECT_EQ(fix(R"("\\ud83d")"), R"(0:"\\ud83d")");                  // an escaped backslash
  EXPECT_EQ(fix(R"("\u00e9 \n \ud8")"), R"(0:"\u00e9 \n \ud8")");     // cut: left to the parser
}

}  // namespace
}  // namespace decorum
