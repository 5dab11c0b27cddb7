#!/usr/bin/env bash
# The pile_on plugin end to end (issue 4): `decorum score --config` replays a generated
# evening of comments — steady neutral traffic, then a wave of insults about Anna Delvey
# (the default pack's high-protection watched person) from many distinct authors, quiet,
# two lone insults after the cool-down, and a second wave much later. With pile_on set to
# a 30 s window and a threshold of 8 hostile comments from 5 authors:
#   - exactly one record per wave carries the pile_on result with action escalate (the
#     8th hostile comment of the wave) and the record's action is escalate;
#   - the hostile comments after it in the wave are boosted (6 -> 8, pile_on "score":2),
#     while the same texts before the wave score 6 with no plugin result;
#   - insults after the cool-down are back to 6, no plugin result;
#   - insults about another person (Maks, normal protection) during the wave and neutral
#     mentions of Anna are unaffected.
# Then with --threads 2: the same counts (one escalation per wave, 12 boosts per wave).
# Wave 1 straddles the end of the first batch (the first 256 KiB of input, cut at a line
# end) so two workers score it at once. Every later insult about Anna is more than 32,768
# lines away: two workers have at most 8 batches of at most 4,096 lines in flight
# (batch_scorer.cc), so one worker can never get to such an insult, move Anna's window on
# and make the rest of the wave look stale while the other is still in the wave, however
# the threads are scheduled. (With 1,024-line batches 12,000 lines were enough; with
# 256 KiB batches they were not: CI once saw worker 2 reach post-1 first under ASan.)
# Last, records on standard output must be the only thing there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
PILE_ON=$(shipped_plugin pile_on)

cat >decorum.yaml <<YAML
threads: 1
plugins:
  - name: pile_on
    path: $PILE_ON
    config: {window_seconds: 30, threshold: 8, min_authors: 5, boost: 2, cooldown_ratio: 0.5}
YAML

# The evening: 20 neutral comments a second of event time for 2400 s, and these, each at
# its second (ts in epoch ms, 25 ms after the second's first neutral comment):
#   s 5-7        pre-1..3   the three insult texts about Anna, long before any wave
#   s 140-159    w1-1..20   wave 1: one insult a second, authors w1u1..w1u20
#   s 145,150,155 maks-1..3 "Maks is an idiot" during wave 1
#   s 147        anna-ok-1  a neutral mention of Anna during wave 1
#   s 1900, 2100 post-1, 2  lone insults about Anna, long after wave 1
#   s 2300-2319  w2-1..20   wave 2, authors w2u1..w2u20
#   s 2310       maks-4     "Maks is an idiot" during wave 2
awk 'BEGIN {
  base = 1726617600000
  split("Anna Delvey is an idiot|Delvey is a loser|Anna Delvey is a fraud", insult, "|")
  split("lovely cha-cha tonight|the judges were harsh this week|Maks looked great in that paso|who else is voting for Ilona|that quickstep was so clean", calm, "|")
  n = 0
  for (s = 0; s < 2400; s++) {
    for (k = 0; k < 20; k++) {
      ts = base + s * 1000 + k * 50
      printf "{\"id\":\"n%d\",\"author\":\"fan%d\",\"ts\":%.0f,\"text\":\"%s\"}\n", n, n % 97, ts, calm[n % 5 + 1]
      n++
      if (k != 0) continue
      ts += 25
      if (s >= 5 && s <= 7)
        printf "{\"id\":\"pre-%d\",\"author\":\"early%d\",\"ts\":%.0f,\"text\":\"%s\"}\n", s - 4, s, ts, insult[s - 4]
      if (s >= 140 && s <= 159)
        printf "{\"id\":\"w1-%d\",\"author\":\"w1u%d\",\"ts\":%.0f,\"text\":\"%s\"}\n", s - 139, s - 139, ts, insult[(s - 140) % 3 + 1]
      if (s == 145 || s == 150 || s == 155)
        printf "{\"id\":\"maks-%d\",\"author\":\"m%d\",\"ts\":%.0f,\"text\":\"Maks is an idiot\"}\n", (s - 140) / 5, s, ts
      if (s == 147)
        printf "{\"id\":\"anna-ok-1\",\"author\":\"fan1\",\"ts\":%.0f,\"text\":\"Anna Delvey danced well tonight\"}\n", ts
      if (s == 1900 || s == 2100)
        printf "{\"id\":\"post-%d\",\"author\":\"late%d\",\"ts\":%.0f,\"text\":\"%s\"}\n", (s - 1700) / 200, s, ts, insult[1]
      if (s >= 2300 && s <= 2319)
        printf "{\"id\":\"w2-%d\",\"author\":\"w2u%d\",\"ts\":%.0f,\"text\":\"%s\"}\n", s - 2299, s - 2299, ts, insult[(s - 2300) % 3 + 1]
      if (s == 2310)
        printf "{\"id\":\"maks-4\",\"author\":\"m%d\",\"ts\":%.0f,\"text\":\"Maks is an idiot\"}\n", s, ts
    }
  }
}' >evening.ndjson
LINES=$(line_count evening.ndjson)
[ "$LINES" -eq 48050 ] || fatal "generator: expected 48050 lines, got $LINES"
# The --threads 2 run's preconditions (see the top): wave 1 straddles the first batch's
# last line (the last whole line in the first 256 KiB), and post-1 is more than 32,768
# lines after wave 1.
line_of() { grep -n "\"id\":\"$1\"" evening.ndjson | cut -d: -f1; }
first=$(line_of w1-1) last=$(line_of w1-20) post=$(line_of post-1)
batch1=$(head -c 262144 evening.ndjson | wc -l)  # whole lines: newlines
[ "$first" -le "$batch1" ] && [ "$last" -gt "$batch1" ] ||
  fatal "generator: wave 1 (lines $first-$last) does not straddle the first batch's end (line $batch1)"
