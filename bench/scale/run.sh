#!/usr/bin/env bash
# Rule-set scale: the default pack, then the default pack plus generated rule sets of
# 10,000 and 50,000 patterns (bench/scale/gen_rules.cc). For each: compile time and
# database size (hs_database_size), cold start (empty cache) and second start with the
# on-disk database cache (in-process readiness, bench/startup/ready.cc, and the whole
# `decorum explain hi` command), then `decorum score` throughput on one thread and the
# bare hs_scan of the same texts, with peak RSS. SPEC §10 / issue 5 want the score rate to
# fall by no more than the bare scan's, the cached start under 0.5 s with 10,000
# patterns and peak RSS under 300 MB.
#
# Usage: bench/scale/run.sh [BUILD_DIR] [COUNT]   (defaults: build, 200000 comments)
# Environment:
#   BENCH_SCALE_SETS="default 10000 50000"  rule sets: `default` or a number of generated
#                                           patterns (added to the default pack)
#   BENCH_SCALE_THROUGHPUT=1                0: start-up only (bench/startup/run.sh)
#   BENCH_CORPUS=FILE                       the corpus for throughput (first COUNT lines)
set -euo pipefail
. "$(dirname "$0")/../harness/lib.sh"
bench_build_dir "${1:-build}"
count=${2:-200000}
bench_positive_int COUNT "$count"
sets=${BENCH_SCALE_SETS:-default 10000 50000}
throughput=${BENCH_SCALE_THROUGHPUT:-1}
bench_need "$DECORUM" "$READY" "$GEN_RULES"
[ "$throughput" = 0 ] || bench_need "$CEILING" "$GEN_CORPUS"

bench_workdir
corpus=
if [ "$throughput" != 0 ]; then
  corpus=$(bench_corpus "$count" 42)
  if [ "$(wc -l <"$corpus")" -gt "$count" ]; then
    head -n "$count" "$corpus" >"$BENCH_WORK/scale-corpus.ndjson"
    corpus=$BENCH_WORK/scale-corpus.ndjson
  fi
fi

summary=()
base_score=
base_scan=
for set in $sets; do
  rules_args=()
  label=default
  if [ "$set" != default ]; then
    bench_positive_int "a BENCH_SCALE_SETS entry" "$set"
    label="$((set / 1000))k"
    dir=$BENCH_WORK/rules-$set
    cp -r "$BENCH_SRC/rules" "$dir"
    "$GEN_RULES" --patterns "$set" --out "$dir/generated" >"$BENCH_WORK/gen-rules.out"
    rules_args=(--rules "$dir")
  fi
  cache=$BENCH_WORK/cache-$set
  echo "scale $label: compiling (cold start, empty cache)..." >&2
  cold=$("$READY" "${rules_args[@]}" --cache-dir "$cache" --label "$label")
  echo "cold     $cold"
  warm=$("$READY" "${rules_args[@]}" --cache-dir "$cache" --label "$label")
  echo "cached   $warm"
  [ "$(bench_kv from_cache "$warm")" = 1 ] || echo "warning: the second start did not load from the cache" >&2
  bench_timed "$BENCH_WORK/explain" "$DECORUM" explain hi "${rules_args[@]}" --cache-dir "$cache"
  explain_wall=$BENCH_WALL
  explain_rss=$BENCH_RSS_MB
  patterns=$(bench_kv patterns "$cold")
  db_mb=$(awk -v a="$(bench_kv normalized_db_bytes "$cold")" -v b="$(bench_kv raw_db_bytes "$cold")" \
            'BEGIN { printf "%.1f", (a + b) / 1e6 }')
  bench_row "start-up $label, cold (compile)" - - - - - - "$(bench_kv peak_rss_MB "$cold")" \
    "ready $(bench_kv ready_seconds "$cold") s, compile $(bench_kv compile_seconds "$cold") s, db $db_mb MB, $patterns patterns"
  bench_row "start-up $label, second start (cache)" - - - - - - "$explain_rss" \
    "ready $(bench_kv ready_seconds "$warm") s in-process; decorum explain $explain_wall s wall"

  score_cps=- scan_cps=- score_rss=-
  if [ "$throughput" != 0 ]; then
    bench_timed "$BENCH_WORK/score" "$DECORUM" score "$corpus" -t 1 -o /dev/null --progress never \
      "${rules_args[@]}" --cache-dir "$cache"
    s=$(grep -E '[0-9]+ comments/s' "$BENCH_WORK/score.err" | head -1)
    score_cps=$(sed -n 's/.*(\([0-9]*\) comments\/s, \([0-9.]*\) MB\/s).*/\1/p' <<<"$s")
    score_mbps=$(sed -n 's/.*(\([0-9]*\) comments\/s, \([0-9.]*\) MB\/s).*/\2/p' <<<"$s")
    score_rss=$BENCH_RSS_MB
    c=$("$CEILING" --corpus "$corpus" "${rules_args[@]}" --cache-dir "$cache" --limit "$count" --rounds 2 \
          --label "$label")
    echo "ceiling  $c"
    scan_cps=$(bench_kv scan_comments_per_s "$c")
    [ -n "$base_score" ] || { base_score=$score_cps; base_scan=$scan_cps; }
    bench_row "scale $label: score, 1 thread" "$score_cps" "$score_mbps" \
      "$(bench_ratio "$score_cps" "$scan_cps")" - - - "$score_rss" \
      "$patterns patterns; bare scan $scan_cps/s; CPU-time ratio $(bench_kv cpu_ratio "$c")"
  fi
  summary+=("$(printf '%-8s %9s %10s %8s %10s %11s %12s %11s %11s %9s %9s %8s' "$label" "$patterns" \
    "$(bench_kv compile_seconds "$cold")" "$db_mb" "$(bench_kv ready_seconds "$cold")" \
    "$(bench_kv ready_seconds "$warm")" "$explain_wall" "$score_cps" "$scan_cps" \
    "$(awk -v a="$score_cps" -v b="$base_score" 'BEGIN { if (a == "-" || b == "") print "-"; else printf "%.2f", a / b }')" \
    "$(awk -v a="$scan_cps" -v b="$base_scan" 'BEGIN { if (a == "-" || b == "") print "-"; else printf "%.2f", a / b }')" \
    "$score_rss")")
done

echo
printf '%-8s %9s %10s %8s %10s %11s %12s %11s %11s %9s %9s %8s\n' rules patterns compile_s db_MB \
  cold_s cached_s explain_s score_cps scan_cps score_rel scan_rel RSS_MB
printf '%s\n' "${summary[@]}"
echo "(score_rel/scan_rel: rate relative to the first rule set; cold_s/cached_s: in-process" \
     "readiness; explain_s: whole \`decorum explain hi\` command with the cache; RSS_MB: decorum score)"
