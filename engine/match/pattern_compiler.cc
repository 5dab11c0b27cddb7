#include "match/pattern_compiler.h"

#include <hs/hs.h>
#include <unicode/uscript.h>

#include <cctype>
#include <cstdio>

#include "match/byte_gate.h"
#include "normalize/utf8.h"

namespace decorum {
namespace {

bool IsWordByte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// How a literal's first or last code point meets the text next to it (pattern_compiler.h,
// word_start / wide_start).
enum class Edge { kNone, kAsciiWord, kSpacedLetter };

Edge EdgeOf(char32_t cp) {
  if (cp < 0x80) return IsWordByte(static_cast<char>(cp)) ? Edge::kAsciiWord : Edge::kNone;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  if (U_FAILURE(status) || script == USCRIPT_COMMON || script == USCRIPT_INHERITED ||
      uscript_breaksBetweenLetters(script)) {
    return Edge::kNone;
  }
  // Scripts whose words take attached articles, prepositions, particles or pronouns
  // (Arabic ال, و, ه; Hebrew ה, ו, ב; Korean particles): a boundary there would let
  // "الحمار" escape a rule on حمار, so their letters get none, as before.
  if (script == USCRIPT_HANGUL || script == USCRIPT_ARABIC || script == USCRIPT_HEBREW ||
      script == USCRIPT_SYRIAC || script == USCRIPT_THAANA) {
    return Edge::kNone;
  }
  return Edge::kSpacedLetter;
}

// How many code points UTF-8 `s` holds (a lead byte each).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The last code point of non-empty UTF-8 `s`.
char32_t LastCodePoint(const std::string& s) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return DecodeUtf8(s, i).code_point;
}

// True when `s` (a pattern as written, before normalization) holds a non-ASCII letter of
// a script delimited by spaces: a word in such a script is delimited as one whatever its
// letters fold to (Cyrillic дурак normalizes to "дypak", скот to "ckot" — all ASCII).
// Not Latin: an accented Latin word ("ídiót") folds to ASCII and is delimited as ASCII.
bool HasSpacedScriptLetter(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (!(static_cast<unsigned char>(s[i]) & 0x80)) {
      ++i;
      continue;
    }
    const Utf8Decoded d = DecodeUtf8(s, i);
    UErrorCode status = U_ZERO_ERROR;
    const bool latin = uscript_getScript(static_cast<UChar32>(d.code_point), &status) == USCRIPT_LATIN;
    if (!latin && EdgeOf(d.code_point) == Edge::kSpacedLetter) return true;
    i += d.length;
  }
  return false;
}

}  // namespace

Result<CompiledPattern> PatternCompiler::WordOrPhrase(const std::string& text) {
  return Literal(text, /*allow_prefix=*/true, /*exact_runs=*/false);
}

std::string PatternCompiler::JoinedVariant(const std::string& text) {
  const bool prefix = !text.empty() && text.back() == '*';
  normalizer_.Normalize(prefix ? std::string_view(text).substr(0, text.size() - 1) : text, &scratch_);
  if (scratch_.text.find(' ') == std::string::npos) return "";
  std::string joined;
  for (char c : scratch_.text) {
    if (c != ' ') joined += c;
  }
  // Re-expand the runs so that normalizing the variant again yields the same run lengths.
  std::string expanded;
  for (size_t i = 0, j = 0; i < scratch_.text.size(); ++i) {
    if (scratch_.text[i] == ' ') continue;
    expanded.append(scratch_.runs[i], joined[j++]);
  }
  if (prefix) expanded += '*';
  return expanded;
}

Result<CompiledPattern> PatternCompiler::TargetName(const std::string& text) {
  auto p = Literal(text, /*allow_prefix=*/false, /*exact_runs=*/false);
  // An alias such as "I" or "a" names the target in nearly every comment, and every
  // insult near it would count against that person.
  if (p.ok() && CodePoints(scratch_.text) < 2) {
    return Status::InvalidArgument("name or alias '" + text +
                                   "' is a single letter once normalized: it would be found in nearly every comment");
  }
  return p;
}

Result<CompiledPattern> PatternCompiler::TargetHandle(const std::string& text) {
  return Literal(text, /*allow_prefix=*/false, /*exact_runs=*/true);
}

