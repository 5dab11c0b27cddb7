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
// Which word: a mask may fit several ("sh*t": "shit", and "shot" of a phrase "should get
// shot"; "k*s": "kys" and "kms"). A word of a phrase or a name is a candidate only where
// the rest of that phrase is there around it ("r*pe her" fits "rape her", not "go rope");
// a listed word always is. The letter is filled in only when every candidate left agrees
// on it: a guess between two words is never made, so a fill can only be a word the
// comment spells with one letter hidden. A letter that stands for a doubled one in the
// word ("shoot" is "shot" with o twice) is no candidate: one star hides one letter.
//
// What it does not do: a mask of several stars ("f**k", "n****r"), a masked first or last
// letter ("*itch"), a word holding a digit after leet decoding or a byte that folds to no
// ASCII letter, and "a f*g": the normalizer has already joined the spaced-out letters
// "a f g" into one word. A comment without '*' costs one memchr.
//
// Thread safety: immutable after Build(); Unmask() only writes the caller's text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
  size_t size() const { return candidates_.size(); }

 private:
  // A word that fits a mask: its letter there, and where it stands in which pattern.
  struct Candidate {
    char letter;
    uint32_t pattern;  // index into patterns_
    uint32_t word;     // its position among that pattern's words
  };
  // Whether the words around [begin, end) of `s` are the other words of `c`'s pattern.
  bool InContext(const std::string& s, size_t begin, size_t end, const Candidate& c) const;

  // Each word, phrase, name or alias: its normalized words.
  std::vector<std::vector<std::string>> patterns_;
  // "b*tch" -> the words that fit it.
  std::unordered_map<std::string, std::vector<Candidate>> candidates_;
};

}  // namespace decorum
