#!/usr/bin/env bash
# Runs every benchmark scenario against a built tree and prints ONE table:
#   scenario | comments/s | MB/s | ratio to ceiling | p50 | p99 | p999 | peak RSS MB | note
#
# Usage: bench/run_all.sh BUILD_DIR [--quick] [--plugins-config FILE]
#   BUILD_DIR   a configured and built tree (ninja -C BUILD_DIR bench); nothing is built here
#   --quick     small sizes, for a smoke run in a few minutes (no 50k rule set, no
#               memory-growth run)
#   --plugins-config FILE
#               the plugins-on runs (batch: `decorum score --config FILE`, daemon:
#               `decorum serve --config FILE`) use FILE instead of pile_on +
#               repeat_offender + quarantine_sqlite (same as
#               DECORUM_BENCH_PLUGINS_CONFIG=FILE; `off` skips those runs)
#
# Scenarios, in order (each also runs alone; see bench/README.md): ceiling, batch (1 and
# 2 threads, plugins off and on), daemon (1/8/64 connections, latency at half peak, peaks
# with plugins on; io threads one per core, then one),
# scale + start-up (default, 10k[, 50k] patterns), micro-benchmarks, memory growth (full
# run only: RSS after 1M vs after 10M comments). A scenario that fails is reported in the
# table and the others still run; the exit status is then 1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness/lib.sh"

build=
quick=0
plugins_config=${DECORUM_BENCH_PLUGINS_CONFIG:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --plugins-config)
      [ $# -ge 2 ] || bench_die "--plugins-config needs a FILE"
      plugins_config=$2
      shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) bench_die "unknown option $1 (usage: bench/run_all.sh BUILD_DIR [--quick] [--plugins-config FILE])" ;;
    *) [ -z "$build" ] || bench_die "one BUILD_DIR only"; build=$1 ;;
  esac
  shift
done
[ -n "$build" ] || bench_die "usage: bench/run_all.sh BUILD_DIR [--quick] [--plugins-config FILE]"
bench_build_dir "$build"
bench_need "$DECORUM" "$GEN_CORPUS" "$LOADGEN" "$CEILING" "$READY" "$MEMORY" "$GEN_RULES"
[ -x /usr/bin/time ] || bench_die "/usr/bin/time is missing (Debian package 'time')"
if [ -n "$plugins_config" ]; then
  [ "$plugins_config" = off ] || [ -r "$plugins_config" ] ||
    bench_die "--plugins-config '$plugins_config' is not readable"
  export DECORUM_BENCH_PLUGINS_CONFIG=$plugins_config
fi

if [ "$quick" = 1 ]; then
  corpus_count=50000 daemon_comments=40000 paced_seconds=2 scale_sets="default 10000"
  scale_count=20000 micro_sample=5000 micro_min_time=0.05 rounds=2
else
  corpus_count=1000000 daemon_comments=400000 paced_seconds=5 scale_sets="default 10000 50000"
  scale_count=200000 micro_sample=20000 micro_min_time=0.5 rounds=3
fi

bench_workdir
export BENCH_RESULTS=$BENCH_WORK/results.tsv
: >"$BENCH_RESULTS"
started=$(date +%s)

machine() {
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
       "$(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)," \
       "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "build:   $BENCH_BUILD ($(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BENCH_BUILD/CMakeCache.txt" 2>/dev/null)," \
       "$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BENCH_BUILD/CMakeCache.txt" 2>/dev/null)), source" \
       "$(git -C "$BENCH_SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$BENCH_SRC" diff --quiet HEAD 2>/dev/null || echo ' + local changes')"
}
machine
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) at start (above ~0.5 on this machine, rates are disturbed)"
echo "mode:    $([ "$quick" = 1 ] && echo quick || echo full); plugins-on runs: ${DECORUM_BENCH_PLUGINS_CONFIG:-pile_on, repeat_offender, quarantine_sqlite}"

failed=0
scenario() {  # scenario NAME SCRIPT ARGS... (environment given by the caller)
  local name=$1
  shift
  echo
  echo "=== $name"
  local rc
  set +e
  "$@" 2> >(tee "$BENCH_WORK/stderr.log" >&2) | grep --line-buffered -v '^row	'
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" != 0 ]; then
    failed=1
    printf '%s\tFAILED\t-\t-\t-\t-\t-\t-\t%s\n' "$name" "see the messages above" >>"$BENCH_RESULTS"
  fi
}

# One corpus for every throughput scenario, so their rates compare.
echo
echo "=== corpus"
export BENCH_CORPUS=$BENCH_WORK/corpus.ndjson
"$GEN_CORPUS" --count "$corpus_count" --seed 42 --out "$BENCH_CORPUS" --stats

scenario ceiling env BENCH_ROUNDS=$rounds "$here/ceiling/run.sh" "$BENCH_BUILD" "$corpus_count"
ceiling=$(awk -F'\t' '$1 ~ /^ceiling:/ { print $2 }' "$BENCH_RESULTS" | head -1)
scenario batch env BENCH_CEILING_CPS="${ceiling:-}" "$here/batch/run.sh" "$BENCH_BUILD" "$corpus_count"
scenario daemon env BENCH_PACED_SECONDS=$paced_seconds "$here/daemon/run.sh" "$BENCH_BUILD" "$daemon_comments"
# Again with one io thread: on two cores that leaves the other to the load generator, as
# if it ran on another machine.
scenario "daemon, 1 io thread" env BENCH_PACED_SECONDS=$paced_seconds BENCH_SERVE_THREADS=1 \
  "$here/daemon/run.sh" "$BENCH_BUILD" "$daemon_comments"
scenario "scale + start-up" env BENCH_SCALE_SETS="$scale_sets" "$here/scale/run.sh" "$BENCH_BUILD" "$scale_count"
if [ -x "$MICRO" ]; then
  scenario micro env BENCH_MIN_TIME=$micro_min_time "$here/micro/run.sh" "$BENCH_BUILD" "$micro_sample"
else
  printf 'micro\tskipped\t-\t-\t-\t-\t-\t-\t%s\n' "decorum-bench-micro not built (Google Benchmark missing)" >>"$BENCH_RESULTS"
fi
if [ "$quick" = 0 ]; then
  scenario "memory growth" env -u BENCH_CORPUS "$here/memory/run.sh" "$BENCH_BUILD" 10000000 2
fi

echo
echo "=== results ($(( $(date +%s) - started )) s; load $(cut -d' ' -f1-3 /proc/loadavg) at end)"
machine
{
  printf 'scenario\tcomments/s\tMB/s\tratio\tp50\tp99\tp999\tpeak RSS MB\tnote\n'
  cat "$BENCH_RESULTS"
} | column -t -s $'\t'
cat <<'NOTE'
ratio: comments/s over the ceiling (a bare hs_scan of the same texts with the same
databases, one thread) times the thread count; for the scale rows, over that rule set's own
bare scan. MB/s counts NDJSON input bytes (text bytes for the ceiling; output bytes for
micro: Encode). Micro rates are over CPU time, the others over wall-clock time.
NOTE
exit "$failed"