[ "$((post - last))" -gt 32768 ] || fatal "generator: post-1 (line $post) is within 32,768 lines of wave 1 (ends at line $last)"

# The pile_on entry of a record: {"name":"pile_on",...} (empty when none).
pile_entry() { plugins_of "$1" | grep -oE '\{"name":"pile_on"[^}]*\}' || true; }

# check_run OUT LABEL: the assertions that hold whatever the thread timing.
check_run() {
  local all="$1" label="$2" wave rec i
  assert_eq "$(line_count "$all")" "$LINES" "$label: one record per input line"
  assert_eq "$(count_matching "$all" '"action":"error"')" 0 "$label: no error records"
  # The records of interest, apart (the per-comment look-ups below then stay cheap).
  local out="$all.special"
  grep -E '^\{"id":"(w[12]|pre|post|maks|anna-ok)-' "$all" >"$out" || true
  for wave in w1 w2; do
    local esc=0 boosted=0 quiet=0 other=0 esc_ids=""
    for i in $(seq 1 20); do
      rec=$(record_by_id "$out" "$wave-$i")
      local entry
      entry=$(pile_entry "$rec")
      case "$entry" in
        *'"action":"escalate"'*)
          esc=$((esc + 1)); esc_ids="$esc_ids $wave-$i"
          check_action "$rec" escalate "$label: $wave-$i starts the wave: the record escalates"
          assert_eq "$(field "$rec" score)" 6 "$label: $wave-$i (the wave's start) is not boosted"
          assert_str_contains "$entry" '"labels":["pile-on"]' "$label: $wave-$i: pile-on label"
          assert_str_contains "$entry" '"reason":"pile-on: 8 hostile comments from 8 authors about anna-delvey in the last 30 s"' "$label: $wave-$i: the reason gives counts, target and window"
          ;;
        '') quiet=$((quiet + 1))
          assert_eq "$(field "$rec" score)" 6 "$label: $wave-$i without pile_on result scores as the rules say"
          ;;
        *'"score":2,'*)
          boosted=$((boosted + 1))
          assert_eq "$(field "$rec" score)" 8 "$label: $wave-$i is boosted by 2"
          check_action "$rec" quarantine "$label: $wave-$i boosted (no floor): still quarantine"
          ;;
        *) other=$((other + 1)); fail "$label: $wave-$i has an unexpected pile_on result: $entry" ;;
      esac
    done
    assert_eq "$esc" 1 "$label: $wave: records with the pile_on escalation (got:$esc_ids)"
    assert_eq "$quiet" 7 "$label: $wave: hostile comments before the threshold, not boosted"
    assert_eq "$boosted" 12 "$label: $wave: hostile comments boosted after the start"
  done
  # Exactly two pile_on escalations in the whole run, and every pile_on result belongs to
  # a wave comment.
  assert_eq "$(count_matching "$all" '"name":"pile_on"[^}]*"action":"escalate"')" 2 "$label: pile_on escalations in the whole output"
  assert_eq "$(grep -F '"name":"pile_on"' "$all" | grep -cvE '^\{"id":"w[12]-' || true)" 0 "$label: pile_on results outside the waves"
  # Before, after and beside the waves.
  for i in 1 2 3; do
    rec=$(record_by_id "$out" "pre-$i")
    assert_eq "$(field "$rec" score):$(plugins_of "$rec")" "6:[]" "$label: pre-$i (before any wave): rules score, no plugin result"
    check_action "$rec" quarantine "$label: pre-$i"
  done
  for i in 1 2; do
    rec=$(record_by_id "$out" "post-$i")
    assert_eq "$(field "$rec" score):$(plugins_of "$rec")" "6:[]" "$label: post-$i (after the cool-down): back to normal"
    check_action "$rec" quarantine "$label: post-$i"
  done
  for i in 1 2 3 4; do
    rec=$(record_by_id "$out" "maks-$i")
    assert_eq "$(field "$rec" score):$(plugins_of "$rec")" "3:[]" "$label: maks-$i (another person, during a wave): unaffected"
    check_action "$rec" flag "$label: maks-$i"
  done
  rec=$(record_by_id "$out" "anna-ok-1")
  assert_eq "$(field "$rec" action):$(field "$rec" score):$(plugins_of "$rec")" "allow:0:[]" "$label: a neutral mention of Anna during the wave"
  assert_eq "$(grep -E '^\{"id":"n[0-9]+"' "$all" | grep -cvF '"action":"allow","score":0,' || true)" 0 "$label: neutral traffic stays allow/0"
}

