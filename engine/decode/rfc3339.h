// ParseRfc3339Ms: an RFC 3339 date-time ("2024-05-01T12:30:00.25+02:00") to epoch ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace decorum {

// Accepts exactly the RFC 3339 `date-time` production: YYYY-MM-DD, a 'T' (or 't', or the
// space RFC 3339 §5.6 allows as an application choice), hh:mm:ss, optional fractional
// seconds of any length, and 'Z'/'z' or a ±hh:mm offset. Fields are range-checked (a real
// day of that month, leap years included). A leap second (:60) is accepted and counts as
// the first millisecond after it, as epoch time has no leap seconds. Digits beyond the
// millisecond are truncated. Returns nullopt for anything else, surrounding whitespace
// included.
std::optional<int64_t> ParseRfc3339Ms(std::string_view s);

}  // namespace decorum
