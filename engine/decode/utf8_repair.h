// MaskInvalidUtf8: makes arbitrary bytes valid UTF-8 without moving any byte.
//
// Every byte that is not part of a well-formed sequence (Unicode 15, §3.9, Table 3-7) is
// replaced by '?', one for one.
// Keeping the length is the point: a comment's spans are byte offsets into the text as it
// arrived (SPEC §5), and a three-byte U+FFFD per bad byte would shift every span after it.
// The mask only lets the JSON parser accept the line; the normalizer treats '?' as a
// separator, exactly as it treats a stray invalid byte. Valid input comes out unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace decorum {

// Writes the masked form of `in` to `out` (in.size() bytes). Returns the number of bytes
// that were masked. REQUIRES: `out` has room for in.size() bytes; it may equal in.data().
size_t MaskInvalidUtf8(std::string_view in, char* out);

// Convenience form that allocates; for callers off the hot path.
std::string MaskInvalidUtf8(std::string_view in);

// The JSON counterpart: a \u escape of a lone UTF-16 surrogate (a high one not followed
// by a low one's escape, or a low one alone) names no character, and JSON parsers refuse
// the string. Dumps hold them (Reddit's, where an emoji's pair was cut), and a comment
// must not escape moderation by carrying one. Each such escape in `data` is rewritten in
// place as "\ufffd" (same six bytes; it decodes to U+FFFD). Every backslash in valid
// JSON begins an escape inside a string, so escapes are found by a plain scan.
// Returns the number rewritten.
size_t ReplaceLoneSurrogateEscapes(char* data, size_t size);

// The value of the four hex digits of a \u escape at p (at least 4 bytes readable), or -1.
// Shared by the rewrite above and the flat reader (flat_object.cc).
int32_t JsonHex4(const char* p);

}  // namespace decorum
