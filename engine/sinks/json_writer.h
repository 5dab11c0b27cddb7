// Writing JSON tokens: the output side of NDJSON.
//
// Hand-written rather than a DOM because decisions are written once per comment on the
// hot path. Two ways in, one implementation of each token:
//  - JsonCursor writes straight into memory the caller has already sized with the
//    Max*Bytes bounds below. The per-comment encoder sizes a whole record once and then
//    writes without a capacity check per token (a std::string append or push_back per
//    token measured ~30 instructions each; records are dozens of tokens).
//  - AppendJson* append one token to a std::string, for everything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace decorum {

// Upper bounds of what one token writes.
// A quoted string of n bytes: a byte becomes at most 6 ("\u001f"; an invalid byte becomes
// U+FFFD, 3), plus the two quotes.
constexpr size_t MaxJsonStringBytes(size_t n) { return 6 * n + 2; }
inline constexpr size_t kMaxJsonNumberBytes = 32;  // to_chars of a double: 24 at most
inline constexpr size_t kMaxJsonUintBytes = 20;

class JsonCursor {
 public:
  // REQUIRES: `at` has room for every byte written through this cursor.
  explicit JsonCursor(char* at) : at_(at) {}

  char* at() const { return at_; }
  // Bytes written as they are (JSON punctuation, pre-encoded fragments).
  void Raw(char c) { *at_++ = c; }
  void Raw(std::string_view s) {
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  // `s` as a quoted JSON string. Control characters, '"' and '\\' are escaped; bytes that
  // are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
  // Writes at most MaxJsonStringBytes(s.size()).
  void String(std::string_view s);
  // A number rounded to 3 decimals, shortest form ("3", "7.5", "0.333"); not finite -> 0.
  void Number(double v);
  void Uint(uint64_t v);

 private:
  char* at_;
};

// Reports a JsonCursor that wrote past its bound, and aborts.
[[noreturn]] void JsonBoundExceeded(size_t written, size_t bound);

// Appends at most `bound` bytes to *out through a JsonCursor: `write(cursor)` writes them,
// then *out is trimmed to what it wrote. A bound that was too small is a bug that has
// already overwritten memory: it aborts rather than go on (one comparison a record).
template <class Write>
void AppendBounded(std::string* out, size_t bound, Write&& write) {
  const size_t old = out->size();
  out->resize(old + bound);
  JsonCursor cursor(out->data() + old);
  write(cursor);
  const auto written = static_cast<size_t>(cursor.at() - (out->data() + old));
  if (written > bound) JsonBoundExceeded(written, bound);
  out->resize(old + written);
}

// JsonCursor::String, Number and Uint, appended to a std::string.
void AppendJsonString(std::string* out, std::string_view s);
void AppendJsonNumber(std::string* out, double v);
void AppendJsonUint(std::string* out, uint64_t v);

}  // namespace decorum
