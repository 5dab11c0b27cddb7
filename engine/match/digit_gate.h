// RegexNeedsDigit: whether every match of a regex contains an ASCII digit, so that a
// text without one cannot match it and need not be scanned for it.
//
// Why: the regexes of the default pack that look for phone numbers, street addresses,
// durations and sums ("\b\d{3} ?\d{3} ?\d{4}\b") cost Hyperscan a quarter of its scan
// time (bench/ceiling: bare scan 1.9M comments/s with them, 2.5M without), yet most
// comments hold no digit at all (88% of the bench corpus), and in the normalized text
// fewer still: leet digits inside words are decoded to letters. The Generation puts such
// regexes in a database of their own that the Scanner scans only over text with a digit.
//
// The answer must never be a false "yes" (that would lose matches); a false "no" only
// costs speed. So the analysis is deliberately small: it reads the expression's top
// level — outside every group and class — and answers yes when it finds there a `\d` or
// a literal digit that is not made optional by its quantifier (`?`, `*`, `{0,n}`), with
// no top-level alternation. Anything it does not fully understand (option settings
// `(?i)`, control verbs `(*UCP)`, `\Q..\E`, unusual escapes, a NUL, unbalanced syntax)
// answers no.
#pragma once

#include <cstddef>
#include <string_view>

namespace decorum {

bool RegexNeedsDigit(std::string_view expression);

// Whether data[0, size) holds a byte '0'..'9' (what `\d` matches without Unicode
// properties): the check that decides whether the digit database is scanned.
bool HasAsciiDigit(const char* data, size_t size);

}  // namespace decorum
