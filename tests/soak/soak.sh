#!/usr/bin/env bash
# Soak test for `decorum serve` (issue 6; not part of CI): steady load from decorum-loadgen,
# a rule reload every RELOAD_EVERY seconds (POST /v1/reload with the admin token, which
# compiles the rules again: no database cache), and a sample every SAMPLE_EVERY seconds of
# the daemon's RSS, open file descriptors, threads, decisions, reloads and decision latency.
# Writes the samples as CSV and ends with a verdict on growth: the average RSS and fd count
# of the last third of the samples against the first third (both after the first reload,
# which is warm-up); more than 10% growth (RSS also
# more than 4 MiB, so allocator noise on a small heap is not a trend) fails the run.
#
# Usage: tests/soak/soak.sh [BUILD_DIR] [SECONDS]      (defaults: build, 600)
#   env: RATE=2000 (comments/s in all)  CONNECTIONS=4  RELOAD_EVERY=30  SAMPLE_EVERY=10
#        THREADS=2 (io threads)  RULES=rules/ (the rule directory reloaded)  OUT=soak.csv
# Needs: decorum and decorum-loadgen built in BUILD_DIR (ninja -C BUILD_DIR decorum
# decorum-loadgen), curl. README.md in this folder explains the columns and a past run.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
DURATION=${2:-600}
RATE=${RATE:-2000}
CONNECTIONS=${CONNECTIONS:-4}
RELOAD_EVERY=${RELOAD_EVERY:-30}
SAMPLE_EVERY=${SAMPLE_EVERY:-10}
THREADS=${THREADS:-2}
RULES=${RULES:-$ROOT/rules}
OUT=${OUT:-$PWD/soak.csv}
DECORUM=$BUILD/engine/decorum
LOADGEN=$(find "$BUILD/bench" -maxdepth 2 -name decorum-loadgen -type f -perm -u+x 2>/dev/null | head -n1)
CORPUS=$ROOT/samples/comments.ndjson

[ -x "$DECORUM" ] || { echo "soak: no decorum in $BUILD/engine (ninja -C $BUILD decorum)" >&2; exit 2; }
[ -n "$LOADGEN" ] || { echo "soak: no decorum-loadgen under $BUILD/bench (ninja -C $BUILD decorum-loadgen)" >&2; exit 2; }
command -v curl >/dev/null || { echo "soak: curl is needed" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/decorum-soak.XXXXXX")
PID=""
LOAD_LOOP=""
cleanup() {
  if [ -n "$LOAD_LOOP" ]; then kill "$LOAD_LOOP" 2>/dev/null || true; fi
  if [ -n "$PID" ]; then kill -KILL "$PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  [ -n "${KEEP_TMP:-}" ] || rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TOKEN=soak-$RANDOM$RANDOM
"$DECORUM" serve --rules "$RULES" --cache-dir "" --listen tcp://127.0.0.1:0 --http 127.0.0.1:0 \
  --admin-token "$TOKEN" --threads "$THREADS" </dev/null >"$WORK/serve.out" 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 1 600); do grep -q "serving with" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "serving with" "$WORK/serve.log" || { cat "$WORK/serve.log" >&2; echo "soak: decorum did not start" >&2; exit 1; }
PORT=$(grep -oE 'listening on tcp://[^ ]+:[0-9]+ \(NDJSON' "$WORK/serve.log" | head -n1 | grep -oE ':[0-9]+ ' | tr -d ': ')
HPORT=$(grep -oE 'http listening on http://[^ "]+' "$WORK/serve.log" | head -n1 | grep -oE '[0-9]+$')
echo "soak: decorum pid $PID, NDJSON :$PORT, HTTP :$HPORT; ${DURATION}s at $RATE comments/s over $CONNECTIONS connections," \
  "reload every ${RELOAD_EVERY}s, sample every ${SAMPLE_EVERY}s -> $OUT"

# Load: back-to-back loadgen runs of SAMPLE_EVERY seconds each (new connections every run,
# so accept/close is soaked too); each prints its client-side latency percentiles.
per_conn=$(( RATE * SAMPLE_EVERY / CONNECTIONS ))
[ "$per_conn" -ge 1 ] || per_conn=1
(
  lg=""
  trap '[ -z "$lg" ] || kill "$lg" 2>/dev/null; exit 0' TERM
  while :; do
    "$LOADGEN" --port "$PORT" --corpus "$CORPUS" --connections "$CONNECTIONS" \
      --comments-per-connection "$per_conn" --rate "$RATE" >>"$WORK/loadgen.log" 2>&1 &
    lg=$!
    wait "$lg" || echo "loadgen failed" >>"$WORK/loadgen.log"
  done
) &
LOAD_LOOP=$!

metrics() { curl -sS --max-time 10 "http://127.0.0.1:$HPORT/metrics" 2>/dev/null || true; }
# hist_quantiles FILE_BEFORE FILE_NOW: p50 and p99 (seconds, the bucket's upper bound) of
# the decisions made between two scrapes of the latency histogram.
hist_quantiles() {
  awk '
    /^decorum_decision_latency_seconds_bucket/ {
      match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      if (FILENAME == ARGV[1]) before[le] = $2; else { now[le] = $2; order[++n] = le }
    }
    END {
      total = now["+Inf"] - before["+Inf"]
      if (total <= 0) { print "NA NA"; exit }
      p50 = p99 = ""
      for (i = 1; i <= n; i++) {
        c = now[order[i]] - before[order[i]]
        if (p50 == "" && c >= 0.50 * total) p50 = order[i]
        if (p99 == "" && c >= 0.99 * total) p99 = order[i]
      }
      print p50, p99
    }' "$1" "$2"
}
value() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }
comments() { awk '/^decorum_comments_total\{/ { s += $2 } END { print s + 0 }' "$1"; }

