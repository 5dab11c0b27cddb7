// Utf8Prefix: the longest prefix of a UTF-8 string that fits a byte budget without
// cutting a character in half — for echoing names from input or configuration (authors,
// keys) in messages, where a pasted blob must not become a kilobyte-long line.
#pragma once

#include <cstddef>
#include <string_view>

namespace decorum::plugins {

// `s` itself when it fits in `max_bytes`, else its longest prefix of at most `max_bytes`
// bytes that ends on a character boundary. The view points into `s`.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

}  // namespace decorum::plugins
