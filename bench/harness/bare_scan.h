// BareScan: the ceiling's scan of one text — hs_scan with the databases the Scanner scans
// every comment with, a no-op callback and one scratch, nothing else.
//
// Those databases (generation.h): per space (normalized, raw) the SOM-free screen when
// the set has start-tracking regexes or regexes that need a digit — skipped, as the
// Scanner skips it, over a text without its gate byte — plus the digit database over
// texts that hold a digit (match/byte_gate.h); else the full database.
// The SOM rescans the Scanner does after a regex fired, and the unless groups it scans
// after a rule with unless patterns matched, are pipeline cost, not ceiling.
// decorum-bench-ceiling and the HsScanBare micro-benchmark share this, so they measure
// the same thing.
//
// Thread safety: one per thread (it owns a scratch).
#pragma once

#include <string_view>

#include "match/generation.h"

struct hs_scratch;

namespace decorum::bench {

class BareScan {
 public:
  // Allocates the scratch; exits the program with a message if Hyperscan cannot.
  explicit BareScan(const Generation& gen);
  ~BareScan();
  BareScan(const BareScan&) = delete;
  BareScan& operator=(const BareScan&) = delete;

  // Scans `text` with the normalized space's databases and, when `with_raw`, the raw
  // space's.
  void Scan(std::string_view text, bool with_raw) const;

 private:
  struct Space {
    const hs_database* db = nullptr;     // screen or full; null when the space is empty
    int gate = -1;                       // the screen's gate byte: scanned only over text with it
    const hs_database* digit = nullptr;  // scanned only over text with a digit
  };
  void ScanSpace(const Space& space, std::string_view text) const;

  Space norm_;
  Space raw_;
  hs_scratch* scratch_ = nullptr;
};

}  // namespace decorum::bench
