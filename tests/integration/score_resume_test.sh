#!/usr/bin/env bash
# score --resume (issue 6): a run killed with SIGKILL mid-way continues from the records
# already in its output file; the union of the two runs has exactly one record per input
# line, in order, byte for byte what an uninterrupted run writes. A partial last record
# (the kill landed inside a write) is cut off and redone. An output that is not decorum's,
# that other rules decided, or whose last record is not the one of its input line (the
# output of other inputs), is refused and left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
export DECORUM_CACHE_DIR="$TMP/cache"

N=300000
ndjson_comments "$N" r >in.ndjson
gzip -c in.ndjson >in.ndjson.gz
run_decorum full.out full.err score in.ndjson -t 2 -o full.ndjson -q
expect_rc 0 full.err
assert_eq "$(line_count full.ndjson)" "$N" "uninterrupted run: one record per line"

# file_over FILE BYTES: FILE holds more than BYTES (the run is well under way).
file_over() { [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]; }

# --- SIGKILL mid-run, then --resume ---------------------------------------------------------
"$DECORUM" score in.ndjson.gz -t 2 -o part.ndjson -q --progress never 2>kill.err &
PID=$!
wait_until 8 file_over part.ndjson 2000000 || true
kill -KILL "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
done_lines=$(line_count part.ndjson)
if [ "$done_lines" -gt 0 ] && [ "$done_lines" -lt "$N" ]; then ok; else
  fail "the kill landed mid-run (records before resume: $done_lines of $N)"; fi
run_decorum resume.out resume.err score in.ndjson.gz -t 2 -o part.ndjson --resume
expect_rc 0 resume.err
assert_matches resume.err "resuming after [0-9]+ records in part.ndjson" "resume says where it continues"
assert_same_file part.ndjson full.ndjson "killed + resumed output equals an uninterrupted run"
if ids_in_order part.ndjson "$N" r; then ok; else fail "exactly one record per input line, in order"; fi

# --- SIGTERM / SIGINT mid-run: whole records, a message, 128+signal, then --resume ----------
# Without job control bash starts background jobs with SIGINT ignored (a Ctrl-C is for the
# foreground), and decorum leaves it so; with it (set -m) SIGINT is the default action.
for sig in TERM INT; do
  rm -f "sig$sig.ndjson"
  set -m
  "$DECORUM" score in.ndjson.gz -t 2 -o "sig$sig.ndjson" -q --progress never 2>"sig$sig.err" &
  PID=$!
  set +m
  wait_until 8 file_over "sig$sig.ndjson" 2000000 || true
  kill -s "$sig" "$PID" 2>/dev/null || true
  if wait "$PID"; then RC=0; else RC=$?; fi
  want_rc=$([ "$sig" = TERM ] && echo 143 || echo 130)
  assert_eq "$RC" "$want_rc" "SIG$sig: exit status 128 + the signal"
  assert_matches "sig$sig.err" "interrupted \(SIG$sig\): stopped reading after line [0-9]+ of in\.ndjson\.gz; every line before has its record in 'sig$sig\.ndjson': --resume continues after them" \
    "SIG$sig: says where it stopped and how to go on"
  stopped_at=$(sed -n 's/.*stopped reading after line \([0-9]*\) of.*/\1/p' "sig$sig.err")
  assert_eq "$(line_count "sig$sig.ndjson")" "$stopped_at" "SIG$sig: a record for every line read, no more"
  assert_eq "$(tail -c 1 "sig$sig.ndjson" | od -An -c | tr -d ' ')" '\n' "SIG$sig: the output ends on a whole record"
  run_decorum "sig$sig.out" "sig$sig.rerr" score in.ndjson.gz -t 2 -o "sig$sig.ndjson" --resume -q
  expect_rc 0 "sig$sig.rerr"
  assert_same_file "sig$sig.ndjson" full.ndjson "SIG$sig + resumed output equals an uninterrupted run"
done
# An ignored SIGINT stays ignored: the run goes on to the end.
"$DECORUM" score in.ndjson.gz -t 2 -o ign.ndjson -q --progress never 2>ign.err &
PID=$!
wait_until 8 file_over ign.ndjson 2000000 || true
kill -s INT "$PID" 2>/dev/null || true
if wait "$PID"; then RC=0; else RC=$?; fi
assert_eq "$RC" 0 "an ignored SIGINT (a background job) does not stop the run"
assert_same_file ign.ndjson full.ndjson "an ignored SIGINT: the whole output"

# --- a partial last record is cut off and redone ---------------------------------------------
head -c 1234567 full.ndjson >cut.ndjson   # ends inside a record
run_decorum cut.out cut.err score in.ndjson -o cut.ndjson --resume -q
expect_rc 0 cut.err
assert_same_file cut.ndjson full.ndjson "a partial last record is redone"

