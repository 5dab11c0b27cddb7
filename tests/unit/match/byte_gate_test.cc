// AnalyzeRegex may answer "nothing needed" when unsure, never claim a need wrongly: a
// regex put behind the digit gate is not scanned over text without a digit, a screen
// whose expressions all need a byte not over text without that byte (generation.cc,
// CompileSplit).
#include "match/byte_gate.h"

#include <gtest/gtest.h>
#include <hs/hs.h>

#include <string>

namespace decorum {
namespace {

TEST(ByteGateTest, MandatoryDigitsAtTheTopLevelNeedADigit) {
  for (const char* re : {
           "\\d", "7", "\\b\\d{3} ?\\d{3} ?\\d{4}\\b", "\\b(44 ?|0)7\\d{3} ?\\d{6}\\b",
           "\\bearn \\d+ (a|per) (day|week|hour)\\b", "\\b\\d{1,5} ([a-z]+ ){1,2}(st|street)\\b",
           "\\b\\d+ (hour|hours|hr)\\b", "a\\d+?", "a\\d++b", "\\d{2,}", "x\\d{1}y",
           "[a-z]+ 2", "(?:ab)+ 4", "(?=x)1", "\\.5", "\\d?1",
       }) {
    EXPECT_TRUE(RegexNeedsDigit(re)) << re;
  }
}

TEST(ByteGateTest, OptionalOrUnreadDigitsDoNot) {
  for (const char* re : {
           "", "abc", "\\d?", "\\d*", "\\d{0,3}", "\\d{0}", "\\d*?x", "(\\d)", "(\\d)+",
           "(\\d+|x)", "a|\\d", "\\d|a", "[0-9]", "[\\d]", "[[:digit:]]", "\\D", "\\w+",
           // Escapes that are, or may be, a digit written another way or swallow what follows.
           "\\x31", "\\x{31}", "\\061", "\\12", "\\Q1\\E", "\\p{Nd}", "\\cA1",
           // Option settings change how the rest reads: (?x) makes "#" start a comment;
           // the control verb (*UCP) makes \d match every Unicode decimal digit.
           "(?x)a#\\d", "(?i)1", "(?#c)1", "(*UCP)\\d", "(*UTF8)(*UCP)\\d{3}", "a(*UCP)\\d",
           // Syntax not read: unbalanced, braces that are not {m}, {m,} or {m,n}.
           "(\\d", "\\d)", "]1", "\\d{,3}", "\\d{a}", "{1}", "*1", "\\d{1}{2}", "\\",
       }) {
    EXPECT_FALSE(RegexNeedsDigit(re)) << re;
  }
  // Hyperscan compiles the expression as a C string: after a NUL it sees nothing.
  EXPECT_FALSE(RegexNeedsDigit(std::string_view("ab\0\\d", 5)));
}

// How many matches Hyperscan reports for `re`, compiled as the Generation compiles
// regexes (caseless), over `text`; -1 when it does not compile.
int MatchCount(const char* re, const std::string& text) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  EXPECT_EQ(hs_compile(re, HS_FLAG_CASELESS, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS) << re;
  if (!db) {
    hs_free_compile_error(err);
    return -1;
  }
  hs_scratch_t* scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
  int matches = 0;
  hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
          [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
            ++*static_cast<int*>(ctx);
            return 0;
          },
          &matches);
  hs_free_scratch(scratch);
  hs_free_database(db);
  return matches;
}

// Every regex the gate claims needs a digit is checked against Hyperscan itself over
// texts without one: it must never match there.
TEST(ByteGateTest, HyperscanFindsNoMatchWithoutADigit) {
  const std::string texts[] = {
      "",
      "call me at five five five",
      "earn lots a day",
      "hours and days and hours",
      "a b c d e f g h i j k l m n o p",
      "x.y x.y \\d d{3} [0-9] 44 no",
  };
  for (const char* re : {"\\b\\d{3} ?\\d{3} ?\\d{4}\\b", "\\d?1", "[a-z]+ 2", "\\.5", "a\\d+?"}) {
    ASSERT_TRUE(RegexNeedsDigit(re)) << re;
    for (const std::string& t : texts) {
      EXPECT_EQ(MatchCount(re, t), 0) << re << " on '" << t << "'";
    }
  }
}

TEST(ByteGateTest, HasAsciiDigitLooksAtEveryByte) {
  EXPECT_FALSE(HasAsciiDigit("", 0));
  const std::string none = "no digits here, not even \xD9\xA3 (Arabic-Indic three) or /:";
  EXPECT_FALSE(HasAsciiDigit(none.data(), none.size()));
  // A digit at every position of texts long and short, across the 16-byte blocks.
  for (size_t len = 1; len <= 40; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string t(len, 'a');
      t[at] = static_cast<char>('0' + at % 10);
      EXPECT_TRUE(HasAsciiDigit(t.data(), t.size())) << len << " " << at;
      EXPECT_FALSE(HasAsciiDigit(t.data(), at)) << len << " " << at;
    }
  }
}

