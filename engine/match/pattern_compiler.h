// PatternCompiler: turns a rule's words and phrases, and the watchlist's names and
// handles, into Hyperscan expressions over the normalized text.
//
// Words and phrases are run through the same Normalizer as comments, so a rule written
// as "Con-Artist" matches what a comment's "c0n artist" normalizes to. Because the
// normalizer collapses runs of a repeated letter ("killll" -> "kil", with the run length
// kept aside), every word and phrase becomes a plain literal between word boundaries:
// Hyperscan's literal engines match thousands of them in one pass, and no start-of-match
// tracking is needed (start = end - length). The boundaries are not part of the
// expression (a `\b` makes Hyperscan compile a lookaround per literal: slower to
// compile, more memory, a slower scan); the expression is the bare literal and
// `word_start` / `word_end` tell the Scanner to check them, with `\b`'s exact meaning —
// widened for a word written in a non-Latin script delimited by spaces, whose own
// letters continue it (`wide_start` / `wide_end`).
// What the collapse loses — that `kill` needs two l's and `ass` two s's — is kept as
// per-byte run requirements, checked by the Scanner on the few literals that matched.
//
// Regexes are written against the same normalized text; their literal letter runs are
// collapsed the same way ("street" -> "stret") so authors can write words naturally.
//
// Thread safety: none (it owns a Normalizer); used while compiling a generation.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "decorum/status.h"
#include "normalize/normalizer.h"

namespace decorum {

struct CompiledPattern {
  std::string expression;        // Hyperscan syntax
  unsigned flags = 0;            // HS_FLAG_*
  // For literals (words, phrases, names, handles): the literal's length in normalized
  // bytes; the match starts at end - literal_length. 0 for regexes (SOM is reported).
  uint32_t literal_length = 0;
  bool prefix = false;           // `word*`: the span extends to the end of the word
  // For literals: the match must start (end) at a word boundary, as `\b` before (after)
  // the literal would demand: the byte before the start (after the end) in the scanned
  // buffer is not a word byte [A-Za-z0-9_], or there is none. Set where the literal's
  // first (last) byte is a word byte, or its first (last) letter is a non-ASCII letter
  // of a script written with spaces between words; never at the end of a prefix word.
  bool word_start = false;
  bool word_end = false;
  // The pattern as written holds a non-Latin letter of such a script (Cyrillic, Greek,
  // Armenian, Georgian, Devanagari, ...; the normalized literal's letters may have folded
  // to ASCII look-alikes: дурак -> "дypak", скот -> "ckot"): at its boundaries a non-ASCII
  // byte continues the word too ("иван" is not found in "иванов", "скот" not in "скотч"),
  // and a prefix word extends over non-ASCII letters. Other literals keep \b's meaning
  // (ASCII "idiot" is found glued to a Cyrillic ж). Scripts written without spaces (Han,
  // kana, Thai, ...) and those whose words take attached articles or particles (Arabic,
  // Hebrew, Syriac, Thaana, Hangul) get no boundary at a non-ASCII edge: "笨蛋" is found
  // in "你是笨蛋", "حمار" in "الحمار".
  bool wide_start = false;
  bool wide_end = false;
  bool exact_runs = false;       // handles: runs must match exactly, not at least
  std::vector<uint8_t> runs;     // per literal byte: run length required (empty: all 1)
  // Regexes: every match contains an ASCII digit, and each of `needs_bytes` (byte_gate.h),
  // so a text without them need not be scanned for it. Literals: nothing (not analysed).
  bool needs_digit = false;
  std::bitset<128> needs_bytes;
};

class PatternCompiler {
 public:
  // A rule word or phrase. A trailing '*' on a word matches any word continuation.
  // Fails when nothing is left after normalization.
  Result<CompiledPattern> WordOrPhrase(const std::string& text);
  // For a phrase (a pattern whose normalized form has several words): the same words
  // written together ("con artist" -> "conartist"), a common evasion; empty otherwise.
  std::string JoinedVariant(const std::string& text);
  // For a watchlist name or alias that ends in a Latin letter other than s: the name with
  // an s after it, the possessive written without its apostrophe ("Delveys a parasite",
  // "Ezras partner"), which the word boundary after the name would otherwise refuse;
  // empty otherwise.
  static std::string PossessiveVariant(const std::string& text);
  // A watchlist name or alias (a phrase).
  Result<CompiledPattern> TargetName(const std::string& text);
  // A watchlist handle ("@name"), matched exactly: a doubled letter in a handle is a
  // different account.
  Result<CompiledPattern> TargetHandle(const std::string& text);
  // A rule regex (case-insensitive, start of match reported). Literal letter runs are
  // collapsed outside escapes, character classes and {m,n} quantifiers. Fails for a
  // regex over the normalized text that every match of which needs a byte that text never
  // holds (punctuation, symbols: `con-artist`, `bit\.ly`), which could never match: what
  // AnalyzeRegex knows every match needs (byte_gate.h), so never a false refusal.
  Result<CompiledPattern> Regex(const std::string& text, bool raw);

 private:
  Result<CompiledPattern> Literal(const std::string& text, bool allow_prefix, bool exact_runs);
  // A regex's literal letter runs collapsed (see Regex).
  static std::string CollapseLiteralRuns(const std::string& text);

  Normalizer normalizer_;
  NormalizedText scratch_;
};

}  // namespace decorum
