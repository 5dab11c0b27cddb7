#!/usr/bin/env bash
# Batch end-to-end benchmark: `decorum score` on a generated corpus with the default
# rules, output written to /dev/null, on 1 and 2 threads, plugins off and on. Prints
# comments/s and MB/s per run (from decorum's own summary, which excludes start-up), peak
# RSS, and the ratio to the ceiling: comments/s divided by (threads x the bare-scan rate
# of the same corpus on one thread, bench/ceiling).
#
# "Plugins on" runs `decorum score --config FILE` with the shipped plugins that act on
# every comment of a batch run: pile_on, repeat_offender and quarantine_sqlite (a real
# SQLite file in the work directory). escalate is left out: it would post to a receiver.
#
# Usage: bench/batch/run.sh [BUILD_DIR] [COUNT]     (defaults: build, 1000000)
# Environment:
#   BENCH_THREADS="1 2"      thread counts to run
#   BENCH_CORPUS=FILE        score this corpus instead of generating COUNT comments
#   BENCH_CEILING_CPS=N      the ceiling's comments/s, if already measured (else measured here)
#   DECORUM_BENCH_PLUGINS_CONFIG=FILE
#       the plugins-on runs use FILE (a deploy/decorum.yaml-style file whose `plugins:`
#       section loads the plugins) instead of the three above; `off` skips them. The
#       file's rules and cache settings are overridden (--rules rules/, the benchmark's
#       --cache-dir, -t), so both kinds of run score with the same rules.
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
count=${2:-1000000}
bench_positive_int COUNT "$count"
bench_need "$DECORUM" "$GEN_CORPUS" "$CEILING"

bench_workdir
plugins_config=$(bench_plugins_config)
corpus=$(bench_corpus "$count" 42)
cache=$BENCH_WORK/cache
echo "batch: corpus $(wc -l <"$corpus") comments, $(du -m "$corpus" | cut -f1) MB, $(nproc) cores, default rules"

ceiling=${BENCH_CEILING_CPS:-}
if [ -z "$ceiling" ]; then
  line=$("$CEILING" --corpus "$corpus" --cache-dir "$cache" --limit 200000 --rounds 2)
  ceiling=$(bench_kv scan_comments_per_s "$line")
  echo "ceiling (first 200,000 lines): bare hs_scan $ceiling comments/s"
fi

run() {  # run THREADS LABEL [extra decorum args...]
  local t=$1 label=$2
  shift 2
  bench_timed "$BENCH_WORK/score" "$DECORUM" score "$corpus" -t "$t" -o /dev/null --progress never \
    --cache-dir "$cache" "$@"
  local summary rate mbps
  summary=$(grep -E '[0-9]+ comments/s' "$BENCH_WORK/score.err" | head -1)
  rate=$(sed -n 's/.*(\([0-9]*\) comments\/s, \([0-9.]*\) MB\/s).*/\1/p' <<<"$summary")
  mbps=$(sed -n 's/.*(\([0-9]*\) comments\/s, \([0-9.]*\) MB\/s).*/\2/p' <<<"$summary")
  [ -n "$rate" ] || { cat "$BENCH_WORK/score.err" >&2; bench_die "no rate in decorum's summary"; }
  bench_row "batch, $t thread$([ "$t" = 1 ] || echo s), $label" "$rate" "$mbps" \
    "$(bench_ratio "$rate" "$ceiling" "$t")" - - - "$BENCH_RSS_MB" "decorum score -t $t"
}

for t in ${BENCH_THREADS:-1 2}; do
  run "$t" "plugins off"
done
if [ "$plugins_config" != off ]; then
  for t in ${BENCH_THREADS:-1 2}; do
    run "$t" "plugins on" --config "$plugins_config" --rules "$BENCH_SRC/rules"
  done
fi
