#include "normalize/leet_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace decorum {
namespace {

bool HoldsDigit(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAsciiText(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Decodes s every way there is (into another buffer, in place, and with the ASCII check)
// and checks they agree, and that each reports a digit exactly when one is left.
std::string Decode(std::string s) {
  std::string out(s.size(), '?');
  const bool digit = DecodeLeet(s.data(), s.size(), out.data());
  EXPECT_EQ(digit, HoldsDigit(out)) << out;

  std::string ascii_out(s.size(), '?');
  bool ascii_digit = !digit;
  const bool ascii = DecodeLeetIfAscii(s.data(), s.size(), ascii_out.data(), &ascii_digit);
  EXPECT_EQ(ascii, IsAsciiText(s));
  if (ascii) {
    EXPECT_EQ(ascii_out, out);
    EXPECT_EQ(ascii_digit, digit);
  }

  EXPECT_EQ(DecodeLeet(s.data(), s.size(), s.data()), digit);  // in place gives the same
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

TEST(LeetDecoderTest, ReportsTheDigitsItLeaves) {
  char out[64];
  EXPECT_FALSE(DecodeLeet("1d10t h3ll0", 11, out)) << "every digit read as a letter";
  EXPECT_TRUE(DecodeLeet("call 555 0134", 13, out));
  EXPECT_TRUE(DecodeLeet("b26", 3, out)) << "2 and 6 stand for no letter";
  EXPECT_FALSE(DecodeLeet("no digits here", 14, out));
  EXPECT_FALSE(DecodeLeet("", 0, out));
}

TEST(LeetDecoderTest, TheAsciiCheckStopsAtTheFirstNonAsciiByteAnywhere) {
  // Every position of the 16-byte first pass and of its byte-at-a-time tail.
  for (size_t len = 1; len <= 50; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string s(len, 'a');
      s[at] = '\xC3';
      std::string out(len, '?');
      bool digit = false;
      EXPECT_FALSE(DecodeLeetIfAscii(s.data(), s.size(), out.data(), &digit)) << len << " " << at;
      s[at] = '7';
      EXPECT_TRUE(DecodeLeetIfAscii(s.data(), s.size(), out.data(), &digit)) << len << " " << at;
      // A 7 in a word of letters is a t; alone it stays a digit.
      EXPECT_EQ(digit, len == 1) << len << " " << at;
    }
  }
}

TEST(LeetDecoderTest, LetterForDigit) {
  EXPECT_EQ(LeetLetterForDigit('0'), 'o');
  EXPECT_EQ(LeetLetterForDigit('9'), 'g');
  EXPECT_EQ(LeetLetterForDigit('2'), '2');
  EXPECT_EQ(LeetLetterForDigit('x'), 'x');
}

// leet_decoder.h's rules applied one byte at a time, as written there: the oracle for
// DecodeLeet, which writes 16 bytes at a time and then decodes only the words holding a
// digit or symbol.
std::string Reference(const std::string& in) {
  auto is_letter = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  };
  auto is_digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  auto is_word = [&](unsigned char c) {
    return is_letter(c) || is_digit(c) || c == '$' || c == '!' || c == '|' || c == '@';
  };
  auto solid = [&](unsigned char c) { return is_letter(c) || is_digit(c) || c == '$'; };
  std::string out(in.size(), ' ');
  for (size_t i = 0; i < in.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (!is_word(c)) {
      out[i] = c == '\n' || c == '\r' || c == '\v' || c == '\f' ? '\n' : ' ';
      continue;
    }
    size_t e = i;
    bool has_letter = false;
    while (e < in.size() && is_word(static_cast<unsigned char>(in[e]))) {
      has_letter |= is_letter(static_cast<unsigned char>(in[e]));
      ++e;
    }
    for (size_t j = i; j < e; ++j) {
      const unsigned char w = static_cast<unsigned char>(in[j]);
      const bool prev_solid = j > i && solid(static_cast<unsigned char>(in[j - 1]));
      const bool next_solid = j + 1 < e && solid(static_cast<unsigned char>(in[j + 1]));
      char& o = out[j];
      if (w >= 'A' && w <= 'Z') {
        o = static_cast<char>(w + ('a' - 'A'));
      } else if (is_digit(w)) {
        o = has_letter ? LeetLetterForDigit(static_cast<char>(w)) : static_cast<char>(w);
      } else if (w == '$') {
        o = has_letter ? 's' : ' ';
      } else if (w == '!' || w == '|') {
        o = has_letter && prev_solid && next_solid ? 'i' : ' ';
      } else if (w == '@') {
        const bool handle = j == i && j + 1 < e &&
                            (is_letter(static_cast<unsigned char>(in[j + 1])) ||
                             is_digit(static_cast<unsigned char>(in[j + 1])));
        o = handle ? '@' : has_letter && prev_solid && next_solid ? 'a' : ' ';
      } else {
        o = static_cast<char>(w);
      }
    }
    i = e - 1;
  }
  return out;
}

TEST(LeetDecoderTest, AgreesWithTheRulesOneByteAtATime) {
  static const char* const kPieces[] = {
      "a", "Z", "idiot", "IDIOT", "con artist ", "  ", " ", "0", "1", "3", "$", "!", "|",
      "@", "@anna", "b@stard", "\n", "\r", "\t", ".", ",", "\xC3\xA9", "\xFF", "abcdefghijklmnop",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "`", "{", "[", "_",
  };
  std::mt19937 rng(5);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in;
    const int len = static_cast<int>(rng() % 40);
    for (int j = 0; j < len; ++j) {
      if (rng() % 10 == 0) {
        in.push_back(static_cast<char>(rng() % 256));
      } else {
        in += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
      }
    }
    SCOPED_TRACE(testing::PrintToString(in));
    ASSERT_EQ(Decode(in), Reference(in));
  }
}

}  // namespace
}  // namespace decorum
