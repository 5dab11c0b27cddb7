// CommentDecoder: one NDJSON line -> Comment (SPEC §4), with field remapping.
//
// A line that is one flat object (string, integer, boolean and null members: the common
// comment) is read by FlatObjectReader without a DOM; every other line, including every
// line with an error, goes to simdjson's DOM parser. Both validate the whole line, so a
// line with trailing garbage is an error and not a half-read comment, and both give the
// same Comment for any line the flat reader takes (the decoder fuzz target checks it).
// Invalid UTF-8 is not an error: the line's invalid bytes are replaced with '?' one for
// one (utf8_repair.h) and the comment is scored (SPEC §4: invalid bytes are tolerated);
// offsets still index the original bytes.
//
// Thread safety: none; each worker thread owns one decoder. Decode() allocates only
// while its buffers grow to the largest line seen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "decorum/comment.h"
#include "decorum/status.h"

namespace decorum {

// Where each Comment field is read from. Default: the field of the same name.
struct FieldMap {
  std::string text = "text";
  std::string id = "id";
  std::string author = "author";
  std::string ts = "ts";
  std::string thread = "thread";
  std::string parent = "parent";
  std::string lang = "lang";
  std::string meta = "meta";
  // A numeric ts is multiplied by this to get milliseconds (1000 for epoch seconds).
  int64_t ts_number_scale = 1;

  // Parses a --map spec: comma-separated `field=source` pairs, where field is one of the
  // names above and source a top-level key of the input objects; `ts=KEY:s` says the
  // numeric ts is in seconds (`ts=KEY:ms`, the default, in milliseconds). The word
  // `pushshift` stands for
  // `text=body,ts=created_utc:s,thread=subreddit,id=id,author=author,parent=parent_id`.
  // Pairs apply left to right over the defaults; spaces around names are ignored and an
  // empty spec gives the defaults. Returns InvalidArgument for an unknown field, a pair
  // without '=', an empty entry or source, or an unknown ts unit.
  static Result<FieldMap> Parse(std::string_view spec);
};

class CommentDecoder {
 public:
  // kFlatFirst (the default) tries FlatObjectReader first; kSimdjsonOnly sends every line
  // through simdjson, for tests and comparisons.
  enum class Parsing { kFlatFirst, kSimdjsonOnly };

  explicit CommentDecoder(FieldMap map = FieldMap(), Parsing parsing = Parsing::kFlatFirst);
  ~CommentDecoder();
  CommentDecoder(const CommentDecoder&) = delete;
  CommentDecoder& operator=(const CommentDecoder&) = delete;

  // Decodes one line (without its newline). On success fills *out and returns ok; its
  // views point into `line` or the decoder's buffers, so they are valid while `line` is
  // and until the next Decode call. Errors, each with a message fit for an error record:
  // empty line, invalid JSON (with simdjson's reason), not an object, missing text, a
  // field of the wrong type (naming the field and the type found), a ts string that is
  // not RFC 3339. On error, out->line is set and out->id/id_kind are set when the line
  // was an object with a readable id, so the error record can echo it; other fields are
  // left empty. Messages name fields by their source key (e.g. 'body' under pushshift).
  // Field rules beyond SPEC §4: null for an optional field means absent; a field decorum
  // reads (text, id, ... as mapped) given twice is an error, since JSON parsers differ on
  // which value counts (keys it does not read may repeat); a ts string of digits is read
  // as a number (Pushshift quirk).
  // `padded`: at least kLinePadding (line_reader.h) readable bytes follow the line in
  // memory, so it is parsed in place rather than copied (it is never written to).
  Status Decode(std::string_view line, uint64_t line_no, Comment* out, bool padded = false);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decorum
