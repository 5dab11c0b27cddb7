// decorum-bench-ceiling: the pipeline against its ceiling, in one run (SPEC §10, issue 5).
//
// The ceiling is a bare hs_scan of every comment text with the very databases the
// Scanner scans each comment with (BareScan, harness/bare_scan.h), a no-op match
// callback and one scratch: what matching alone would cost if decoding,
// normalization, evaluation, the decision and its encoding were free. The pipeline is
// Moderator::ModerateLine — everything `decorum score` does per line, on one thread —
// over the same lines, its records written to /dev/null in 64 KiB chunks.
//
// Both are timed over the whole in-memory corpus (no I/O inside the timed loops),
// interleaved for --rounds rounds; the best round of each is reported, since on a shared
// machine the best round is the one least disturbed by other work. A third number, the
// scan of the already-normalized texts, shows what the scan costs on the text the engine
// really scans (normalization shortens and lowercases it).
//
// Each rate is printed twice: over wall-clock time (the headline) and over the thread's
// CPU time (`cpu_` keys). They agree on a quiet machine; on a shared one the CPU-time
// rates and their ratio are the ones to trust.
//
// Usage: decorum-bench-ceiling --corpus FILE [--rules DIR] [--cache-dir DIR]
//                              [--limit N] [--rounds R] [--label NAME]

#include <algorithm>
#include <cstdio>
#include <string>

#include "bare_scan.h"
#include "harness.h"
#include "ingest/line_reader.h"
#include "normalize/normalizer.h"
#include "pipeline/moderator.h"
#include "sinks/run_stats.h"

namespace decorum::bench {
namespace {

constexpr char kUsage[] =
    "usage: decorum-bench-ceiling --corpus FILE [--rules DIR] [--cache-dir DIR] [--limit N]\n"
    "                             [--rounds R] [--label NAME]\n"
    "Times a bare hs_scan of every comment text (the ceiling) and the full per-line\n"
    "pipeline over the same corpus, in memory, on one thread; prints comments/s of both\n"
    "and their ratio as one line of key=value pairs.\n"
    "  --corpus FILE   NDJSON comments (decorum-gen-corpus output)\n"
    "  --rules DIR     rules directory (default: the built-in pack)\n"
    "  --cache-dir DIR on-disk database cache (default: none, compile)\n"
    "  --limit N       read at most N lines (default 1000000)\n"
    "  --rounds R      interleaved rounds; the best of each is reported (default 3)\n"
    "  --label NAME    the rules label printed in the output (default: default or DIR)\n";

// One pass of the bare scan over `texts`.
void ScanAll(const std::vector<std::string>& texts, const BareScan& scan, bool with_raw) {
  for (const std::string& t : texts) scan.Scan(t, with_raw);
}

int Main(int argc, char** argv) {
  const Args args(argc, argv, kUsage, {"--corpus", "--rules", "--cache-dir", "--limit", "--rounds", "--label"});
  if (!args.has("--corpus")) args.Fail("--corpus is required");
  const std::string rules = args.get("--rules");
  const uint64_t rounds = std::max<uint64_t>(1, args.get_u64("--rounds", 3));
  const Corpus corpus = LoadCorpus(args.get("--corpus"), args.get_u64("--limit", 1000000));
  const auto gen = LoadGeneration(rules, args.get("--cache-dir"));

  const BareScan bare(*gen);

  // The normalized texts, for the informational scan of what the engine really scans.
  std::vector<std::string> normalized;
  uint64_t normalized_bytes = 0;
  {
    Normalizer normalizer;
    NormalizedText n;
    normalized.reserve(corpus.texts.size());
    for (const auto& t : corpus.texts) {
      normalizer.Normalize(t, &n);
      normalized_bytes += n.text.size();
      normalized.push_back(n.text);
    }
  }

  Moderator moderator(gen, FieldMap(), 1 << 20);
  NullSink sink;
  std::string out;
  out.reserve(1 << 17);
  double best_scan = 1e300, best_norm_scan = 1e300, best_pipeline = 1e300;
  double cpu_scan = 1e300, cpu_pipeline = 1e300;
  uint64_t decided = 0;
  for (uint64_t r = 0; r < rounds; ++r) {
    double t0 = Now(), c0 = ThreadCpu();
    ScanAll(corpus.texts, bare, /*with_raw=*/true);
    best_scan = std::min(best_scan, Now() - t0);
    cpu_scan = std::min(cpu_scan, ThreadCpu() - c0);

    t0 = Now();
    ScanAll(normalized, bare, /*with_raw=*/false);
    best_norm_scan = std::min(best_norm_scan, Now() - t0);

    RunStats stats;
    t0 = Now();
    c0 = ThreadCpu();
    for (size_t i = 0; i < corpus.lines.size(); ++i) {
      Line line;
      line.bytes = corpus.lines[i];
      line.number = i + 1;
      line.length = corpus.lines[i].size();
      moderator.ModerateLine(line, i + 1, &out, &stats);
      sink.Drain(&out);
    }
    sink.Drain(&out, 0);
    best_pipeline = std::min(best_pipeline, Now() - t0);
    cpu_pipeline = std::min(cpu_pipeline, ThreadCpu() - c0);
    decided = stats.comments - stats.errors;
  }

  const double texts = static_cast<double>(corpus.texts.size());
  const double lines = static_cast<double>(corpus.lines.size());
  const double scan_cps = texts / best_scan;
  const double pipeline_cps = lines / best_pipeline;
  std::printf(
      "scenario=ceiling rules=%s patterns=%zu comments=%zu decided=%llu rounds=%llu "
      "text_MB=%.1f line_MB=%.1f "
      "scan_comments_per_s=%.0f scan_MB_per_s=%.1f "
      "normalized_scan_comments_per_s=%.0f normalized_scan_MB_per_s=%.1f "
      "pipeline_comments_per_s=%.0f pipeline_MB_per_s=%.1f ratio=%.3f "
      "cpu_scan_comments_per_s=%.0f cpu_pipeline_comments_per_s=%.0f cpu_ratio=%.3f peak_rss_MB=%.1f\n",
      args.get("--label", rules.empty() ? "default" : rules).c_str(), gen->pattern_count(),
      corpus.lines.size(), static_cast<unsigned long long>(decided),
      static_cast<unsigned long long>(rounds), static_cast<double>(corpus.text_bytes) / 1e6,
      static_cast<double>(corpus.line_bytes) / 1e6, scan_cps,
      static_cast<double>(corpus.text_bytes) / 1e6 / best_scan, texts / best_norm_scan,
      static_cast<double>(normalized_bytes) / 1e6 / best_norm_scan, pipeline_cps,
      static_cast<double>(corpus.line_bytes) / 1e6 / best_pipeline, pipeline_cps / scan_cps,
      texts / cpu_scan, lines / cpu_pipeline, (lines / cpu_pipeline) / (texts / cpu_scan),
      static_cast<double>(PeakRssKb()) / 1024);
  return 0;
}

}  // namespace
}  // namespace decorum::bench

int main(int argc, char** argv) { return decorum::bench::Main(argc, argv); }
