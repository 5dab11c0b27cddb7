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
// e[0, len) (a word's bytes are copied in one go); Copy16 is CopyTo(j, 16, b, e).
struct IdentityRanges {
  static constexpr bool kComputed = true;  // no storage behind: any index may be asked for
  uint32_t begin(size_t i) const { return static_cast<uint32_t>(i); }
  uint32_t end(size_t i) const { return static_cast<uint32_t>(i + 1); }
  void CopyTo(size_t j, size_t len, uint32_t* b, uint32_t* e) const {
    for (size_t x = 0; x < len; ++x) {
      b[x] = static_cast<uint32_t>(j + x);
      e[x] = static_cast<uint32_t>(j + x + 1);
    }
  }
#if defined(__SSE2__)
  void Copy16(size_t j, uint32_t* b, uint32_t* e) const {
    __m128i v = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(j)), _mm_setr_epi32(0, 1, 2, 3));
    for (int q = 0; q < 4; ++q) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(b + 4 * q), v);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(e + 4 * q), _mm_add_epi32(v, _mm_set1_epi32(1)));
      v = _mm_add_epi32(v, _mm_set1_epi32(4));
    }
  }
#endif
};
struct StoredRanges {
  static constexpr bool kComputed = false;
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
  out->text.resize(n);
  out->orig_begin.resize(n);
  out->orig_end.resize(n);
  char* text = out->text.data();
  uint32_t* begins = out->orig_begin.data();
  uint32_t* ends = out->orig_end.data();
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
  out->text.resize(k);
  out->orig_begin.resize(k);
  out->orig_end.resize(k);
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
    text.resize(w);
    out->orig_begin.resize(w);
    out->orig_end.resize(w);
    out->runs.resize(w);
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
  text.resize(w);
  out->orig_begin.resize(w);
  out->orig_end.resize(w);
  out->runs.resize(w);
}

#if defined(__SSE2__)
// The bulk step of AssembleCollapsed. At a word start g + i with 16 bytes to read (and
// room for 16 bytes past n in every output, k <= i), finds the longest prefix of those
// bytes that the byte-at-a-time loop would copy with no state of its own to carry: whole
// ASCII words of two or more bytes, each pair split by one ' ', ending where a run of
// separators starts. Such a prefix is copied (text, the byte's ranges, runs 1), every
// letter that repeats the one before it folded into it as CollapseRepeats would ("all" ->
// "al" with runs 1,2; its source range widened), and no word in it can join or close a
// run of one-character words beyond what the caller does before it. Writes 16 bytes (or
// more) of each output from text etc. (what lies past the copy is rewritten later);
// returns the prefix length, 0 when the first word already needs the byte loop, and the
// bytes written in *written.
//
// Only where the ranges are computed (IdentityRanges) are repeats folded here: folding
// rereads the ranges at offsets past the block, which stored ranges do not have.
template <class Ranges>
inline size_t CopyPlainWords(const char* g, size_t i, const Ranges& ranges, char* text,
                             uint32_t* begins, uint32_t* ends, uint8_t* runs, size_t* written) {
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
  // Where the byte loop must take over: a one-byte word, a newline, a second separator
  // in a row, a non-ASCII byte (one-character words are measured in code points), and a
  // repeat unless this copy folds them.
  const uint32_t stop = (Ranges::kComputed ? 0 : repeat) | single |
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
  uint32_t folds = Ranges::kComputed ? repeat & ((1u << len) - 1) : 0;
  if (!folds) {
    *written = len;
    return len;
  }
  // Each folded byte d joins the byte written last; the bytes after it are written again,
  // one place further left (the 16-byte stores reach at most 15 bytes past the prefix's
  // start in the input, within the room the caller has).
  alignas(16) char block[32] = {};
  _mm_store_si128(reinterpret_cast<__m128i*>(block), v);
  size_t src = 0, dst = 0;  // next input byte of the block to write, where it goes
  for (; folds; folds &= folds - 1) {
    const size_t d = static_cast<size_t>(__builtin_ctz(folds));
    if (d > src && src != dst) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(text + dst),
                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + src)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(runs + dst), _mm_set1_epi8(1));
      ranges.Copy16(i + src, begins + dst, ends + dst);
    }
    dst += d - src;
    ends[dst - 1] = ranges.end(i + d);
    ++runs[dst - 1];  // at most 16: no cap to apply
    src = d + 1;
  }
  if (src < len) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(text + dst),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + src)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(runs + dst), _mm_set1_epi8(1));
    ranges.Copy16(i + src, begins + dst, ends + dst);
    dst += len - src;
  }
  *written = dst;
  return len;
}
#endif

// Steps 4 to 6 in one pass, the common case: the same result as Assemble followed by
// CollapseRepeats, without writing every byte and both maps twice (measured: see the
// commits that added it). Returns false, leaving *out in an unspecified state, when a run
// of spaced-out letters would be joined: joining moves bytes back and reopens repeats
// across the removed spaces ("k i l l" -> "kil"), which only the general pair handles —
// such comments are rare and take that path instead. The two paths are checked against
// each other by tests/unit/normalize/normalizer_test.cc.
template <class Ranges>
bool AssembleCollapsed(const char* g, size_t n, const Ranges& ranges, NormalizedText* out) {
  // The output is never longer than the folded text; CopyPlainWords may write 16 bytes
  // past that. Trimmed at the end.
  constexpr size_t kSlack = 16;
  out->text.resize(n + kSlack);
  out->orig_begin.resize(n + kSlack);
  out->orig_end.resize(n + kSlack);
  out->runs.resize(n + kSlack);
  char* text = out->text.data();
  uint32_t* begins = out->orig_begin.data();
  uint32_t* ends = out->orig_end.data();
  uint8_t* runs = out->runs.data();
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
      size_t written = 0;
      const size_t len = CopyPlainWords(g, i, ranges, text + k, begins + k, ends + k, runs + k, &written);
      if (len) {
        // Every word copied has two or more bytes: the first one closes any run.
        if (run_count >= 3 && run_has_letter) return false;
        run_count = 0;
        run_has_letter = false;
        k += written;
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
  out->text.resize(k);
  out->orig_begin.resize(k);
  out->orig_end.resize(k);
  out->runs.resize(k);
  return true;
}

// Steps 4 to 6 over the decoded folded text.
template <class Ranges>
void Finish(const std::string& folded, const Ranges& ranges, NormalizedText* out) {
  if (AssembleCollapsed(folded.data(), folded.size(), ranges, out)) return;
  Assemble(folded.data(), folded.size(), ranges, out);
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
      size_t ascii_end = pos;
      while (ascii_end < n && static_cast<unsigned char>(in[ascii_end]) < 0x80) ++ascii_end;
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
  if (IsAscii(original)) {
    // ASCII needs no folding beyond the lowercasing DecodeLeet does.
    im.folded.resize(original.size());
    DecodeLeet(original.data(), original.size(), im.folded.data());
    Finish(im.folded, IdentityRanges{}, out);
  } else {
    im.FoldUnicode(original);
    DecodeLeet(im.folded.data(), im.folded.size(), im.folded.data());
    Finish(im.folded, StoredRanges{im.begins.data(), im.ends.data()}, out);
  }
}

}  // namespace decorum
