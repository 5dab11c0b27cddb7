// decorum-gen-rules: writes a large, deterministic rule set for the rule-set scale
// benchmark (issue 5: 10,000 and 50,000 patterns).
//
// Vocabulary: words made of syllables drawn from a seeded PRNG, not from a system word
// list: /usr/share/dict differs between machines (or is missing), and real English words
// would make every comment hit hundreds of rules, which is not what a large moderation
// list looks like (many rare terms, few hits). Each word is 2-4 syllables, at least six
// letters, and unique. The mix follows what docs/rules.md allows and what large packs hold:
//   ~70% `words` (a tenth of them with a trailing `*`), half of them through `$lists`,
//   ~20% `phrases` of 2-3 words, ~5% `regex` (alternations, optional letters, bounded
//   gaps), ~5% `unless` phrases; a third of the rules are `about: any` with a `within`.
// Rules hold ~60 patterns each, 25 rules a file, under DIR (created if needed). The
// watchlist and policy are not written: bench/scale/run.sh copies the default pack next
// to them, so the set keeps the real targets and rules and adds the generated ones.
//
// Determinism: the same --patterns and --seed give the same files on every platform.
//
// Usage: decorum-gen-rules --patterns N --out DIR [--seed S] [--regex-percent P]
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "harness.h"

namespace decorum::bench {
namespace {

constexpr char kUsage[] =
    "usage: decorum-gen-rules --patterns N --out DIR [--seed S] [--regex-percent P]\n"
    "Writes a deterministic rule set of about N patterns (words, phrases, regexes, unless\n"
    "phrases; rules of ~60 patterns, 25 rules a file) as DIR/generated_NNNN.yaml.\n"
    "  --patterns N   patterns to write (default 10000)\n"
    "  --out DIR      output directory, created if missing\n"
    "  --seed S       PRNG seed (default 1)\n"
    "  --regex-percent P  share of regexes among the patterns, 0-50 (default 5)\n";

// splitmix64: enough for a vocabulary, and fully specified, unlike std:: distributions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }

 private:
  uint64_t s_;
};

constexpr const char* kOnsets[] = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t",
                                   "v", "z", "br", "dr", "gr", "kr", "pl", "st", "tr", "sk",
                                   "sh", "th", "ch", "kl", "vr", "zh"};
constexpr const char* kVowels[] = {"a", "e", "i", "o", "u", "ai", "ou", "ei", "y", "ua"};
constexpr const char* kCodas[] = {"", "", "", "n", "r", "s", "l", "k", "m", "x", "th", "nd"};
constexpr const char* kCategories[] = {"insult", "threat", "identity_attack", "sexual",
                                       "self_harm", "profanity", "doxxing", "spam", "other"};

class Vocabulary {
 public:
  explicit Vocabulary(uint64_t seed) : rng_(seed) {}

  // A new word, never returned before.
  std::string Word() {
    for (;;) {
      std::string w;
      const uint32_t syllables = 2 + rng_.Below(3);
      for (uint32_t s = 0; s < syllables; ++s) {
        w += kOnsets[rng_.Below(std::size(kOnsets))];
        w += kVowels[rng_.Below(std::size(kVowels))];
        w += kCodas[rng_.Below(std::size(kCodas))];
      }
      if (w.size() >= 6 && seen_.insert(w).second) return w;
    }
  }
  // A syllable, for regex pieces.
  std::string Syllable() {
    return std::string(kOnsets[rng_.Below(std::size(kOnsets))]) + kVowels[rng_.Below(std::size(kVowels))];
  }
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
  std::unordered_set<std::string> seen_;
};

std::string Regex(Vocabulary& v) {
  switch (v.rng().Below(4)) {
    case 0: return v.Syllable() + "(" + v.Syllable() + "|" + v.Syllable() + ")" + v.Syllable() + "n";
    case 1: return v.Word() + "[a-z]?" + v.Syllable() + "k";
    case 2: return "\\b" + v.Word() + "\\s?" + v.Syllable() + "(r|th)";
    default: return v.Syllable() + v.Syllable() + "[ -]{0,2}" + v.Word();
  }
}

// YAML list of plain words (letters and spaces only: no quoting needed).
void AppendList(const std::vector<std::string>& items, std::string* out) {
  *out += "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) *out += ", ";
    *out += items[i];
  }
  *out += "]";
}

