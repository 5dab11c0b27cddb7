#!/usr/bin/env bash
# Stage micro-benchmarks (Google Benchmark, bench/micro/stages.cc): decode, normalize
# ASCII, normalize non-ASCII, bare hs_scan, Scanner::Scan, evaluate, encode and the whole
# per-line pipeline, each over a generated sample. Google Benchmark computes its rates over
# CPU time, so they hold up on a shared machine better than wall-clock rates.
#
# Usage: bench/micro/run.sh [BUILD_DIR] [SAMPLE]  (defaults: build, 20000 comments)
# Environment: BENCH_MIN_TIME=0.5 (seconds per benchmark), BENCH_CORPUS=FILE (sample
#              from its first SAMPLE lines instead of generating)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
sample=${2:-20000}
bench_positive_int SAMPLE "$sample"
bench_need "$MICRO"
min_time=${BENCH_MIN_TIME:-0.5}
corpus_args=()
[ -z "${BENCH_CORPUS:-}" ] || corpus_args=(--corpus "$BENCH_CORPUS")

bench_workdir
"$MICRO" "${corpus_args[@]}" --limit "$sample" --benchmark_min_time="$min_time" \
  --benchmark_format=console --benchmark_out="$BENCH_WORK/micro.csv" --benchmark_out_format=csv \
  2> >(grep -v 'Library was built as DEBUG' >&2)
# CSV: name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,...
awk -F, 'NR > 1 && $1 ~ /^"?BM_/ { gsub(/"/, "", $1); sub(/^BM_/, "", $1);
           printf "%s\t%.0f\t%.1f\t%.0f %s\n", $1, $7, $6 / 1e6, $4, $5 }' "$BENCH_WORK/micro.csv" |
while IFS=$'\t' read -r name items mbps per; do
  bench_row "micro: $name" "$items" "$mbps" - - - - - "$per per comment (CPU)"
done