Result<CompiledPattern> PatternCompiler::Literal(const std::string& text, bool allow_prefix,
                                                 bool exact_runs) {
  std::string body = text;
  CompiledPattern p;
  if (allow_prefix && !body.empty() && body.back() == '*') {
    p.prefix = true;
    body.pop_back();
  }
  normalizer_.Normalize(body, &scratch_);
  const std::string& n = scratch_.text;
  // The normalized text holds no non-ASCII punctuation (codepoint_folder.h): a non-ASCII
  // byte there is part of a letter or number.
  bool has_word_char = false;
  for (char c : n) has_word_char |= IsWordByte(c) || (static_cast<unsigned char>(c) & 0x80);
  if (!has_word_char) {
    return Status::InvalidArgument("pattern '" + text + "' has no letter or digit once normalized");
  }
  if (n.size() > 0xFFFF) return Status::InvalidArgument("pattern '" + text.substr(0, 40) + "...' is too long");

  // No \b in the expression: a pure literal is what Hyperscan compiles fastest and into
  // its cheapest matchers. The Scanner checks the boundaries instead (word_start,
  // word_end), with exactly \b's meaning unless the word is of a non-Latin spaced script
  // (wide_start, wide_end: pattern_compiler.h).
  const Edge first = EdgeOf(DecodeUtf8(n, 0).code_point);
  const Edge last = EdgeOf(LastCodePoint(n));
  p.word_start = first != Edge::kNone;
  p.wide_start = p.wide_end = HasSpacedScriptLetter(body);
  for (char c : n) {
    if (IsWordByte(c) || c == ' ' || c == '@') {
      p.expression += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
      p.expression += buf;
    }
  }
  // A prefix word reports its end where the written part ends, with no boundary there;
  // the Scanner extends the span over the rest of the word.
  p.word_end = !p.prefix && last != Edge::kNone;
  p.literal_length = static_cast<uint32_t>(n.size());
  p.exact_runs = exact_runs;
  bool any_run = exact_runs;
  for (uint8_t r : scratch_.runs) any_run |= r > 1;
  if (any_run) p.runs.assign(scratch_.runs.begin(), scratch_.runs.end());
  return p;
}

Result<CompiledPattern> PatternCompiler::Regex(const std::string& text, bool raw) {
  CompiledPattern p;
  p.flags = HS_FLAG_SOM_LEFTMOST | HS_FLAG_CASELESS;
  p.expression = raw ? text : CollapseLiteralRuns(text);
  const RegexNeeds needs = AnalyzeRegex(p.expression);
  p.needs_digit = needs.digit;
  p.needs_bytes = needs.bytes;
  if (!raw) {
    // The normalized text holds letters, digits, spaces, '@' and non-ASCII letters only
    // (normalizer.h); needs.bytes never holds a letter.
    for (size_t b = 0; b < needs.bytes.size(); ++b) {
      if (!needs.bytes[b] || (b >= '0' && b <= '9') || b == ' ' || b == '@') continue;
      const std::string shown = b < 0x20 || b == 0x7F ? "\\x" + std::string(1, "0123456789abcdef"[b >> 4]) +
                                                            std::string(1, "0123456789abcdef"[b & 15])
                                                      : std::string(1, static_cast<char>(b));
      return Status::InvalidArgument("regex '" + text + "' can never match: every match needs '" + shown +
                                     "', which the normalized text never holds (punctuation and symbols "
                                     "become spaces); write a space there, use a phrase, or set raw: true");
    }
  }
  return p;
}

std::string PatternCompiler::CollapseLiteralRuns(const std::string& text) {
  // Collapse runs of one literal letter, as the normalizer does to the text. Escapes
  // (and \x.. / \p{..} bodies), [classes] and {quantifiers} are copied untouched.
  std::string out;
  int class_depth = 0;
  bool in_quantifier = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      out += c;
      out += text[++i];
      const char e = text[i];
      if ((e == 'x' || e == 'p' || e == 'P' || e == 'o') && i + 1 < text.size() && text[i + 1] == '{') {
        while (i + 1 < text.size() && text[i] != '}') out += text[++i];
      } else if (e == 'x') {
        for (int k = 0; k < 2 && i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])); ++k) {
          out += text[++i];
        }
      }
      continue;
    }
    if (class_depth == 0 && !in_quantifier && IsAsciiLetter(c) && !out.empty() && out.back() == c) {
      // Only when the previous output char is the same plain letter, not an escape's.
      const bool after_escape = out.size() >= 2 && out[out.size() - 2] == '\\';
      if (!after_escape) continue;
    }
    if (c == '[') ++class_depth;
    else if (c == ']' && class_depth > 0) --class_depth;
    else if (c == '{' && class_depth == 0) in_quantifier = true;
    else if (c == '}' && class_depth == 0) in_quantifier = false;
    out += c;
  }
  return out;
}

std::string PatternCompiler::PossessiveVariant(const std::string& text) {
  const char last = text.empty() ? '\0' : text.back();
  return IsAsciiLetter(last) && last != 's' && last != 'S' ? text + "s" : std::string();
}

}  // namespace decorum
