#include "normalize/normalizer.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "normalize/codepoint_folder.h"
#include "normalize/leet_decoder.h"
#include "normalize/utf8.h"

namespace decorum {
namespace {

inline bool IsSeparator(char c) { return c == ' ' || c == '\n'; }
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Where folded byte i came from in the original. On the ASCII path folded byte i is
// original byte i, so no map is stored.
// CopyTo(j, len, b, e) writes the ranges of folded bytes [j, j + len) to b[0, len) and
// e[0, len) (a word's bytes are copied in one go); StoredRanges' Copy16 is
// CopyTo(j, 16, b, e).
struct IdentityRanges {
  uint32_t begin(size_t i) const { return static_cast<uint32_t>(i); }
  uint32_t end(size_t i) const { return static_cast<uint32_t>(i + 1); }
  void CopyTo(size_t j, size_t len, uint32_t* b, uint32_t* e) const {
    size_t x = 0;
#if defined(__SSE2__)
    __m128i v = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(j)), _mm_setr_epi32(0, 1, 2, 3));
    for (; x + 4 <= len; x += 4) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(b + x), v);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(e + x), _mm_add_epi32(v, _mm_set1_epi32(1)));
      v = _mm_add_epi32(v, _mm_set1_epi32(4));
    }
#endif
    for (; x < len; ++x) {
      b[x] = static_cast<uint32_t>(j + x);
      e[x] = static_cast<uint32_t>(j + x + 1);
    }
  }
};
struct StoredRanges {
  const uint32_t* begins;
  const uint32_t* ends;
  uint32_t begin(size_t i) const { return begins[i]; }
  uint32_t end(size_t i) const { return ends[i]; }
  void CopyTo(size_t j, size_t len, uint32_t* b, uint32_t* e) const {
    std::memcpy(b, begins + j, len * sizeof(uint32_t));
    std::memcpy(e, ends + j, len * sizeof(uint32_t));
  }
#if defined(__SSE2__)
  void Copy16(size_t j, uint32_t* b, uint32_t* e) const { CopyTo(j, 16, b, e); }
#endif
};

// The per-byte arrays of *out, sized to `size` entries (new ones unset), as the raw
// pointers the assembling steps write through.
struct OutputArrays {
  char* text;
  uint32_t* begins;
  uint32_t* ends;
  uint8_t* runs;
};
OutputArrays SizeOutput(NormalizedText* out, size_t size) {
  out->resize(size);
  return {out->text.data(), out->orig_begin.data(), out->orig_end.data(), out->runs.data()};
}

// Spaced-out letters (step 5): `count` one-character words at the tail of the output,
// starting at `start`, each pair split by one ' '. Three or more holding a letter are joined
// into one word, and their digits, which step 3 left alone in words without a letter, are
// read as leet ("1 d 1 o t"). Dropping the spaces keeps every other byte's range, so the
// map stays exact.
void FinishRun(size_t start, uint32_t count, bool has_letter, char* text, uint32_t* begins,
               uint32_t* ends, size_t* size, std::vector<std::pair<uint32_t, uint32_t>>* joined) {
  if (count < 3 || !has_letter) return;
  size_t w = start;
  for (size_t r = start; r < *size; ++r) {
    if (text[r] == ' ') continue;
    text[w] = LeetLetterForDigit(text[r]);
    begins[w] = begins[r];
    ends[w] = ends[r];
    ++w;
  }
  *size = w;
  joined->emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(w));
}

