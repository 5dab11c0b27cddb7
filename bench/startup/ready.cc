// decorum-bench-ready: how long a rule set takes to become ready to score, and what it
// weighs (SPEC §10: start-up with 10,000 patterns under 0.5 s with the database cache).
//
// "Ready" is what every front end does before its first comment: load and validate the
// rules, compile (or load from the cache) the Hyperscan databases, and allocate one
// worker's scratch and Moderator. The time is measured inside the process, so it
// excludes exec and dynamic linking; bench/startup/run.sh also times the whole
// `decorum explain` command for that.
//
// Usage: decorum-bench-ready [--rules DIR] [--cache-dir DIR] [--label NAME]
#include <cstdio>
#include <string>

#include "harness.h"
#include "pipeline/moderator.h"

namespace decorum::bench {
namespace {

constexpr char kUsage[] =
    "usage: decorum-bench-ready [--rules DIR] [--cache-dir DIR] [--label NAME]\n"
    "Builds the rule set as decorum does (load, compile or load from the cache, one\n"
    "worker's scratch) and prints the time to ready, the compile time, the database sizes\n"
    "and the peak RSS as one line of key=value pairs.\n"
    "  --rules DIR      rules directory (default: the built-in pack)\n"
    "  --cache-dir DIR  on-disk database cache (default: none, always compile)\n"
    "  --label NAME     the rules label printed in the output\n";

int Main(int argc, char** argv) {
  const Args args(argc, argv, kUsage, {"--rules", "--cache-dir", "--label"});
  const std::string rules = args.get("--rules");
  const double t0 = Now();
  const auto gen = LoadGeneration(rules, args.get("--cache-dir"));
  const double built = Now() - t0;
  Moderator moderator(gen, FieldMap(), 1 << 20);
  Decision decision;
  if (!moderator.ModerateText("hi", &decision).ok()) {
    std::fprintf(stderr, "the first comment failed to scan\n");
    return 1;
  }
  const double ready = Now() - t0;
  std::printf(
      "scenario=ready rules=%s patterns=%zu rule_count=%zu targets=%zu from_cache=%d "
      "build_seconds=%.3f compile_seconds=%.3f ready_seconds=%.3f normalized_db_bytes=%llu "
      "raw_db_bytes=%llu peak_rss_MB=%.1f\n",
      args.get("--label", rules.empty() ? "default" : rules).c_str(), gen->pattern_count(),
      gen->rules().rules.size(), gen->rules().targets.size(), gen->from_cache() ? 1 : 0, built,
      gen->compile_seconds(), ready,
      static_cast<unsigned long long>(SpaceBytes(gen->normalized())),
      static_cast<unsigned long long>(SpaceBytes(gen->raw())),
      static_cast<double>(PeakRssKb()) / 1024);
  return 0;
}

}  // namespace
}  // namespace decorum::bench

int main(int argc, char** argv) { return decorum::bench::Main(argc, argv); }
