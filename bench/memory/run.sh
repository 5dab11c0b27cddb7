#!/usr/bin/env bash
# Memory growth: the batch pipeline (BatchScorer, as `decorum score`) over COUNT
# generated comments piped straight from decorum-gen-corpus (no disk), with the resident
# set size read after the first million comments and at the end (bench/memory/growth.cc).
# Issue 5: a 10-million-comment run ends at the size it had after the first million.
#
# Usage: bench/memory/run.sh [BUILD_DIR] [COUNT] [THREADS]  (defaults: build, 10000000, 2)
# Environment: BENCH_CHECKPOINT=1000000 (comments before the first reading)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
count=${2:-10000000}
threads=${3:-2}
checkpoint=${BENCH_CHECKPOINT:-1000000}
bench_positive_int COUNT "$count"
bench_positive_int THREADS "$threads"
bench_positive_int BENCH_CHECKPOINT "$checkpoint"
[ "$count" -gt "$checkpoint" ] || bench_die "COUNT ($count) must exceed the checkpoint ($checkpoint)"
bench_need "$MEMORY" "$GEN_CORPUS"

bench_workdir
line=$("$GEN_CORPUS" --count "$count" --seed 42 |
       "$MEMORY" --input - --threads "$threads" --checkpoint "$checkpoint" --cache-dir "$BENCH_WORK/cache")
echo "memory   $line"
bench_row "memory growth, $count comments, $threads threads" "$(bench_kv comments_per_s "$line")" \
  "$(bench_kv MB_per_s "$line")" - - - - "$(bench_kv peak_rss_MB "$line")" \
  "RSS $(bench_kv rss_at_checkpoint_MB "$line") MB after $(bench_kv checkpoint_comments "$line"), $(bench_kv rss_at_end_MB "$line") MB at end (growth $(bench_kv growth_MB "$line") MB)"
