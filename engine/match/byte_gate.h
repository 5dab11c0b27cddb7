// Byte gates: bytes every match of a regex contains, so that a text without them cannot
// match it and need not be scanned for it.
//
// Why: the regexes of the default pack that look for phone numbers, street addresses,
// durations and sums ("\b\d{3} ?\d{3} ?\d{4}\b") cost Hyperscan a quarter of its scan
// time (bench/ceiling: bare scan 1.9M comments/s with them, 2.5M without), yet most
// comments hold no digit at all (88% of the bench corpus), and in the normalized text
// fewer still: leet digits inside words are decoded to letters. The Generation puts such
// regexes in a database of their own that the Scanner scans only over text with a digit.
// Likewise the raw space's e-mail regex needs an '@', which 9% of comments hold: when
// every expression of a screen needs one byte, the Scanner skips the screen over text
// without it (2.5% of the pipeline's instructions on the default pack).
//
// The answer must never be a false "yes" (that would lose matches); a false "no" only
// costs speed. So the analysis is deliberately small: it reads the expression's top
// level — outside every group and class — and counts there a `\d` or a literal digit,
// and any other literal byte that is not a letter, not made optional by its quantifier
// (`?`, `*`, `{0,n}`), with no top-level alternation. Letters are never counted: regexes
// compile caseless, so a required 'a' may be an 'A'. Anything it does not fully
// understand (option settings `(?i)`, control verbs `(*UCP)`, `\Q..\E`, unusual escapes,
// a NUL, unbalanced syntax) answers "nothing needed".
#pragma once

#include <bitset>
#include <cstddef>
#include <string_view>

namespace decorum {

// What every match of a regex is known to contain.
struct RegexNeeds {
  bool digit = false;      // an ASCII digit ('0'..'9', what `\d` matches without UCP)
  std::bitset<128> bytes;  // each of these ASCII bytes (never a letter; digits only literal)
};

RegexNeeds AnalyzeRegex(std::string_view expression);
inline bool RegexNeedsDigit(std::string_view expression) { return AnalyzeRegex(expression).digit; }

// Whether data[0, size) holds a byte '0'..'9' (what `\d` matches without Unicode
// properties): the check that decides whether the digit database is scanned.
bool HasAsciiDigit(const char* data, size_t size);

// Of `needs` (what every expression of a database needs), the byte whose absence lets
// the most texts skip the database: the rarest in comments, by a fixed ranking ('@'
// first, '.' and ' ' last). -1 when `needs` is empty.
int GateByte(const std::bitset<128>& needs);

}  // namespace decorum
