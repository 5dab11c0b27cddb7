#!/usr/bin/env bash
# Daemon benchmark: starts `decorum serve` on a loopback TCP port with the default rules,
# measures the peak rate with 1, 8 and 64 connections, then the latency (p50/p99/p999)
# at half of the 8-connection peak, paced. Prints one line per run, plus the server's
# peak RSS (VmHWM) at the end. decorum-loadgen (bench/daemon/loadgen.cc: one thread, one
# epoll loop; paced latency is measured from each comment's scheduled send time) shares
# the machine with the server, so on 2 cores the client takes part of the CPU.
#
# Usage: bench/daemon/run.sh [BUILD_DIR] [COMMENTS_PER_RUN]   (defaults: build, 400000)
# Environment: BENCH_CORPUS=FILE (its first 200,000 lines are sent, cycled),
#              BENCH_PACED_SECONDS=5 (length of the paced run)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
total=${2:-400000}
bench_positive_int COMMENTS_PER_RUN "$total"
secs=${BENCH_PACED_SECONDS:-5}
bench_positive_int BENCH_PACED_SECONDS "$secs"
bench_need "$DECORUM" "$LOADGEN" "$GEN_CORPUS"

bench_workdir
corpus=$(bench_corpus 200000 7)
log=$BENCH_WORK/serve.log
"$DECORUM" serve --listen tcp://127.0.0.1:0 --max-connections 256 --cache-dir "$BENCH_WORK/cache" \
  >"$BENCH_WORK/serve.out" 2>"$log" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  bench_cleanup_work
}
trap cleanup EXIT
for _ in $(seq 400); do grep -q "serving with" "$log" && break; sleep 0.05; done
port=$(grep -oE 'listening on tcp://[^ ]+:[0-9]+ \(NDJSON' "$log" | head -1 | grep -oE ':[0-9]+ ' | tr -d ': ' || true)
[ -n "$port" ] || { cat "$log" >&2; bench_die "decorum serve did not start"; }
echo "daemon: decorum serve on port $port, $(nproc) cores, default rules; corpus $(wc -l <"$corpus") lines (200,000 at most sent)"

server_rss() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo -; }

peak8=0
for n in 1 8 64; do
  line=$("$LOADGEN" --port "$port" --corpus "$corpus" --connections "$n" \
           --comments-per-connection $(( (total + n - 1) / n )))
  echo "peak     $line"
  rate=$(bench_kv comments_per_s "$line")
  bench_row "daemon peak, $n connection$([ "$n" = 1 ] || echo s)" "$rate" - - - - - "$(server_rss)" \
    "TCP loopback, client on the same cores"
  if [ "$n" = 8 ]; then peak8=$rate; fi
done
half=$((peak8 / 2))
[ "$half" -gt 0 ] || bench_die "no 8-connection peak measured"
line=$("$LOADGEN" --port "$port" --corpus "$corpus" --connections 8 \
         --rate "$half" --comments-per-connection $(( half * secs / 8 + 1 )))
echo "paced    $line"
bench_row "daemon paced at half peak, 8 connections" "$(bench_kv comments_per_s "$line")" - - \
  "$(bench_us "$(bench_kv p50_us "$line")")" "$(bench_us "$(bench_kv p99_us "$line")")" \
  "$(bench_us "$(bench_kv p999_us "$line")")" "$(server_rss)" \
  "rate $half/s for ${secs}s; p99 to kernel arrival $(bench_us "$(bench_kv arrival_p99_us "$line")"), client CPU $(bench_kv client_cpu_s "$line") s"