// Steps 4 and 5 over decoded folded text g[0, n) (every byte a word byte, ' ' or '\n'):
// writes words separated by single spaces, joining spaced-out letters, into *out.
template <class Ranges>
void Assemble(const char* g, size_t n, const Ranges& ranges, NormalizedText* out) {
  // The output is never longer than the folded text: size once, trim at the end.
  const auto [text, begins, ends, runs] = SizeOutput(out, n);
  size_t k = 0;

  // The current run of one-character words, all at the tail of the output.
  size_t run_start = 0;
  uint32_t run_count = 0;
  bool run_has_letter = false;

  size_t i = 0;
  while (true) {
    const size_t sep_start = i;
    bool newline = false;
    while (i < n && IsSeparator(g[i])) newline |= g[i++] == '\n';
    if (i == n) break;  // trailing separators are dropped
    const size_t sep_len = i - sep_start;
    const size_t word_start = i;
    while (i < n && !IsSeparator(g[i])) ++i;

    const unsigned char lead = static_cast<unsigned char>(g[word_start]);
    const bool single = i - word_start == Utf8SequenceLength(lead) && lead != '@';
    const bool letter = single && !IsAsciiDigit(static_cast<char>(lead));
    const bool continues_run = single && run_count > 0 && sep_len <= 3 && !newline;
    if (!continues_run) {  // close the run before anything else lands behind it
      FinishRun(run_start, run_count, run_has_letter, text, begins, ends, &k, &out->joined);
      run_count = 0;
    }

    if (k > 0) {  // leading separators are dropped; a run of them becomes one ' '
      text[k] = ' ';
      begins[k] = ranges.begin(sep_start);
      ends[k] = ranges.end(word_start - 1);
      ++k;
    }
    const size_t word_out = k;
    const size_t word_len = i - word_start;
    std::memcpy(text + k, g + word_start, word_len);
    ranges.CopyTo(word_start, word_len, begins + k, ends + k);
    k += word_len;

    if (continues_run) {
      ++run_count;
      run_has_letter |= letter;
    } else if (single) {
      run_start = word_out;
      run_count = 1;
      run_has_letter = letter;
    }
  }
  FinishRun(run_start, run_count, run_has_letter, text, begins, ends, &k, &out->joined);
  out->resize(k);
}

// Step 6: collapses each run of one letter a-z into its first byte, in place, recording
// the run length and widening the byte's source range over the whole run.
//
// Most bytes are not followed by a copy of themselves, so the loop tests that first and
// only then measures a run; and until the first collapse every byte stays where it is,
// so that prefix only needs its run length (1) written. Joined words (rare) take the
// general loop, which moves their bounds along.
void CollapseRepeats(NormalizedText* out) {
  std::string& text = out->text;
  const size_t n = text.size();
  out->runs.resize(n);
  char* t = text.data();
  uint32_t* begins = out->orig_begin.data();
  uint32_t* ends = out->orig_end.data();
  uint8_t* runs = out->runs.data();
  auto& joined = out->joined;
  size_t r = 0;
  if (joined.empty()) {
    // The unmoved prefix: stop at the first letter equal to its successor.
    while (r + 1 < n && !(t[r] == t[r + 1] && t[r] >= 'a' && t[r] <= 'z')) ++r;
    if (r + 1 >= n) r = n;
    if (r) std::memset(runs, 1, r);  // runs is null for an empty text: memset(null, 0) is UB
    size_t w = r;
    while (r < n) {
      const char c = t[r];
      size_t len = 1;
      if (r + 1 < n && t[r + 1] == c && c >= 'a' && c <= 'z') {
        len = 2;
        while (r + len < n && t[r + len] == c) ++len;
      }
      t[w] = c;
      begins[w] = begins[r];
      ends[w] = ends[r + len - 1];
      runs[w] = static_cast<uint8_t>(len > 255 ? 255 : len);
      ++w;
      r += len;
    }
    out->resize(w);
    return;
  }
  // Joined words move left with the text. Their ends are word boundaries, which a run of
  // letters never straddles, so every end is met at the start of some step.
  size_t jb = 0, je = 0;
  size_t w = 0;
  for (r = 0; r < n;) {
    while (jb < joined.size() && joined[jb].first <= r) joined[jb++].first = static_cast<uint32_t>(w);
    while (je < joined.size() && joined[je].second <= r) joined[je++].second = static_cast<uint32_t>(w);
    const char c = t[r];
    size_t len = 1;
    if (c >= 'a' && c <= 'z') {
      while (r + len < n && t[r + len] == c) ++len;
    }
    t[w] = c;
    begins[w] = begins[r];
    ends[w] = ends[r + len - 1];
    runs[w] = static_cast<uint8_t>(len > 255 ? 255 : len);
    ++w;
    r += len;
  }
  while (je < joined.size()) joined[je++].second = static_cast<uint32_t>(w);
  out->resize(w);
}

