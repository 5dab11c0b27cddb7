#include "match/scanner.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>

namespace decorum {
namespace {

int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* ctx) {
  auto* out = static_cast<std::vector<Match>*>(ctx);
  out->push_back({id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
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

}  // namespace

Scanner::Scanner(std::shared_ptr<const Generation> gen) : gen_(std::move(gen)) {
  for (const hs_database* db : {gen_->normalized_db(), gen_->raw_db()}) {
    if (db && hs_alloc_scratch(db, &scratch_) != HS_SUCCESS) {
      // Only an allocation failure gets here; nothing sensible can continue.
      std::abort();
    }
  }
}

Scanner::~Scanner() { hs_free_scratch(scratch_); }

void Scanner::ResolveSpans(const NormalizedText& normalized, std::vector<Match>* matches) const {
  const auto& refs = gen_->refs();
  const auto& runs = gen_->run_requirements();
  const std::string& text = normalized.text;
  size_t w = 0;
  for (Match m : *matches) {
    if (m.id < gen_->raw_id_base()) {
      const PatternRef& ref = refs[m.id];
      if (ref.literal_length) {
        if (m.to < ref.literal_length) continue;  // cannot happen for a literal match
        m.from = m.to - ref.literal_length;
      }
      if (ref.prefix) {
        while (m.to < text.size() && IsWordByte(text[m.to])) ++m.to;
      }
      if (ref.runs_size && !RunsSatisfied(normalized, m.from, ref, runs)) continue;
    }
    (*matches)[w++] = m;
  }
  matches->resize(w);
}

Status Scanner::Scan(const NormalizedText& normalized, std::string_view original, std::vector<Match>* out) {
  out->clear();
  if (gen_->normalized_db() && !normalized.text.empty()) {
    if (hs_scan(gen_->normalized_db(), normalized.text.data(), static_cast<unsigned>(normalized.text.size()), 0,
                scratch_, OnMatch, out) != HS_SUCCESS) {
      return Status::Internal("Hyperscan scan failed");
    }
  }
  // A joined spaced-out word may have swallowed one-letter words before it: "such a
  // l o s e r" normalizes to "such aloser", "I'm a b i t c h" to "imabitch". Scanning the
  // joined word again without its first one, two and three letters finds "loser" and
  // "bitch" (tiny extra scans, only for comments that space letters out).
  if (gen_->normalized_db()) {
    for (const auto& [b, e] : normalized.joined) {
      for (uint32_t skip = 1; skip <= 3 && e - b >= skip + 3; ++skip) {
        const size_t before = out->size();
        if (hs_scan(gen_->normalized_db(), normalized.text.data() + b + skip, e - b - skip, 0,
                    scratch_, OnMatch, out) != HS_SUCCESS) {
          return Status::Internal("Hyperscan scan failed");
        }
        for (size_t i = before; i < out->size(); ++i) {
          (*out)[i].from += b + skip;
          (*out)[i].to += b + skip;
        }
      }
    }
  }
  if (gen_->raw_db() && !original.empty()) {
    if (hs_scan(gen_->raw_db(), original.data(), static_cast<unsigned>(original.size()), 0, scratch_,
                OnMatch, out) != HS_SUCCESS) {
      return Status::Internal("Hyperscan scan failed");
    }
  }
  ResolveSpans(normalized, out);
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
