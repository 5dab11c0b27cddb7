// Fuzz target: Normalizer::Normalize on arbitrary bytes, with the offset-map invariant of
// normalizer.h checked on every output: the four per-byte arrays have one entry per
// normalized byte; every source range [orig_begin, orig_end) is non-empty, inside the
// original, and starts and ends on UTF-8 code point boundaries; orig_begin never goes
// down; runs are 1..255. The text's documented shape is checked too: words separated by
// single spaces with none at either end, ASCII limited to [a-z0-9@ ] (other symbols are
// separators or decoded leet), and runs of a letter collapsed (only a letter carries a
// run above 1, and no letter follows itself), and a text with a digit never says it has
// none (NormalizedText::may_have_digit). The result must also be the one the general
// path gives for the same text (see below). Then MaskedLetters::Unmask (a fixed small
// dictionary) may only turn a ' ' that stands for one '*' into a letter, never move a
// source, and leave no letter beside a copy of itself. A violation aborts, so libFuzzer
// saves the input.
//
// Input bytes are used as they are: the normalizer promises to accept any byte sequence
// (a stray invalid byte is its own one-byte source, the only source that may start on a
// continuation byte).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "match/masked_letters.h"
#include "normalize/normalizer.h"
#include "rules/rule_set.h"

namespace {

[[noreturn]] void Fail(const char* what, size_t i, const decorum::NormalizedText& n) {
  std::fprintf(stderr, "normalizer invariant violated at normalized byte %zu: %s\n", i, what);
  if (i < n.orig_begin.size() && i < n.orig_end.size()) {
    std::fprintf(stderr, "  orig_begin=%u orig_end=%u\n", n.orig_begin[i], n.orig_end[i]);
  }
  std::abort();
}

// The start of every code point as the normalizer decodes it: well-formed sequences
// (Unicode §3.9) are one code point, every other byte is one invalid byte on its own.
// Written out here, not borrowed from engine/normalize/utf8.h, so the check is
// independent of the code under test. boundary[i] is true when a source may begin or end
// at byte i.
std::vector<bool> Boundaries(std::string_view s) {
  std::vector<bool> boundary(s.size() + 1, false);
  size_t i = 0;
  while (i < s.size()) {
    boundary[i] = true;
    const unsigned char b = static_cast<unsigned char>(s[i]);
    size_t n = 1;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    }
    bool ok = n == 1 || s.size() - i >= n;
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char c = static_cast<unsigned char>(s[i + k]);
      ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
    }
    i += ok ? n : 1;
  }
  boundary[s.size()] = true;
  return boundary;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // One normalizer for the whole run, as a worker thread keeps one: its per-code-point
  // cache and buffers carry over from input to input.
  static decorum::Normalizer* const normalizer = new decorum::Normalizer();
  static decorum::NormalizedText* const out = new decorum::NormalizedText();

  const std::string_view original(reinterpret_cast<const char*>(data), size);
  normalizer->Normalize(original, out);
  const decorum::NormalizedText& n = *out;

  const size_t len = n.text.size();
  if (n.orig_begin.size() != len || n.orig_end.size() != len || n.runs.size() != len) {
    std::fprintf(stderr, "sizes differ: text %zu orig_begin %zu orig_end %zu runs %zu\n", len,
                 n.orig_begin.size(), n.orig_end.size(), n.runs.size());
    std::abort();
  }
  const std::vector<bool> boundary = Boundaries(original);
  for (size_t i = 0; i < len; ++i) {
    const uint32_t b = n.orig_begin[i];
    const uint32_t e = n.orig_end[i];
    if (!(b < e)) Fail("orig_begin >= orig_end", i, n);
    if (e > size) Fail("orig_end past the original", i, n);
    if (!boundary[b]) Fail("orig_begin inside a code point", i, n);
    if (!boundary[e]) Fail("orig_end inside a code point", i, n);
    if (i > 0 && b < n.orig_begin[i - 1]) Fail("orig_begin decreases", i, n);
    if (n.runs[i] == 0) Fail("runs is 0", i, n);

    const unsigned char c = static_cast<unsigned char>(n.text[i]);
    const bool letter = c >= 'a' && c <= 'z';
    if (c < 0x80 && !letter && !(c >= '0' && c <= '9') && c != '@' && c != ' ') {
      Fail("ASCII byte other than [a-z0-9@ ] in the text", i, n);
    }
    if (c == ' ' && (i == 0 || i + 1 == len || n.text[i - 1] == ' ')) {
      Fail("space at an end of the text or after another space", i, n);
    }
    if (n.runs[i] > 1 && !letter) Fail("run length above 1 on a non-letter", i, n);
    // The Scanner skips the digit database on the strength of this flag.
    if (c >= '0' && c <= '9' && !n.may_have_digit) Fail("a digit in a text said to hold none", i, n);
    if (letter && i > 0 && n.text[i - 1] == n.text[i]) Fail("run of a letter not collapsed", i, n);
  }

  // The one-pass paths against the general one (normalizer.cc): "\n\na b c" after any text
  // sends it down the general path, and only adds "abc" and its joined word, so up to there
  // both results must be the same.
  static decorum::NormalizedText* const general = new decorum::NormalizedText();
  std::string joined_tail(original);
  joined_tail += "\n\na b c";
  normalizer->Normalize(joined_tail, general);
  const std::string tail = len == 0 ? "abc" : " abc";
  if (general->text != n.text + tail) {
    std::fprintf(stderr, "one pass and general path differ: \"%s\" vs \"%s\"\n", n.text.c_str(),
                 general->text.c_str());
    std::abort();
  }
  for (size_t i = 0; i < len; ++i) {
    if (general->orig_begin[i] != n.orig_begin[i] || general->orig_end[i] != n.orig_end[i] ||
        general->runs[i] != n.runs[i]) {
      Fail("one pass and general path map it differently", i, n);
    }
  }
  if (general->joined.size() != n.joined.size() + 1 ||
      !std::equal(n.joined.begin(), n.joined.end(), general->joined.begin())) {
    std::fprintf(stderr, "one pass and general path join different words\n");
    std::abort();
  }

  static const decorum::MaskedLetters* const masked = [] {
    decorum::RuleSet set;
    decorum::Rule rule;
    for (const char* w : {"bitch", "idiot", "fagot*", "shit"}) {
      rule.match.push_back({decorum::PatternSpec::Kind::kWord, w, {}});
    }
    for (const char* p : {"rape her", "go rope", "kill her", "shoot him"}) {
      rule.match.push_back({decorum::PatternSpec::Kind::kPhrase, p, {}});
    }
    set.rules.push_back(rule);
    decorum::Target target;
    target.name = "Anna Delvey";
    set.targets.push_back(target);
    return new decorum::MaskedLetters(decorum::MaskedLetters::Build(set));
  }();
  static decorum::NormalizedText* const unmasked = new decorum::NormalizedText();
  *unmasked = n;
  masked->Unmask(original, unmasked);
  const decorum::NormalizedText& u = *unmasked;
  if (u.text.size() != len || u.runs.size() != len || u.orig_begin != n.orig_begin ||
      u.orig_end != n.orig_end || u.joined != n.joined) {
    std::fprintf(stderr, "Unmask changed more than letters\n");
    std::abort();
  }
  for (size_t i = 0; i < len; ++i) {
    if (u.text[i] == n.text[i]) {
      if (u.runs[i] != n.runs[i]) Fail("Unmask changed a run it did not fill", i, u);
      continue;
    }
    if (n.text[i] != ' ' || u.text[i] < 'a' || u.text[i] > 'z' || u.runs[i] != 1 ||
        n.orig_end[i] != n.orig_begin[i] + 1 || original[n.orig_begin[i]] != '*') {
      Fail("Unmask filled something other than a single star", i, u);
    }
    if (u.text[i - 1] == u.text[i] || u.text[i + 1] == u.text[i]) Fail("Unmask doubled a letter", i, u);
  }
  return 0;
}