# --- resuming a finished run writes nothing new; a missing file starts from scratch ----------
cp full.ndjson again.ndjson
run_decorum again.out again.err score in.ndjson -o again.ndjson --resume
expect_rc 0 again.err
assert_same_file again.ndjson full.ndjson "resuming a complete output changes nothing"
run_decorum fresh.out fresh.err score in.ndjson -o fresh.ndjson --resume -q
expect_rc 0 fresh.err
assert_same_file fresh.ndjson full.ndjson "--resume without an output file is a fresh run"

# --- bad input -------------------------------------------------------------------------------
head -n 10 in.ndjson >small.ndjson
cp full.ndjson other.ndjson
run_decorum other.out other.err score small.ndjson -o other.ndjson --resume
expect_rc 1 other.err
assert_contains other.err "cannot resume: the output already has $N records but the inputs have only 10 lines" \
  "an output longer than the inputs is refused"
# The output of other inputs that is shorter than these: its last record is not the one
# of the input line it stands for (before, the run went on and mixed the two).
ndjson_comments 20 z >z.ndjson
run_decorum z.out z.err score z.ndjson -o zrun.ndjson -q
expect_rc 0 z.err
head -n 5 zrun.ndjson >zcut.ndjson
cp zcut.ndjson zcut.before
run_decorum zres.out zres.err score small.ndjson -o zcut.ndjson --resume
expect_rc 1 zres.err
assert_contains zres.err 'cannot resume: the output'"'"'s last record (record 5) is for comment "z5", but the input line it stands for, line 5 of small.ndjson, is comment "r5"' \
  "an output of other inputs is refused: the ids differ"
assert_same_file zcut.ndjson zcut.before "an output of other inputs is left as it was"
# ... also when it ends inside a record: the partial record is cut only once the check passed.
head -c -20 zrun.ndjson | head -c 400 >zpart.ndjson
cp zpart.ndjson zpart.before
run_decorum zpart.out zpart.err score small.ndjson -o zpart.ndjson --resume
expect_rc 1 zpart.err
assert_contains zpart.err "cannot resume: the output's last record" "a partial output of other inputs is refused"
assert_same_file zpart.ndjson zpart.before "a refused resume does not cut the partial last record"
# Ids are compared as written: an id of 5,000 bytes (a record over 4 KiB keeps only its
# first and last KiB) is not compared, and the run resumes; a numeric id is compared as a
# number.
{ printf '{"id":"%s","text":"first"}\n' "$(printf 'L%.0s' $(seq 5000))"; echo '{"id":7,"text":"second"}'
  echo '{"text":"no id"}'; echo '{"id":9.5e1,"text":"fourth"}'; } >ids.ndjson
run_decorum ids.out ids.err score ids.ndjson -o ids_full.ndjson -q
expect_rc 0 ids.err
for n in 1 2 3 4; do
  head -n "$n" ids_full.ndjson >ids_cut.ndjson
  run_decorum idsr.out idsr.err score ids.ndjson -o ids_cut.ndjson --resume -q
  expect_rc 0 idsr.err
  assert_same_file ids_cut.ndjson ids_full.ndjson "resuming after record $n of long, numeric and missing ids"
done
run_decorum stdout.out stdout.err score small.ndjson --resume
expect_rc 2 stdout.err
assert_contains stdout.err "--resume needs --output FILE" "--resume without -o is a usage error"
# An output that is not decorum's records, or was decided by other rules, is refused and
# left as it was: resuming would keep its lines as if they were this run's records.
#
# refused_resume NAME MESSAGE WHAT: `score --resume -o NAME.ndjson` exits 1 saying MESSAGE
# (a regex) and leaves NAME.ndjson as it was.
refused_resume() {
  cp "$1.ndjson" "$1.before"
  run_decorum "$1.out" "$1.err" score small.ndjson -o "$1.ndjson" --resume
  expect_rc 1 "$1.err"
  assert_matches "$1.err" "$2" "$3"
  assert_same_file "$1.ndjson" "$1.before" "$3: the file is left as it was"
}
{ head -n 1 full.ndjson; echo "garbage"; sed -n 3,5p full.ndjson; } >junk.ndjson
refused_resume junk "junk.ndjson line 2 is not a record of decorum score" "a line that is not a record is refused"
printf 'some notes, no newline' >notes.ndjson
refused_resume notes "notes.ndjson line 1 is not a record of decorum score" \
  "an unfinished last line that cannot start a record is refused, not cut off"
write_small_rules small_rules
run_decorum mixed.out mixed.err score small.ndjson --rules small_rules -o mixed.ndjson -q
expect_rc 0 mixed.err
head -n 4 mixed.ndjson >mixed.part
mv mixed.part mixed.ndjson
refused_resume mixed "mixed.ndjson line 1 was decided by rule set [0-9a-f]+, not by these rules" \
  "records of other rules are refused"
finish