std::string Needed(std::string_view re) {
  std::string out;
  const RegexNeeds needs = AnalyzeRegex(re);
  for (size_t b = 0; b < needs.bytes.size(); ++b) {
    if (needs.bytes.test(b)) out += static_cast<char>(b);
  }
  return out;
}

TEST(ByteGateTest, MandatoryLiteralBytesAtTheTopLevelAreNeeded) {
  EXPECT_EQ(Needed("[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}"), ".@");
  EXPECT_EQ(Needed("a@b"), "@");
  EXPECT_EQ(Needed("\\@x"), "@");
  EXPECT_EQ(Needed("#+ ?x"), "#");
  EXPECT_EQ(Needed("\\b\\d{3} ?\\d{3}-7"), "-7");  // a literal digit is a byte; \d is not
  EXPECT_EQ(Needed("x{2}, y"), " ,");
  EXPECT_EQ(Needed("a\\ b"), " ");
}

TEST(ByteGateTest, OptionalMetaLetterOrUnreadBytesAreNot) {
  for (const char* re : {
           "", "abc", "ABC", "a@?b", "@*", "@{0,2}", "(@)", "(a@)+", "[@]", "a|@", "@|a",
           // '.', '^' and '$' are any byte and anchors.
           "a.b", "^ab$",
           // Escapes that are, or may be, a byte written another way.
           "\\x40", "\\x{40}", "\\100", "\\Q@\\E", "\\t", "\\n",
           // Option settings, control verbs, NUL and unread syntax: nothing is claimed.
           "(?x)a #", "(?i)@", "(*UCP)@", "(@", "@)", "@{,3}", "\\",
       }) {
    EXPECT_EQ(Needed(re), "") << re;
  }
  // Hyperscan compiles the expression as a C string: after a NUL it sees nothing.
  EXPECT_EQ(Needed(std::string_view("@\0@", 3)), "");
}

TEST(ByteGateTest, GateBytePrefersTheRarestByte) {
  EXPECT_EQ(GateByte({}), -1);
  std::bitset<128> needs;
  needs.set('.');
  EXPECT_EQ(GateByte(needs), '.');
  needs.set(' ');
  EXPECT_EQ(GateByte(needs), '.');
  needs.set('@');
  EXPECT_EQ(GateByte(needs), '@');
}

// What the gate claims a regex needs is checked against Hyperscan itself over texts that
// lack one of those bytes: it must never match there.
TEST(ByteGateTest, HyperscanFindsNoMatchWithoutANeededByte) {
  const std::string texts[] = {
      "", "mail anna at example dot com", "anna.sorokin at example.com", "ANNA@EXAMPLE",
      "a-b a_b a#b", "@handle only", "x, y x,y",
  };
  for (const char* re : {"[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)*\\.[a-z]{2,}", "a\\-b", "#+ ?b",
                         "x{1}, y"}) {
    const RegexNeeds needs = AnalyzeRegex(re);
    ASSERT_TRUE(needs.bytes.any()) << re;
    for (const std::string& t : texts) {
      bool lacks = false;
      for (size_t b = 0; b < needs.bytes.size(); ++b) {
        lacks |= needs.bytes.test(b) && t.find(static_cast<char>(b)) == std::string::npos;
      }
      if (!lacks) continue;
      EXPECT_EQ(MatchCount(re, t), 0) << re << " on '" << t << "'";
    }
  }
}

}  // namespace
}  // namespace decorum
