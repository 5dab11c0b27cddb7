#include "match/scanner.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "match/byte_gate.h"

namespace decorum {
namespace {

// A byte Hyperscan's \b (without HS_FLAG_UCP) counts as a word character: [A-Za-z0-9_].
// The normalized text holds only [a-z0-9@], spaces and non-ASCII bytes, but the check is
// \b's own, so that dropping \b from the expressions changes nothing.
bool IsBoundaryWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Next to a literal written in a non-Latin script delimited by spaces (PatternRef::wide_*),
// a non-ASCII byte is part of a letter too (the normalized text holds no non-ASCII
// punctuation), so it continues the word.
bool ContinuesWord(char c, bool wide) { return IsBoundaryWordByte(c) || (wide && (c & 0x80)); }

struct ScanContext {
  std::vector<Match>* out;
  const PatternRef* refs;
  // The scanned buffer: a literal's boundaries are checked against it, its two ends
  // counting as boundaries, exactly as a \b in the expression would have been.
  const char* data;
  size_t size;
  bool som_fired;
};

// Hyperscan's report, kept unless it is a literal whose word boundaries do not hold
// (PatternRef::word_start / word_end: the \b the expression would have had). Notes
// whether a SOM expression fired: in a screen database its report has no start and is
// replaced (see Scanner::ScanSpace).
int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const PatternRef& ref = c->refs[id];
  if (ref.word_start) {
    const unsigned long long start = to - ref.literal_length;  // literal_length <= to
    if (start > 0 && ContinuesWord(c->data[start - 1], ref.wide_start)) return 0;
  }
  if (ref.word_end && to < c->size && ContinuesWord(c->data[to], ref.wide_end)) return 0;
  c->out->push_back({id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
  c->som_fired |= ref.som;
  return 0;  // keep scanning
}

bool IsWordByte(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The normalized text holds each run of a repeated letter once; a literal that needs a
// doubled letter ("kill", "ass") matches only where the text's runs are long enough.
bool RunsSatisfied(const NormalizedText& n, uint32_t from, const PatternRef& ref,
                   const std::vector<uint8_t>& runs) {
  if (from + ref.runs_size > n.runs.size()) return false;
  for (uint32_t j = 0; j < ref.runs_size; ++j) {
    const uint8_t have = n.runs[from + j];
    const uint8_t need = runs[ref.runs_offset + j];
    if (ref.exact_runs ? have != need : have < need) return false;
  }
  return true;
}

// Moves the matches out[from, end) by `shift`: offsets in a window to offsets in its text.
void Shift(size_t from, uint32_t shift, std::vector<Match>* out) {
  if (!shift) return;
  for (size_t i = from; i < out->size(); ++i) {
    (*out)[i].from += shift;
    (*out)[i].to += shift;
  }
}

}  // namespace

Scanner::Scanner(std::shared_ptr<const Generation> gen) : gen_(std::move(gen)) {
  std::vector<const Generation::Databases*> spaces = {&gen_->normalized(), &gen_->raw()};
  for (size_t i = 0; i < spaces.size(); ++i) {
    const Generation::Databases& space = *spaces[i];
    for (const Generation::Databases& group : space.unless) spaces.push_back(&group);
    std::vector<const hs_database*> dbs = {space.full, space.screen, space.digit};
    dbs.insert(dbs.end(), space.som.begin(), space.som.end());
    for (const hs_database* db : dbs) {
      if (db && hs_alloc_scratch(db, &scratch_) != HS_SUCCESS) {
        // Only an allocation failure gets here; nothing sensible can continue.
        std::abort();
      }
    }
  }
}

Scanner::~Scanner() { hs_free_scratch(scratch_); }

void Scanner::ResolveSpans(const NormalizedText& normalized, size_t from, std::vector<Match>* matches) const {
  const auto& refs = gen_->refs();
  const auto& runs = gen_->run_requirements();
  const std::string& text = normalized.text;
  size_t w = from;
  for (size_t r = from; r < matches->size(); ++r) {
    Match m = (*matches)[r];
    if (m.id < gen_->raw_id_base()) {
      const PatternRef& ref = refs[m.id];
      if (ref.literal_length) {
        if (m.to < ref.literal_length) continue;  // cannot happen for a literal match
        m.from = m.to - ref.literal_length;
      }
      if (ref.prefix) {
        while (m.to < text.size() && (IsWordByte(text[m.to]) || (ref.wide_end && (text[m.to] & 0x80)))) ++m.to;
      }
      if (ref.runs_size && !RunsSatisfied(normalized, m.from, ref, runs)) continue;
    }
    (*matches)[w++] = m;
  }
  matches->resize(w);
}

bool Scanner::ScanDatabase(const hs_database* db, const char* data, size_t size, uint32_t shift,
                           std::vector<Match>* out) {
  const size_t before = out->size();
  ScanContext ctx{out, gen_->refs().data(), data, size, false};
  if (hs_scan(db, data, static_cast<unsigned>(size), 0, scratch_, OnMatch, &ctx) != HS_SUCCESS) return false;
  Shift(before, shift, out);
  return true;
}

bool Scanner::ScanSpace(const Generation::Databases& space, const Buffer& buffer, std::vector<Match>* out) {
  const auto [data, size, shift, may_have_digit] = buffer;
  if (!space.screen) return ScanDatabase(space.full, data, size, shift, out);
  const size_t before = out->size();
  const PatternRef* refs = gen_->refs().data();
  ScanContext ctx{out, refs, data, size, false};
  // The screen (with the digit database) reports what `full` would, except that a SOM
  // expression's reports carry no start (generation.cc, CompileSplit). Only when one
  // fired — rarely: regexes match few comments — are those reports swapped for its SOM
  // group's, which are `full`'s own for the group's expressions.
  if ((space.screen_gate < 0 || std::memchr(data, space.screen_gate, size)) &&
      hs_scan(space.screen, data, static_cast<unsigned>(size), 0, scratch_, OnMatch, &ctx) != HS_SUCCESS) {
    return false;
  }
  // The digit database is the rest of the screen, split off because its expressions
  // cannot match without a digit (byte_gate.h).
  if (space.digit && may_have_digit && HasAsciiDigit(data, size) &&
      hs_scan(space.digit, data, static_cast<unsigned>(size), 0, scratch_, OnMatch, &ctx) != HS_SUCCESS) {
    return false;
  }
  if (ctx.som_fired) {
    static_assert(Generation::kMaxSomGroups <= 64, "one bit a group");
    uint64_t fired_groups = 0;
    size_t last_end = 0;
    size_t w = before;
    for (size_t r = before; r < out->size(); ++r) {
      const PatternRef& ref = refs[(*out)[r].id];
      if (ref.som) {
        fired_groups |= uint64_t{1} << ref.som_group;
        last_end = std::max<size_t>(last_end, (*out)[r].to);
      } else {
        (*out)[w++] = (*out)[r];
      }
    }
    out->resize(w);
    // The screen reported every end of the groups' expressions, the last at last_end, so
    // the rescans stop two bytes past it: every assertion at a position up to last_end
    // (\b reads the byte there; $ and \Z hold one byte before the end only before a
    // final newline) then reads what it reads in the whole text, so each end up to
    // last_end gets the same leftmost start; reports of ends past it, which the short
    // buffer's own end made, are dropped. (A match tends to sit mid-comment: this cut
    // the rescans' cost by 40% on the bench corpus.)
    const size_t scan_size = std::min(size, last_end + 2);
    for (; fired_groups; fired_groups &= fired_groups - 1) {
      const hs_database* group = space.som[static_cast<size_t>(__builtin_ctzll(fired_groups))];
      if (hs_scan(group, data, static_cast<unsigned>(scan_size), 0, scratch_, OnMatch, &ctx) != HS_SUCCESS) {
        return false;
      }
    }
    if (scan_size < size) {
      out->erase(std::remove_if(out->begin() + static_cast<std::ptrdiff_t>(w), out->end(),
                                [last_end](const Match& m) { return m.to > last_end; }),
                 out->end());
    }
  }
  Shift(before, shift, out);
  return true;
}

template <class ScanFn>
bool Scanner::ForEachBuffer(const NormalizedText& normalized, std::string_view original, ScanFn scan) const {
  const Generation::Databases& norm = gen_->normalized();
  const char* text = normalized.text.data();
  const bool digit = normalized.may_have_digit;
  if (!normalized.text.empty() && !scan(norm, Buffer{text, normalized.text.size(), 0, digit})) return false;
  // A joined spaced-out word may have swallowed one-letter words before it: "such a
  // l o s e r" normalizes to "such aloser", "I'm a b i t c h" to "imabitch". Scanning the
  // joined word again without its first one, two and three letters finds "loser" and
  // "bitch" (tiny extra scans, only for comments that space letters out). Each rescan is
  // a buffer of its own, and its ends count as word boundaries (as they did when the
  // expressions held \b): the rescan of "aloser" from its 'l' finds "loser", though in
  // the whole text an 'a' precedes it.
  for (const auto& [b, e] : normalized.joined) {
    for (uint32_t skip = 1; skip <= 3 && e - b >= skip + 3; ++skip) {
      if (!scan(norm, Buffer{text + b + skip, e - b - skip, b + skip, digit})) return false;
    }
  }
  return original.empty() || scan(gen_->raw(), Buffer{original.data(), original.size(), 0, true});
}

Status Scanner::Scan(const NormalizedText& normalized, std::string_view original, std::vector<Match>* out,
                     const UnlessFilter& filter) {
  out->clear();
  const bool scanned = ForEachBuffer(normalized, original, [&](const Generation::Databases& space, const Buffer& buf) {
    return !space.full || ScanSpace(space, buf, out);
  });
  if (!scanned) return Status::Internal("Hyperscan scan failed");
  ResolveSpans(normalized, 0, out);
  // An unless regex can only cancel a match of its own rule: the groups of the rules that
  // matched (and, with a filter, could count) are scanned, over the same buffers, and
  // none for most comments. (A rule that needs a target mention near it matches far
  // more often than it counts: "kill" is common, "kill Delvey" rare.)
  static_assert(Generation::kMaxUnlessGroups <= 64, "one bit a group");
  uint64_t unless_groups = 0;
  for (const Match& m : *out) {
    const int32_t g = gen_->refs()[m.id].unless_group;
    if (g < 0 || (unless_groups >> g & 1)) continue;
    if (!filter || filter(*out, m)) unless_groups |= uint64_t{1} << g;
  }
  const size_t unless_from = out->size();
  if (unless_groups) {
    const bool unless_scanned = ForEachBuffer(
        normalized, original, [&](const Generation::Databases& space, const Buffer& buf) {
          for (uint64_t groups = unless_groups; groups; groups &= groups - 1) {
            const size_t g = static_cast<size_t>(__builtin_ctzll(groups));
            if (g < space.unless.size() && space.unless[g].full && !ScanSpace(space.unless[g], buf, out)) {
              return false;
            }
          }
          return true;
        });
    if (!unless_scanned) return Status::Internal("Hyperscan scan failed");
    ResolveSpans(normalized, unless_from, out);
  }
  if (out->size() < 2) return Status::Ok();
  std::sort(out->begin(), out->end(), [](const Match& a, const Match& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.from != b.from) return a.from < b.from;
    return a.to < b.to;
  });
  // A regex can report several ends for one start ("\d{3,}" over "12345"); one hit per
  // stretch of text is what a moderator wants to read.
  size_t w = 0;
  for (size_t r = 1; r < out->size(); ++r) {
    Match& last = (*out)[w];
    const Match& m = (*out)[r];
    if (m.id == last.id && m.from < last.to) {
      last.to = std::max(last.to, m.to);
    } else {
      (*out)[++w] = m;
    }
  }
  out->resize(w + 1);
  return Status::Ok();
}

}  // namespace decorum
