#include "decode/utf8_repair.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Utf8RepairTest, ValidInputIsUnchanged) {
  for (const char* s : {"", "plain ascii", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                        "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80"}) {
    EXPECT_EQ(RepairUtf8(s), s);
  }
  EXPECT_EQ(RepairUtf8(std::string_view("a\0b", 3)), std::string_view("a\0b", 3));
}

TEST(Utf8RepairTest, StrayAndImpossibleBytes) {
  EXPECT_EQ(RepairUtf8("\x80"), kFffd);
  EXPECT_EQ(RepairUtf8("a\xBFz"), "a" + kFffd + "z");
  EXPECT_EQ(RepairUtf8("\xC0\x80"), kFffd + kFffd);   // overlong NUL
  EXPECT_EQ(RepairUtf8("\xC1\xBF"), kFffd + kFffd);
  EXPECT_EQ(RepairUtf8("\xF5\x80\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(RepairUtf8("\xFF"), kFffd);
}

TEST(Utf8RepairTest, MaximalSubpartsBecomeOneReplacement) {
  EXPECT_EQ(RepairUtf8("\xE2\x82"), kFffd);           // truncated at end
  EXPECT_EQ(RepairUtf8("\xE2\x82z"), kFffd + "z");
  EXPECT_EQ(RepairUtf8("\xF0\x9F\x98z"), kFffd + "z");
  EXPECT_EQ(RepairUtf8("\xF0\x9F\x98\xC3\xA9"), kFffd + "\xC3\xA9");
  EXPECT_EQ(RepairUtf8("\xC3"), kFffd);
}

TEST(Utf8RepairTest, NarrowedSecondByteRanges) {
  EXPECT_EQ(RepairUtf8("\xE0\x80\x80"), kFffd + kFffd + kFffd);  // overlong
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate
  EXPECT_EQ(RepairUtf8("\xF0\x80\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(RepairUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
}

TEST(Utf8RepairTest, WorstCaseFitsTheBound) {
  const std::string in(100, '\xFF');
  const std::string out = RepairUtf8(in);
  EXPECT_EQ(out.size(), MaxRepairedUtf8Size(in.size()));
}

}  // namespace
}  // namespace decorum
