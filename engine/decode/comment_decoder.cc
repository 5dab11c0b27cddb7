#include "decode/comment_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "decode/flat_object.h"
#include "decode/rfc3339.h"
#include "decode/utf8_repair.h"
#include "ingest/line_reader.h"

namespace decorum {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "a padded line must be parsable in place");

namespace {

// A grow-only byte buffer with SIMDJSON_PADDING readable bytes past any size it was
// reserved for, so simdjson can parse in place without copying the line again.
class PaddedBuffer {
 public:
  // Returns storage for `n` bytes plus padding; earlier contents are not kept.
  char* Reserve(size_t n) {
    if (n + simdjson::SIMDJSON_PADDING > capacity_) {
      // Grow geometrically so a stream of slowly lengthening lines reallocates rarely.
      capacity_ = std::max(n + simdjson::SIMDJSON_PADDING, capacity_ + capacity_ / 2);
      data_ = std::make_unique_for_overwrite<char[]>(capacity_);
    }
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

const char* TypeName(simdjson::dom::element_type t) {
  using simdjson::dom::element_type;
  switch (t) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The value quoted for an error message: long values are cut (at a UTF-8 boundary) so one
// bad field cannot blow up an error record, and quotes, backslashes and control bytes are
// escaped so the quoted span reads unambiguously.
std::string Quote(std::string_view v) {
  constexpr size_t kMaxShown = 64;
  bool cut = false;
  if (v.size() > kMaxShown) {
    size_t end = kMaxShown;
    while (end > 0 && (static_cast<unsigned char>(v[end]) & 0xC0) == 0x80) --end;
    v = v.substr(0, end);
    cut = true;
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  out += cut ? "\"..." : "\"";
  return out;
}

std::string Field(const std::string& source) { return "field '" + source + "'"; }

Status WrongType(const std::string& source, const char* expected,
                 simdjson::dom::element_type got) {
  return Status::InvalidArgument(Field(source) + " must be " + expected + ", got " +
                                 TypeName(got));
}

// Optional string fields: null means absent.
Status ReadOptionalString(simdjson::dom::element value, const std::string& source,
                          std::string_view* out) {
  if (value.is_null()) return Status::Ok();
  if (value.get_string().get(*out) != simdjson::SUCCESS) {
    return WrongType(source, "a string", value.type());
  }
  return Status::Ok();
}

// An all-digit string is taken as a numeric ts: some Pushshift months store created_utc as
// "1134365188", and refusing those would turn whole dumps into error records.
bool ParseIntegerString(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

Status ScaleTs(int64_t v, int64_t scale, const std::string& source, int64_t* ms) {
  if (__builtin_mul_overflow(v, scale, ms)) {
    return Status::InvalidArgument(Field(source) + " is out of range");
  }
  return Status::Ok();
}

Status ReadTs(simdjson::dom::element value, const std::string& source, int64_t scale,
              std::optional<int64_t>* ts_ms) {
  using simdjson::dom::element_type;
  int64_t ms = 0;
  switch (value.type()) {
    case element_type::NULL_VALUE:
      return Status::Ok();
    case element_type::INT64: {
      Status s = ScaleTs(value.get_int64().value_unsafe(), scale, source, &ms);
      if (!s.ok()) return s;
      break;
    }
    case element_type::UINT64:  // above INT64_MAX: no representable time
      return Status::InvalidArgument(Field(source) + " is out of range");
    case element_type::DOUBLE: {
      const double x = value.get_double().value_unsafe() * static_cast<double>(scale);
      // 9.2e18 is just below INT64_MAX, the bound for a safe conversion.
      if (!std::isfinite(x) || std::fabs(x) >= 9.2e18) {
        return Status::InvalidArgument(Field(source) + " is out of range");
      }
      ms = std::llround(x);
      break;
    }
    case element_type::STRING: {
      const std::string_view s = value.get_string().value_unsafe();
      if (std::optional<int64_t> parsed = ParseRfc3339Ms(s)) {
        ms = *parsed;
        break;
      }
      int64_t v = 0;
      if (ParseIntegerString(s, &v)) {
        Status st = ScaleTs(v, scale, source, &ms);
        if (!st.ok()) return st;
        break;
      }
      return Status::InvalidArgument(Field(source) + " is not an RFC 3339 timestamp: " +
                                     Quote(s));
    }
    default:
      return WrongType(source, "a number or an RFC 3339 string", value.type());
  }
  *ts_ms = ms;
  return Status::Ok();
}

// An index per Comment field, for the per-line table of where each was found.
enum Slot { kText, kId, kAuthor, kTs, kThread, kParent, kLang, kMeta, kSlotCount };
static_assert(kSlotCount <= 32, "slot sets are 32-bit masks");

// The optional string fields: where each is found and where it goes.
struct OptionalString {
  Slot slot;
  std::string_view Comment::*field;
};
constexpr OptionalString kOptionalStrings[] = {{kAuthor, &Comment::author},
                                               {kThread, &Comment::thread},
                                               {kParent, &Comment::parent},
                                               {kLang, &Comment::lang}};

}  // namespace

struct CommentDecoder::Impl {
  Impl(FieldMap m, Parsing p) : map(std::move(m)), parsing(p) {
    sources[kText] = &map.text;
    sources[kId] = &map.id;
    sources[kAuthor] = &map.author;
    sources[kTs] = &map.ts;
    sources[kThread] = &map.thread;
    sources[kParent] = &map.parent;
    sources[kLang] = &map.lang;
    sources[kMeta] = &map.meta;
    for (int slot = 0; slot < kSlotCount; ++slot) {
      const std::string& key = *sources[slot];
      slots_by_first_byte[key.empty() ? 0 : static_cast<unsigned char>(key[0])] |= 1u << slot;
    }
  }

  // Parses `len` bytes at `data`, which must be followed by SIMDJSON_PADDING readable
  // bytes; on success *root is valid until the parser's next parse.
  simdjson::error_code Parse(const char* data, size_t len, simdjson::dom::element* root) {
    if (len > parser.capacity()) {
      // Same geometric growth as the buffers, so slowly lengthening lines rarely reallocate.
      const simdjson::error_code e = parser.allocate(
          std::max(len, parser.capacity() + parser.capacity() / 2), parser.max_depth());
      if (e != simdjson::SUCCESS) return e;
    }
    return parser.parse(data, len, /*realloc_if_needed=*/false).get(*root);
  }

  Status ReadId(simdjson::dom::element value, Comment* out) {
    using simdjson::dom::element_type;
    const std::string& source = *sources[kId];
    std::to_chars_result r{};
    switch (value.type()) {
      case element_type::NULL_VALUE:
        return Status::Ok();
      case element_type::STRING:
        out->id = value.get_string().value_unsafe();
        out->id_kind = IdKind::kString;
        return Status::Ok();
      // simdjson's DOM keeps numbers as values, not text, so integers are printed back
      // exactly and doubles in their shortest form that parses back to the same value —
      // in %g style: plain to_chars prefers fixed notation at equal length, and printed
      // 1.2345678901234568e21 as the 22-digit integer 1234567890123456774144, which JSON
      // parsers with 64-bit integers (simdjson among them) refuse (found by fuzzing).
      case element_type::INT64:
        r = std::to_chars(id_buf, id_buf + sizeof id_buf, value.get_int64().value_unsafe());
        break;
      case element_type::UINT64:
        r = std::to_chars(id_buf, id_buf + sizeof id_buf, value.get_uint64().value_unsafe());
        break;
      case element_type::DOUBLE:
        r = std::to_chars(id_buf, id_buf + sizeof id_buf, value.get_double().value_unsafe(),
                          std::chars_format::general);
        break;
      default:
        return WrongType(source, "a string or a number", value.type());
    }
    if (r.ec != std::errc()) return Status::Internal("id number does not fit its buffer");
    out->id = std::string_view(id_buf, r.ptr - id_buf);
    out->id_kind = IdKind::kNumber;
    return Status::Ok();
  }

  // The slots (one bit each) whose field is named `key`. Only those whose name starts with
  // the key's first byte (usually none or one) are compared. Two slots may name the same
  // field: each takes the value.
  uint32_t SlotsNamed(std::string_view key) const {
    uint32_t slots = 0;
    uint32_t candidates = slots_by_first_byte[key.empty() ? 0 : static_cast<unsigned char>(key[0])];
    for (; candidates; candidates &= candidates - 1) {
      const int slot = __builtin_ctz(candidates);
      if (key == *sources[slot]) slots |= 1u << slot;
    }
    return slots;
  }

  Status Fill(simdjson::dom::object obj, Comment* out) {
    simdjson::dom::element values[kSlotCount];
    bool present[kSlotCount] = {};
    // One pass over the object instead of a lookup per field: Pushshift objects carry dozens
    // of keys.
    uint32_t repeated = 0;  // one bit per slot whose key came twice
    for (simdjson::dom::key_value_pair kv : obj) {
      for (uint32_t slots = SlotsNamed(kv.key); slots; slots &= slots - 1) {
        const int slot = __builtin_ctz(slots);
        if (present[slot]) repeated |= 1u << slot;
        values[slot] = kv.value;
        present[slot] = true;
      }
    }

    // id first, so every later error can still be echoed with the comment's id (unless
    // the id is one of the keys that came twice).
    if (present[kId] && !(repeated & (1u << kId))) {
      Status s = ReadId(values[kId], out);
      if (!s.ok()) return s;
    }
    if (repeated) {
      // JSON parsers disagree on which of two values counts (JavaScript and Python take
      // the last, others the first or refuse): scoring one while the platform shows the
      // other would let "text" twice smuggle abuse past the rules.
      return Status::InvalidArgument(Field(*sources[__builtin_ctz(repeated)]) +
                                     " given twice: JSON parsers differ on which value counts, so the "
                                     "comment is not scored; send each field once");
    }
    if (!present[kText]) {
      return Status::InvalidArgument("missing required field '" + map.text + "'");
    }
    if (values[kText].get_string().get(out->text) != simdjson::SUCCESS) {
      return WrongType(map.text, "a string", values[kText].type());
    }
    for (const OptionalString& s : kOptionalStrings) {
      if (!present[s.slot]) continue;
      Status st = ReadOptionalString(values[s.slot], *sources[s.slot], &(out->*s.field));
      if (!st.ok()) return st;
    }
    if (present[kTs]) {
      Status s = ReadTs(values[kTs], map.ts, map.ts_number_scale, &out->ts_ms);
      if (!s.ok()) return s;
    }
    if (present[kMeta] && !values[kMeta].is_null()) {
      simdjson::dom::object meta;
      if (values[kMeta].get_object().get(meta) != simdjson::SUCCESS) {
        return WrongType(map.meta, "an object", values[kMeta].type());
      }
      // The DOM does not keep source text, so meta is re-serialized, minified; this is what
      // simdjson::minify() does, minus its per-call std::string.
      meta_builder.clear();
      meta_builder.append(meta);
      out->meta_json = meta_builder.str();
    }
    return Status::Ok();
  }

  // The flat path: true when `line` was a flat object and *out is filled exactly as Fill
  // would fill it from simdjson's DOM. False leaves *out partly written and the line to
  // simdjson, which is also how every error gets simdjson's path and message.
  bool ReadFlat(std::string_view line, Comment* out) {
    if (!flat.Begin(line)) return false;
    FlatValue values[kSlotCount];
    bool present[kSlotCount] = {};
    std::string_view key;
    FlatValue value;
    while (flat.Next(&key, &value)) {
      for (uint32_t slots = SlotsNamed(key); slots; slots &= slots - 1) {
        const int slot = __builtin_ctz(slots);
        if (present[slot]) return false;  // a field given twice: Fill says why
        values[slot] = value;
        present[slot] = true;
      }
    }
    if (!flat.ok()) return false;
    using Kind = FlatValue::Kind;
    if (present[kId]) {
      const FlatValue& id = values[kId];
      if (id.kind == Kind::kString) {
        out->id = id.str;
        out->id_kind = IdKind::kString;
      } else if (id.kind == Kind::kInt) {
        const std::to_chars_result r = std::to_chars(id_buf, id_buf + sizeof id_buf, id.num);
        out->id = std::string_view(id_buf, static_cast<size_t>(r.ptr - id_buf));
        out->id_kind = IdKind::kNumber;
      } else if (id.kind != Kind::kNull) {
        return false;
      }
    }
    if (!present[kText] || values[kText].kind != Kind::kString) return false;
    out->text = values[kText].str;
    for (const OptionalString& s : kOptionalStrings) {
      if (!present[s.slot] || values[s.slot].kind == Kind::kNull) continue;
      if (values[s.slot].kind != Kind::kString) return false;
      out->*s.field = values[s.slot].str;
    }
    if (present[kTs]) {
      const FlatValue& ts = values[kTs];
      int64_t ms = 0;
      if (ts.kind == Kind::kInt) {
        if (!ScaleTs(ts.num, map.ts_number_scale, map.ts, &ms).ok()) return false;
        out->ts_ms = ms;
      } else if (ts.kind == Kind::kString) {
        if (std::optional<int64_t> parsed = ParseRfc3339Ms(ts.str)) {
          out->ts_ms = *parsed;
        } else if (int64_t v = 0; ParseIntegerString(ts.str, &v) &&
                                  ScaleTs(v, map.ts_number_scale, map.ts, &ms).ok()) {
          out->ts_ms = ms;
        } else {
          return false;
        }
      } else if (ts.kind != Kind::kNull) {
        return false;
      }
    }
    // A meta object is never flat; anything but null there is simdjson's to read or reject.
    return !present[kMeta] || values[kMeta].kind == Kind::kNull;
  }

  FieldMap map;
  Parsing parsing;
  FlatObjectReader flat;
  const std::string* sources[kSlotCount];
  // Per first byte of a field name (0 for the empty name): the slots whose name starts
  // with it, one bit a slot.
  uint32_t slots_by_first_byte[256] = {};
  simdjson::dom::parser parser;
  PaddedBuffer line_buf;
  simdjson::internal::string_builder<> meta_builder;
  char id_buf[32];  // longest to_chars output for int64/uint64/double is 24 bytes
};

CommentDecoder::CommentDecoder(FieldMap map, Parsing parsing)
    : impl_(std::make_unique<Impl>(std::move(map), parsing)) {}

CommentDecoder::~CommentDecoder() = default;

Status CommentDecoder::Decode(std::string_view line, uint64_t line_no, Comment* out, bool padded) {
  *out = Comment();
  out->line = line_no;
  // Exports from Windows tools often start each file (or line) with a UTF-8 byte-order
  // mark; it is not part of the JSON and not an error.
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.remove_prefix(3);
  if (std::all_of(line.begin(), line.end(), IsJsonWhitespace)) {
    return Status::InvalidArgument("empty line");
  }
  if (impl_->parsing == Parsing::kFlatFirst) {
    if (impl_->ReadFlat(line, out)) return Status::Ok();
    *out = Comment();
    out->line = line_no;
  }

  simdjson::dom::element root;
  simdjson::error_code err = simdjson::UNINITIALIZED;
  if (padded) err = impl_->Parse(line.data(), line.size(), &root);
  if (!padded || err == simdjson::UTF8_ERROR || err == simdjson::STRING_ERROR) {
    char* copy = impl_->line_buf.Reserve(line.size());
    std::memcpy(copy, line.data(), line.size());
    // The padding is never part of the document but is read by SIMD loads; zeroing it
    // keeps memory checkers quiet and costs one cache line.
    std::memset(copy + line.size(), 0, simdjson::SIMDJSON_PADDING);
    if (!padded) err = impl_->Parse(copy, line.size(), &root);
    if (err == simdjson::UTF8_ERROR) {
      // Invalid bytes are tolerated (SPEC §4): mask them in the copy, byte for byte, so
      // spans still index the text as it arrived, and parse again. Masking outside
      // strings cannot make bad JSON good, so the retry fails as it should.
      MaskInvalidUtf8(line, copy);
      err = impl_->Parse(copy, line.size(), &root);
    }
    // A lone surrogate escape is tolerated the same way, as U+FFFD (utf8_repair.h), as
    // the flat reader decodes it. Only the failed string's escapes can change.
    if (err == simdjson::STRING_ERROR && ReplaceLoneSurrogateEscapes(copy, line.size()) > 0) {
      err = impl_->Parse(copy, line.size(), &root);
    }
  }
  if (err != simdjson::SUCCESS) {
    if (err == simdjson::NUMBER_ERROR) {
      // Valid JSON can hold numbers no parser keeps exactly (a 24-digit id); simdjson's
      // "Problem while parsing a number" would blame the JSON for it.
      return Status::InvalidArgument(
          "a number that is malformed or out of range (integers beyond 64 bits, doubles beyond "
          "1.8e308): send such ids and values as strings");
    }
    return Status::InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(err));
  }

  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("expected a JSON object, got ") +
                                   TypeName(root.type()));
  }
  Status s = impl_->Fill(obj, out);
  if (!s.ok()) {
    // The contract leaves only line and id set on error; drop whatever else was read.
    Comment echo;
    echo.line = out->line;
    echo.id_kind = out->id_kind;
    echo.id = out->id;
    *out = echo;
  }
  return s;
}

}  // namespace decorum
