// FlatObjectReader: reads the members of the common NDJSON line — one JSON object whose
// values are all strings, integers, true, false or null — without building a DOM.
//
// Why: simdjson's DOM costs ~1.8k instructions a comment (stage 1 indexing, stage 2 tape,
// then a walk over the tape), about an eighth of a comment's whole moderation, and most
// lines of a comment stream are a handful of flat string and number members.
//
// It is a filter in front of simdjson, not a second JSON parser with its own verdicts: it
// accepts a line only when the line is valid JSON of that shape and every member reads
// exactly as simdjson would read it. For anything else — a nested object or array, a
// fraction or exponent, an integer of more than 18 digits or "-0", invalid UTF-8, a line
// of 4 GiB or more, any syntax error — it says "not mine" (ok() false), and the caller
// parses the line with simdjson, which gives the real result or the real error message.
// One deliberate difference from simdjson: an escaped lone surrogate reads as U+FFFD, as
// CommentDecoder makes simdjson read it too (decode/utf8_repair.h).
//
// Use: Begin(line); while (Next(&key, &value)) {...}; then ok() says whether the whole
// line was read. Members come in line order; a repeated key comes again. Keys are
// returned as they appear between their quotes (a key with an escape makes the line "not
// mine"); a string value without escapes is returned in place too, one with escapes is
// unescaped into the reader's own buffer. Views point into the line or that buffer: valid
// while the line is and until the next Begin().
//
// Thread safety: none; one per decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace decorum {

struct FlatValue {
  enum class Kind : uint8_t { kString, kInt, kBool, kNull };
  Kind kind = Kind::kNull;
  std::string_view str;  // kString: the unescaped value
  int64_t num = 0;       // kInt; kBool: 1 for true, 0 for false
};

class FlatObjectReader {
 public:
  // Starts on `line` (one line, without its newline; it must stay alive while the
  // members are used). Returns false, and ok() is false, when the line does not start
  // with an object. (Invalid UTF-8 is found at the end: ok() is then false.)
  bool Begin(std::string_view line);

  // The next member; false at the end of the object or when the line turned out not to be
  // of the simple shape (ok() tells which).
  bool Next(std::string_view* key, FlatValue* value);

  // After Next() returned false: true when the object ended and only whitespace follows.
  bool ok() const { return state_ == State::kDone; }

 private:
  enum class State : uint8_t { kFirst, kMore, kDone, kNotMine };

  // Each returns false (and sets kNotMine) when the input is not of the simple shape.
  bool ReadString(bool is_key, std::string_view* out);
  bool ReadInteger(int64_t* out);
  bool Literal(std::string_view word);
  void SkipSpace();
  bool NotMine() {
    state_ = State::kNotMine;
    return false;
  }

  const char* begin_ = nullptr;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  uint32_t high_ = 0;  // non-zero once a string byte that is not ASCII was seen
  State state_ = State::kNotMine;
  // Unescaped string values, reserved to the line's length at Begin() (unescaping never
  // lengthens a string), so it never moves while a line's views are out.
  std::unique_ptr<char[]> buf_;
  size_t buf_capacity_ = 0;
  size_t buf_used_ = 0;
};

}  // namespace decorum
