#include "normalize/leet_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum {
namespace {

std::string Decode(std::string s) {
  std::string out(s.size(), '?');
  DecodeLeet(s.data(), s.size(), out.data());
  DecodeLeet(s.data(), s.size(), s.data());  // in place gives the same
  EXPECT_EQ(out, s);
  return out;
}

TEST(LeetDecoderTest, DigitsAndDollarOnlyInWordsWithALetter) {
  EXPECT_EQ(Decode("1d10t"), "idiot");
  EXPECT_EQ(Decode("h3ll0 w0rld"), "hello world");
  EXPECT_EQ(Decode("mp3"), "mpe");  // a word with a letter reads every leet digit
  EXPECT_EQ(Decode("$hit"), "shit");
  EXPECT_EQ(Decode("a$$"), "ass");
  EXPECT_EQ(Decode("555-0134"), "555 0134");
  EXPECT_EQ(Decode("$100"), " 100");
  EXPECT_EQ(Decode("2024"), "2024");
  EXPECT_EQ(Decode("b26"), "b26");  // 2 and 6 have no letter
}

TEST(LeetDecoderTest, BangAndPipeBetweenSolidCharacters) {
  EXPECT_EQ(Decode("b!tch"), "bitch");
  EXPECT_EQ(Decode("sh|t"), "shit");
  EXPECT_EQ(Decode("idiot!!!"), "idiot   ");
  EXPECT_EQ(Decode("!idiot"), " idiot");
  EXPECT_EQ(Decode("wow!!!cool"), "wow   cool");
  EXPECT_EQ(Decode("1!!"), "1  ");
}

TEST(LeetDecoderTest, AtIsAHandleAtTheStartAndAnAInside) {
  EXPECT_EQ(Decode("@annadelvey"), "@annadelvey");
  EXPECT_EQ(Decode("@123"), "@123");
  EXPECT_EQ(Decode("b@stard"), "bastard");
  EXPECT_EQ(Decode("hi @"), "hi  ");
  EXPECT_EQ(Decode("idiot@"), "idiot ");
}

TEST(LeetDecoderTest, SeparatorsAndNonAscii) {
  EXPECT_EQ(Decode("a,b\r\nc\td\x01" "e"), "a b\n\nc d e");
  EXPECT_EQ(Decode("caf\xC3\xA9!s"), "caf\xC3\xA9is");
  EXPECT_EQ(Decode(std::string("x\0y", 3)), "x y");
  EXPECT_EQ(Decode("IDIOT B!TCH C0N"), "idiot bitch con");
}

TEST(LeetDecoderTest, LetterForDigit) {
  EXPECT_EQ(LeetLetterForDigit('0'), 'o');
  EXPECT_EQ(LeetLetterForDigit('9'), 'g');
  EXPECT_EQ(LeetLetterForDigit('2'), '2');
  EXPECT_EQ(LeetLetterForDigit('x'), 'x');
}

}  // namespace
}  // namespace decorum
