#include "normalize/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum {
namespace {

TEST(Utf8Test, DecodesWellFormedSequences) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  EXPECT_EQ(DecodeUtf8(s, 0).code_point, U'a');
  EXPECT_EQ(DecodeUtf8(s, 1).code_point, 0xE9u);
  EXPECT_EQ(DecodeUtf8(s, 1).length, 2u);
  EXPECT_EQ(DecodeUtf8(s, 3).code_point, 0x20ACu);
  EXPECT_EQ(DecodeUtf8(s, 3).length, 3u);
  EXPECT_EQ(DecodeUtf8(s, 6).code_point, 0x1F600u);
  EXPECT_EQ(DecodeUtf8(s, 6).length, 4u);
}

TEST(Utf8Test, RejectsIllFormedSequencesOneByteAtATime) {
  const char* const bad[] = {
      "\x80",              // stray continuation
      "\xC0\xAF",          // overlong
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong
      "\xF0\x80\x80\xAF",  // overlong
      "\xED\xA0\x80",      // surrogate U+D800
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80",
      "\xFF",
      "\xE2\x82",          // truncated
      "\xE2\x28\xA1",      // bad continuation
  };
  for (const char* b : bad) {
    SCOPED_TRACE(testing::PrintToString(std::string(b)));
    const Utf8Decoded d = DecodeUtf8(b, 0);
    EXPECT_EQ(d.code_point, kInvalidCodePoint);
    EXPECT_EQ(d.length, 1u);
  }
}

TEST(Utf8Test, DoesNotReadPastTheEnd) {
  const std::string s = "ab\xF0\x9F\x98\x80";
  EXPECT_EQ(DecodeUtf8(std::string_view(s).substr(0, 5), 2).code_point, kInvalidCodePoint);
}

TEST(Utf8Test, AppendRoundTrips) {
  for (char32_t cp : {U'a', char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800},
                      char32_t{0xFFFD}, char32_t{0x10000}, char32_t{0x10FFFF}}) {
    std::string s;
    AppendUtf8(cp, &s);
    const Utf8Decoded d = DecodeUtf8(s, 0);
    EXPECT_EQ(d.code_point, cp);
    EXPECT_EQ(d.length, s.size());
    EXPECT_EQ(Utf8SequenceLength(static_cast<unsigned char>(s[0])), s.size());
  }
}

TEST(Utf8Test, AsciiPrefixLength) {
  EXPECT_EQ(AsciiPrefixLength(""), 0u);
  EXPECT_EQ(AsciiPrefixLength("abc"), 3u);
  EXPECT_EQ(AsciiPrefixLength("\xC3\xA9t\xC3\xA9"), 0u);
  // The first high byte at every position of texts that take the 16- and 1-byte steps.
  for (size_t len : {1u, 15u, 16u, 17u, 31u, 32u, 33u, 70u}) {
    const std::string ascii(len, 'x');
    EXPECT_EQ(AsciiPrefixLength(ascii), len);
    for (size_t at = 0; at < len; ++at) {
      std::string t = ascii;
      t[at] = '\x80';
      if (at + 1 < len) t[at + 1] = '\xFF';  // later high bytes do not matter
      EXPECT_EQ(AsciiPrefixLength(t), at) << len << " at " << at;
    }
  }
}

}  // namespace
}  // namespace decorum
