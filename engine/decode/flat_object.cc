#include "decode/flat_object.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "decode/utf8_repair.h"

namespace decorum {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The first '"', '\\' or control byte (< 0x20, which JSON forbids unescaped) in [p, end),
// or end; 16 bytes a step, never reading past end. Makes *high non-zero when a byte it
// looked at (maybe past the one returned) is not ASCII.
inline const char* FindSpecial(const char* p, const char* end, uint32_t* high) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control = _mm_set1_epi8(0x1F);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
        _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));  // v <= 0x1F, unsigned
    *high |= static_cast<uint32_t>(_mm_movemask_epi8(v));
    if (const int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    *high |= c >> 7;
    if (c == '"' || c == '\\' || c < 0x20) return p;
  }
  return end;
}

// Writes `cp` (a scalar value, not a surrogate) as UTF-8; returns the bytes written.
size_t PutUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace

bool FlatObjectReader::Begin(std::string_view line) {
  state_ = State::kNotMine;
  // simdjson refuses documents of 4 GiB and more (a capacity error); so does this.
  if (line.size() >= simdjson::SIMDJSON_MAXSIZE_BYTES) return false;
  high_ = 0;
  p_ = begin_ = line.data();
  end_ = p_ + line.size();
  SkipSpace();
  if (p_ == end_ || *p_ != '{') return false;
  ++p_;
  if (line.size() > buf_capacity_) {
    buf_capacity_ = std::max(line.size(), buf_capacity_ + buf_capacity_ / 2);
    buf_ = std::make_unique_for_overwrite<char[]>(buf_capacity_);
  }
  buf_used_ = 0;
  state_ = State::kFirst;
  return true;
}

void FlatObjectReader::SkipSpace() {
  while (p_ < end_ && IsSpace(*p_)) ++p_;
}

bool FlatObjectReader::Next(std::string_view* key, FlatValue* value) {
  if (state_ == State::kDone || state_ == State::kNotMine) return false;
  SkipSpace();
  if (p_ == end_) return NotMine();
  if (*p_ == '}') {
    // Here only right after "{" or after a member: after "," a key is required below.
    ++p_;
    SkipSpace();
    if (p_ != end_) return NotMine();
    // simdjson validates the whole document's UTF-8; so must anything that stands in for
    // it (the decoder's repair of invalid bytes stays on the simdjson path). Outside strings
    // the grammar admits only ASCII, so a line whose strings were all ASCII is valid.
    if (high_ != 0 && !simdjson::validate_utf8(begin_, static_cast<size_t>(end_ - begin_))) {
      return NotMine();
    }
    state_ = State::kDone;
    return false;
  }
  if (state_ == State::kMore) {
    if (*p_ != ',') return NotMine();
    ++p_;
    SkipSpace();
  }
  if (p_ == end_ || *p_ != '"') return NotMine();
  if (!ReadString(/*is_key=*/true, key)) return false;
  SkipSpace();
  if (p_ == end_ || *p_ != ':') return NotMine();
  ++p_;
  SkipSpace();
  if (p_ == end_) return NotMine();
  switch (*p_) {
    case '"':
      value->kind = FlatValue::Kind::kString;
      if (!ReadString(/*is_key=*/false, &value->str)) return false;
      break;
    case 't':
      if (!Literal("true")) return NotMine();
      value->kind = FlatValue::Kind::kBool;
      value->num = 1;
      break;
    case 'f':
      if (!Literal("false")) return NotMine();
      value->kind = FlatValue::Kind::kBool;
      value->num = 0;
      break;
    case 'n':
      if (!Literal("null")) return NotMine();
      value->kind = FlatValue::Kind::kNull;
      break;
    default:  // a number, or a nested object or array, or not JSON: ReadInteger decides
      value->kind = FlatValue::Kind::kInt;
      if (!ReadInteger(&value->num)) return false;
      break;
  }
  state_ = State::kMore;
  return true;
}

bool FlatObjectReader::ReadString(bool is_key, std::string_view* out) {
  ++p_;  // the opening quote
  // Most strings have no escape: they are returned in place.
  const char* q = FindSpecial(p_, end_, &high_);
  if (q != end_ && *q == '"') {
    *out = std::string_view(p_, static_cast<size_t>(q - p_));
    p_ = q + 1;
    return true;
  }
  // Keys are only compared with field names; one with an escape would need unescaping
  // first and is left to simdjson.
  if (is_key) return NotMine();
  // Every input byte yields at most one output byte (an escape is 2, 6 or 12 bytes for 1-4
  // out), and the strings of one line are disjoint parts of it: buf_ has room.
  char* const begin = buf_.get() + buf_used_;
  char* w = begin;
  for (;;) {
    std::memcpy(w, p_, static_cast<size_t>(q - p_));
    w += q - p_;
    p_ = q;
    if (p_ == end_) return NotMine();  // unterminated
    if (*p_ == '"') {
      ++p_;
      break;
    }
    if (*p_ != '\\') return NotMine();  // an unescaped control byte
    if (end_ - p_ < 2) return NotMine();
    const char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"':
      case '\\':
      case '/': *w++ = e; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u': {
        if (end_ - p_ < 4) return NotMine();
        int32_t cp = JsonHex4(p_);
        if (cp < 0) return NotMine();
        p_ += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate counts only with the low one that must follow; alone it is
          // U+FFFD, as CommentDecoder's DOM path reads it (utf8_repair.h).
          const int32_t low = end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' ? JsonHex4(p_ + 2) : -1;
          if (low >= 0xDC00 && low <= 0xDFFF) {
            p_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;  // a lone low surrogate
        }
        w += PutUtf8(static_cast<uint32_t>(cp), w);
        break;
      }
      default:
        return NotMine();
    }
    q = FindSpecial(p_, end_, &high_);
  }
  *out = std::string_view(begin, static_cast<size_t>(w - begin));
  buf_used_ += static_cast<size_t>(w - begin);
  return true;
}

bool FlatObjectReader::ReadInteger(int64_t* out) {
  const bool negative = *p_ == '-';
  if (negative) ++p_;
  const char* const digits = p_;
  uint64_t v = 0;
  while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
    v = v * 10 + static_cast<uint64_t>(*p_ - '0');
    ++p_;
    // 18 digits always fit an int64; longer ones may be UINT64 or doubles to simdjson.
    if (p_ - digits > 18) return NotMine();
  }
  const size_t n = static_cast<size_t>(p_ - digits);
  if (n == 0) return NotMine();  // not a number: '{', '[', or no JSON value at all
  // A leading zero is invalid JSON. "-0" is valid, and simdjson 3.0 reads it as the
  // integer 0; left to simdjson all the same, so no other version can differ.
  if (*digits == '0' && (n > 1 || negative)) return NotMine();
  if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return NotMine();
  *out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool FlatObjectReader::Literal(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
    return false;
  }
  p_ += word.size();
  return true;
}

}  // namespace decorum
