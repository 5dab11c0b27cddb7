// Writing a JSON string literal. The plugin cannot link the engine's JSON writer (a plugin
// is its own shared library), and one function does not justify a JSON library.
#pragma once

#include <string>
#include <string_view>

namespace decorum::escalate {

// Appends `s` to *out as a quoted JSON string. '"', '\\' and control characters are
// escaped; bytes that are not valid UTF-8 become U+FFFD, so the result is always valid
// JSON whatever the engine handed over.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace decorum::escalate
