#include "decode/utf8_repair.h"

#include <cstdint>
#include <cstring>

namespace decorum {

namespace {

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

}  // namespace

size_t MaskInvalidUtf8(std::string_view in, char* out) {
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  size_t o = 0;
  size_t masked = 0;
  while (i < n) {
    const uint8_t b = s[i];
    if (b < 0x80) {
      out[o++] = static_cast<char>(b);
      ++i;
      continue;
    }
    // Sequence length and the allowed range of the second byte (Unicode Table 3-7); the
    // narrowed ranges after E0, ED, F0 and F4 exclude overlongs, surrogates and > U+10FFFF.
    size_t len = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    if (len == 0) {  // a stray continuation byte, C0, C1 or F5..FF: starts nothing
      out[o++] = '?';
      ++masked;
      ++i;
      continue;
    }
    // Count how many bytes of the sequence are well-formed so far.
    size_t good = 1;
    if (i + 1 < n && s[i + 1] >= lo && s[i + 1] <= hi) {
      good = 2;
      while (good < len && i + good < n && IsContinuation(s[i + good])) ++good;
    }
    if (good == len) {
      std::memmove(out + o, s + i, len);
    } else {
      // The maximal subpart [i, i+good) is masked byte for byte; the byte that broke it is
      // examined afresh as a possible lead byte.
      std::memset(out + o, '?', good);
      masked += good;
    }
    o += good;
    i += good;
  }
  return masked;
}

std::string MaskInvalidUtf8(std::string_view in) {
  std::string out(in);
  MaskInvalidUtf8(in, out.data());
  return out;
}

}  // namespace decorum
