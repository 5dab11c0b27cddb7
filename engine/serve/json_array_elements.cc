#include "serve/json_array_elements.h"

#include <cstddef>
#include <string>

namespace decorum::serve {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Status Malformed(size_t at, std::string_view what) {
  return Status::InvalidArgument("byte " + std::to_string(at) + ": " + std::string(what));
}

// Where the element being read stands, at the array's own level.
enum class Element {
  kNone,    // nothing yet since the last ',' (or the '[')
  kScalar,  // inside a bare value (a number, true, garbage): it ends at space, ',' or ']'
  kDone,    // a value ended: only space may come before the ',' or ']'
};

}  // namespace

Status SplitJsonArray(std::string_view body, std::vector<std::string_view>* elements) {
  elements->clear();
  size_t i = 0;
  while (i < body.size() && IsJsonSpace(body[i])) ++i;
  if (i == body.size() || body[i] != '[') return Malformed(i, "expected '[' to open the array");
  ++i;

  size_t depth = 0;            // nesting inside the current element
  size_t start = i;            // the current element's first byte, before trimming
  Element state = Element::kNone;
  bool saw_separator = false;  // a ',' has been read at the top level
  // Two values with no ',' between them would be read as one element, and the client
  // would get fewer records than it sent comments: the frame is refused instead.
  constexpr std::string_view kMissingComma = "expected ',' or ']' after an element";
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (depth == 0 && IsJsonSpace(c)) {
      if (state == Element::kScalar) state = Element::kDone;
      continue;
    }
    if (c == '"') {
      if (depth == 0 && state != Element::kNone) return Malformed(i, kMissingComma);
      // Skip the string: an escape takes the next byte whatever it is.
      for (++i; i < body.size() && body[i] != '"'; ++i) {
        if (body[i] == '\\') ++i;
      }
      if (i >= body.size()) return Malformed(body.size(), "a string is not closed");
      if (depth == 0) state = Element::kDone;
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth == 0 && state != Element::kNone) return Malformed(i, kMissingComma);
      ++depth;
      continue;
    }
    const bool closes = c == '}' || c == ']';
    if (depth > 0) {
      if (closes && --depth == 0) state = Element::kDone;
      continue;
    }
    if (c == '}') return Malformed(i, "expected ']' to close the array, found '}'");
    if (c == ',' || c == ']') {
      std::string_view element = body.substr(start, i - start);
      while (!element.empty() && IsJsonSpace(element.front())) element.remove_prefix(1);
      while (!element.empty() && IsJsonSpace(element.back())) element.remove_suffix(1);
      if (element.empty()) {
        // "[]" and "[ ]" are empty arrays; "[,", "[1,,2]" and "[1,]" lack an element.
        if (c == ']' && !saw_separator) break;
        return Malformed(i, "expected an element before '" + std::string(1, c) + "'");
      }
      elements->push_back(element);
      if (c == ']') break;
      saw_separator = true;
      start = i + 1;
      state = Element::kNone;
      continue;
    }
    // A byte of a bare value.
    if (state == Element::kDone) return Malformed(i, kMissingComma);
    state = Element::kScalar;
  }
  if (i >= body.size()) return Malformed(body.size(), "the array is not closed (expected ']')");
  for (++i; i < body.size(); ++i) {
    if (!IsJsonSpace(body[i])) return Malformed(i, "expected nothing after the array's closing ']'");
  }
  return Status::Ok();
}

}  // namespace decorum::serve
