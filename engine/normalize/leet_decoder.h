// DecodeLeet: the word-level pass of normalization (step 3 of normalizer.h) over folded text
// (ASCII plus the UTF-8 of CodepointFolder's results). It writes one byte per input byte,
// so the offset map is untouched.
//
// ASCII capitals are lowercased first; this lets the all-ASCII path skip a separate
// lowercasing pass. A word is then a maximal run of [a-z0-9@$!|] and non-ASCII bytes. In a word that holds a
// letter (a-z or non-ASCII):
//   digits  0->o 1->i 3->e 4->a 5->s 7->t 8->b 9->g  (2 and 6 stay digits)
//   $       -> s
//   ! |     -> i when both neighbours in the word are letters, digits, '$' or non-ASCII
//              ("b!tch", but not the '!' of "idiot!!!" or of "wow!!!cool")
//   @       -> a under the same condition ("b@stard").
// In any word, '@' as the first character followed by a letter, digit or non-ASCII byte is
// kept: a handle ("@annadelvey"). Every other '$', '!', '|' or '@' is a separator.
// Separators: every byte that is not a word byte becomes ' ', except line breaks (\n \r
// \v \f), which become '\n' so that spaced-letter joining can see them.
//
// Afterwards every byte is one of [a-z0-9@], a non-ASCII byte, ' ' or '\n'.
#pragma once

#include <cstddef>

namespace decorum {

// Writes the decoded form of in[0, size) to out[0, size). `in` and `out` may be the same
// buffer (in-place), but must not otherwise overlap. Returns whether out holds an ASCII
// digit (one in a word without a letter, or a 2 or 6): the Scanner skips the databases
// that need a digit for text without one, and this saves it a pass to find out.
bool DecodeLeet(const char* in, size_t size, char* out);

// DecodeLeet for text not yet known to be ASCII, the Normalizer's fast path: the same
// decoding, except that it stops at the first byte >= 0x80 and returns false (out and
// *has_digit then unspecified; such text needs folding first). Returns true when in is all
// ASCII, with *has_digit as DecodeLeet's result. Checking while decoding saves a separate
// pass over every ASCII comment; a comment that is not ASCII is decoded up to its first
// non-ASCII byte for nothing.
bool DecodeLeetIfAscii(const char* in, size_t size, char* out, bool* has_digit);

// The letter a leet digit stands for ('0' -> 'o'); any other byte is returned unchanged.
char LeetLetterForDigit(char c);

}  // namespace decorum
