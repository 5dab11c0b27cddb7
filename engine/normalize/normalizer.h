// Normalizer: folds a comment's text into the form rules are matched against, keeping a
// map from every normalized byte back to the original bytes it came from (SPEC §7).
//
// The steps, in order (docs/rules.md "How text is matched" is the user-facing version):
//  1. Decode UTF-8. (Input is valid UTF-8 — the decoder repairs it — but a stray invalid
//     byte is still treated as one separator character, never a crash.)
//  2. Per code point: ASCII letters are lowercased. A non-ASCII code point goes through
//     ICU NFKC_Casefold (compatibility + case folding; drops default-ignorables such as
//     zero-width joiners and other format characters), then ICU's confusable skeleton
//     (uspoof_getSkeleton: Cyrillic і -> i), then combining marks are dropped (é -> e)
//     and the result is lowercased again. ASCII that NFKC_Casefold produces (fullwidth
//     ０ -> 0) is not skeletonized, and a non-ASCII code point that is not a letter,
//     number or spacing mark (punctuation, symbols, emoji, spaces) becomes a separator.
//     Results are cached per code point (codepoint_folder.h).
//  3. Word-level: a "word" is a maximal run of [a-z0-9@$!|] and non-ASCII bytes. In a
//     word that holds at least one letter (a-z or non-ASCII), leet is decoded:
//     0->o 1->i 3->e 4->a 5->s 7->t 8->b 9->g, $->s; ! and | -> i only between two word
//     characters; @ -> a except as the first character of a word followed by another
//     word character (a handle, kept as '@'). Symbols left undecoded are separators.
//     "Between two word characters" means both neighbours are letters, digits or '$', so
//     "idiot!!!" keeps no 'i' (leet_decoder.h has the exact rules).
//  4. Every run of separator characters becomes one ' '. Leading and trailing separators
//     are dropped.
//  5. Spaced-out letters: three or more consecutive one-character words whose separators
//     are each at most 3 characters long and contain no newline are joined into one word
//     ("i d i o t", "i.d.i.o.t" -> "idiot"). A one-character word is one code point; a
//     run is joined only when it holds a letter, and then its digits are read as leet
//     ("1 d 1 o t" -> "idiot"; "5 5 5" stays).
//  6. Repeated letters: every run of one letter a-z collapses to a single byte whose
//     source range covers the whole run, and `runs` keeps the run's length ("iiiidiot"
//     -> "idiot", "kill" -> "kil" with runs 1,1,2). Matching on the collapsed text lets
//     every word be a plain literal; the run lengths let a pattern that needs a doubled
//     letter (`kill`, `ass`) insist on it (pattern_compiler.h).
//
// Offsets: every byte a code point folds to maps to that whole code point (ﬁ -> "fi": both
// bytes map to the three bytes of ﬁ); the ' ' standing for a run of separators maps to the
// whole run; dropped code points (zero-width characters) map to nothing, but a span around
// them covers them, since ToOriginal takes the first byte's begin and the last byte's end.
// A stray invalid byte is its own one-byte source, so it is the one kind of source that
// may start with a continuation byte.
//
// Fast path: a comment that is entirely ASCII never touches ICU (the leet decoder checks
// for that as it goes: DecodeLeetIfAscii).
//
// Thread safety: none; each worker thread owns one Normalizer (it holds the buffers and
// the per-code-point cache). After warm-up, Normalize() does not allocate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "normalize/default_init_allocator.h"

namespace decorum {

// The normalized text and its offset map.
// Invariant: text.size() == orig_begin.size() == orig_end.size() == runs.size(); for every i,
// orig_begin[i] < orig_end[i] <= original size, and both lie on UTF-8 code point
// boundaries of the original; orig_begin is non-decreasing.
// The offset maps' and the run lengths' types: resize() leaves new elements unset
// (default_init_allocator.h); the assembling steps write every element they keep.
using OffsetMap = std::vector<uint32_t, DefaultInitAllocator<uint32_t>>;
using RunLengths = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

struct NormalizedText {
  std::string text;                  // lowercase; words separated by single spaces
  OffsetMap orig_begin;              // per normalized byte: start of its source in the original
  OffsetMap orig_end;                // per normalized byte: end of its source in the original
  RunLengths runs;                   // per normalized byte: copies collapsed into it (1..255)
  // Words that step 5 joined from spaced-out letters, as [begin, end) in `text`. Their
  // first letter may have been a word of its own ("a l o s e r" -> "aloser"); the
  // Scanner looks inside them for that reason.
  std::vector<std::pair<uint32_t, uint32_t>> joined;
  // False only when text holds no ASCII digit: the Scanner then skips the databases that
  // need one without looking (Normalize learns it while decoding leet). True is always
  // safe.
  bool may_have_digit = true;

  // Maps a normalized span [b, e) (REQUIRES: b < e <= text.size()) to the original
  // byte span that produced it: [orig_begin[b], orig_end[e-1]).
  std::pair<uint32_t, uint32_t> ToOriginal(uint32_t b, uint32_t e) const {
    return {orig_begin[b], orig_end[e - 1]};
  }
  // Sets text and the three per-byte arrays to `size` entries; new entries are unset.
  void resize(size_t size) {
    text.resize(size);
    orig_begin.resize(size);
    orig_end.resize(size);
    runs.resize(size);
  }
  void clear() {
    text.clear();
    orig_begin.clear();
    orig_end.clear();
    runs.clear();
    joined.clear();
    may_have_digit = true;
  }
};

class Normalizer {
 public:
  Normalizer();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Normalizes `original` into *out (cleared first). Never fails: any byte sequence is
  // accepted. REQUIRES: original.size() < 4 GiB.
  void Normalize(std::string_view original, NormalizedText* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decorum