echo "t_s,rss_kb,fds,threads,comments_total,comments_per_s,server_p50_s,server_p99_s,client_p50_us,client_p99_us,reloads_ok,reloads_failed,reload_http" >"$OUT"
metrics >"$WORK/m.prev"
START=$SECONDS
next_reload=$RELOAD_EVERY
reload_status="-"
while [ $((SECONDS - START)) -lt "$DURATION" ]; do
  sleep "$SAMPLE_EVERY"
  t=$((SECONDS - START))
  kill -0 "$PID" 2>/dev/null || { echo "soak: decorum died" >&2; tail -n 20 "$WORK/serve.log" >&2; exit 1; }
  if [ "$t" -ge "$next_reload" ]; then
    # In the background: a reload takes as long as a compilation, and the sample should not wait.
    ( curl -sS -o /dev/null -w '%{http_code}' --max-time 60 -X POST -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$HPORT/v1/reload" >"$WORK/reload.code" 2>/dev/null || echo fail >"$WORK/reload.code" ) &
    next_reload=$((next_reload + RELOAD_EVERY))
  fi
  [ -s "$WORK/reload.code" ] && reload_status=$(cat "$WORK/reload.code") && : >"$WORK/reload.code"
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$PID/status")
  thr=$(awk '/^Threads/ { print $2 }' "/proc/$PID/status")
  fds=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  metrics >"$WORK/m.now"
  n_now=$(comments "$WORK/m.now"); n_prev=$(comments "$WORK/m.prev")
  read -r p50 p99 < <(hist_quantiles "$WORK/m.prev" "$WORK/m.now")
  last=$(grep '^connections=' "$WORK/loadgen.log" 2>/dev/null | tail -n1 || true)
  c50=$(printf '%s' "$last" | grep -oE 'p50_us=[0-9.]+' | cut -d= -f2 || true)
  c99=$(printf '%s' "$last" | grep -oE 'p99_us=[0-9.]+' | cut -d= -f2 || true)
  rok=$(value 'decorum_reloads_total{result="ok"}' "$WORK/m.now")
  rfail=$(value 'decorum_reloads_total{result="failed"}' "$WORK/m.now")
  echo "$t,$rss,$fds,$thr,$n_now,$(( (n_now - n_prev) / SAMPLE_EVERY )),$p50,$p99,${c50:-NA},${c99:-NA},${rok:-0},${rfail:-0},$reload_status" | tee -a "$OUT"
  reload_status="-"
  mv "$WORK/m.now" "$WORK/m.prev"
done

kill "$LOAD_LOOP" 2>/dev/null || true
wait "$LOAD_LOOP" 2>/dev/null || true
LOAD_LOOP=""
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
incomplete=$(grep -c 'INCOMPLETE\|loadgen failed' "$WORK/loadgen.log" || true)
runs=$(grep -c '^connections=' "$WORK/loadgen.log" || true)

# Verdict: first third vs last third of the samples taken after the first reload. The
# first reload is warm-up: while it compiles, two generations are alive, and the allocator
# keeps that peak (the first 120 s run went from 39 to 63 MiB there, then stayed flat).
awk -F, -v rc="$rc" -v incomplete="$incomplete" -v runs="$runs" '
  NR == 1 { next }
  { ok = $11; failed = $12; total = $5; all++ }
  $11 + $12 < 1 { warm++; next }
  { rss[++n] = $2; fds[n] = $3 }
  END {
    if (n < 3) { print "soak: too few samples after the first reload for a verdict"; exit 2 }
    k = int(n / 3)
    for (i = 1; i <= k; i++) { r1 += rss[i]; f1 += fds[i] }
    for (i = n - k + 1; i <= n; i++) { r3 += rss[i]; f3 += fds[i] }
    r1 /= k; r3 /= k; f1 /= k; f3 /= k
    rg = (r3 - r1) / r1 * 100; fg = (f3 - f1) / f1 * 100
    printf "soak: %d samples (%d before the first reload, left out), %d decisions, %d loadgen runs (%d incomplete), reloads ok %d failed %d, decorum exit %d\n",
      all, warm, total, runs, incomplete, ok, failed, rc
    printf "soak: RSS first third %.0f KiB, last third %.0f KiB (%+.1f%%); fds %.1f -> %.1f (%+.1f%%)\n", r1, r3, rg, f1, f3, fg
    bad = 0
    if (rg > 10 && r3 - r1 > 4096) { print "soak: FAIL: RSS grows"; bad = 1 }
    if (fg > 10) { print "soak: FAIL: file descriptors grow"; bad = 1 }
    if (failed > 0) { print "soak: FAIL: a reload failed"; bad = 1 }
    if (incomplete > 0) { print "soak: FAIL: a loadgen run lost answers"; bad = 1 }
    if (rc != 0) { print "soak: FAIL: decorum did not exit 0 on SIGTERM"; bad = 1 }
    if (!bad) print "soak: PASS: no growth trend"
    exit bad
  }' "$OUT"
