#include "normalize/leet_decoder.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace decorum {
namespace {

enum ByteClass : uint8_t {
  kSeparator,
  kNewline,
  kLetter,  // a-z and every non-ASCII byte
  kDigit,
  kDollar,
  kBang,    // '!' and '|'
  kAt,
};

constexpr std::array<uint8_t, 256> MakeClassTable() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = kSeparator;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLetter;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kLetter;
  for (int c = 0x80; c < 256; ++c) t[c] = kLetter;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['$'] = kDollar;
  t['!'] = kBang;
  t['|'] = kBang;
  t['@'] = kAt;
  t['\n'] = t['\r'] = t['\v'] = t['\f'] = kNewline;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClassTable();

// What DecodeLeet first writes for each byte: word bytes lowercased, separators canonical.
constexpr std::array<char, 256> MakeFirstWriteTable() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const uint8_t cls = kClass[c];
    if (cls == kSeparator) {
      t[c] = ' ';
    } else if (cls == kNewline) {
      t[c] = '\n';
    } else {
      t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
  }
  return t;
}
constexpr std::array<char, 256> kFirstWrite = MakeFirstWriteTable();

// The per-byte facts the scanning loop of DecodeLeet needs, folded into one lookup so that
// loop costs a load, two table reads, a store and a test per byte.
enum ScanBits : uint8_t { kEndsWord = 1, kIsLetter = 2, kIsOther = 4 };
constexpr std::array<uint8_t, 256> MakeScanTable() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const uint8_t cls = kClass[c];
    if (cls < kLetter) t[c] = kEndsWord;
    else t[c] = cls == kLetter ? kIsLetter : kIsOther;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kScan = MakeScanTable();

constexpr std::array<char, 10> kLeetDigits = {'o', 'i', '2', 'e', 'a', 's', '6', 't', 'b', 'g'};

inline uint8_t ClassOf(char c) { return kClass[static_cast<unsigned char>(c)]; }
// A neighbour that lets '!', '|' or '@' inside a word read as a letter.
inline bool IsSolid(uint8_t cls) { return cls == kLetter || cls == kDigit || cls == kDollar; }

// Decodes one word, w[0, n), n >= 1, every byte a word byte, at least one of them not a
// letter.
void DecodeWord(char* w, size_t n, bool has_letter) {
  // Neighbour tests read the classes of the bytes as they were before this word was
  // rewritten, so a decoded '!' does not vouch for the next one.
  uint8_t prev = kSeparator;
  uint8_t cur = ClassOf(w[0]);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t next = i + 1 < n ? ClassOf(w[i + 1]) : uint8_t{kSeparator};
    char& c = w[i];
    switch (cur) {
      case kDigit:
        if (has_letter) c = kLeetDigits[c - '0'];
        break;
      case kDollar:
        c = has_letter ? 's' : ' ';
        break;
      case kBang:
        c = has_letter && IsSolid(prev) && IsSolid(next) ? 'i' : ' ';
        break;
      case kAt:
        if (i == 0 && (next == kLetter || next == kDigit)) break;  // a handle
        c = has_letter && IsSolid(prev) && IsSolid(next) ? 'a' : ' ';
        break;
      default:
        break;
    }
    prev = cur;
    cur = next;
  }
}

#if defined(__SSE2__)
// The fast path of DecodeLeet: most comment bytes are letters, whose first write is the
// byte lowercased, and separators (spaces, punctuation), whose first write is ' ', and
// neither makes a word need DecodeWord. Writes the longest prefix of in[0, 16) made of
// such bytes to out, and returns its length and, in *spaces, the bitmask of the
// separators in it. Digits, '$', '!', '|', '@', line breaks and non-ASCII bytes end the
// prefix: the byte loop decides those.
inline size_t LowerSimplePrefix(const char* in, char* out, uint32_t* spaces) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  const __m128i y = _mm_or_si128(x, _mm_set1_epi8(0x20));
  // Signed compares: a byte >= 0x80 is negative, so it is none of these.
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
                                       _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), y));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x));
  const __m128i line_break = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\n' - 1)),
                                           _mm_cmpgt_epi8(_mm_set1_epi8('\r' + 1), x));
  const __m128i symbol = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('$')), _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('|')), _mm_cmpeq_epi8(x, _mm_set1_epi8('@'))));
  const __m128i other = _mm_or_si128(_mm_or_si128(digit, line_break),
                                     _mm_or_si128(symbol, _mm_cmplt_epi8(x, _mm_setzero_si128())));
  const __m128i separator = _mm_andnot_si128(_mm_or_si128(letter, other), _mm_set1_epi8(-1));
  const __m128i lowered =
      _mm_or_si128(_mm_and_si128(letter, y), _mm_and_si128(separator, _mm_set1_epi8(' ')));
  const uint32_t simple = ~static_cast<uint32_t>(_mm_movemask_epi8(other)) & 0xFFFF;
  const uint32_t separators = static_cast<uint32_t>(_mm_movemask_epi8(separator));
  if (simple == 0xFFFF) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), lowered);
    *spaces = separators;
    return 16;
  }
  // Only the prefix may be written: in place, the bytes after it are still input.
  const size_t n = static_cast<size_t>(__builtin_ctz(~simple));
  alignas(16) char buffer[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(buffer), lowered);
  std::memcpy(out, buffer, n);
  *spaces = separators & ((1u << n) - 1);
  return n;
}
#endif

}  // namespace

void DecodeLeet(const char* in, size_t size, char* out) {
  size_t start = 0;  // the current word's first byte
  uint8_t seen = 0;  // kIsLetter | kIsOther over the current word's bytes so far
  size_t i = 0;
  while (i < size) {
#if defined(__SSE2__)
    // While the current word needs no second look, letters and separators go 16 at a time.
    if (!(seen & kIsOther) && size - i >= 16) {
      uint32_t spaces = 0;
      const size_t n = LowerSimplePrefix(in + i, out + i, &spaces);
      if (spaces) {
        // Words that ended in the prefix were letters only; the current one starts
        // after its last space.
        const size_t last = 31 - static_cast<size_t>(__builtin_clz(spaces));
        start = i + last + 1;
        seen = last + 1 == n ? 0 : kIsLetter;
      } else if (n) {
        seen |= kIsLetter;
      }
      i += n;
      if (n == 16) continue;
    }
#endif
    const unsigned char b = static_cast<unsigned char>(in[i]);
    const uint8_t bits = kScan[b];
    out[i] = kFirstWrite[b];
    if (bits & kEndsWord) {
      // Most words are letters only; only the others need a second look.
      if (seen & kIsOther) DecodeWord(out + start, i - start, (seen & kIsLetter) != 0);
      seen = 0;
      start = i + 1;
    } else {
      seen |= bits;
    }
    ++i;
  }
  if (seen & kIsOther) DecodeWord(out + start, size - start, (seen & kIsLetter) != 0);
}

char LeetLetterForDigit(char c) {
  return c >= '0' && c <= '9' ? kLeetDigits[c - '0'] : c;
}

}  // namespace decorum
