#include "match/pattern_compiler.h"

#include <cstdio>

namespace decorum {
namespace {

bool IsWordByte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void AppendHexByte(std::string* out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02x", c);
  out->append(buf);
}

}  // namespace

Result<std::string> PatternCompiler::WordOrPhrase(const std::string& text, bool is_phrase) {
  return Build(text, is_phrase, /*tolerate_repeats=*/true);
}

Result<std::string> PatternCompiler::TargetName(const std::string& text) {
  return Build(text, /*phrase=*/true, /*tolerate_repeats=*/true);
}

Result<std::string> PatternCompiler::TargetHandle(const std::string& text) {
  return Build(text, /*phrase=*/false, /*tolerate_repeats=*/false);
}

Result<std::string> PatternCompiler::Build(const std::string& text, bool phrase, bool tolerate_repeats) {
  std::string body = text;
  bool prefix = false;
  if (!phrase && !body.empty() && body.back() == '*') {
    prefix = true;
    body.pop_back();
  }
  normalizer_.Normalize(body, &scratch_);
  const std::string& n = scratch_.text;
  bool has_word_char = false;
  for (char c : n) has_word_char |= IsWordByte(c);
  if (!has_word_char) {
    return Status::InvalidArgument("pattern '" + text + "' has no letter or digit once normalized");
  }

  std::string expr;
  if (IsWordByte(n.front())) expr += "\\b";
  for (size_t i = 0; i < n.size();) {
    const char c = n[i];
    size_t run = 1;
    while (i + run < n.size() && n[i + run] == c) ++run;
    if (c >= 'a' && c <= 'z' && tolerate_repeats) {
      expr += c;
      expr += run == 1 ? std::string("+") : "{" + std::to_string(run) + ",}";
    } else if (IsWordByte(c)) {
      expr.append(run, c);
    } else if (c == ' ') {
      // Between words of a phrase any separator, or none ("conartist"), may stand.
      expr += " ?";
    } else if (c == '@') {
      expr.append(run, '@');
    } else {
      for (size_t k = 0; k < run; ++k) AppendHexByte(&expr, static_cast<unsigned char>(c));
    }
    i += run;
  }
  if (prefix) expr += "[a-z0-9]*";
  if (prefix || IsWordByte(n.back())) expr += "\\b";
  return expr;
}

}  // namespace decorum
