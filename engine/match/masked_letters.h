// MaskedLetters: fills in a letter masked with '*' ("b*tch", "k*ll her", "D*lvey") when
// the word it leaves is one the rule set knows.
//
// Why here and not in the Normalizer: a '*' could stand for any letter, so the text alone
// cannot say which; the rule set's own words can. The normalizer turns the '*' into a word
// break like any symbol ("b tch"); Unmask() then looks at every such break that stands for
// exactly one '*' between two letters, and when the word around it, with the '*' back in
// place, is a word of a rule's words or phrases or of a watched name with one letter
// masked, writes that letter there. The rewrite is in place and one byte for one byte,
// so the offset map still points at the '*' and a span covers "b*tch" as written.
//
// What it does not do: a mask of several stars ("f**k", "n****r": one star per letter is
// not a given), a masked first or last letter ("*itch"), a masked letter that doubles its
// neighbour ("ki*l"), a word holding digits or non-ASCII letters. A comment without '*'
// costs one memchr.
//
// When two known words fit one mask ("sh*t": "shit", or "shot" from "shoot her"), the one
// a rule's `words` list holds wins over phrases and names, then the first in rule order.
//
// Thread safety: immutable after Build(); Unmask() only writes the caller's text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "normalize/normalizer.h"
#include "rules/rule_set.h"

namespace decorum {

class MaskedLetters {
 public:
  // Every maskable word of `set`: the ASCII words of its rules' `words` and `phrases`
  // (match side only: an exception is not worth guessing a letter for) and of its
  // targets' names and aliases, normalized, at least 3 letters long.
  static MaskedLetters Build(const RuleSet& set);

  // Fills in the masked letters of `text`, normalized from `original` (see above).
  void Unmask(std::string_view original, NormalizedText* text) const;

  // How many masked forms are known (a word of n letters gives up to n - 2).
  size_t size() const { return letter_of_.size(); }

 private:
  // "b*tch" -> 'i'.
  std::unordered_map<std::string, char> letter_of_;
};

}  // namespace decorum
