#!/usr/bin/env bash
# Daemon benchmark: starts `decorum serve` on a loopback TCP port with the default rules,
# measures the peak rate with 1, 8 and 64 connections, then the latency (p50/p99/p999)
# paced at half of the 1-connection peak over one connection and at half of the
# 8-connection peak over eight (the client's own CPU grows with the connections it paces:
# bench/README.md "Daemon latency"). Prints one line per run, plus the server's
# peak RSS (VmHWM) at the end. decorum-loadgen (bench/daemon/loadgen.cc: one thread, one
# epoll loop; paced latency is measured from each comment's scheduled send time) shares
# the machine with the server, so on 2 cores the client takes part of the CPU.
# Then the peaks again with plugins on (a fresh server with `--config`, the same plugins
# as the batch scenario: pile_on, repeat_offender, quarantine_sqlite; each chunk's answers
# wait for the store's flush).
#
# Usage: bench/daemon/run.sh [BUILD_DIR] [COMMENTS_PER_RUN]   (defaults: build, 400000)
# Environment: BENCH_CORPUS=FILE (its first 200,000 lines are sent, cycled),
#              BENCH_PACED_SECONDS=5 (length of the paced run),
#              BENCH_SERVE_THREADS=N (the server's io threads, `serve -t N`; default one
#              per core),
#              DECORUM_BENCH_PLUGINS_CONFIG=FILE|off (the plugins-on server's config, as
#              for bench/batch/run.sh; `off` skips those runs)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
total=${2:-400000}
bench_positive_int COMMENTS_PER_RUN "$total"
secs=${BENCH_PACED_SECONDS:-5}
bench_positive_int BENCH_PACED_SECONDS "$secs"
threads=${BENCH_SERVE_THREADS:-0}
[ "$threads" = 0 ] || bench_positive_int BENCH_SERVE_THREADS "$threads"
bench_need "$DECORUM" "$LOADGEN" "$GEN_CORPUS"

# Row labels say which server setting they measured when it is not the default.
label_suffix=$([ "$threads" = 0 ] || echo ", $threads io thread$([ "$threads" = 1 ] || echo s)")

bench_workdir
corpus=$(bench_corpus 200000 7)
log=$BENCH_WORK/serve.log
pid=
port=
stop_server() {
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
cleanup() {
  stop_server
  bench_cleanup_work
}
trap cleanup EXIT
start_server() {  # start_server [SERVE ARGS...]: sets pid and port
  "$DECORUM" serve --listen tcp://127.0.0.1:0 --max-connections 256 --cache-dir "$BENCH_WORK/cache" \
    --threads "$threads" "$@" >"$BENCH_WORK/serve.out" 2>"$log" &
  pid=$!
  for _ in $(seq 400); do grep -q "serving with" "$log" && break; sleep 0.05; done
  port=$(grep -oE 'listening on tcp://[^ ]+:[0-9]+ \(NDJSON' "$log" | head -1 | grep -oE ':[0-9]+ ' | tr -d ': ' || true)
  [ -n "$port" ] || { cat "$log" >&2; bench_die "decorum serve $* did not start"; }
}
server_rss() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || echo -; }

declare -A peak
peak_rows() {  # peak_rows LABEL: the peak with 1, 8 and 64 connections, into peak[N]
  local n line rate
  for n in 1 8 64; do
    line=$("$LOADGEN" --port "$port" --corpus "$corpus" --connections "$n" \
             --comments-per-connection $(( (total + n - 1) / n )))
    echo "peak     $line"
    rate=$(bench_kv comments_per_s "$line")
    bench_row "daemon peak, $n connection$([ "$n" = 1 ] || echo s)$1" "$rate" - - - - - "$(server_rss)" \
      "TCP loopback, client on the same cores"
    peak[$n]=$rate
  done
}

start_server
echo "daemon: decorum serve on port $port, $(nproc) cores, io threads ${threads/#0/one per core}, default rules; corpus $(wc -l <"$corpus") lines (200,000 at most sent)"
peak_rows "$label_suffix"
for n in 1 8; do
  half=$(( ${peak[$n]:-0} / 2 ))
  [ "$half" -gt 0 ] || bench_die "no $n-connection peak measured"
  line=$("$LOADGEN" --port "$port" --corpus "$corpus" --connections "$n" \
           --rate "$half" --comments-per-connection $(( half * secs / n + 1 )))
  echo "paced    $line"
  bench_row "daemon paced at half peak, $n connection$([ "$n" = 1 ] || echo s)$label_suffix" \
    "$(bench_kv comments_per_s "$line")" - - \
    "$(bench_us "$(bench_kv p50_us "$line")")" "$(bench_us "$(bench_kv p99_us "$line")")" \
    "$(bench_us "$(bench_kv p999_us "$line")")" "$(server_rss)" \
    "rate $half/s for ${secs}s; p99 to kernel arrival $(bench_us "$(bench_kv arrival_p99_us "$line")"), client CPU $(bench_kv client_cpu_s "$line") s"
done
stop_server

plugins_config=$(bench_plugins_config)
if [ "$plugins_config" != off ]; then
  start_server --config "$plugins_config" --rules "$BENCH_SRC/rules"
  echo "daemon, plugins on: decorum serve --config $plugins_config on port $port"
  peak_rows ", plugins on$label_suffix"
  stop_server
fi
