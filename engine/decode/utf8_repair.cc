#include "decode/utf8_repair.h"

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

}  // namespace decorum
