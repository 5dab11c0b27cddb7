#include "normalize/codepoint_folder.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include "normalize/utf8.h"

namespace decorum {
namespace {

constexpr uint32_t kKeepMask = U_GC_L_MASK | U_GC_N_MASK | U_GC_MC_MASK;  // letters, numbers, spacing marks
constexpr uint32_t kDropMask = U_GC_MN_MASK | U_GC_ME_MASK;  // accents and enclosing marks

bool IsScalarValue(char32_t cp) { return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF); }

char SeparatorFor(UChar32 c) {
  uint32_t gc = U_GET_GC_MASK(c);
  return (gc & (U_GC_ZL_MASK | U_GC_ZP_MASK)) != 0 || c == 0x85 ? '\n' : ' ';
}

// Appends one code point of the final fold: ASCII as is, a kept category as UTF-8, anything
// else as a separator.
void AppendFolded(UChar32 c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if ((U_GET_GC_MASK(c) & kKeepMask) != 0) {
    AppendUtf8(static_cast<char32_t>(c), out);
  } else {
    out->push_back(SeparatorFor(c));
  }
}

// True when every code point of `s` but its marks is an ASCII letter: the skeleton names
// a Latin look-alike (marks are dropped later anyway). Not a digit: Cyrillic З's capital
// skeleton is "3", which the leet decoder would then read as an 'e'.
bool LatinLettersButMarks(const icu::UnicodeString& s) {
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && (c < 0x80 || (U_GET_GC_MASK(c) & kDropMask) == 0)) return false;
  }
  return true;
}

}  // namespace

void CodepointFolder::Skeleton(UChar32 c, icu::UnicodeString* out) const {
  UErrorCode status = U_ZERO_ERROR;
  out->remove();
  if (spoof_ != nullptr) uspoof_getSkeletonUnicodeString(spoof_, 0, icu::UnicodeString(c), *out, &status);
  if (spoof_ == nullptr || U_FAILURE(status)) out->setTo(c);
}

CodepointFolder::CodepointFolder() : bmp_(0x10000, kUnset) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_SUCCESS(status)) nfkc_casefold_ = nfkc_cf;
  status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_SUCCESS(status)) nfc_ = nfc;
  status = U_ZERO_ERROR;
  USpoofChecker* spoof = uspoof_open(&status);
  if (U_SUCCESS(status)) {
    spoof_ = spoof;
  } else if (spoof != nullptr) {
    uspoof_close(spoof);
  }
}

CodepointFolder::~CodepointFolder() {
  if (spoof_ != nullptr) uspoof_close(spoof_);
}

std::string_view CodepointFolder::Fold(char32_t cp) {
  uint32_t* slot;
  if (cp < 0x10000) {
    slot = &bmp_[cp];
  } else if (cp <= 0x10FFFF) {
    slot = &astral_.try_emplace(cp, kUnset).first->second;
  } else {
    return " ";
  }
  if (*slot == kUnset) {
    scratch_.clear();
    Compute(cp, &scratch_);
    // Entries pack a 24-bit offset; past that (only reachable by feeding most of Unicode)
    // folds are still correct, just recomputed each time.
    if (arena_.size() + scratch_.size() > kMaxArena) return scratch_;
    *slot = static_cast<uint32_t>(arena_.size()) << 8 | static_cast<uint32_t>(scratch_.size());
    arena_ += scratch_;
  }
  return std::string_view(arena_).substr(*slot >> 8, *slot & 0xFF);
}

void CodepointFolder::Compute(char32_t cp, std::string* out) const {
  if (!IsScalarValue(cp)) {
    out->push_back(' ');
    return;
  }
  const icu::UnicodeString source(static_cast<UChar32>(cp));
  icu::UnicodeString folded;
  UErrorCode status = U_ZERO_ERROR;
  if (nfkc_casefold_ != nullptr) nfkc_casefold_->normalize(source, folded, status);
  if (nfkc_casefold_ == nullptr || U_FAILURE(status)) folded = source;

  icu::UnicodeString skeleton, alternative, kept, composed;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    const uint32_t gc = U_GET_GC_MASK(c);
    if (c < 0x80 || (gc & kKeepMask) == 0) {
      // ASCII stays out of the skeleton (see the header); a lone mark is dropped like any
      // other; punctuation and symbols become separators.
      if ((gc & kDropMask) == 0) AppendFolded(c, out);
      continue;
    }
    Skeleton(c, &skeleton);
    if (!LatinLettersButMarks(skeleton)) {
      // confusables.txt maps many lowercase letters only to other non-Latin look-alikes
      // (Cyrillic к -> ĸ, т -> ᴛ, м -> ʍ; Greek τ -> ᴛ), while their capitals map to
      // Latin (К -> K). Case folding came first, so "кill" and "КILL" would both stay
      // unreadable to the word lists: the capital's Latin skeleton is taken instead.
      const UChar32 upper = u_toupper(c);
      if (upper != c) {
        Skeleton(upper, &alternative);
        if (LatinLettersButMarks(alternative)) skeleton = alternative;
      }
    }
    // The skeleton is in NFD, so accents are separate code points here.
    kept.remove();
    for (int32_t j = 0; j < skeleton.length();) {
      const UChar32 s = skeleton.char32At(j);
      j += U16_LENGTH(s);
      if ((U_GET_GC_MASK(s) & kDropMask) == 0) kept.append(u_tolower(s));
    }
    status = U_ZERO_ERROR;
    composed.remove();
    if (nfc_ != nullptr) nfc_->normalize(kept, composed, status);
    const icu::UnicodeString& final_form =
        (nfc_ == nullptr || U_FAILURE(status)) ? kept : composed;
    for (int32_t j = 0; j < final_form.length();) {
      const UChar32 f = final_form.char32At(j);
      j += U16_LENGTH(f);
      AppendFolded(f, out);
    }
  }
  if (out->size() > kMaxFoldBytes) {
    size_t cut = kMaxFoldBytes;
    while (cut > 0 && (static_cast<unsigned char>((*out)[cut]) & 0xC0) == 0x80) --cut;
    out->resize(cut);
  }
}

}  // namespace decorum
