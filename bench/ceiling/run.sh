#!/usr/bin/env bash
# Ceiling comparison: in one process, a bare hs_scan of every comment text with the
# Generation's own databases (the ceiling) and the full per-line pipeline
# (Moderator::ModerateLine) over the same lines, both on one thread and in memory
# (bench/ceiling/ceiling.cc). Prints comments/s of both and their ratio; SPEC §10 wants
# the pipeline at 50% of the ceiling or better.
#
# Usage: bench/ceiling/run.sh [BUILD_DIR] [COUNT]     (defaults: build, 1000000)
# Environment: BENCH_CORPUS=FILE (use it instead of generating COUNT comments),
#              BENCH_ROUNDS=3 (interleaved rounds, best of each reported),
#              BENCH_RULES=DIR (a rules directory instead of the built-in pack)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
count=${2:-1000000}
bench_positive_int COUNT "$count"
rounds=${BENCH_ROUNDS:-3}
bench_positive_int BENCH_ROUNDS "$rounds"
bench_need "$CEILING" "$GEN_CORPUS"
rules_args=()
if [ -n "${BENCH_RULES:-}" ]; then
  [ -d "$BENCH_RULES" ] || bench_die "BENCH_RULES='$BENCH_RULES' is not a directory"
  rules_args=(--rules "$BENCH_RULES")
fi

bench_workdir
corpus=$(bench_corpus "$count" 42)
line=$("$CEILING" --corpus "$corpus" --cache-dir "$BENCH_WORK/cache" --limit "$count" --rounds "$rounds" \
         "${rules_args[@]}")
echo "ceiling  $line"
scan=$(bench_kv scan_comments_per_s "$line")
bench_row "ceiling: bare hs_scan of the texts, 1 thread" "$scan" "$(bench_kv scan_MB_per_s "$line")" 1.000 \
  - - - - "text MB/s; $(bench_kv patterns "$line") patterns"
bench_row "pipeline in-process (ModerateLine), 1 thread" "$(bench_kv pipeline_comments_per_s "$line")" \
  "$(bench_kv pipeline_MB_per_s "$line")" "$(bench_kv ratio "$line")" - - - - \
  "CPU-time ratio $(bench_kv cpu_ratio "$line"); normalized-text scan $(bench_kv normalized_scan_comments_per_s "$line")/s"
