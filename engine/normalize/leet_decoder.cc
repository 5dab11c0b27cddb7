#include "normalize/leet_decoder.h"

#include <array>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace decorum {
namespace {

// In this order: word bytes are kLetter and above, leetable ones kDigit and above.
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

constexpr std::array<char, 10> kLeetDigits = {'o', 'i', '2', 'e', 'a', 's', '6', 't', 'b', 'g'};

inline uint8_t ClassOf(char c) { return kClass[static_cast<unsigned char>(c)]; }
// A neighbour that lets '!', '|' or '@' inside a word read as a letter.
inline bool IsSolid(uint8_t cls) { return cls == kLetter || cls == kDigit || cls == kDollar; }

// Decodes one word, w[0, n), n >= 1, every byte a word byte, at least one of them not a
// letter. Returns whether a digit is left in it.
bool DecodeWord(char* w, size_t n, bool has_letter) {
  bool digit_left = false;
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
        digit_left |= c >= '0' && c <= '9';  // no letter, or a 2 or 6
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
  return digit_left;
}

// The bytes DecodeWord may rewrite: digits, '$', '!', '|' and '@'.
inline bool IsLeetable(uint8_t cls) { return cls >= kDigit; }
inline bool IsWordClass(uint8_t cls) { return cls >= kLetter; }

#if defined(__SSE2__)
// 0xFF in each lane of x holding a leetable byte (signed compares: bytes >= 0x80 are
// negative, below '0').
inline __m128i LeetableLanes(__m128i x) {
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x));
  const __m128i symbol = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('$')), _mm_cmpeq_epi8(x, _mm_set1_epi8('!'))),
      _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('|')), _mm_cmpeq_epi8(x, _mm_set1_epi8('@'))));
  return _mm_or_si128(digit, symbol);
}

// kFirstWrite over in[0, 16) into out[0, 16) (in == out allowed): ASCII letters lowered,
// separators ' ', line breaks '\n', digits, '$', '!', '|', '@' and non-ASCII bytes as
// they are. Returns the bitmask of the leetable bytes among them; *high gets that of the
// non-ASCII ones.
inline uint32_t FirstWrite16(const char* in, char* out, uint32_t* high) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  const __m128i y = _mm_or_si128(x, _mm_set1_epi8(0x20));
  // Signed compares: a byte >= 0x80 is negative, so it is none of these.
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
                                       _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), y));
  const __m128i line_break = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('\n' - 1)),
                                           _mm_cmpgt_epi8(_mm_set1_epi8('\r' + 1), x));
  const __m128i leetable = LeetableLanes(x);
  const __m128i non_ascii = _mm_cmplt_epi8(x, _mm_setzero_si128());
  const __m128i as_is = _mm_or_si128(leetable, non_ascii);
  const __m128i separator =
      _mm_andnot_si128(_mm_or_si128(_mm_or_si128(letter, as_is), line_break), _mm_set1_epi8(-1));
  const __m128i written = _mm_or_si128(
      _mm_or_si128(_mm_and_si128(letter, y), _mm_and_si128(as_is, x)),
      _mm_or_si128(_mm_and_si128(line_break, _mm_set1_epi8('\n')), _mm_and_si128(separator, _mm_set1_epi8(' '))));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), written);
  *high = static_cast<uint32_t>(_mm_movemask_epi8(non_ascii));
  return static_cast<uint32_t>(_mm_movemask_epi8(leetable));
}

// The bitmask of the leetable bytes of p[0, 16).
inline uint32_t Leetable16(const char* p) {
  return static_cast<uint32_t>(
      _mm_movemask_epi8(LeetableLanes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))));
}
#endif

// The first leetable byte of p[from, size), or size.
size_t NextLeetable(const char* p, size_t from, size_t size) {
  size_t i = from;
#if defined(__SSE2__)
  for (; i + 16 <= size; i += 16) {
    if (const uint32_t m = Leetable16(p + i)) return i + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  for (; i < size; ++i) {
    if (IsLeetable(ClassOf(p[i]))) return i;
  }
  return size;
}

// Two passes. The first writes every byte's first write (kFirstWrite), 16 at a time,
// without looking at words; it leaves the words of letters only, nearly all of them,
// finished. The second goes from leetable byte to leetable byte (digits, '$', '!', '|',
// '@': a few a comment) and hands each word holding one to DecodeWord. The first write
// keeps every byte's class, so words are found in out as they were in in. Every digit is
// leetable, so the second pass sees each one that is left.
// Sets *has_digit to whether a digit is left and returns true; with kAsciiOnly
// (DecodeLeetIfAscii), returns false instead at the first non-ASCII byte.
template <bool kAsciiOnly>
bool Decode(const char* in, size_t size, char* out, bool* has_digit) {
  size_t first = size;  // the first leetable byte
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= size; i += 16) {
    uint32_t high;
    const uint32_t m = FirstWrite16(in + i, out + i, &high);
    if (kAsciiOnly && high) return false;
    if (m && first == size) first = i + static_cast<size_t>(__builtin_ctz(m));
  }
#endif
  for (; i < size; ++i) {
    const unsigned char b = static_cast<unsigned char>(in[i]);
    if (kAsciiOnly && b >= 0x80) return false;
    out[i] = kFirstWrite[b];
    if (first == size && IsLeetable(kClass[b])) first = i;
  }

  bool digit_left = false;
  for (size_t at = first; at < size; at = NextLeetable(out, at, size)) {
    size_t start = at;
    while (start > 0 && IsWordClass(ClassOf(out[start - 1]))) --start;
    bool has_letter = false;
    size_t end = start;
    for (; end < size; ++end) {
      const uint8_t cls = ClassOf(out[end]);
      if (!IsWordClass(cls)) break;
      has_letter |= cls == kLetter;
    }
    digit_left |= DecodeWord(out + start, end - start, has_letter);
    at = end;
  }
  *has_digit = digit_left;
  return true;
}

}  // namespace

bool DecodeLeet(const char* in, size_t size, char* out) {
  bool has_digit;
  Decode</*kAsciiOnly=*/false>(in, size, out, &has_digit);
  return has_digit;
}

bool DecodeLeetIfAscii(const char* in, size_t size, char* out, bool* has_digit) {
  return Decode</*kAsciiOnly=*/true>(in, size, out, has_digit);
}

char LeetLetterForDigit(char c) {
  return c >= '0' && c <= '9' ? kLeetDigits[c - '0'] : c;
}

}  // namespace decorum
