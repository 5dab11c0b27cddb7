#!/usr/bin/env bash
# `decorum score` on samples/comments.ndjson with the built-in rules (SPEC §4, §5, §9):
# one record per input line in input order, every record has an action, the broken lines
# at the end of the sample are error records, the stderr summary counts actions, `-o FILE`
# writes the same bytes as stdout, and the output does not depend on --threads (on the
# sample and on the sample concatenated 200 times, read from standard input). Also
# `decorum --version`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"

SAMPLE="$ROOT/samples/comments.ndjson"
IN_LINES=$(line_count "$SAMPLE")

# --- the front end: --version names what plugins and the database cache depend on ---------
run_decorum version.out version.err --version
expect_rc 0 version.err
assert_matches version.out '^decorum [0-9]+\.[0-9]+\.[0-9]+ \(plugin ABI 1\.0, Hyperscan [0-9]+\.[0-9]+\.[0-9]+.*\)$' "decorum --version"

# --- default run: records on stdout, summary on stderr --------------------------------
run_decorum out.ndjson err.txt score "$SAMPLE"
expect_rc 0 err.txt
OUT_LINES=$(line_count out.ndjson)
assert_eq "$OUT_LINES" "$IN_LINES" "one record per input line (records out vs lines in)"

# Every record is one compact object that starts with its id (and "line" for errors),
# then an action from the four of SPEC §5 or "error".
bad=$(grep -cvE '^\{"id":("([^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*),("line":[0-9]+,)?"action":"(allow|flag|quarantine|escalate|error)",' out.ndjson || true)
if [ "$bad" -eq 0 ]; then ok; else
  fail "$bad record(s) without a leading id and a valid \"action\":"
  grep -vE '^\{"id":("([^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*),("line":[0-9]+,)?"action":"(allow|flag|quarantine|escalate|error)",' out.ndjson | sed -n 1,3p | cut -c1-300 >&2
fi
assert_valid_utf8 out.ndjson "records are UTF-8"

# Order: record i answers input line i. A decision echoes the line's id (or the line number
# when the line has none); an error record carries "line":i.
order_err=$(awk '
  NR == FNR {
    id = NR
    if (match($0, /"id": *("[^"]*"|-?[0-9]+)/)) { id = substr($0, RSTART, RLENGTH); sub(/^"id": */, "", id); gsub(/"/, "", id) }
    want[FNR] = id; next
  }
  {
    if (match($0, /^\{"id":("[^"]*"|-?[0-9]+),"line":[0-9]+,/)) {
      l = $0; sub(/^\{"id":("[^"]*"|-?[0-9]+),"line":/, "", l); sub(/,.*/, "", l)
      if (l != FNR) { print "record " FNR " is an error record for line " l; exit }
      next
    }
    got = $0; sub(/^\{"id":/, "", got); sub(/,"action".*/, "", got); gsub(/"/, "", got)
    if (got != want[FNR]) { print "record " FNR " has id " got ", input line " FNR " has id " want[FNR]; exit }
  }' "$SAMPLE" out.ndjson)
if [ -z "$order_err" ]; then ok; else fail "records not in input order: $order_err"; fi

# The sample ends with three broken lines (bad JSON, no text, text not a string).
for k in 2 1 0; do
  n=$((IN_LINES - k))
  rec=$(nth_line out.ndjson "$n")
  if [ "$(field "$rec" action)" = error ] && [ "$(field "$rec" line)" = "$n" ] && [ -n "$(field "$rec" error)" ]; then ok; else
    fail "input line $n (a broken line at the end of the sample) should get an error record with \"line\":$n and a message, got: $rec"
  fi
done
check_error_record "$(nth_line out.ndjson $((IN_LINES - 2)))" $((IN_LINES - 2)) "invalid JSON" "truncated JSON object"
check_error_record "$(nth_line out.ndjson $((IN_LINES - 1)))" $((IN_LINES - 1)) "text" "line without a text field"
check_error_record "$(nth_line out.ndjson "$IN_LINES")" "$IN_LINES" "text" "line whose text is a number"
errors=$(grep -c '"action":"error"' out.ndjson || true)
assert_eq "$errors" 3 "error records in the sample output (only the three broken lines)"

# The sample is built to exercise every action.
for a in allow flag quarantine escalate; do
  n=$(grep -c "^{\"id\":[^,]*,\"action\":\"$a\"" out.ndjson || true)
  assert_ge "$n" 1 "records with action $a in the sample output"
done

# The con-artist comments about Anna Delvey are caught and tied to her.
assert_matches out.ndjson '"rule":"insult\.con-artist",[^}]*"match":"[^"]*","target":"anna-delvey"' \
  "a con-artist hit tied to anna-delvey"

# --- summary on stderr: counts per action, equal to what stdout holds ------------------
for a in allow flag quarantine escalate error; do
  n=$(grep -c "^{\"id\":[^,]*,\(\"line\":[0-9]*,\)\?\"action\":\"$a\"" out.ndjson || true)
  assert_matches err.txt "(^|[^a-z_])$a $n([^0-9]|$)" "summary on stderr reports '$a $n'"
done
assert_matches err.txt "(^|[^0-9])$IN_LINES comments" "summary reports $IN_LINES comments"
assert_not_contains out.ndjson "comments in" "summary is not mixed into stdout"

# --- -o FILE (and --threads 1): same bytes as stdout, nothing on stdout ---------------
run_decorum o_stdout.txt o_err.txt score "$SAMPLE" -o written.ndjson --threads 1
expect_rc 0 o_err.txt
assert_same_file written.ndjson out.ndjson "-o FILE --threads 1 vs stdout --threads 2 on the sample"
assert_empty_file o_stdout.txt "stdout with -o FILE"
assert_matches o_err.txt "comments" "summary still on stderr with -o"

# --- a bigger input: the sample 200 times, --threads 1 vs --threads 2 (from stdin) -----
for _ in $(seq 200); do cat "$SAMPLE"; done >big.ndjson
BIG_LINES=$(line_count big.ndjson)
run_decorum big1.ndjson big1.err score big.ndjson --threads 1 -q
expect_rc 0 big1.err
run_decorum big2.ndjson big2.err score - --threads 2 -q <big.ndjson
expect_rc 0 big2.err
assert_eq "$(line_count big1.ndjson)" "$BIG_LINES" "records for the 200x input (--threads 1)"
assert_same_file big1.ndjson big2.ndjson "--threads 1 vs --threads 2 on the 200x input"
assert_not_contains big2.err "actions:" "-q prints no summary"
# Same decisions as the sample, 200 times over.
for a in allow flag quarantine escalate error; do
  small=$(grep -c "^{\"id\":[^,]*,\(\"line\":[0-9]*,\)\?\"action\":\"$a\"" out.ndjson || true)
  big=$(grep -c "^{\"id\":[^,]*,\(\"line\":[0-9]*,\)\?\"action\":\"$a\"" big1.ndjson || true)
  assert_eq "$big" "$((small * 200))" "'$a' records in the 200x output (200 x the sample's)"
done
# The last repetition ends with the same three error records, numbered by line.
check_error_record "$(nth_line big1.ndjson "$BIG_LINES")" "$BIG_LINES" "text" "last line of the 200x input"

finish
