#include "decode/utf8_repair.h"

#include <cstring>

#include "normalize/utf8.h"

namespace decorum {

size_t MaskInvalidUtf8(std::string_view in, char* out) {
  size_t masked = 0;
  for (size_t i = 0; i < in.size();) {
    if (static_cast<unsigned char>(in[i]) < 0x80) {
      out[i] = in[i];
      ++i;
      continue;
    }
    // DecodeUtf8 accepts exactly the well-formed sequences; anything else is one bad byte.
    const Utf8Decoded d = DecodeUtf8(in, i);
    if (d.code_point == kInvalidCodePoint) {
      out[i] = '?';
      ++masked;
    } else if (out != in.data()) {
      for (uint32_t k = 0; k < d.length; ++k) out[i + k] = in[i + k];
    }
    i += d.length;
  }
  return masked;
}

std::string MaskInvalidUtf8(std::string_view in) {
  std::string out(in);
  MaskInvalidUtf8(in, out.data());
  return out;
}

int32_t JsonHex4(const char* p) {
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return -1;
  }
  return v;
}

size_t ReplaceLoneSurrogateEscapes(char* data, size_t size) {
  size_t replaced = 0;
  for (size_t i = 0; i + 1 < size; ++i) {
    if (data[i] != '\\') continue;
    if (data[i + 1] != 'u' || i + 6 > size) {
      ++i;  // a two-byte escape (or a cut one): skip its second byte
      continue;
    }
    const int cp = JsonHex4(data + i + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const bool paired = i + 12 <= size && data[i + 6] == '\\' && data[i + 7] == 'u' &&
                          JsonHex4(data + i + 8) >= 0xDC00 && JsonHex4(data + i + 8) <= 0xDFFF;
      if (paired) {
        i += 11;  // both escapes
        continue;
      }
    } else if (cp < 0xDC00 || cp > 0xDFFF) {
      i += 5;
      continue;
    }
    std::memcpy(data + i + 2, "fffd", 4);
    ++replaced;
    i += 5;
  }
  return replaced;
}

}  // namespace decorum
