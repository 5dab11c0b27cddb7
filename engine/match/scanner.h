// Scanner: runs one comment through a Generation's databases.
//
// Each worker thread owns one Scanner per generation: the Hyperscan scratch is allocated
// once here, never on the scan path (SPEC §7). A reload builds a new Scanner for the new
// generation; the old one dies with the last comment that used it.
//
// Thread safety: none; one Scanner per thread.
#pragma once

#include <cstdint>
#include <functional>
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

  // Says whether a match of a rule with unless regexes could count (its span resolved;
  // `matches` holds every match but the unless regexes'): when it cannot, the rule's
  // unless regexes need not be scanned for it (Evaluator::MayCount answers this).
  using UnlessFilter = std::function<bool(const std::vector<Match>& matches, const Match& m)>;

  // Fills *out (cleared first) with every match, sorted by (id, from, to), overlapping
  // matches of the same expression merged into one. The unless regexes of a rule (kept
  // apart, generation.h) are scanned only when one of its matches could count: with no
  // `filter`, whenever it matched. Fails only if Hyperscan does (an internal error: the
  // comment then gets an error record, not a silent allow).
  Status Scan(const NormalizedText& normalized, std::string_view original, std::vector<Match>* out,
              const UnlessFilter& filter = nullptr);

  const Generation& generation() const { return *gen_; }
  const std::shared_ptr<const Generation>& generation_ptr() const { return gen_; }

 private:
  // Turns raw Hyperscan reports (*matches from index `from` on) into spans: literal
  // starts, prefix words extended to the word's end, run requirements checked (failing
  // matches removed).
  void ResolveSpans(const NormalizedText& normalized, size_t from, std::vector<Match>* matches) const;

  // One buffer a comment is scanned as: data[0, size), its matches' offsets plus `shift`
  // in its text. may_have_digit is false only when it is known to hold no ASCII digit.
  struct Buffer {
    const char* data;
    size_t size;
    uint32_t shift;
    bool may_have_digit;
  };

  // Calls scan(space, buffer) for each buffer a comment is scanned as, in this order, until
  // one call returns false: the normalized text (space: the normalized databases), the
  // windows of its joined words (shift: where the window starts), the original bytes (the
  // raw databases). Skips empty buffers. False if a call was.
  template <class ScanFn>
  bool ForEachBuffer(const NormalizedText& normalized, std::string_view original, ScanFn scan) const;

  // Appends the matches of the space's databases over the buffer: the full database's, or
  // the split's (the screen, unless the data lack its gate byte; the digit database when
  // the data may hold a digit and do; the SOM group of each SOM expression that fired),
  // literals' word boundaries checked as in ScanDatabase. Its unless groups are not
  // scanned here (Scan does, for the rules that matched). False when Hyperscan fails.
  bool ScanSpace(const Generation::Databases& space, const Buffer& buffer, std::vector<Match>* out);
  // Appends the matches of one database over data[0, size), offsets plus `shift`.
  // Literals whose word boundaries (PatternRef::word_start / word_end) do not hold in
  // data[0, size) — its ends count as boundaries, as for \b — are dropped here. False when
  // Hyperscan fails.
  bool ScanDatabase(const hs_database* db, const char* data, size_t size, uint32_t shift,
                    std::vector<Match>* out);

  std::shared_ptr<const Generation> gen_;
  hs_scratch* scratch_ = nullptr;
};

}  // namespace decorum
