// CodepointFolder: the Unicode half of normalization (SPEC §7, step 2 of normalizer.h) for
// one non-ASCII code point at a time, with the results cached.
//
// Fold(cp) is, in order:
//  1. ICU NFKC_Casefold: compatibility forms and case folded (ｉ -> i, ﬁ -> fi, ß -> ss);
//     default-ignorables (zero-width joiner/space, soft hyphen, variation selectors, other
//     format characters) and lone combining marks become nothing.
//  2. Each non-ASCII code point of that which is a letter, number or mark goes through
//     ICU's confusable skeleton (uspoof_getSkeleton: Cyrillic і -> i, Greek ο -> o). When
//     that is not Latin but the skeleton of the letter's capital is, the capital's is
//     taken (Cyrillic к -> K, т -> T: confusables.txt maps them to ĸ and ᴛ). ASCII
//     is never skeletonized: confusables.txt maps 0 -> O and 1 -> l, which would undo the
//     compatibility folding of a fullwidth digit and the leet decoding downstream.
//  3. Non-spacing and enclosing marks are dropped (é -> e), the rest is lowercased and
//     recomposed (NFC).
//  4. Every non-ASCII code point that is not a letter, number or spacing mark (punctuation,
//     symbols, emoji, spaces, controls, unassigned) becomes one ASCII separator: '\n' for
//     line and paragraph separators, ' ' otherwise. ASCII output is kept as it is (it may
//     be punctuation such as '-' from an en dash, or '!' from U+01C3); the normalizer's
//     word pass decides what it is.
// So the result is lowercase UTF-8: ASCII, non-ASCII letters/numbers, and separators; it
// may be empty and is at most kMaxFoldBytes long.
//
// Never fails: if ICU cannot be initialized or a call reports an error, the step is skipped.
// Thread safety: none; each Normalizer owns one folder.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <unicode/uversion.h>

#include <unicode/umachine.h>

U_NAMESPACE_BEGIN
class Normalizer2;
class UnicodeString;
U_NAMESPACE_END
struct USpoofChecker;

namespace decorum {

class CodepointFolder {
 public:
  // Longest fold kept; a longer one (no real code point comes close) is cut at a code point
  // boundary.
  static constexpr size_t kMaxFoldBytes = 255;

  CodepointFolder();
  ~CodepointFolder();
  CodepointFolder(const CodepointFolder&) = delete;
  CodepointFolder& operator=(const CodepointFolder&) = delete;

  // The fold of `cp` as described above. Any value is accepted: a surrogate or a value
  // above U+10FFFF folds to " ". The view stays valid until the next call to Fold.
  // Allocates only the first time a code point is seen.
  std::string_view Fold(char32_t cp);

  // True when ICU's normalizer and spoof checker were both available.
  bool icu_ok() const { return nfkc_casefold_ != nullptr && spoof_ != nullptr; }

 private:
  // A cache entry: offset into arena_ << 8 | length; kUnset when not computed yet.
  static constexpr uint32_t kUnset = 0xFFFFFFFF;
  static constexpr uint32_t kMaxArena = 1u << 24;

  void Compute(char32_t cp, std::string* out) const;
  // ICU's confusable skeleton of one code point (NFD); `c` itself when ICU fails.
  void Skeleton(UChar32 c, icu::UnicodeString* out) const;

  const icu::Normalizer2* nfkc_casefold_ = nullptr;  // owned by ICU
  const icu::Normalizer2* nfc_ = nullptr;            // owned by ICU
  USpoofChecker* spoof_ = nullptr;                   // owned
  std::vector<uint32_t> bmp_;            // cache for U+0000..U+FFFF, indexed directly
  std::unordered_map<char32_t, uint32_t> astral_;  // cache for the rest
  std::string arena_;                    // concatenated folds
  std::string scratch_;                  // a fold that did not fit in the arena
};

}  // namespace decorum