#if defined(__SSE2__)
// The bulk step of AssembleCollapsed. At a word start g + i with 16 bytes to read (and
// room for 16 bytes past n in every output, k <= i), finds the longest prefix of those
// bytes that the byte-at-a-time loop would copy with no state of its own to carry: whole
// ASCII words of two or more bytes without a repeated letter, each pair split by one ' ',
// ending where a run of separators starts. Such a prefix is copied (text, the byte's
// ranges, runs 1), and no word in it can join or close a run of one-character words
// beyond what the caller does before it. Writes 16 bytes of each output from text etc.
// (what lies past the copy is rewritten later); returns the prefix length, 0 when the
// first word already needs the byte loop.
inline size_t CopyPlainWords(const char* g, size_t i, const StoredRanges& ranges, char* text,
                             uint32_t* begins, uint32_t* ends, uint8_t* runs) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(g + i));
  const __m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
  const __m128i newline = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
  // a-z: the only other ASCII bytes here are digits, '@' and separators, all below 'a'
  // (and bytes >= 0x80, negative as signed, stop the prefix below).
  const __m128i letter = _mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1));
  // v[j] == v[j - 1], a letter: a repeat CollapseRepeats would fold (bit 0 never: the
  // byte before a word start is a separator or nothing).
  const uint32_t repeat =
      static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(v, _mm_slli_si128(v, 1)), letter)));
  const uint32_t sep = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(space, newline)));
  const uint32_t word = ~sep & 0xFFFF;
  // One-byte words: a word byte with a separator (or the start) before it and a separator
  // after it. Those open or continue a run, which the byte loop tracks.
  const uint32_t single = word & ((sep << 1) | 1u) & (sep >> 1);
  const uint32_t sep_run_start = sep & ~(sep << 1);
  // Where the byte loop must take over: a repeat, a one-byte word, a newline, a second
  // separator in a row, a non-ASCII byte (one-character words are measured in code points).
  const uint32_t stop = repeat | single |
                        static_cast<uint32_t>(_mm_movemask_epi8(newline)) | (sep & (sep << 1)) |
                        static_cast<uint32_t>(_mm_movemask_epi8(v));
  // The prefix ends at the last run of separators starting at or before the first stop.
  const uint32_t limit = stop ? (stop & -stop) : 0x10000u;       // lowest stop bit (or 16)
  const uint32_t ends_at = sep_run_start & ((limit << 1) - 1);  // separator runs up to it
  if (!ends_at) return 0;
  const size_t len = 31 - static_cast<size_t>(__builtin_clz(ends_at));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(text), v);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(runs), _mm_set1_epi8(1));
  ranges.Copy16(i, begins, ends);
  return len;
}
#endif

// Steps 4 to 6 in one pass for a comment that is not all ASCII (AssembleAscii does the
// others): the same result as AssembleGeneral, without writing every byte and both maps
// twice (measured: see the commits that added it). Returns false, leaving *out in an
// unspecified state, when a run of spaced-out letters would be joined: joining moves
// bytes back and reopens repeats across the removed spaces ("k i l l" -> "kil"), which
// only the general pair handles — such comments are rare and take that path instead. The
// two paths are checked against each other by tests/unit/normalize/normalizer_test.cc.
bool AssembleCollapsed(const char* g, size_t n, const StoredRanges& ranges, NormalizedText* out) {
  // The output is never longer than the folded text; CopyPlainWords may write 16 bytes
  // past that. Trimmed at the end.
  constexpr size_t kSlack = 16;
  const auto [text, begins, ends, runs] = SizeOutput(out, n + kSlack);
  size_t k = 0;
  uint32_t run_count = 0;  // one-character words in a row, as in Assemble
  bool run_has_letter = false;
  size_t i = 0;
  while (true) {
    const size_t sep_start = i;
    bool newline = false;
    while (i < n && IsSeparator(g[i])) newline |= g[i++] == '\n';
    if (i == n) break;
    if (k > 0) {
      text[k] = ' ';
      begins[k] = ranges.begin(sep_start);
      ends[k] = ranges.end(i - 1);
      runs[k] = 1;
      ++k;
    }
#if defined(__SSE2__)
    if (n - i >= 16) {
      const size_t len = CopyPlainWords(g, i, ranges, text + k, begins + k, ends + k, runs + k);
      if (len) {
        // Every word copied has two or more bytes: the first one closes any run.
        if (run_count >= 3 && run_has_letter) return false;
        run_count = 0;
        run_has_letter = false;
        k += len;
        i += len;  // at a separator
        continue;
      }
    }
#endif
    const size_t word_start = i;
    char repeatable = 0;  // the last letter written, while a copy of it would collapse
    for (; i < n && !IsSeparator(g[i]); ++i) {
      const char c = g[i];
      if (c == repeatable) {
        ends[k - 1] = ranges.end(i);
        runs[k - 1] += runs[k - 1] < 255;
        continue;
      }
      text[k] = c;
      begins[k] = ranges.begin(i);
      ends[k] = ranges.end(i);
      runs[k] = 1;
      ++k;
      repeatable = c >= 'a' && c <= 'z' ? c : 0;
    }
    const unsigned char lead = static_cast<unsigned char>(g[word_start]);
    const bool single = i - word_start == Utf8SequenceLength(lead) && lead != '@';
    const bool letter = single && !IsAsciiDigit(static_cast<char>(lead));
    const bool continues_run = single && run_count > 0 && sep_start + 3 >= word_start && !newline;
    if (continues_run) {
      ++run_count;
      run_has_letter |= letter;
      continue;
    }
    if (run_count >= 3 && run_has_letter) return false;
    run_count = single ? 1 : 0;
    run_has_letter = letter;
  }
  if (run_count >= 3 && run_has_letter) return false;
  out->resize(k);
  return true;
}

