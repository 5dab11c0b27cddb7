#!/usr/bin/env bash
# Batch end-to-end benchmark: generates a deterministic corpus and times `decorum score`
# on it with the default rules, on 1 and 2 threads, output written to /dev/null.
# Prints comments/s and MB/s per run (from decorum's own summary) and peak RSS.
#
# Usage: bench/batch/run.sh [BUILD_DIR] [COUNT]     (defaults: build, 1000000)
set -euo pipefail
build=${1:-build}
count=${2:-1000000}
decorum=$build/engine/decorum
gen=$build/samples/decorum-gen-corpus
[ -x "$decorum" ] && [ -x "$gen" ] || { echo "build first: cmake --build $build" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" --count "$count" --seed 42 --out "$work/corpus.ndjson"
echo "corpus: $count comments, $(du -m "$work/corpus.ndjson" | cut -f1) MB, $(nproc) cores"
printf '%-8s %14s %10s %12s\n' threads comments/s MB/s peak_RSS_MB
for t in 1 2; do
  summary=$( { /usr/bin/time -f 'RSS %M' "$decorum" score "$work/corpus.ndjson" -t "$t" -o /dev/null --progress never; } 2>&1 )
  rate=$(sed -n 's/.*(\([0-9]*\) comments\/s, \([0-9.]*\) MB\/s).*/\1 \2/p' <<<"$summary")
  rss=$(sed -n 's/^RSS \([0-9]*\)/\1/p' <<<"$summary")
  printf '%-8s %14s %10s %12s\n' "$t" ${rate} $((rss / 1024))
done
