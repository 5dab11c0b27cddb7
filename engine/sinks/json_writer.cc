#include "sinks/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "normalize/utf8.h"

namespace decorum {
namespace {

// The escaping, written once for both outputs: `Out` has Raw(char) and Raw(string_view).
// Appending to a std::string goes through StringOut rather than a cursor over 6 bytes a
// byte, so a long string (an HTTP error echoing a body) is not first zero-filled at six
// times its size.
template <class Out>
void WriteJsonString(Out& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.Raw('"');
  size_t run = 0;  // start of a stretch that needs no escaping, written in one go
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
    if (i > run) out.Raw(s.substr(run, i - run));
    switch (c) {
      case '"': out.Raw("\\\""); break;
      case '\\': out.Raw("\\\\"); break;
      case '\n': out.Raw("\\n"); break;
      case '\r': out.Raw("\\r"); break;
      case '\t': out.Raw("\\t"); break;
      default:
        if (c < 0x20) {
          out.Raw("\\u00");
          out.Raw(kHex[c >> 4]);
          out.Raw(kHex[c & 0xF]);
        } else {
          out.Raw("\xEF\xBF\xBD");  // invalid byte -> U+FFFD
        }
    }
    ++i;
    run = i;
  }
  if (run < s.size()) out.Raw(s.substr(run));  // never memcpy from a null string_view's data
  out.Raw('"');
}

struct StringOut {
  std::string* s;
  void Raw(char c) { s->push_back(c); }
  void Raw(std::string_view v) { s->append(v); }
};

}  // namespace

void JsonBoundExceeded(size_t written, size_t bound) {
  std::fprintf(stderr, "decorum: internal error: a JSON record of %zu bytes overran its bound of %zu\n", written,
               bound);
  std::abort();
}

void JsonCursor::String(std::string_view s) { WriteJsonString(*this, s); }

void JsonCursor::Number(double v) {
  // Most scores are whole numbers (0 above all); below 1e5 printing those as integers
  // gives the same text as the shortest double form ("100000" would be "1e+05") at a
  // fraction of its cost, and they need no rounding (-0 prints as "0"). NaN and the
  // infinities fail the first test, so the cast is defined.
  if (std::fabs(v) < 1e5) {
    const auto whole = static_cast<int64_t>(v);
    if (static_cast<double>(whole) == v) {
      at_ = std::to_chars(at_, at_ + kMaxJsonNumberBytes, whole).ptr;
      return;
    }
  }
  if (!std::isfinite(v)) v = 0;
  // Past ~1.8e305, v * 1000 overflows to infinity, which is not JSON; such a v is a whole
  // number already and stays as it is.
  if (const double rounded = std::round(v * 1000) / 1000; std::isfinite(rounded)) v = rounded;
  if (v == 0) v = 0;  // no "-0"
  if (v == std::trunc(v) && std::fabs(v) < 1e5) {
    at_ = std::to_chars(at_, at_ + kMaxJsonNumberBytes, static_cast<int64_t>(v)).ptr;
    return;
  }
  at_ = std::to_chars(at_, at_ + kMaxJsonNumberBytes, v).ptr;
}

void JsonCursor::Uint(uint64_t v) { at_ = std::to_chars(at_, at_ + kMaxJsonUintBytes, v).ptr; }

void AppendJsonString(std::string* out, std::string_view s) {
  StringOut o{out};
  WriteJsonString(o, s);
}

void AppendJsonNumber(std::string* out, double v) {
  AppendBounded(out, kMaxJsonNumberBytes, [v](JsonCursor& c) { c.Number(v); });
}

void AppendJsonUint(std::string* out, uint64_t v) {
  AppendBounded(out, kMaxJsonUintBytes, [v](JsonCursor& c) { c.Uint(v); });
}

}  // namespace decorum
