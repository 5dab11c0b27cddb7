// PatternCompiler: turns a rule's words and phrases into Hyperscan expressions over the
// normalized text (regexes pass through untouched).
//
// Words and phrases are run through the same Normalizer as comments, so a rule written
// as "Con-Artist" matches what a comment's "c0n artist" normalizes to. Repeated letters
// are tolerated here, in the pattern, rather than collapsed in the text: a letter that
// occurs once matches one or more copies (`i+`), a run of k copies matches k or more
// (`s{2,}`), so "iiiidiot" hits `idiot` while "as" never hits `ass`.
//
// Thread safety: none (it owns a Normalizer); used while compiling a generation.
#pragma once

#include <string>

#include "decorum/status.h"
#include "normalize/normalizer.h"
#include "rules/rule_set.h"

namespace decorum {

class PatternCompiler {
 public:
  // Expression for a word or phrase pattern. A trailing '*' on a word matches any word
  // continuation. Fails when the pattern has no letter or digit left after normalization.
  Result<std::string> WordOrPhrase(const std::string& text, bool is_phrase);
  // Expression for a watchlist name or alias (a phrase) or handle ("@name", matched
  // exactly: a doubled letter in a handle is a different account).
  Result<std::string> TargetName(const std::string& text);
  Result<std::string> TargetHandle(const std::string& text);

 private:
  Result<std::string> Build(const std::string& text, bool phrase, bool tolerate_repeats);

  Normalizer normalizer_;
  NormalizedText scratch_;
};

}  // namespace decorum
