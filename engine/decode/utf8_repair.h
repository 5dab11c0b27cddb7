// RepairUtf8: makes arbitrary bytes valid UTF-8 by replacing each ill-formed sequence with
// U+FFFD (EF BF BD).
//
// Replacement follows the Unicode "maximal subpart" practice (Unicode 15, §3.9, U+FFFD
// substitution): one U+FFFD for each maximal prefix of a well-formed sequence that cannot be
// completed, and one for each byte that can start nothing. This is what browsers, ICU and
// Python's errors="replace" do, so offsets in repaired text match what other tools show.
// Valid input comes out byte-identical.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace decorum {

// The largest output RepairUtf8 can produce for `in_size` input bytes: every byte becomes a
// three-byte U+FFFD in the worst case.
constexpr size_t MaxRepairedUtf8Size(size_t in_size) { return in_size * 3; }

// Writes the repaired form of `in` to `out` and returns the number of bytes written.
// REQUIRES: `out` has room for MaxRepairedUtf8Size(in.size()) bytes and does not overlap `in`.
size_t RepairUtf8(std::string_view in, char* out);

// Convenience form that allocates; for callers off the hot path.
std::string RepairUtf8(std::string_view in);

}  // namespace decorum
