#include "match/masked_letters.h"

#include <cstring>

namespace decorum {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// Longer words are not worth a key: no rule word is this long.
constexpr size_t kMaxWord = 40;

bool AllLower(std::string_view w) {
  for (char c : w) {
    if (!IsLower(c)) return false;
  }
  return true;
}

}  // namespace

MaskedLetters MaskedLetters::Build(const RuleSet& set) {
  MaskedLetters m;
  Normalizer normalizer;
  NormalizedText scratch;
  auto add_text = [&](std::string_view written) {
    if (!written.empty() && written.back() == '*') written.remove_suffix(1);  // a prefix word
    normalizer.Normalize(written, &scratch);
    const uint32_t pattern = static_cast<uint32_t>(m.patterns_.size());
    std::vector<std::string>& words = m.patterns_.emplace_back();
    size_t begin = 0;
    while (begin < scratch.text.size()) {
      size_t end = scratch.text.find(' ', begin);
      if (end == std::string::npos) end = scratch.text.size();
      const std::string_view word = std::string_view(scratch.text).substr(begin, end - begin);
      words.emplace_back(word);
      if (word.size() >= 3 && word.size() <= kMaxWord && AllLower(word)) {
        std::string key(word);
        for (size_t i = 1; i + 1 < word.size(); ++i) {
          if (scratch.runs[begin + i] != 1) continue;  // a doubled letter: not one star's worth
          key[i] = '*';
          m.candidates_[key].push_back(
              {word[i], pattern, static_cast<uint32_t>(words.size() - 1)});
          key[i] = word[i];
        }
      }
      begin = end + 1;
    }
  };
  for (const Rule& rule : set.rules) {
    for (const PatternSpec& p : rule.match) {
      if (p.kind != PatternSpec::Kind::kRegex) add_text(p.text);
    }
  }
  for (const Target& target : set.targets) {
    add_text(target.name);
    for (const std::string& alias : target.aliases) add_text(alias);
  }
  return m;
}

bool MaskedLetters::InContext(const std::string& s, size_t begin, size_t end,
                              const Candidate& c) const {
  const std::vector<std::string>& words = patterns_[c.pattern];
  // The words before, right to left.
  size_t at = begin;
  for (size_t k = c.word; k-- > 0;) {
    if (at < 2 || s[at - 1] != ' ') return false;
    const size_t word_end = at - 1;
    size_t word_begin = word_end;
    while (word_begin > 0 && s[word_begin - 1] != ' ') --word_begin;
    if (std::string_view(s).substr(word_begin, word_end - word_begin) != words[k]) return false;
    at = word_begin;
  }
  // The words after, left to right.
  at = end;
  for (size_t k = c.word + 1; k < words.size(); ++k) {
    if (at + 1 >= s.size() || s[at] != ' ') return false;
    const size_t word_begin = at + 1;
    size_t word_end = word_begin;
    while (word_end < s.size() && s[word_end] != ' ') ++word_end;
    if (std::string_view(s).substr(word_begin, word_end - word_begin) != words[k]) return false;
    at = word_end;
  }
  return true;
}

void MaskedLetters::Unmask(std::string_view original, NormalizedText* text) const {
  if (candidates_.empty() || original.empty() ||
      std::memchr(original.data(), '*', original.size()) == nullptr) {
    return;
  }
  std::string& s = text->text;
  std::string key;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    // A word break that stands for exactly one '*', between two letters.
    if (s[i] != ' ' || !IsLower(s[i - 1]) || !IsLower(s[i + 1])) continue;
    const uint32_t source = text->orig_begin[i];
    if (text->orig_end[i] != source + 1 || original[source] != '*') continue;
    // The word around it: letters only, from one word break (or an end) to the next.
    size_t begin = i - 1;
    while (begin > 0 && IsLower(s[begin - 1])) --begin;
    if (begin > 0 && s[begin - 1] != ' ') continue;
    size_t end = i + 2;
    while (end < s.size() && IsLower(s[end])) ++end;
    if (end < s.size() && s[end] != ' ') continue;
    if (end - begin > kMaxWord) continue;
    key.assign(s, begin, end - begin);
    key[i - begin] = '*';
    const auto it = candidates_.find(key);
    if (it == candidates_.end()) continue;
    // Every candidate whose pattern is there around the word must agree on the letter.
    char letter = 0;
    bool agree = true;
    for (const Candidate& c : it->second) {
      if (!InContext(s, begin, end, c)) continue;
      if (letter == 0) letter = c.letter;
      agree &= c.letter == letter;
    }
    if (letter == 0 || !agree) continue;
    s[i] = letter;
    text->runs[i] = 1;
  }
}

}  // namespace decorum
