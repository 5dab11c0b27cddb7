#include "bare_scan.h"

#include <hs/hs.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "match/byte_gate.h"

namespace decorum::bench {
namespace {

int NoOp(unsigned, unsigned long long, unsigned long long, unsigned, void*) { return 0; }

}  // namespace

BareScan::BareScan(const Generation& gen) {
  auto space = [](const Generation::Databases& d) {
    return d.screen ? Space{d.screen, d.screen_gate, d.digit} : Space{d.full, -1, nullptr};
  };
  norm_ = space(gen.normalized());
  raw_ = space(gen.raw());
  for (const hs_database* db : {norm_.db, norm_.digit, raw_.db, raw_.digit}) {
    if (db != nullptr && hs_alloc_scratch(db, &scratch_) != HS_SUCCESS) {
      std::fprintf(stderr, "hs_alloc_scratch failed\n");
      std::exit(1);
    }
  }
}

BareScan::~BareScan() { hs_free_scratch(scratch_); }

void BareScan::ScanSpace(const Space& space, std::string_view text) const {
  if (space.db == nullptr) return;
  if (space.gate < 0 || std::memchr(text.data(), space.gate, text.size())) {
    hs_scan(space.db, text.data(), static_cast<unsigned>(text.size()), 0, scratch_, NoOp, nullptr);
  }
  if (space.digit != nullptr && HasAsciiDigit(text.data(), text.size())) {
    hs_scan(space.digit, text.data(), static_cast<unsigned>(text.size()), 0, scratch_, NoOp, nullptr);
  }
}

void BareScan::Scan(std::string_view text, bool with_raw) const {
  ScanSpace(norm_, text);
  if (with_raw) ScanSpace(raw_, text);
}

}  // namespace decorum::bench
