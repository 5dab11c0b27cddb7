// The shared harness of the C++ benchmark programs: loading a corpus into memory, building
// a Generation the way the CLI does, clocks, memory readings and the one output format.
//
// Output format: every program prints its results as lines of `key=value` pairs
// (`scenario=ceiling comments=… comments_per_s=…`), the format decorum-loadgen uses, so
// bench/harness/lib.sh reads every scenario the same way. Anything else a program prints
// goes to standard error.
//
// Thread safety: none needed; the programs are single-threaded except where BatchScorer
// starts its own threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/generation.h"

namespace decorum::bench {

// A corpus held in memory: the NDJSON lines (without '\n') and, for each line that
// decodes, its comment text (unescaped), in input order.
struct Corpus {
  std::vector<std::string> lines;
  std::vector<std::string> texts;
  uint64_t line_bytes = 0;  // sum of line sizes (what decorum's MB/s counts)
  uint64_t text_bytes = 0;  // sum of text sizes (what a bare scan reads)
};

// Reads up to `limit` lines of `path` (0: all) and decodes their texts with the engine's
// CommentDecoder. Exits with a message when the file cannot be read or holds no comment:
// a benchmark has nothing useful to do then.
Corpus LoadCorpus(const std::string& path, uint64_t limit);

// BuildGeneration for `rules_dir` (empty: the embedded default pack) with the on-disk
// cache in `cache_dir` (empty: none). Exits with the rule errors when it fails.
std::shared_ptr<const Generation> LoadGeneration(const std::string& rules_dir,
                                                 const std::string& cache_dir);

// Bytes of a space's compiled databases (hs_database_size): the full one and the unless
// groups, every expression once (the split's screen, digit and SOM databases, the same
// expressions again, are not counted).
uint64_t SpaceBytes(const Generation::Databases& space);

// Monotonic seconds since an arbitrary start.
double Now();
// CPU seconds consumed by the calling thread. On a shared machine, rates over CPU time
// stay meaningful when wall-clock rates do not (other work steals the core).
double ThreadCpu();

// Peak resident set size of this process so far (getrusage), in KiB.
uint64_t PeakRssKb();
// Current resident set size (/proc/self/statm), in KiB; 0 where unavailable.
uint64_t CurrentRssKb();

// Writes `bytes` to /dev/null-like sinks cheaply: the pipeline measurements write their
// output somewhere so that encoding cannot be optimized away and the write cost counts.
class NullSink {
 public:
  NullSink();
  ~NullSink();
  NullSink(const NullSink&) = delete;
  NullSink& operator=(const NullSink&) = delete;
  // Writes and clears *buffer once it holds at least `threshold` bytes (always if 0).
  void Drain(std::string* buffer, size_t threshold = 1 << 16);

 private:
  std::FILE* f_;
};

// Command-line helper: "--name value" and "--name=value" pairs. Exits with `usage` on
// an unknown option or a missing value.
class Args {
 public:
  Args(int argc, char** argv, std::string usage, std::vector<std::string> known);
  bool has(std::string_view name) const;
  std::string get(std::string_view name, std::string fallback = "") const;
  uint64_t get_u64(std::string_view name, uint64_t fallback) const;
  double get_double(std::string_view name, double fallback) const;
  [[noreturn]] void Fail(const std::string& why) const;

 private:
  std::string program_;
  std::string usage_;
  std::vector<std::pair<std::string, std::string>> values_;
};

}  // namespace decorum::bench