# --- one worker: every record in order, exact expectations ----------------------------------
run_decorum t1.stdout t1.err score --config decorum.yaml --progress never -o t1.out evening.ndjson
expect_rc 0 t1.err
check_run t1.out "threads 1"
# With one worker the order is the input order: the 8th insult of each wave escalates.
for wave in w1 w2; do
  rec=$(record_by_id t1.out.special "$wave-8")
  assert_str_contains "$(pile_entry "$rec")" '"action":"escalate"' "threads 1: $wave-8 (the 8th insult) starts the wave"
  rec=$(record_by_id t1.out.special "$wave-9")
  assert_eq "$(pile_entry "$rec")" '{"name":"pile_on","score":2,"labels":["pile-on"],"reason":"pile-on: 9 hostile comments from 9 authors about anna-delvey in the last 30 s"}' "threads 1: $wave-9: the boost's result"
  rec=$(record_by_id t1.out.special "$wave-20")
  assert_str_contains "$(pile_entry "$rec")" '"reason":"pile-on: 20 hostile comments from 20 authors' "threads 1: $wave-20: counts at the end of the wave"
done
# The same text, before and during the wave: raised by exactly the boost.
pre=$(field "$(record_by_id t1.out.special pre-1)" score)
during=$(field "$(record_by_id t1.out.special w1-10)" score)
assert_eq "$pre->$during" "6->8" "threads 1: 'Anna Delvey is an idiot' before vs during wave 1"
assert_contains t1.err "plugin pile_on: 49 score calls (0 failed)" "threads 1: the summary reports the plugin's calls (one per comment with hits)"

# --- two workers: the same per-wave counts ---------------------------------------------------
run_decorum t2.stdout t2.err score --config decorum.yaml --progress never --threads 2 -o t2.out evening.ndjson
expect_rc 0 t2.err
check_run t2.out "threads 2"

# --- records on standard output ----------------------------------------------------------------
# The plugin host's log lines ("plugin 'pile_on': loaded ...") go to standard error: every
# line on stdout must be a record (score once logged to stdout, amid the records).
run_decorum t3.out t3.err score --config decorum.yaml --progress never evening.ndjson
expect_rc 0 t3.err
assert_eq "$(grep -cv '^{"id":' t3.out || true)" 0 "lines on stdout that are not records (log lines mixed into the NDJSON output)"
assert_eq "$(line_count t3.out)" "$LINES" "records on stdout: one line per input line"

finish
