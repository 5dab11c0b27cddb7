// UTF-8 primitives for the normalizer: a safe one-code-point decoder, an encoder, and a
// fast all-ASCII check.
//
// The decoder accepts exactly the well-formed sequences of Unicode §3.9 (Table 3-7): no
// overlong forms, no encoded surrogates, nothing above U+10FFFF, no truncated sequences.
// Anything else decodes as one invalid byte, so a caller that advances by `length` always
// makes progress and never reads past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decorum {

// Returned as the code point of a byte that does not start a well-formed sequence.
inline constexpr char32_t kInvalidCodePoint = 0xFFFFFFFF;

struct Utf8Decoded {
  char32_t code_point;  // kInvalidCodePoint when text[pos] starts no well-formed sequence
  uint32_t length;      // bytes consumed: 1..4; always 1 for an invalid byte
};

// Decodes the code point that starts at text[pos]. REQUIRES: pos < text.size().
Utf8Decoded DecodeUtf8(std::string_view text, size_t pos);

// Appends the UTF-8 encoding of `cp`. REQUIRES: cp is a Unicode scalar value (at most
// U+10FFFF and not a surrogate).
void AppendUtf8(char32_t cp, std::string* out);

// The length of the sequence a well-formed UTF-8 lead byte starts (1 for ASCII).
// REQUIRES: `lead` is ASCII or a lead byte of well-formed UTF-8 (0xC2..0xF4).
inline uint32_t Utf8SequenceLength(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// The number of bytes below 0x80 at the start of `text`. Scans 16 bytes at a time.
size_t AsciiPrefixLength(std::string_view text);

}  // namespace decorum