// The ASCII path's bytes, 64 at a time, at p[0, 64) (p[-1] readable): bit j of *sep set
// for p[j] a separator (' ' or '\n'), of *repeat for p[j] a letter a-z equal to p[j - 1].
// Writes the bytes to block[0, 64) with '\n' as ' ' (this path never joins spaced-out
// letters, the one step that needs to see newlines).
inline void ScanAsciiBlock(const char* p, char* block, uint64_t* sep, uint64_t* repeat) {
#if defined(__SSE2__)
  uint64_t s = 0, r = 0;
  #pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q));
    const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q - 1));
    const __m128i newline = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    const __m128i space = _mm_or_si128(newline, _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
    // a-z: every other byte here ([0-9@], separators) is below 'a'.
    const __m128i same_letter =
        _mm_and_si128(_mm_cmpeq_epi8(v, before), _mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(block + 16 * q),
                     _mm_xor_si128(v, _mm_and_si128(newline, _mm_set1_epi8('\n' ^ ' '))));
    s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(space))) << (16 * q);
    r |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(same_letter))) << (16 * q);
  }
  *sep = s;
  *repeat = r;
#else
  uint64_t s = 0, r = 0;
  for (int j = 0; j < 64; ++j) {
    const char c = p[j];
    s |= static_cast<uint64_t>(IsSeparator(c)) << j;
    r |= static_cast<uint64_t>(c >= 'a' && c <= 'z' && c == p[j - 1]) << j;
    block[j] = c == '\n' ? ' ' : c;
  }
  *sep = s;
  *repeat = r;
#endif
}

// Bit j set for t[j] == ' ', j in [0, 64).
inline uint64_t SpaceMask64(const char* t) {
  uint64_t s = 0;
#if defined(__SSE2__)
  #pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + 16 * q));
    s |= static_cast<uint64_t>(static_cast<uint32_t>(
             _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')))))
         << (16 * q);
  }
#else
  for (int j = 0; j < 64; ++j) s |= static_cast<uint64_t>(t[j] == ' ') << j;
#endif
  return s;
}

// Copies the kept bytes src[0, len) to text and their sources' starts, first + 0 .. len - 1,
// to begins, 16 at a time: up to 15 bytes past len are read from src and written to both.
inline void CopyKeptRun(const char* src, uint32_t first, size_t len, char* text, uint32_t* begins) {
  for (size_t x = 0; x < len; x += 16) {
#if defined(__SSE2__)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(text + x),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + x)));
    __m128i v = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(first + x)), _mm_setr_epi32(0, 1, 2, 3));
    #pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(begins + x + 4 * q), v);
      v = _mm_add_epi32(v, _mm_set1_epi32(4));
    }
#else
    std::memcpy(text + x, src + x, 16);
    for (size_t y = 0; y < 16; ++y) begins[x + y] = static_cast<uint32_t>(first + x + y);
#endif
  }
}

// Whether text t[0, k) (words split by single spaces; t[k, k + 64) readable and all ' ')
// holds three one-byte words in a row: every run of spaced-out letters that step 5 could
// join does (and some it does not: separators too long, a newline, a collapsed "aaa").
bool HasThreeOneByteWords(const char* t, size_t k) {
  uint64_t next = SpaceMask64(t);
  uint64_t space_before = 1;  // the start counts as a space
  uint64_t prev_single = 0;
  for (size_t base = 0; base < k; base += 64) {
    const uint64_t space = next;
    next = base + 64 < k ? SpaceMask64(t + base + 64) : ~uint64_t{0};
    const uint64_t before = (space << 1) | space_before;
    const uint64_t after = (space >> 1) | (next << 63);
    const uint64_t single = ~space & before & after;
    if (single & ((single << 2) | (prev_single >> 62)) & ((single << 4) | (prev_single >> 60))) {
      return true;
    }
    space_before = space >> 63;
    prev_single = single;
  }
  return false;
}

