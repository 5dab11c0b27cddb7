// decorum-bench-memory: does memory grow with the number of comments processed?
// (issue 5: a 10-million-comment run must end at the size it had after the first million.)
//
// Runs the real batch pipeline (BatchScorer, as `decorum score` does; output to
// /dev/null) over an input — typically decorum-gen-corpus piped in on standard input, so
// 10 million comments need no disk — and reads this process's resident set size from its
// progress callback: once when the first `--checkpoint` comments are written, and at the
// end. Growth is end minus checkpoint; the program only reports it, it never fails on it.
//
// Usage: decorum-bench-memory [--input FILE|-] [--threads T] [--checkpoint N]
//                             [--rules DIR] [--cache-dir DIR]
#include <cstdio>
#include <string>

#include "harness.h"
#include "pipeline/batch_scorer.h"
#include "sinks/run_stats.h"

namespace decorum::bench {
namespace {

constexpr char kUsage[] =
    "usage: decorum-bench-memory [--input FILE|-] [--threads T] [--checkpoint N]\n"
    "                            [--rules DIR] [--cache-dir DIR]\n"
    "Scores the input with BatchScorer (output discarded) and prints the resident set\n"
    "size after the first N comments and at the end, as one line of key=value pairs.\n"
    "  --input FILE     NDJSON input, '-' for standard input (default '-')\n"
    "  --threads T      worker threads (default 1)\n"
    "  --checkpoint N   comments after which the first reading is taken (default 1000000)\n"
    "  --rules DIR      rules directory (default: the built-in pack)\n"
    "  --cache-dir DIR  on-disk database cache (default: none)\n";

int Main(int argc, char** argv) {
  const Args args(argc, argv, kUsage, {"--input", "--threads", "--checkpoint", "--rules", "--cache-dir"});
  const uint64_t checkpoint = args.get_u64("--checkpoint", 1000000);
  BatchOptions options;
  options.threads = args.get_u64("--threads", 1);
  if (options.threads == 0) args.Fail("--threads must be at least 1");
  const auto gen = LoadGeneration(args.get("--rules"), args.get("--cache-dir"));

  std::FILE* out = std::fopen("/dev/null", "wb");
  if (out == nullptr) {
    std::perror("/dev/null");
    return 1;
  }
  BatchScorer scorer(gen, options);
  uint64_t at_checkpoint_comments = 0, at_checkpoint_kb = 0, max_kb = 0;
  // The callback runs at most every 200 ms, so the first reading is taken at most
  // 200 ms of scoring after the checkpoint: it reports the count it was taken at.
  scorer.set_progress([&](const BatchProgress& p) {
    const uint64_t kb = CurrentRssKb();
    if (kb > max_kb) max_kb = kb;
    if (at_checkpoint_comments == 0 && p.comments >= checkpoint) {
      at_checkpoint_comments = p.comments;
      at_checkpoint_kb = kb;
    }
  });
  RunStats stats;
  const double t0 = Now();
  const Status s = scorer.Run({args.get("--input", "-")}, out, &stats);
  const double seconds = Now() - t0;
  std::fclose(out);
  if (!s.ok()) {
    std::fprintf(stderr, "decorum-bench-memory: %s\n", s.message().c_str());
    return 1;
  }
  const uint64_t end_kb = CurrentRssKb();
  std::printf(
      "scenario=memory threads=%zu comments=%llu seconds=%.2f comments_per_s=%.0f "
      "MB_per_s=%.1f checkpoint_comments=%llu rss_at_checkpoint_MB=%.1f rss_at_end_MB=%.1f "
      "growth_MB=%.1f max_rss_sampled_MB=%.1f peak_rss_MB=%.1f\n",
      options.threads, static_cast<unsigned long long>(stats.comments), seconds,
      static_cast<double>(stats.comments) / seconds,
      static_cast<double>(stats.input_bytes) / 1e6 / seconds,
      static_cast<unsigned long long>(at_checkpoint_comments),
      static_cast<double>(at_checkpoint_kb) / 1024, static_cast<double>(end_kb) / 1024,
      at_checkpoint_comments == 0
          ? 0.0
          : (static_cast<double>(end_kb) - static_cast<double>(at_checkpoint_kb)) / 1024,
      static_cast<double>(max_kb) / 1024, static_cast<double>(PeakRssKb()) / 1024);
  return 0;
}

}  // namespace
}  // namespace decorum::bench

int main(int argc, char** argv) { return decorum::bench::Main(argc, argv); }
