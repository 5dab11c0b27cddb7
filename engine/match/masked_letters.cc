#include "match/masked_letters.h"

#include <cstring>
#include <vector>

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

// Adds the masked forms of words[j] (normalized: no two equal letters side by side) to
// `letter_of`: alone, and within a phrase also with the word before it and the word after
// it ("r*pe her"), so that context settles a mask two words fit ("rape her", "go rope").
// A form already there is kept: the first word to claim a mask keeps it.
void AddWord(const std::vector<std::string_view>& words, size_t j,
             std::unordered_map<std::string, char>* letter_of) {
  const std::string_view word = words[j];
  if (word.size() < 3 || word.size() > kMaxWord || !AllLower(word)) return;
  const bool before = j > 0 && AllLower(words[j - 1]);
  const bool after = j + 1 < words.size() && AllLower(words[j + 1]);
  std::string key(word);
  for (size_t i = 1; i + 1 < word.size(); ++i) {
    key[i] = '*';
    letter_of->emplace(key, word[i]);
    if (before) letter_of->emplace(std::string(words[j - 1]) + ' ' + key, word[i]);
    if (after) letter_of->emplace(key + ' ' + std::string(words[j + 1]), word[i]);
    key[i] = word[i];
  }
}

}  // namespace

MaskedLetters MaskedLetters::Build(const RuleSet& set) {
  MaskedLetters m;
  Normalizer normalizer;
  NormalizedText scratch;
  std::vector<std::string_view> words;
  auto add_text = [&](std::string_view written) {
    if (!written.empty() && written.back() == '*') written.remove_suffix(1);  // a prefix word
    normalizer.Normalize(written, &scratch);
    words.clear();
    std::string_view t = scratch.text;
    while (!t.empty()) {
      const size_t space = t.find(' ');
      words.push_back(t.substr(0, space));
      if (space == std::string_view::npos) break;
      t.remove_prefix(space + 1);
    }
    for (size_t j = 0; j < words.size(); ++j) AddWord(words, j, &m.letter_of_);
  };
  // Words first: a mask a listed word fits is that word ("sh*t" is "shit", not the "shot"
  // of a phrase "shoot her").
  for (const Rule& rule : set.rules) {
    for (const PatternSpec& p : rule.match) {
      if (p.kind == PatternSpec::Kind::kWord) add_text(p.text);
    }
  }
  for (const Rule& rule : set.rules) {
    for (const PatternSpec& p : rule.match) {
      if (p.kind == PatternSpec::Kind::kPhrase) add_text(p.text);
    }
  }
  for (const Target& target : set.targets) {
    add_text(target.name);
    for (const std::string& alias : target.aliases) add_text(alias);
  }
  return m;
}

void MaskedLetters::Unmask(std::string_view original, NormalizedText* text) const {
  if (letter_of_.empty() || original.empty() ||
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
    // With the word after it, then the word before it, then alone: context first.
    const std::string_view word = std::string_view(s).substr(begin, end - begin);
    const size_t star = i - begin;
    auto lookup = [&](std::string_view before, std::string_view after) -> char {
      key.assign(before);
      if (!before.empty()) key += ' ';
      key += word;
      key[before.empty() ? star : before.size() + 1 + star] = '*';
      if (!after.empty()) {
        key += ' ';
        key += after;
      }
      const auto it = letter_of_.find(key);
      return it == letter_of_.end() ? 0 : it->second;
    };
    char letter = 0;
    if (end < s.size()) {  // s[end] == ' '
      size_t next = end + 1;
      while (next < s.size() && IsLower(s[next])) ++next;
      if (next > end + 1 && (next == s.size() || s[next] == ' ')) {
        letter = lookup({}, std::string_view(s).substr(end + 1, next - end - 1));
      }
    }
    if (!letter && begin > 0) {  // s[begin - 1] == ' '
      size_t prev = begin - 1;
      while (prev > 0 && IsLower(s[prev - 1])) --prev;
      if (prev < begin - 1 && (prev == 0 || s[prev - 1] == ' ')) {
        letter = lookup(std::string_view(s).substr(prev, begin - 1 - prev), {});
      }
    }
    if (!letter) letter = lookup({}, {});
    if (!letter) continue;
    s[i] = letter;
    text->runs[i] = 1;
  }
}

}  // namespace decorum