// Steps 4 and 6 for an all-ASCII comment, the common case, as a filter rather than a walk
// over words: decoded text g[0, n) (every byte [a-z0-9@], ' ' or '\n'; g[-1] == ' ';
// g[n, n + 64) readable and all ' ') keeps each word byte that is not a repeat of the
// letter before it and the first separator of each run, as ' '. On this path folded byte
// j is original byte j, so a kept byte's source starts at its own index and ends where
// the next kept byte starts: a collapsed letter's range covers its copies, a space's the
// whole separator run. Its branches are one per dropped byte and one per 16 kept bytes,
// not one per byte or word.
// Returns false, leaving *out unspecified, when the text may hold spaced-out letters
// (step 5), which AssembleGeneral handles; the same result as AssembleGeneral otherwise
// (checked by tests/unit/normalize/normalizer_test.cc).
bool AssembleAscii(const char* g, size_t n, NormalizedText* out) {
  // Room for: a begin past the last kept byte, 16-byte steps over the maps, and 64 bytes
  // of ' ' after the text for HasThreeOneByteWords. Trimmed at the end.
  constexpr size_t kSlack = 80;
  const auto [text, begins, ends, runs] = SizeOutput(out, n + kSlack);

  size_t k = 0;
  uint64_t sep_before = 1;  // leading separators are dropped like any but a run's first
  alignas(16) char block[64 + 16];  // 16 bytes of room for the last run's 16-byte copy
  std::memset(block + 64, ' ', 16);  // copied past the text (then overwritten), never unset
  for (size_t base = 0; base < n; base += 64) {
    uint64_t sep = 0, repeat = 0;
    ScanAsciiBlock(g + base, block, &sep, &repeat);
    const size_t limit = std::min<size_t>(64, n - base);
    // Dropped: repeated letters and every separator but a run's first. Few bytes are (about
    // one in twenty in comments), so the kept ones are copied as runs between them.
    uint64_t drop = repeat | (sep & ((sep << 1) | sep_before));
    if (limit < 64) drop &= (uint64_t{1} << limit) - 1;
    sep_before = sep >> 63;
    size_t from = 0;
    while (true) {
      const size_t to = drop ? static_cast<size_t>(__builtin_ctzll(drop)) : limit;
      CopyKeptRun(block + from, static_cast<uint32_t>(base + from), to - from, text + k, begins + k);
      k += to - from;
      if (!drop) break;
      from = to + 1;
      drop &= drop - 1;
    }
  }
  // A trailing separator run keeps its first byte like any other: drop it. Where it
  // started, the last word's source ends.
  uint32_t last_end = static_cast<uint32_t>(n);
  if (k > 0 && text[k - 1] == ' ') last_end = begins[--k];
  std::memset(text + k, ' ', kSlack);
  if (HasThreeOneByteWords(text, k)) return false;

  // Ends and run lengths: a byte's source ends where the next one's begins; a letter's run
  // is its source's length (capped at 255), a space's is 1.
  begins[k] = last_end;
  size_t i = 0;
#if defined(__SSE2__)
  // A length is at most n. Below 2^31 the packs' signed saturation caps it at 255; a
  // longer comment (up to the 4 GiB Normalize accepts) takes the byte loop below.
  const bool packs_cap = n < (size_t{1} << 31);
  for (; packs_cap && i < k; i += 16) {  // up to 15 bytes past k: slack, trimmed below
    __m128i len[4];
    #pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begins + i + 4 * q));
      const __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(begins + i + 4 * q + 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(ends + i + 4 * q), e);
      len[q] = _mm_sub_epi32(e, b);
    }
    const __m128i capped =
        _mm_packus_epi16(_mm_packs_epi32(len[0], len[1]), _mm_packs_epi32(len[2], len[3]));
    const __m128i space = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i)),
                                         _mm_set1_epi8(' '));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(runs + i),
                     _mm_or_si128(_mm_andnot_si128(space, capped), _mm_and_si128(space, _mm_set1_epi8(1))));
  }
