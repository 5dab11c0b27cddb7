#include "normalize/leet_decoder.h"

#include <array>
#include <cstdint>

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

}  // namespace

void DecodeLeet(const char* in, size_t size, char* out) {
  size_t i = 0;
  while (i < size) {
    // Most words are letters only; only the others need a second look.
    const size_t start = i;
    uint8_t seen = 0;  // kIsLetter | kIsOther over the word's bytes
    for (; i < size; ++i) {
      const unsigned char b = static_cast<unsigned char>(in[i]);
      const uint8_t bits = kScan[b];
      out[i] = kFirstWrite[b];
      if (bits & kEndsWord) break;
      seen |= bits;
    }
    if (seen & kIsOther) DecodeWord(out + start, i - start, (seen & kIsLetter) != 0);
    ++i;  // past the separator written above (or past the end)
  }
}

char LeetLetterForDigit(char c) {
  return c >= '0' && c <= '9' ? kLeetDigits[c - '0'] : c;
}

}  // namespace decorum
