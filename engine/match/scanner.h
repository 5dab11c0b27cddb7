// Scanner: runs one comment through a Generation's databases.
//
// Each worker thread owns one Scanner per generation: the Hyperscan scratch is allocated
// once here, never on the scan path (SPEC §7). A reload builds a new Scanner for the new
// generation; the old one dies with the last comment that used it.
//
// Thread safety: none; one Scanner per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "decorum/status.h"
#include "match/generation.h"
#include "normalize/normalizer.h"

struct hs_scratch;

namespace decorum {

// One expression match. Offsets are in the scanned text: the normalized text for ids
// below Generation::raw_id_base(), the original text for raw ids.
struct Match {
  uint32_t id = 0;
  uint32_t from = 0;
  uint32_t to = 0;
};

class Scanner {
 public:
  // Allocates scratch for `gen`. REQUIRES: gen is not null.
  explicit Scanner(std::shared_ptr<const Generation> gen);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Fills *out (cleared first) with every match, sorted by (id, from, to), overlapping
  // matches of the same expression merged into one. Fails only if Hyperscan does (an
  // internal error: the comment then gets an error record, not a silent allow).
  Status Scan(const NormalizedText& normalized, std::string_view original, std::vector<Match>* out);

  const Generation& generation() const { return *gen_; }
  const std::shared_ptr<const Generation>& generation_ptr() const { return gen_; }

 private:
  // Turns raw Hyperscan reports into spans: literal starts, prefix words extended to
  // the word's end, run requirements checked (failing matches removed).
  void ResolveSpans(const NormalizedText& normalized, std::vector<Match>* matches) const;

  // One database space, normalized or raw: the full database and its split
  // (Generation::*_screen_db / _som_dbs / _digit_db; screen null: no split).
  struct Space {
    const hs_database* full;
    const hs_database* screen;
    int screen_gate;  // -1, or a byte without which the screen cannot match
    const std::vector<hs_database*>* som;
    const hs_database* digit;
  };

  // Appends the matches of `space` over data[0, size), their offsets plus `shift`: the
  // full database's, or the split's (the screen, unless the data lack its gate byte; the
  // digit database when the data hold a digit; the SOM group of each SOM expression that
  // fired). Literals whose word boundaries (PatternRef::word_start / word_end) do not
  // hold in data[0, size) — its ends count as boundaries, as for \b — are dropped here.
  // False when Hyperscan fails.
  bool ScanSpace(const Space& space, const char* data, size_t size, uint32_t shift,
                 std::vector<Match>* out);

  std::shared_ptr<const Generation> gen_;
  hs_scratch* scratch_ = nullptr;
};

}  // namespace decorum
