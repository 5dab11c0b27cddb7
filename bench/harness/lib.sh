# shellcheck shell=bash disable=SC2034  # sourced: the variables it sets are for the caller
# Shared shell harness of the benchmark scenarios (sourced, not run).
#
# Every scenario script prints its own human-readable lines and, through bench_row, one
# tab-separated result row per measurement. When BENCH_RESULTS names a file, rows are
# also appended there; bench/run_all.sh collects them into its one table. Row fields:
#   scenario  comments/s  MB/s  ratio-to-ceiling  p50  p99  p999  peak-RSS-MB  note
# with '-' for a field that does not apply.
#
# The C++ programs print `key=value` pairs (bench/harness/harness.h); bench_kv reads one.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SRC=$(cd "$BENCH_ROOT/.." && pwd)

bench_die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# bench_build_dir DIR: checks DIR is a built tree and sets BENCH_BUILD (absolute) and the
# paths of the programs. Builds nothing.
bench_build_dir() {
  [ -n "${1:-}" ] || bench_die "no build directory given"
  [ -d "$1" ] || bench_die "build directory '$1' does not exist"
  BENCH_BUILD=$(cd "$1" && pwd)
  DECORUM=$BENCH_BUILD/engine/decorum
  GEN_CORPUS=$BENCH_BUILD/samples/decorum-gen-corpus
  LOADGEN=$BENCH_BUILD/bench/decorum-loadgen
  CEILING=$BENCH_BUILD/bench/decorum-bench-ceiling
  READY=$BENCH_BUILD/bench/decorum-bench-ready
  MEMORY=$BENCH_BUILD/bench/decorum-bench-memory
  GEN_RULES=$BENCH_BUILD/bench/decorum-gen-rules
  MICRO=$BENCH_BUILD/bench/decorum-bench-micro
}

# bench_need PROGRAM...: exits with a clear message unless every program is built.
bench_need() {
  local p missing=()
  for p in "$@"; do [ -x "$p" ] || missing+=("${p#"$BENCH_BUILD"/}"); done
  if [ ${#missing[@]} -gt 0 ]; then
    bench_die "not built in $BENCH_BUILD: ${missing[*]} (build first: ninja -C $BENCH_BUILD bench)"
  fi
}

# bench_positive_int NAME VALUE: exits unless VALUE is a positive integer.
bench_positive_int() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || bench_die "$1 must be a positive integer, not '$2'"
}

# bench_workdir: a temporary directory removed on exit (BENCH_WORK). Scripts that start
# servers add their own cleanup first and call bench_cleanup_work from it.
bench_workdir() {
  BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/decorum-bench.XXXXXX")
  trap bench_cleanup_work EXIT
}
bench_cleanup_work() { [ -n "${BENCH_WORK:-}" ] && rm -rf "$BENCH_WORK"; }

# bench_plugins_config: prints the config file of the plugins-on runs, or `off`. It is
# $DECORUM_BENCH_PLUGINS_CONFIG when set (a deploy/decorum.yaml-style file, or `off`), else
# one written to $BENCH_WORK that loads the shipped plugins acting on every comment:
# pile_on, repeat_offender and quarantine_sqlite (a real SQLite file, DB_NAME in the work
# directory: default quarantine.db). escalate is left out: it would post to a receiver.
# Call after bench_workdir.
bench_plugins_config() {
  local given=${DECORUM_BENCH_PLUGINS_CONFIG:-} db=${1:-quarantine.db} p
  if [ -n "$given" ]; then
    [ "$given" = off ] || [ -r "$given" ] ||
      bench_die "DECORUM_BENCH_PLUGINS_CONFIG='$given' is not readable"
    echo "$given"
    return
  fi
  for p in pile_on repeat_offender quarantine_sqlite; do
    [ -r "$BENCH_BUILD/plugins/$p.so" ] || bench_die "$BENCH_BUILD/plugins/$p.so is missing (ninja -C BUILD bench)"
  done
  cat >"$BENCH_WORK/plugins.yaml" <<YAML
plugins:
  - {name: pile_on, path: $BENCH_BUILD/plugins/pile_on.so}
  - {name: repeat_offender, path: $BENCH_BUILD/plugins/repeat_offender.so}
  - {name: quarantine, path: $BENCH_BUILD/plugins/quarantine_sqlite.so, config: {path: $BENCH_WORK/$db}}
YAML
  echo "$BENCH_WORK/plugins.yaml"
}

# bench_corpus COUNT SEED: prints the path of a corpus of COUNT comments. Reuses
# $BENCH_CORPUS when set (run_all generates one corpus for every scenario), else generates
# one in $BENCH_WORK and prints its realized distribution to stderr.
bench_corpus() {
  if [ -n "${BENCH_CORPUS:-}" ]; then
    [ -r "$BENCH_CORPUS" ] || bench_die "BENCH_CORPUS='$BENCH_CORPUS' is not readable"
    echo "$BENCH_CORPUS"
    return
  fi
  local out=$BENCH_WORK/corpus-$1-$2.ndjson
  [ -f "$out" ] || "$GEN_CORPUS" --count "$1" --seed "$2" --out "$out" --stats >&2
  echo "$out"
}

# bench_kv KEY LINE: the value of KEY in a line of key=value pairs (empty if absent).
bench_kv() {
  sed -n "s/.*\\(^\\| \\)$1=\\([^ ]*\\).*/\\2/p" <<<"$2" | head -1
}

# bench_timed OUT_PREFIX CMD...: runs CMD under /usr/bin/time; its stdout goes to
# OUT_PREFIX.out, its stderr to OUT_PREFIX.err, and sets BENCH_RSS_MB (peak RSS) and
# BENCH_WALL (seconds). Exits with CMD's stderr when CMD fails.
bench_timed() {
  local prefix=$1
  shift
  [ -x /usr/bin/time ] || bench_die "/usr/bin/time is missing (Debian package 'time')"
  if ! /usr/bin/time -f 'BENCH_TIME rss_kb=%M wall=%e' -o "$prefix.time" "$@" >"$prefix.out" 2>"$prefix.err"; then
    cat "$prefix.err" >&2
    bench_die "failed: $*"
  fi
  local t
  t=$(grep BENCH_TIME "$prefix.time")
  BENCH_RSS_MB=$(( $(bench_kv rss_kb "$t") / 1024 ))
  BENCH_WALL=$(bench_kv wall "$t")
}

# bench_ratio RATE CEILING [THREADS]: RATE / (CEILING * THREADS) to 3 decimals, or '-'.
bench_ratio() {
  if [ -z "${2:-}" ] || [ "${2:-}" = - ] || [ "${2:-0}" = 0 ]; then echo -; return; fi
  awk -v r="$1" -v c="$2" -v t="${3:-1}" 'BEGIN { printf "%.3f", r / (c * t) }'
}

# bench_row SCENARIO CPS MBPS RATIO P50 P99 P999 RSS NOTE: prints a result row and
# appends it to $BENCH_RESULTS when set.
bench_row() {
  local row
  row=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$1" "${2:--}" "${3:--}" "${4:--}" "${5:--}" \
        "${6:--}" "${7:--}" "${8:--}" "${9:-}")
  echo "row	$row"
  if [ -n "${BENCH_RESULTS:-}" ]; then echo "$row" >>"$BENCH_RESULTS"; fi
}

# bench_us MICROSECONDS: a latency for the table (µs below 1 ms, else ms).
bench_us() {
  awk -v u="$1" 'BEGIN { if (u == "") print "-"; else if (u < 1000) printf "%.0f us", u; else printf "%.2f ms", u / 1000 }'
}
