#include "normalize/codepoint_folder.h"

#include <gtest/gtest.h>

#include <string>

namespace decorum {
namespace {

TEST(CodepointFolderTest, IcuIsAvailable) {
  CodepointFolder folder;
  EXPECT_TRUE(folder.icu_ok());
}

TEST(CodepointFolderTest, Folds) {
  CodepointFolder f;
  EXPECT_EQ(f.Fold(0x456), "i");                 // Cyrillic і
  EXPECT_EQ(f.Fold(0x406), "i");                 // Cyrillic І: case folded first
  EXPECT_EQ(f.Fold(0x43E), "o");                 // Cyrillic о
  EXPECT_EQ(f.Fold(0x3BF), "o");                 // Greek ο
  EXPECT_EQ(f.Fold(0xFF49), "i");                // fullwidth ｉ
  EXPECT_EQ(f.Fold(0xFF29), "i");                // fullwidth Ｉ
  EXPECT_EQ(f.Fold(0xFF10), "0");                // fullwidth 0 stays a digit
  EXPECT_EQ(f.Fold(0xFF11), "1");
  EXPECT_EQ(f.Fold(0xE9), "e");                  // é
  EXPECT_EQ(f.Fold(0xC9), "e");                  // É
  EXPECT_EQ(f.Fold(0x130), "i");                 // İ
  EXPECT_EQ(f.Fold(0xDF), "ss");                 // ß
  EXPECT_EQ(f.Fold(0xFB01), "fi");               // ﬁ
  EXPECT_EQ(f.Fold(0x33C2), "a.m.");             // ㏂: ASCII is not skeletonized
  EXPECT_EQ(f.Fold(0x1D5C2), "i");               // mathematical sans-serif i
  EXPECT_EQ(f.Fold(0x4E2D), "\xE4\xB8\xAD");     // 中 stays
}

// Lowercase letters whose confusable skeleton is not Latin, though their capitals' is:
// "кill" (Cyrillic к) and "idioт" (Cyrillic т) must read as the words they imitate.
TEST(CodepointFolderTest, FoldsThroughTheCapitalsSkeleton) {
  CodepointFolder f;
  EXPECT_EQ(f.Fold(0x43A), "k");  // Cyrillic к (its own skeleton: ĸ)
  EXPECT_EQ(f.Fold(0x41A), "k");  // Cyrillic К
  EXPECT_EQ(f.Fold(0x442), "t");  // Cyrillic т (ᴛ)
  EXPECT_EQ(f.Fold(0x43C), "m");  // Cyrillic м (ʍ)
  EXPECT_EQ(f.Fold(0x43D), "h");  // Cyrillic н (ʜ)
  EXPECT_EQ(f.Fold(0x432), "b");  // Cyrillic в (ʙ)
  EXPECT_EQ(f.Fold(0x3BA), "k");  // Greek κ
  EXPECT_EQ(f.Fold(0x3C4), "t");  // Greek τ
  EXPECT_EQ(f.Fold(0x3A4), "t");  // Greek Τ
  // A letter with no Latin look-alike either way stays itself.
  EXPECT_EQ(f.Fold(0x436), "\xD0\xB6");  // Cyrillic ж
  EXPECT_EQ(f.Fold(0x3C9), "\xCF\x89");  // Greek ω
}

TEST(CodepointFolderTest, IgnorablesFoldToNothing) {
  CodepointFolder f;
  for (char32_t cp : {0x200B, 0x200C, 0x200D, 0x2060, 0xAD, 0xFE0F, 0xFEFF, 0x301, 0x34F}) {
    EXPECT_EQ(f.Fold(cp), "") << std::hex << static_cast<uint32_t>(cp);
  }
}

TEST(CodepointFolderTest, PunctuationAndSymbolsAreSeparators) {
  CodepointFolder f;
  EXPECT_EQ(f.Fold(0x2014), " ");    // em dash
  EXPECT_EQ(f.Fold(0x1F600), " ");   // emoji
  EXPECT_EQ(f.Fold(0xFFFD), " ");    // replacement character
  EXPECT_EQ(f.Fold(0xA0), " ");      // no-break space
  EXPECT_EQ(f.Fold(0x2029), "\n");   // paragraph separator
  EXPECT_EQ(f.Fold(0x2026), "...");  // ellipsis: NFKC gives ASCII dots
  EXPECT_EQ(f.Fold(0xD800), " ");    // not a scalar value
  EXPECT_EQ(f.Fold(0x110000), " ");
}

TEST(CodepointFolderTest, CachedResultIsStable) {
  CodepointFolder f;
  const std::string first(f.Fold(0xFDFA));
  EXPECT_LE(first.size(), CodepointFolder::kMaxFoldBytes);
  for (char32_t cp = 0x80; cp < 0x3000; ++cp) f.Fold(cp);
  EXPECT_EQ(f.Fold(0xFDFA), first);
}

TEST(CodepointFolderTest, EveryCodePointFoldsToValidOutput) {
  CodepointFolder f;
  for (char32_t cp = 0x80; cp <= 0x10FFFF; cp += (cp < 0x30000 ? 1 : 97)) {
    const std::string_view s = f.Fold(cp);
    ASSERT_LE(s.size(), CodepointFolder::kMaxFoldBytes);
    for (unsigned char c : s) {
      ASSERT_FALSE(c >= 'A' && c <= 'Z') << std::hex << static_cast<uint32_t>(cp);
    }
  }
}

}  // namespace
}  // namespace decorum
