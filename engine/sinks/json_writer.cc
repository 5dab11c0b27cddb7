#include "sinks/json_writer.h"

#include <charconv>
#include <cmath>

#include "normalize/utf8.h"

namespace decorum {

void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of a stretch that needs no escaping, appended in one go
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const Utf8Decoded d = DecodeUtf8(s, i);
      if (d.code_point != kInvalidCodePoint) {
        i += d.length;
        continue;
      }
    }
    out->append(s.data() + run, i - run);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->append("\xEF\xBF\xBD");  // invalid byte -> U+FFFD
        }
    }
    ++i;
    run = i;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonNumber(std::string* out, double v) {
  if (!std::isfinite(v)) v = 0;
  v = std::round(v * 1000) / 1000;
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  // Most scores are whole numbers (0 above all); below 1e5 printing those as integers
  // gives the same text as the shortest double form ("100000" would be "1e+05"), at a
  // fraction of its cost.
  if (v == std::trunc(v) && std::fabs(v) < 1e5) {
    auto res = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v));
    out->append(buf, res.ptr);
    return;
  }
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

void AppendJsonUint(std::string* out, uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr);
}

}  // namespace decorum
