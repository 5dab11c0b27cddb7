// Comment: one decoded input record (SPEC §4).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace decorum {

// How the `id` field was given, so a decision can echo it in the same JSON type.
enum class IdKind : uint8_t {
  kAbsent,  // no id: batch uses the line number, the daemon a per-connection sequence
  kString,  // id is the unescaped string value
  kNumber,  // id is a JSON number: an integer exactly as written ("42"), any other number
            // in its shortest round-trip form ("1.5e3" -> "1500"), ready to echo unquoted
};

// All views point into storage owned by the CommentDecoder that produced the comment
// and stay valid until that decoder's next Decode() call.
struct Comment {
  std::string_view text;      // the comment body, valid UTF-8; each invalid input byte
                              // became '?', so offsets match the original bytes
  IdKind id_kind = IdKind::kAbsent;
  std::string_view id;        // see IdKind
  std::string_view author;    // empty when absent
  std::string_view thread;    // empty when absent
  std::string_view parent;    // empty when absent
  std::string_view lang;      // empty when absent
  std::optional<int64_t> ts_ms;  // event time, epoch milliseconds
  std::string_view meta_json; // the `meta` object's JSON text, untouched; empty when absent
  uint64_t line = 0;          // 1-based input line number
};

}  // namespace decorum
