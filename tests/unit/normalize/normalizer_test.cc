#include "normalize/normalizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace decorum {
namespace {

class NormalizerTest : public ::testing::Test {
 protected:
  const NormalizedText& Norm(std::string_view in) {
    normalizer_.Normalize(in, &out_);
    return out_;
  }

  // The byte offset of `word` in the normalized text as a whole word (between spaces or
  // the ends), or npos.
  static size_t FindWord(const NormalizedText& n, std::string_view word) {
    std::string_view t = n.text;
    for (size_t at = t.find(word); at != std::string_view::npos; at = t.find(word, at + 1)) {
      const bool left = at == 0 || t[at - 1] == ' ';
      const bool right = at + word.size() == t.size() || t[at + word.size()] == ' ';
      if (left && right) return at;
    }
    return std::string_view::npos;
  }

  // The original text the normalized span of `word` maps back to.
  static std::string OriginalOf(std::string_view original, const NormalizedText& n,
                                std::string_view word) {
    const size_t at = FindWord(n, word);
    if (at == std::string_view::npos) return "<" + std::string(word) + " not found>";
    const auto [b, e] = n.ToOriginal(static_cast<uint32_t>(at),
                                     static_cast<uint32_t>(at + word.size()));
    return std::string(original.substr(b, e - b));
  }