#endif
  for (; i < k; ++i) {
    ends[i] = begins[i + 1];
    runs[i] = text[i] == ' ' ? 1 : static_cast<uint8_t>(std::min<uint32_t>(255, ends[i] - begins[i]));
  }
  out->resize(k);
  return true;
}

// Steps 4 to 6 over any decoded folded text, the general way: the reference the one-pass
// paths (AssembleAscii, AssembleCollapsed) are tested against, and their fallback when
// spaced-out letters may be joined.
template <class Ranges>
void AssembleGeneral(const char* g, size_t n, const Ranges& ranges, NormalizedText* out) {
  Assemble(g, n, ranges, out);
  CollapseRepeats(out);
}

}  // namespace

struct Normalizer::Impl {
  CodepointFolder folder;
  std::string folded;              // folded, then leet-decoded, text
  OffsetMap begins;                // per folded byte, off the ASCII path
  OffsetMap ends;

  // Step 2 into `folded`, `begins` and `ends`. ASCII is copied as is (DecodeLeet
  // lowercases), a run at a time: comments off the ASCII path are still mostly ASCII.
  void FoldUnicode(std::string_view in) {
    const size_t n = in.size();
    size_t k = 0;
    Reserve(n);
    size_t pos = 0;
    while (pos < n) {
      const size_t ascii_end = pos + AsciiPrefixLength(in.substr(pos));
      if (ascii_end > pos) {
        const size_t len = ascii_end - pos;
        Reserve(k + len);
        std::memcpy(folded.data() + k, in.data() + pos, len);
        IdentityRanges{}.CopyTo(pos, len, begins.data() + k, ends.data() + k);
        k += len;
        pos = ascii_end;
        continue;
      }
      const Utf8Decoded d = DecodeUtf8(in, pos);
      // A stray invalid byte is one separator character.
      const std::string_view f =
          d.code_point == kInvalidCodePoint ? std::string_view(" ") : folder.Fold(d.code_point);
      // Every byte of an expansion (ﬁ -> fi) maps to the whole source code point.
      Reserve(k + f.size());
      for (char c : f) {
        folded[k] = c;
        begins[k] = static_cast<uint32_t>(pos);
        ends[k] = static_cast<uint32_t>(pos + d.length);
        ++k;
      }
      pos += d.length;
    }
    folded.resize(k);
    begins.resize(k);
    ends.resize(k);
  }

  // Makes room for at least `size` folded bytes; a code point may fold to more bytes than
  // it had, so the first guess (the input's length) can be short.
  // (The ASCII path sizes `folded` alone, so the sizes may differ: both are checked.)
  void Reserve(size_t size) {
    if (size <= folded.size() && size <= begins.size()) return;
    const size_t grown = std::max(size, std::min(folded.size(), begins.size()) * 2);
    folded.resize(grown);
    begins.resize(grown);
    ends.resize(grown);
  }
};

Normalizer::Normalizer() : impl_(std::make_unique<Impl>()) {}
Normalizer::~Normalizer() = default;

void Normalizer::Normalize(std::string_view original, NormalizedText* out) {
  // Not out->clear(): the assembling steps size text, the maps and runs themselves and
  // write every byte they keep, so the old contents are dead either way, while clearing
  // first would make each resize zero-fill the whole comment again.
  out->joined.clear();
  Impl& im = *impl_;
  // ASCII needs no folding beyond the lowercasing DecodeLeet does. AssembleAscii reads one
  // ' ' before the text and 64 after it.
  const size_t n = original.size();
  im.folded.resize(n + 65);
  char* g = im.folded.data() + 1;
  g[-1] = ' ';
  bool has_digit;
  if (DecodeLeetIfAscii(original.data(), n, g, &has_digit)) {
    std::memset(g + n, ' ', 64);
    if (!AssembleAscii(g, n, out)) AssembleGeneral(g, n, IdentityRanges{}, out);
  } else {
    im.FoldUnicode(original);
    has_digit = DecodeLeet(im.folded.data(), im.folded.size(), im.folded.data());
    const StoredRanges ranges{im.begins.data(), im.ends.data()};
    if (!AssembleCollapsed(im.folded.data(), im.folded.size(), ranges, out)) {
      AssembleGeneral(im.folded.data(), im.folded.size(), ranges, out);
    }
  }
  // The assembling steps copy bytes or drop them, and read joined digits as letters: a
  // digit in the text is one DecodeLeet left.
  out->may_have_digit = has_digit;
}

}  // namespace decorum
