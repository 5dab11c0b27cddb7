// SplitJsonArray: the top-level elements of a JSON array body, as byte ranges of the body,
// found without parsing the elements.
//
// Why not a JSON parser: parsing the whole array refuses all of it for one element's
// defect (a byte of invalid UTF-8, an id beyond 64 bits), so one bad comment in a batch of
// a hundred cost the other ninety-nine their decisions, on every retry. A stream answers
// only the bad line with an error record; splitting first lets each element be decoded on
// its own bytes, exactly like a line (repaired UTF-8, the id echoed as on a stream, an error
// record for that element alone).
//
// What is checked here is the array's frame only: it opens with '[', its strings close
// (escapes honoured, so a ',' or ']' inside a string is not a separator), its brackets
// nest back to the closing ']', each element is one value (a string, a bracketed value or
// one bare run such as a number) with a single comma between two of them and none empty,
// and nothing but JSON whitespace follows. Whether a value is valid JSON — and inside an
// element, a '}' that closes a '[' — is left for the decoder to report on that element.
//
// Thread safety: a pure function.
#pragma once

#include <string_view>
#include <vector>

#include "decorum/status.h"

namespace decorum::serve {

// On success *elements holds every element, outer JSON whitespace trimmed, in order (an
// empty array gives none). On failure (InvalidArgument naming the byte offset and what
// was expected) *elements is unspecified.
Status SplitJsonArray(std::string_view body, std::vector<std::string_view>* elements);

}  // namespace decorum::serve