  Normalizer normalizer_;
  NormalizedText out_;
};

// Checks the invariants stated on NormalizedText, plus the output shape.
void ExpectInvariants(std::string_view original, const NormalizedText& n) {
  ASSERT_EQ(n.text.size(), n.orig_begin.size());
  ASSERT_EQ(n.text.size(), n.orig_end.size());
  ASSERT_EQ(n.text.size(), n.runs.size());
  if (!n.may_have_digit) {
    ASSERT_EQ(n.text.find_first_of("0123456789"), std::string::npos) << "said to hold no digit";
  }
  for (size_t i = 0; i < n.runs.size(); ++i) {
    ASSERT_GE(n.runs[i], 1);
    if (i > 0 && n.text[i] >= 'a' && n.text[i] <= 'z') {
      ASSERT_NE(n.text[i], n.text[i - 1]);
    }
  }
  auto is_boundary = [&](uint32_t at) {
    if (at == original.size()) return true;
    const unsigned char c = static_cast<unsigned char>(original[at]);
    if ((c & 0xC0) != 0x80) return true;
    // A continuation byte may only start a source when it is a stray invalid byte: it is
    // not inside a well-formed sequence that started earlier.
    size_t lead = at;
    while (lead > 0 && at - lead < 3 &&
           (static_cast<unsigned char>(original[lead]) & 0xC0) == 0x80) {
      --lead;
    }
    const unsigned char l = static_cast<unsigned char>(original[lead]);
    const size_t len = l >= 0xF0 ? 4 : l >= 0xE0 ? 3 : l >= 0xC0 ? 2 : 1;
    return lead + len <= at;  // not covered by the lead's sequence
  };
  for (size_t i = 0; i < n.text.size(); ++i) {
    SCOPED_TRACE("normalized byte " + std::to_string(i));
    ASSERT_LT(n.orig_begin[i], n.orig_end[i]);
    ASSERT_LE(n.orig_end[i], original.size());
    ASSERT_TRUE(is_boundary(n.orig_begin[i]));
    ASSERT_TRUE(is_boundary(n.orig_end[i]));
    if (i > 0) {
      ASSERT_LE(n.orig_begin[i - 1], n.orig_begin[i]);
    }
    const unsigned char c = static_cast<unsigned char>(n.text[i]);
    ASSERT_FALSE(c >= 'A' && c <= 'Z');
    if (c == ' ') {
      ASSERT_GT(i, 0u);
      ASSERT_LT(i + 1, n.text.size());
      ASSERT_NE(n.text[i + 1], ' ');
    }
    if (c < 0x80) {
      ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' || c == ' ')
          << "byte " << int(c) << " in " << n.text;
    }
  }
}

struct Case {
  const char* input;
  const char* word;      // expected as a whole word of the normalized text
  const char* original;  // what that word's span maps back to
};

TEST_F(NormalizerTest, EvasionsFoldToTheWord) {
  const Case cases[] = {
      {"1d10t", "idiot", "1d10t"},
      {"you are a 1d10t!", "idiot", "1d10t"},
      {"i d i o t", "idiot", "i d i o t"},
      {"i.d.i.o.t", "idiot", "i.d.i.o.t"},
      {"you i . d . i . o . t", "idiot", "i . d . i . o . t"},
      {"IDIOT", "idiot", "IDIOT"},
      {"\xD1\x96" "d" "\xD1\x96\xD0\xBE" "t", "idiot", "\xD1\x96" "d" "\xD1\x96\xD0\xBE" "t"},
      {"\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94", "idiot",
       "\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94"},
      {"id\xE2\x80\x8Diot", "idiot", "id\xE2\x80\x8Diot"},
      {"i\xE2\x80\x8B" "diot", "idiot", "i\xE2\x80\x8B" "diot"},
      {"c0n artist", "con", "c0n"},
      {"\xC3\xAD" "di" "\xC3\xB3" "t", "idiot", "\xC3\xAD" "di" "\xC3\xB3" "t"},
      {"I\xCC\x81" "diot", "idiot", "I\xCC\x81" "diot"},  // combining acute accent
      {"b@stard", "bastard", "b@stard"},
      {"$hit", "shit", "$hit"},
      {"idiot!!!", "idiot", "idiot"},
      {"b!tch", "bitch", "b!tch"},
      {"1 d 1 o t", "idiot", "1 d 1 o t"},
      {"\xEF\xAC\x81ne", "fine", "\xEF\xAC\x81ne"},  // ﬁ ligature
      {"so\xC2\xAD" "b", "sob", "so\xC2\xAD" "b"},  // soft hyphen
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const NormalizedText& n = Norm(c.input);
    ExpectInvariants(c.input, n);
    EXPECT_NE(FindWord(n, c.word), std::string_view::npos) << "normalized: " << n.text;
    EXPECT_EQ(OriginalOf(c.input, n, c.word), c.original);
  }
}

TEST_F(NormalizerTest, WholeTexts) {
  const std::pair<const char*, const char*> cases[] = {
      {"c0n artist", "con artist"},
      {"con-artist", "con artist"},
      {"con_artist", "con artist"},
      {"con\xE2\x80\x94" "artist", "con artist"},  // em dash
      {"con\xE2\x80\x93" "artist", "con artist"},  // en dash
      {"iiiidiot", "idiot"},           // runs collapse (step 6)
      {"killll", "kil"},
      {"call 555-0134 now", "cal 555 0134 now"},
      {"2024", "2024"},
      {"in 2024 we", "in 2024 we"},
      {"@AnnaDelvey hi", "@anadelvey hi"},
      {"hi @AnnaDelvey!", "hi @anadelvey"},
      {"Scunthorpe", "scunthorpe"},
      {"Sussex", "susex"},
      {"Dick Van Dyke", "dick van dyke"},
      {"classic", "clasic"},
      {"assassin", "asasin"},
      {"  Hello,   World!  ", "helo world"},
      {"wow!!!cool", "wow col"},
      {"$5 and $100", "5 and 100"},
      {"a\n b\n c", "a b c"},            // a newline stops spaced-letter joining
      {"a    b    c", "a b c"},          // so does a gap of more than 3 characters
      {"I am a b", "i am a b"},          // two single letters are not a run
      {"5 5 5", "5 5 5"},                // a run without a letter is left alone
      {"Stra\xC3\x9F" "e", "strase"},
      {"caf\xC3\xA9 \xF0\x9F\x98\x80 ok", "cafe ok"},  // emoji are separators
      {"caf\xC3\xA9 2024", "cafe 2024"},
      {"", ""},
      {"!!! ...", ""},
      {"\xD0\x97\xD0\x90", "\xC9\x9C" "a"},  // ЗА -> skeleton ɜa
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    const NormalizedText& n = Norm(in);
    ExpectInvariants(in, n);
    EXPECT_EQ(n.text, want);
    // Exact here; joined spaced-out letters whose digits became letters may leave it true.
    EXPECT_EQ(n.may_have_digit, std::string_view(want).find_first_of("0123456789") != std::string_view::npos);
  }
}

TEST_F(NormalizerTest, RepeatedLettersCollapseKeepingRunLengthsAndSpans) {
  const std::string in = "you are a kiiiilllll3r";
  const NormalizedText& n = Norm(in);
  ASSERT_EQ(n.text, "you are a kiler");
  ASSERT_EQ(n.runs.size(), n.text.size());
  const size_t k = n.text.find("kiler");
  EXPECT_EQ(n.runs[k], 1);
  EXPECT_EQ(n.runs[k + 1], 4);  // iiii
  EXPECT_EQ(n.runs[k + 2], 5);  // lllll
  EXPECT_EQ(n.runs[k + 3], 1);  // 3 -> e
  auto [b, e] = n.ToOriginal(static_cast<uint32_t>(k), static_cast<uint32_t>(k + 5));
  EXPECT_EQ(in.substr(b, e - b), "kiiiilllll3r");
  // Digits are not letters: a number keeps every digit.
  EXPECT_EQ(Norm("call 5550000").text, "cal 5550000");
}

TEST_F(NormalizerTest, JoinedSpacedWordsAreRecordedAfterCollapse) {
  const NormalizedText& n = Norm("oh looook such a l o s e r and i d d i o t");
  ASSERT_EQ(n.text, "oh lok such aloser and idiot");
  ASSERT_EQ(n.joined.size(), 2u);
  EXPECT_EQ(n.text.substr(n.joined[0].first, n.joined[0].second - n.joined[0].first), "aloser");
  EXPECT_EQ(n.text.substr(n.joined[1].first, n.joined[1].second - n.joined[1].first), "idiot");
  EXPECT_TRUE(Norm("no spacing here").joined.empty());
}

TEST_F(NormalizerTest, FullwidthMapsBackToWholeCodePoints) {
  const std::string in = "\xEF\xBD\x89\xEF\xBD\x84\xEF\xBD\x89\xEF\xBD\x8F\xEF\xBD\x94";
  const NormalizedText& n = Norm(in);
  ASSERT_EQ(n.text, "idiot");
  EXPECT_EQ(n.ToOriginal(0, 5), (std::pair<uint32_t, uint32_t>(0, 15)));
  EXPECT_EQ(n.ToOriginal(1, 2), (std::pair<uint32_t, uint32_t>(3, 6)));
}

TEST_F(NormalizerTest, LigatureExpansionMapsEveryByteToTheCodePoint) {
  const std::string in = "x \xEF\xAC\x81";  // "x ﬁ"
  const NormalizedText& n = Norm(in);
  ASSERT_EQ(n.text, "x fi");
  EXPECT_EQ(n.orig_begin[2], 2u);
  EXPECT_EQ(n.orig_end[2], 5u);
  EXPECT_EQ(n.orig_begin[3], 2u);
  EXPECT_EQ(n.orig_end[3], 5u);
}

TEST_F(NormalizerTest, OffsetsAfterMultibyteCharacters) {
  const std::string in =
      "\xF0\x9F\x98\xA1 caf\xC3\xA9 you 1d10t, \xC3\xA9t\xC3\xA9 i d i o t!";
  const NormalizedText& n = Norm(in);
  ExpectInvariants(in, n);
  EXPECT_EQ(n.text, "cafe you idiot ete idiot");
  const auto [b1, e1] = n.ToOriginal(9, 14);
  EXPECT_EQ(in.substr(b1, e1 - b1), "1d10t");
  const auto [b2, e2] = n.ToOriginal(19, 24);
  EXPECT_EQ(in.substr(b2, e2 - b2), "i d i o t");
  const auto [b3, e3] = n.ToOriginal(0, 4);
  EXPECT_EQ(in.substr(b3, e3 - b3), "caf\xC3\xA9");
}

TEST_F(NormalizerTest, InvalidUtf8IsSeparators) {
  const std::string cases[] = {
      std::string("id\x80iot"),
      std::string("\xC0\xAF" "abc"),               // overlong '/'
      std::string("a\xED\xA0\x80" "b"),            // encoded surrogate
      std::string("a\xF4\x90\x80\x80" "b"),        // above U+10FFFF
      std::string("\xE2\x82"),                     // truncated
      std::string("x\0y", 3),                      // NUL
      std::string("\xFF\xFE\xBF\xBF"),
  };
  for (const std::string& in : cases) {
    SCOPED_TRACE(testing::PrintToString(in));
    const NormalizedText& n = Norm(in);
    ExpectInvariants(in, n);
  }
  EXPECT_EQ(Norm("id\x80iot").text, "id iot");
  EXPECT_EQ(Norm(std::string("x\0y", 3)).text, "x y");
}

TEST_F(NormalizerTest, ReusesOutputAndIsRepeatable) {
  const std::string in = "\xD1\x96" "d" "\xD1\x96\xD0\xBE" "t and 1d10t";
  NormalizedText first;
  normalizer_.Normalize(in, &first);
  for (int i = 0; i < 3; ++i) {
    const NormalizedText& n = Norm(in);
    EXPECT_EQ(n.text, first.text);
    EXPECT_EQ(n.orig_begin, first.orig_begin);
    EXPECT_EQ(n.orig_end, first.orig_end);
  }
  EXPECT_EQ(Norm("short").text, "short");
  EXPECT_EQ(out_.orig_begin.size(), 5u);
}

TEST_F(NormalizerTest, LargeInput) {
  std::string in;
  while (in.size() < (5u << 20)) in += "y\xC3\xB6u 1d10t \xF0\x9F\x98\x80 i d i o t\xE2\x80\x8B! ";
  const NormalizedText& n = Norm(in);
  ExpectInvariants(in, n);
  EXPECT_EQ(n.text.substr(0, 22), "you idiot idiot you id");
}

// Pseudo-random bytes: ASCII, multibyte characters, invalid bytes and separators, mixed.
TEST_F(NormalizerTest, InvariantsHoldOnRandomInput) {
  static const char* const kPieces[] = {
      "a", "I", "d", "o", "t", "0", "1", "3", "$", "@", "!", "|", " ", "  ", ".", "-", "\n",
      "\xC3\xA9", "\xD1\x96", "\xEF\xBD\x89", "\xEF\xAC\x81", "\xE2\x80\x8D", "\xC2\xAD",
      "\xF0\x9F\x98\x80", "\xCC\x81", "\xE2\x80\x94", "\xEF\xB7\xBA", "\xE3\x8F\x82",
      "\xC2\xBD", "\xED\x95\x9C", "\xE4\xB8\xAD",
  };
  std::mt19937 rng(20240611);
  for (int iter = 0; iter < 4000; ++iter) {
    std::string in;
    const int len = static_cast<int>(rng() % 40);
    for (int j = 0; j < len; ++j) {
      switch (rng() % 4) {
        case 0:
          in.push_back(static_cast<char>(rng() % 256));  // any byte, valid or not
          break;
        case 1:
          in.push_back(static_cast<char>(rng() % 128));
          break;
        default:
          in += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
          break;
      }
    }
    SCOPED_TRACE(testing::PrintToString(in));
    const NormalizedText& n = Norm(in);
    ExpectInvariants(in, n);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace decorum

namespace decorum {
namespace {

// Step 6 takes a shortcut (normalizer.cc, CollapseRepeats): bytes before the first
// doubled letter are left in place. These inputs put the first doubled letter at every
// edge of that shortcut; the expected text, runs and spans are those of the plain
// one-byte-at-a-time collapse.
TEST(CollapseRepeatsTest, RunsAtTheEdgesOfTheUnmovedPrefix) {
  struct Case {
    std::string in, text;
    std::vector<uint8_t> runs;
  };
  const Case cases[] = {
      {"aab", "ab", {2, 1}},                     // first byte starts a run
      {"baa", "ba", {1, 2}},                     // only the last two bytes
      {"ab", "ab", {1, 1}},                      // no run at all
      {"a", "a", {1}},
      {"zz", "z", {2}},
      {"100 kill", "100 kil", {1, 1, 1, 1, 1, 1, 2}},  // digits never collapse
      {"k i l l", "kil", {1, 1, 2}},              // joined word: the general loop
      {"aa k i l l oo", "a kil o", {2, 1, 1, 1, 2, 1, 2}},
      {"\xC3\xA9\xC3\xA9t\xC3\xA9 ee", "ete e", {2, 1, 1, 1, 2}},  // é folds to e first
  };
  Normalizer normalizer;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    NormalizedText n;
    normalizer.Normalize(c.in, &n);
    ExpectInvariants(c.in, n);
    EXPECT_EQ(n.text, c.text);
    EXPECT_EQ(std::vector<uint8_t>(n.runs.begin(), n.runs.end()), c.runs);
  }
  // A run longer than 255 keeps 255 and still spans all of it.
  const std::string in = "x " + std::string(300, 'a') + " y";
  NormalizedText n;
  normalizer.Normalize(in, &n);
  ASSERT_EQ(n.text, "x a y");
  EXPECT_EQ(n.runs[2], 255);
  EXPECT_EQ(n.ToOriginal(2, 3), (std::pair<uint32_t, uint32_t>(2, 302)));
  EXPECT_EQ(n.ToOriginal(4, 5), (std::pair<uint32_t, uint32_t>(303, 304)));
}

// Normalize() reuses its output's buffers without clearing them first (so that sizing
// them does not zero-fill every comment again): whatever came before, the result must be
// the one a fresh output gets.
TEST(NormalizerReuseTest, ReusedOutputEqualsFreshOutput) {
  static const char* const kPieces[] = {
      "a", "aa", "lll", "I", "d", "o", "t", "0", "1", "3", "$", "@", "!", "|", " ", "  ", ".",
      "\n", "\xC3\xA9", "\xD1\x96", "\xEF\xBD\x89", "\xE2\x80\x8B", "\xF0\x9F\x98\x80", "\xFF",
      " k i l l ", " i d 1 o t ",
  };
  std::mt19937 rng(7);
  Normalizer reused;
  NormalizedText out;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string in;
    const int len = static_cast<int>(rng() % (iter % 7 == 0 ? 200 : 30));
    for (int j = 0; j < len; ++j) in += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    SCOPED_TRACE(testing::PrintToString(in));
    reused.Normalize(in, &out);
    Normalizer fresh_normalizer;
    NormalizedText fresh;
    fresh_normalizer.Normalize(in, &fresh);
    ASSERT_EQ(out.text, fresh.text);
    ASSERT_EQ(out.orig_begin, fresh.orig_begin);
    ASSERT_EQ(out.orig_end, fresh.orig_end);
    ASSERT_EQ(out.runs, fresh.runs);
    ASSERT_EQ(out.joined, fresh.joined);
    ExpectInvariants(in, out);
  }
}

// Steps 4 to 6 take one pass (normalizer.cc: AssembleAscii for all-ASCII text,
// AssembleCollapsed for the rest) unless spaced-out letters may be joined; then the
// general Assemble + CollapseRepeats run. Appending "\n\na b c" sends
// any text down the general path — the newlines keep the three letters from joining with
// anything before them — and only adds " abc" and its joined word at the end, so on the
// text before it the two paths must agree byte for byte, map for map.
void ExpectOnePassAgreesWithGeneral(Normalizer& normalizer, const std::string& in) {
  static const std::string kJoinedTail = "\n\na b c";
  NormalizedText one_pass, general;
  SCOPED_TRACE(testing::PrintToString(in));
  normalizer.Normalize(in, &one_pass);
  normalizer.Normalize(in + kJoinedTail, &general);
  ASSERT_FALSE(general.joined.empty());
  const size_t n = one_pass.text.size();
  const std::string tail = n == 0 ? "abc" : " abc";
  ASSERT_EQ(general.text, one_pass.text + tail);
  ASSERT_EQ(OffsetMap(general.orig_begin.begin(), general.orig_begin.begin() + n),
            one_pass.orig_begin);
  ASSERT_EQ(OffsetMap(general.orig_end.begin(), general.orig_end.begin() + n), one_pass.orig_end);
  ASSERT_EQ(RunLengths(general.runs.begin(), general.runs.begin() + n), one_pass.runs);
  using Joined = std::vector<std::pair<uint32_t, uint32_t>>;
  ASSERT_EQ(Joined(general.joined.begin(), general.joined.end() - 1), one_pass.joined);
}

TEST(NormalizerOnePassTest, AgreesWithTheGeneralPath) {
  static const char* const kPieces[] = {
      "a", "aa", "lll", "I", "K", "d", "o", "t", "0", "1", "3", "7", "$", "@", "@a", "!", "|",
      " ", "  ", "    ", ".", "-", "\n", "\r\n", " k i l l ", " i d 1 o t ", " 5 5 5 ", "a b",
      " x y ", "\t", "idiot", "zzzz", "b@stard", "wow!!!cool", "\xC3\xA9", "\xD1\x96",
      "\xEF\xBD\x89", "\xEF\xAC\x81", "\xE2\x80\x8B", "\xF0\x9F\x98\x80", "\xD0\xB6", " \xD0\xB6 ",
      "\xE4\xB8\xAD", "\xFF",
  };
  std::mt19937 rng(99);
  Normalizer normalizer;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in;
    const int len = static_cast<int>(rng() % (iter % 11 == 0 ? 120 : 25));
    for (int j = 0; j < len; ++j) {
      if (rng() % 8 == 0) {
        in.push_back(static_cast<char>(rng() % 128));
      } else if (rng() % 500 == 0) {
        in.append(250 + rng() % 20, 'e');  // a run around the 255 cap
      } else {
        in += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
      }
    }
    ExpectOnePassAgreesWithGeneral(normalizer, in);
    if (HasFatalFailure()) return;
  }
}

// All-ASCII comments take AssembleAscii, which filters 64 bytes at a time: mostly words
// of two or more letters with single spaces, repeated letters it folds (doubles, triples,
// several in a word, a run longer than a block), with every case it must handle apart —
// a one-letter word, a newline, two separators in a row, a spaced-out run.
TEST(NormalizerOnePassTest, AsciiPlainWordsAgreeWithTheGeneralPath) {
  static const char* const kWords[] = {
      "idiot", "you", "are", "so", "the", "worst", "dancer", "on", "tv", "ab", "ba", "xyz",
      "see", "all", "tt", "loser", "a", "I", "k", "7", "42", "@anna", "h8", "@", "b@d",
      "l0ser", "st00pid", "ok", "no", "pls", "go", "home", "soooo", "kiiill", "bookkeeper",
      "aabbcc", "mississippi", "zzzzzzzzzzzzzzzzzz", "oo", "ll0",
  };
  static const char* const kSeparators[] = {" ", " ", " ", " ", " ", " ", "  ", "\n", " \n", ". ", "!", ", "};
  std::mt19937 rng(7);
  Normalizer normalizer;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in;
    const int words = static_cast<int>(rng() % (iter % 7 == 0 ? 60 : 14));
    for (int j = 0; j < words; ++j) {
      if (j) in += kSeparators[rng() % (sizeof(kSeparators) / sizeof(kSeparators[0]))];
      in += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
      if (rng() % 40 == 0) in += " k i l l ";
    }
    ExpectOnePassAgreesWithGeneral(normalizer, in);
    if (HasFatalFailure()) return;
  }
}

// AssembleAscii's 64-byte blocks: what crosses a block boundary — a separator run, a run
// of one letter (also past the 255 cap), a word, three one-byte words in a row that may be
// joined (it must leave those to the general path) — and texts ending at, just before and
// just after a boundary, with and without trailing separators.
TEST(NormalizerOnePassTest, AsciiBlockBoundariesAgreeWithTheGeneralPath) {
  static const char* const kPieces[] = {"a", "b", "x", "ll", "lol", "idiot", "1", "@a", " ",
                                        " ", "  ", "\n", ". ", "!", " a b c ", " k i l l "};
  Normalizer normalizer;
  for (size_t lead = 55; lead <= 140; ++lead) {
    for (const char* piece : kPieces) {
      // A text of two-letter words whose bytes [lead, ...) hold the piece, then more text.
      std::string in;
      while (in.size() < lead) in += in.size() % 3 == 2 ? " " : "w";
      in.resize(lead);
      const std::string head = in;
      in += piece;
      ExpectOnePassAgreesWithGeneral(normalizer, in);
      ExpectOnePassAgreesWithGeneral(normalizer, in + " ");
      ExpectOnePassAgreesWithGeneral(normalizer, in + "ww ww   ");
      ExpectOnePassAgreesWithGeneral(normalizer, head + std::string(lead % 7 + 1, ' ') + piece);
      if (HasFatalFailure()) return;
    }
    ExpectOnePassAgreesWithGeneral(normalizer, std::string(lead, 'e'));
    ExpectOnePassAgreesWithGeneral(normalizer, "zz " + std::string(lead * 3, 'o') + "ps");
    ExpectOnePassAgreesWithGeneral(normalizer, std::string(lead, ' ') + "x");
    if (HasFatalFailure()) return;
  }
  std::mt19937 rng(64);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string in;
    const size_t len = 50 + rng() % 160;
    while (in.size() < len) in += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
    ExpectOnePassAgreesWithGeneral(normalizer, in);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace decorum
