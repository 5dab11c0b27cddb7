// Appending JSON tokens to a string buffer: the output side of NDJSON.
//
// Hand-written rather than a DOM because decisions are written once per comment on the
// hot path: appending into a reused buffer allocates nothing once it has grown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace decorum {

// Appends `s` as a quoted JSON string. Control characters, '"' and '\\' are escaped;
// bytes that are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
void AppendJsonString(std::string* out, std::string_view s);

// Appends a number rounded to 3 decimals, shortest form ("3", "7.5", "0.333").
void AppendJsonNumber(std::string* out, double v);

void AppendJsonUint(std::string* out, uint64_t v);

}  // namespace decorum
