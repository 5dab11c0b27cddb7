// Fuzz target: CommentDecoder::Decode on arbitrary bytes as one NDJSON line.
//
// Checks, beyond "no crash, no sanitizer report": every line decodes to ok or to an error
// with a message, under the default and the pushshift field maps; a decoded comment's text
// is valid UTF-8 (SPEC §4: invalid bytes are repaired, never passed on); an error echoes
// the line number; decoding the line in place (padded, followed by other bytes) gives the
// same result as decoding a copy; the default decoder (flat objects read without a DOM)
// gives the same status, message and fields as one that sends every line to simdjson —
// also under a map whose id and thread share one short source key (a field given twice is
// an error on both paths, and a shared key read once feeds both fields).
// The UTF-8 check is written out here rather than borrowed from the
// engine so a bug shared by the engine's decoder and validator cannot hide itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "decode/comment_decoder.h"
#include "ingest/line_reader.h"

namespace {

// True when `s` is well-formed UTF-8 (Unicode §3.9, Table 3-7).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    const unsigned char b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (size_t k = 2; k < n; ++k) {
      const unsigned char c = static_cast<unsigned char>(s[i + k]);
      if (c < 0x80 || c > 0xBF) return false;
    }
    i += n;
  }
  return true;
}

// Decodes `line` and checks the result; returns the status's message ("" when ok) and the
// decoded text, for comparisons.
std::string Check(decorum::CommentDecoder& decoder, std::string_view line, const char* map_name,
                  bool padded = false) {
  constexpr uint64_t kLineNo = 7;
  decorum::Comment c;
  const decorum::Status s = decoder.Decode(line, kLineNo, &c, padded);
  if (c.line != kLineNo) {
    std::fprintf(stderr, "%s map: line number %llu, want %llu\n", map_name,
                 static_cast<unsigned long long>(c.line), static_cast<unsigned long long>(kLineNo));
    std::abort();
  }
  if (!s.ok()) {
    if (s.message().empty()) {
      std::fprintf(stderr, "%s map: error without a message\n", map_name);
      std::abort();
    }
    return s.message();
  }
  if (!IsValidUtf8(c.text)) {
    std::fprintf(stderr, "%s map: decoded text is not valid UTF-8\n", map_name);
    std::abort();
  }
  return "ok: " + std::string(c.text);
}

// Every field of a decoded comment and the status, as one string, for comparisons.
std::string Describe(const decorum::Status& s, const decorum::Comment& c) {
  std::string out = s.ok() ? "ok" : "error: " + s.message();
  for (std::string_view f : {c.text, c.id, c.author, c.thread, c.parent, c.lang, c.meta_json}) {
    out += '|' + std::to_string(f.size()) + ':';
    out += f;
  }
  out += '|' + std::to_string(static_cast<int>(c.id_kind));
  out += '|' + (c.ts_ms ? std::to_string(*c.ts_ms) : std::string("none"));
  return out;
}

void CheckFlatAgainstSimdjson(decorum::CommentDecoder& flat, decorum::CommentDecoder& dom,
                              std::string_view line, const char* map_name) {
  decorum::Comment a, b;
  const decorum::Status sa = flat.Decode(line, 1, &a);
  const decorum::Status sb = dom.Decode(line, 1, &b);
  const std::string da = Describe(sa, a), db = Describe(sb, b);
  if (da != db) {
    std::fprintf(stderr, "%s map: flat path gives\n  %s\nsimdjson alone gives\n  %s\n", map_name,
                 da.c_str(), db.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Built once: the decoders keep their buffers between lines, as they do in a worker, so
  // the fuzzer also exercises reuse after a longer or a failed line.
  static decorum::CommentDecoder* const default_decoder = new decorum::CommentDecoder();
  static decorum::CommentDecoder* const pushshift_decoder = [] {
    auto map = decorum::FieldMap::Parse("pushshift");
    if (!map.ok()) std::abort();
    return new decorum::CommentDecoder(map.value());
  }();

  static decorum::CommentDecoder* const padded_decoder = new decorum::CommentDecoder();
  static decorum::CommentDecoder* const dom_decoder =
      new decorum::CommentDecoder(decorum::FieldMap(), decorum::CommentDecoder::Parsing::kSimdjsonOnly);
  static decorum::CommentDecoder* const pushshift_dom_decoder = [] {
    auto map = decorum::FieldMap::Parse("pushshift");
    if (!map.ok()) std::abort();
    return new decorum::CommentDecoder(map.value(), decorum::CommentDecoder::Parsing::kSimdjsonOnly);
  }();
  // Short source keys the fuzzer finds quickly; id and thread share "k".
  constexpr const char* kSharedMap = "text=t,id=k,thread=k,author=a";
  static decorum::CommentDecoder* const shared_decoder = [] {
    auto map = decorum::FieldMap::Parse(kSharedMap);
    if (!map.ok()) std::abort();
    return new decorum::CommentDecoder(map.value());
  }();
  static decorum::CommentDecoder* const shared_dom_decoder = [] {
    auto map = decorum::FieldMap::Parse(kSharedMap);
    if (!map.ok()) std::abort();
    return new decorum::CommentDecoder(map.value(), decorum::CommentDecoder::Parsing::kSimdjsonOnly);
  }();

  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const std::string copied = Check(*default_decoder, line, "default");
  Check(*pushshift_decoder, line, "pushshift");
  // In place, followed by bytes that would complete many a truncated line.
  std::string buffer(line);
  buffer += "\"}\"}]}";
  buffer.append(decorum::kLinePadding, '}');
  const std::string in_place =
      Check(*padded_decoder, std::string_view(buffer).substr(0, size), "default (padded)", /*padded=*/true);
  CheckFlatAgainstSimdjson(*default_decoder, *dom_decoder, line, "default");
  CheckFlatAgainstSimdjson(*pushshift_decoder, *pushshift_dom_decoder, line, "pushshift");
  CheckFlatAgainstSimdjson(*shared_decoder, *shared_dom_decoder, line, "shared keys");
  if (in_place != copied) {
    std::fprintf(stderr, "padded decode differs: '%s' vs '%s'\n", in_place.c_str(), copied.c_str());
    std::abort();
  }
  return 0;
}
