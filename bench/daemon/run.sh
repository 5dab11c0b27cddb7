#!/usr/bin/env bash
# Daemon benchmark: starts `decorum serve` on a loopback TCP port with the default rules,
# measures the peak rate with 1, 8 and 64 connections, then the latency (p50/p99/p999)
# at half of the 8-connection peak, paced. Prints one line per run.
#
# Usage: bench/daemon/run.sh [BUILD_DIR] [COMMENTS_PER_RUN]   (defaults: build, 400000)
set -euo pipefail
build=${1:-build}
total=${2:-400000}
decorum=$build/engine/decorum
loadgen=$build/bench/decorum-loadgen
gen=$build/samples/decorum-gen-corpus
for b in "$decorum" "$loadgen" "$gen"; do
  [ -x "$b" ] || { echo "missing $b: build first (cmake --build $build)" >&2; exit 1; }
done

work=$(mktemp -d)
log=$work/serve.log
"$gen" --count 200000 --seed 7 --out "$work/corpus.ndjson"
"$decorum" serve --listen tcp://127.0.0.1:0 --max-connections 256 >"$work/serve.out" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do grep -q "serving with" "$log" && break; sleep 0.05; done
port=$(grep -oE 'listening on tcp://[^ ]+:[0-9]+ \(NDJSON' "$log" | head -1 | grep -oE ':[0-9]+ ' | tr -d ': ')
[ -n "$port" ] || { cat "$log" >&2; exit 1; }
echo "decorum serve on port $port, $(nproc) cores; corpus: generated, 200,000 distinct comments"

peak8=0
for n in 1 8 64; do
  line=$("$loadgen" --port "$port" --corpus "$work/corpus.ndjson" --connections "$n" \
           --comments-per-connection $((total / n)))
  echo "peak     $line"
  if [ "$n" = 8 ]; then peak8=$(sed -n 's/.*comments_per_s=\([0-9]*\).*/\1/p' <<<"$line"); fi
done
half=$((peak8 / 2))
secs=5
echo "paced    $("$loadgen" --port "$port" --corpus "$work/corpus.ndjson" --connections 8 \
                   --rate "$half" --comments-per-connection $((half * secs / 8)))"