int Main(int argc, char** argv) {
  const Args args(argc, argv, kUsage, {"--patterns", "--out", "--seed", "--regex-percent"});
  const uint64_t target = args.get_u64("--patterns", 10000);
  const std::string dir = args.get("--out");
  if (dir.empty()) args.Fail("--out is required");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) args.Fail("cannot create " + dir + ": " + ec.message());

  const uint64_t regex_percent = args.get_u64("--regex-percent", 5);
  if (regex_percent > 50) args.Fail("--regex-percent must be at most 50");
  Vocabulary vocab(args.get_u64("--seed", 1));
  uint64_t written = 0, rules = 0, words = 0, phrases = 0, regexes = 0, unlesses = 0;
  int file_no = 0;
  while (written < target) {
    std::string lists = "lists:\n", body = "rules:\n";
    for (int r = 0; r < 25 && written < target; ++r, ++rules) {
      const uint64_t budget = std::min<uint64_t>(60, target - written);
      // Shares of the rule's budget, in patterns.
      const uint64_t n_regex = budget >= 20 ? budget * regex_percent / 100 : 0;
      const uint64_t n_unless = budget >= 20 ? 3 : 0;
      const uint64_t n_phrase = budget * 20 / 100;
      const uint64_t n_word = budget - n_regex - n_unless - n_phrase;
      std::vector<std::string> listed, direct, phrase_items, unless_items, regex_items;
      for (uint64_t i = 0; i < n_word; ++i) {
        std::string w = vocab.Word();
        if (vocab.rng().Below(10) == 0) w += "*";
        (i % 2 ? listed : direct).push_back(std::move(w));
      }
      for (uint64_t i = 0; i < n_phrase; ++i) {
        std::string p = vocab.Word() + " " + vocab.Word();
        if (vocab.rng().Below(3) == 0) p += " " + vocab.Word();
        phrase_items.push_back(std::move(p));
      }
      for (uint64_t i = 0; i < n_unless; ++i) unless_items.push_back(vocab.Word() + " " + vocab.Word());
      for (uint64_t i = 0; i < n_regex; ++i) regex_items.push_back(Regex(vocab));

      char id[32];
      std::snprintf(id, sizeof id, "gen.r%06llu", static_cast<unsigned long long>(rules));
      const std::string list_name = std::string("gen_list_") + (id + 5);
      if (!listed.empty()) {
        lists += "  " + list_name + ": ";
        AppendList(listed, &lists);
        lists += "\n";
        direct.push_back("$" + list_name);
      }
      body += std::string("  - id: ") + id + "\n";
      body += std::string("    category: ") + kCategories[rules % std::size(kCategories)] + "\n";
      body += "    score: " + std::to_string(1 + rules % 3) + "\n";
      body += "    match:\n      words: ";
      AppendList(direct, &body);
      body += "\n";
      if (!phrase_items.empty()) {
        body += "      phrases: ";
        AppendList(phrase_items, &body);
        body += "\n";
      }
      if (!regex_items.empty()) {
        body += "      regex:\n";
        for (const auto& re : regex_items) body += "        - '" + re + "'\n";
      }
      if (!unless_items.empty()) {
        body += "    unless:\n      phrases: ";
        AppendList(unless_items, &body);
        body += "\n";
      }
      if (rules % 3 == 0) body += "    about: any\n    within: " + std::to_string(4 + rules % 6) + "\n";
      written += n_word + n_phrase + n_regex + n_unless;
      words += n_word;
      phrases += n_phrase;
      regexes += n_regex;
      unlesses += n_unless;
    }
    char name[64];
    std::snprintf(name, sizeof name, "/generated_%04d.yaml", file_no++);
    const std::string path = dir + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      std::fprintf(stderr, "decorum-gen-rules: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
      return 1;
    }
    const std::string text = "# Generated by decorum-gen-rules; do not edit.\n" + lists + body;
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) {
      std::fprintf(stderr, "decorum-gen-rules: write failed: %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("patterns=%llu rules=%llu files=%d words=%llu phrases=%llu regexes=%llu unless=%llu\n",
              static_cast<unsigned long long>(written), static_cast<unsigned long long>(rules), file_no,
              static_cast<unsigned long long>(words), static_cast<unsigned long long>(phrases),
              static_cast<unsigned long long>(regexes), static_cast<unsigned long long>(unlesses));
  return 0;
}

}  // namespace
}  // namespace decorum::bench

int main(int argc, char** argv) { return decorum::bench::Main(argc, argv); }
