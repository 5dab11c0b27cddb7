#include "match/byte_gate.h"

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace decorum {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Escapes whose meaning is one character or one class, which the walk below may treat
// as one atom: \d (a digit), the other classes and assertions, control characters, and
// any escaped punctuation. Everything else (\x.., \o{..}, \p{..}, \c., \Q..\E, \1 back
// references and octal, \g, \k, \N ...) may stand for a digit or swallow what follows.
bool IsSimpleEscape(char e) {
  switch (e) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'b': case 'B':
    case 'h': case 'H': case 'v': case 'V': case 'A': case 'z': case 'Z': case 'G':
    case 't': case 'n': case 'r': case 'f': case 'e': case 'a':
      return true;
    default:
      return !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || IsDigit(e)) && e != '\0';
  }
}

// An escape that stands for the punctuation byte itself (\. \@ \- ...): IsSimpleEscape's
// non-alphanumeric case.
bool IsEscapedPunctuation(char e) {
  return static_cast<unsigned char>(e) < 0x80 && e != '\0' && !IsAsciiLetter(e) && !IsDigit(e);
}

// The index after the [class] opening at s[i], or kNone when it does not close or holds
// what is not analysed (a nested '[', as in POSIX [:digit:]).
size_t SkipClass(std::string_view s, size_t i) {
  ++i;
  if (i < s.size() && s[i] == '^') ++i;
  if (i < s.size() && s[i] == ']') ++i;  // a leading ']' is a member
  while (i < s.size()) {
    if (s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == '[') return kNone;
    if (s[i] == ']') return i + 1;
    ++i;
  }
  return kNone;
}

// The index after the (group) opening at s[i], or kNone when it does not close.
size_t SkipGroup(std::string_view s, size_t i) {
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '[') {
      i = SkipClass(s, i);
      if (i == kNone) return kNone;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return kNone;
}

// Whether the expression only uses syntax the walk understands: every escape simple,
// every "(?" a plain group or a lookaround (not an option setting such as (?x), which
// changes how the rest reads, nor a comment), no control verb ("(*UCP)" makes \d match
// every Unicode decimal digit), and no NUL (Hyperscan reads the expression as a C
// string: it would compile less than what was analysed).
bool OnlyKnownSyntax(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') return false;
    if (s[i] == '(' && i + 1 < s.size() && s[i + 1] == '*') return false;
    if (s[i] == '\\') {
      if (i + 1 >= s.size() || !IsSimpleEscape(s[i + 1])) return false;
      ++i;
    } else if (s[i] == '(' && i + 1 < s.size() && s[i + 1] == '?') {
      const std::string_view rest = s.substr(i + 2);
      const bool known = rest.starts_with(":") || rest.starts_with("=") || rest.starts_with("!") ||
                         rest.starts_with("<=") || rest.starts_with("<!") || rest.starts_with(">");
      if (!known) return false;
    }
  }
  return true;
}

}  // namespace

RegexNeeds AnalyzeRegex(std::string_view s) {
  const RegexNeeds nothing;
  if (!OnlyKnownSyntax(s)) return nothing;
  RegexNeeds needs;
  size_t i = 0;
  while (i < s.size()) {
    // One atom at the top level, and the byte it stands for when it is a literal one.
    bool digit = false;
    int byte = -1;
    const char c = s[i];
    if (c == '|') return nothing;  // top-level alternation: one branch may lack anything
    if (c == ')' || c == ']' || c == '?' || c == '*' || c == '+' || c == '{') {
      return nothing;  // unbalanced, or a quantifier with nothing to repeat: not analysed
    }
    if (c == '\\') {
      const char e = s[i + 1];  // OnlyKnownSyntax: s[i + 1] exists, a simple escape
      digit = e == 'd';
      if (IsEscapedPunctuation(e)) byte = static_cast<unsigned char>(e);
      i += 2;
    } else if (c == '[') {
      i = SkipClass(s, i);
    } else if (c == '(') {
      i = SkipGroup(s, i);
    } else {
      digit = IsDigit(c);
      // '.', '^' and '$' are any byte and anchors, not themselves.
      const bool meta = c == '.' || c == '^' || c == '$';
      if (static_cast<unsigned char>(c) < 0x80 && !IsAsciiLetter(c) && !meta) {
        byte = static_cast<unsigned char>(c);
      }
      ++i;
    }
    if (i == kNone) return nothing;

    // Its quantifier, if any: does the atom have to occur at least once?
    bool required = true;
    bool quantified = true;
    if (i < s.size() && (s[i] == '?' || s[i] == '*')) {
      required = false;
      ++i;
    } else if (i < s.size() && s[i] == '+') {
      ++i;
    } else if (i < s.size() && s[i] == '{') {
      // Only {m}, {m,} and {m,n} are read; any other brace gives up rather than guess
      // whether this regex engine takes it as a quantifier or as a literal.
      size_t j = i + 1;
      size_t min = 0, digits = 0;
      while (j < s.size() && IsDigit(s[j]) && digits < 6) {
        min = min * 10 + static_cast<size_t>(s[j++] - '0');
        ++digits;
      }
      if (digits == 0 || digits == 6) return nothing;
      if (j < s.size() && s[j] == ',') {
        ++j;
        while (j < s.size() && IsDigit(s[j])) ++j;
      }
      if (j >= s.size() || s[j] != '}') return nothing;
      required = min > 0;
      i = j + 1;
    } else {
      quantified = false;
    }
    // A lazy or possessive mark changes how often, never whether, the atom must occur. (A
    // second quantifier after it is not analysed: the next atom would start with it.)
    if (quantified && i < s.size() && (s[i] == '?' || s[i] == '+')) ++i;
    if (required) {
      needs.digit |= digit;
      if (byte >= 0) needs.bytes.set(static_cast<size_t>(byte));
    }
  }
  return needs;
}

int GateByte(const std::bitset<128>& needs) {
  // Rarest first in comments, roughly; anything not listed comes before all of these.
  static constexpr std::string_view kCommonLast = "0123456789'-?!,. ";
  int best = -1;
  size_t best_rank = 0;
  for (size_t b = 0; b < needs.size(); ++b) {
    if (!needs.test(b)) continue;
    const size_t at = kCommonLast.find(static_cast<char>(b));
    const size_t rank = at == std::string_view::npos ? 0 : at + 1;
    if (best < 0 || rank < best_rank) {
      best = static_cast<int>(b);
      best_rank = rank;
    }
  }
  return best;
}

bool HasAsciiDigit(const char* data, size_t size) {
  size_t i = 0;
#if defined(__SSE2__)
  // Signed compares: bytes >= 0x80 are negative, below '0'.
  const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
  for (; i + 16 <= size; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above));
    if (_mm_movemask_epi8(digit)) return true;
  }
#endif
  for (; i < size; ++i) {
    if (IsDigit(data[i])) return true;
  }
  return false;
}

}  // namespace decorum
