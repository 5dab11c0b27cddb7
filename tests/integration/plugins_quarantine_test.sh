#!/usr/bin/env bash
# The quarantine_sqlite plugin end to end (issue 4): score -> database -> review.
#
# 1. Durability: `decorum score --config` (quarantine_sqlite + the default rules) over
#    300,000 generated comments, about 5% of them held (an insult at Anna Delvey is a
#    quarantine, a threat at her an escalation), is killed with SIGKILL mid-run. Every
#    record already in its -o file with action quarantine or escalate must have its
#    comment in the database: the engine flushes the plugin before it writes a batch's
#    records, and the plugin commits before its flush returns. The input ends with
#    standard input, held open by the test, so the kill always lands before the end.
# 2. A clean run (--threads 2): the held records and the rows are the same set — same
#    count, same comment ids and actions, and each row's `decision` is byte for byte the
#    record in the output.
# 3. `decorum review` on that database: list the queue, show one held comment with its
#    decision record, approve and reject with a reviewer and a note, an appeal, and the
#    pending count going down; the history is kept in review_log. Scoring part of the
#    same input again adds no row and leaves the reviews alone.
# 4. At least once in, once in the queue: the same dump scored twice into one database,
#    and a run resumed (--resume) from an output cut short after the database got its
#    rows (what an interruption leaves: rows are durable before their records are
#    written), each hold every held comment exactly once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool sqlite3
QUARANTINE=$(shipped_plugin quarantine_sqlite)

# config DB: a decorum config with the quarantine store at DB (absolute).
config() {
  cat <<YAML
plugins:
  - name: quarantine
    path: $QUARANTINE
    config: {path: $TMP/$1}
YAML
}

# 300,000 comments: every 20th an insult at Anna Delvey (quarantine, score 6), every
# 200th (offset 7) a threat at her (escalate, score 15); the rest are neutral.
N=300000
awk -v n="$N" 'BEGIN {
  split("lovely cha-cha tonight|the judges were harsh this week|Maks looked great in that paso|who else is voting for Ilona|that quickstep was so clean", calm, "|")
  for (i = 1; i <= n; i++) {
    if (i % 200 == 7) t = "Delvey should be shot"
    else if (i % 20 == 0) t = "Anna Delvey is an idiot"
    else t = calm[i % 5 + 1]
    printf "{\"id\":\"q%d\",\"author\":\"u%d\",\"thread\":\"ep%d\",\"text\":\"%s number %d\"}\n", i, i % 1000, i % 7, t, i
  }
}' >big.ndjson
HELD_IN_INPUT=$((N / 20 + N / 200))

# held_ids FILE: "id action" of every quarantine/escalate record in FILE, sorted.
held_ids() {
  sed -n 's/^{"id":"\([^"]*\)","action":"\(quarantine\|escalate\)",.*/\1 \2/p' "$1" | sort
}
# db_ids DB: "comment_id action" of every row, sorted.
db_ids() { sqlite3 "$1" "SELECT comment_id || ' ' || action FROM held_comments" | sort; }

# --- 1. SIGKILL mid-run -------------------------------------------------------------------------
config kill.db >kill.yaml
mkfifo hold.fifo
exec 3<>hold.fifo  # keeps the fifo open for writing: decorum's last input never ends
"$DECORUM" score --config kill.yaml --progress never --threads 2 -o killed.ndjson big.ndjson - \
  <hold.fifo 3>&- >kill.stdout 2>kill.err &
PID=$!
# Records reach killed.ndjson in 1 MiB writes; wait for the second one.
have_records() { [ "$(stat -c %s killed.ndjson 2>/dev/null || echo 0)" -ge 2000000 ]; }
if ! wait_until 50 have_records; then
  kill -KILL "$PID" 2>/dev/null || true
  show kill.err >&2
  fatal "no records in killed.ndjson after 50 s"
fi
if _process_exited "$PID"; then fatal "decorum exited before it could be killed (its input never ends)"; fi
kill -KILL "$PID"
wait "$PID" 2>/dev/null || true
exec 3>&-

# Only complete lines count: the last write may have stopped mid-record.
if [ -n "$(tail -c 1 killed.ndjson)" ]; then sed -i '$d' killed.ndjson; fi
written=$(line_count killed.ndjson)
assert_ge "$written" 1000 "killed run: records written before the kill"
assert_le "$written" $((N - 1)) "killed run: killed before the end of its input"
assert_eq "$(grep -cv '^{"id":"q[0-9]*","action":' killed.ndjson || true)" 0 "killed run: every complete line is a decision record"
held_ids killed.ndjson >killed.held
db_ids kill.db >killed.rows || fail "killed run: the database cannot be read after SIGKILL"
assert_ge "$(line_count killed.held)" 50 "killed run: held records written before the kill"
missing=$(comm -23 killed.held killed.rows | wc -l)
assert_eq "$missing" 0 "killed run: held records whose comment is NOT in the database (durability)"
if [ "$missing" -gt 0 ]; then comm -23 killed.held killed.rows | sed -n 1,5p | sed 's/^/    missing: /' >&2; fi
assert_eq "$(sqlite3 kill.db 'PRAGMA integrity_check')" ok "killed run: the database is intact"

# --- 2. a clean run: rows == held records ---------------------------------------------------------
config q.db >q.yaml
run_decorum clean.stdout clean.err score --config q.yaml --progress never --threads 2 -o clean.ndjson big.ndjson
expect_rc 0 clean.err
assert_eq "$(line_count clean.ndjson)" "$N" "clean run: one record per line"
held_ids clean.ndjson >clean.held
db_ids q.db >clean.rows
assert_eq "$(line_count clean.held)" "$HELD_IN_INPUT" "clean run: quarantine + escalate records"
assert_eq "$(sqlite3 q.db 'SELECT count(*) FROM held_comments')" "$(line_count clean.held)" "clean run: rows in the database == held records"
assert_same_file clean.held clean.rows "clean run: the same comment ids and actions in the output and the database"
assert_eq "$(grep -c ' escalate$' clean.rows || true)" $((N / 200)) "clean run: escalations stored"
# The stored decision is the record exactly as written.
grep -E '^\{"id":"q[0-9]+","action":"(quarantine|escalate)",' clean.ndjson | sort >clean.records
sqlite3 q.db 'SELECT decision FROM held_comments' | sort >clean.decisions
assert_same_file clean.records clean.decisions "clean run: each row's decision is its output record, byte for byte"
assert_eq "$(sqlite3 q.db "SELECT count(*) FROM held_comments WHERE status <> 'pending' OR reviewer IS NOT NULL")" 0 "clean run: every row is pending, unreviewed"
row=$(sqlite3 -separator '|' q.db "SELECT author, thread, targets, score, text FROM held_comments WHERE comment_id = 'q7'")
assert_eq "$row" "u7|ep0|anna-delvey|15.0|Delvey should be shot number 7" "clean run: the row's fields for q7"
assert_matches clean.err "^plugin quarantine: 0 score calls \\(0 failed\\), $HELD_IN_INPUT on_decision calls \\(0 failed\\), [0-9]+ flushes \\(0 failed\\)\$" "clean run: the summary counts the plugin's calls"

# --- 3. review: the round trip on what score stored -------------------------------------------------
HELD=$(line_count clean.held)
seq_of() { sqlite3 q.db "SELECT seq FROM held_comments WHERE comment_id = '$1'"; }
S1=$(seq_of q7)    # a threat: escalate
S2=$(seq_of q20)   # insults: quarantine
S3=$(seq_of q40)
[ -n "$S1" ] && [ -n "$S2" ] && [ -n "$S3" ] || fatal "q7, q20 or q40 is not in q.db"
run_decorum list.out list.err review list --db q.db --limit 3
expect_rc 0 list.err
assert_contains list.out "(3 shown, $HELD pending held comments in all; next page: --after 3)" "review list: the queue's size"
run_decorum list1.out list1.err review list --db q.db --after $((S1 - 1)) --limit 1
expect_rc 0 list1.err
assert_matches list1.out "^ *$S1  [0-9-]+ [0-9:.]+ UTC +escalate +15 +pending +anna-delvey / u7 +Delvey should be shot number 7\$" "review list: q7's row"
rec7=$(record_by_id clean.ndjson q7)
run_decorum show.out show.err review show "$S1" --db q.db
expect_rc 0 show.err
assert_contains show.out "$rec7" "review show: q7's decision record, exactly as score wrote it"
assert_matches show.out '^status: +pending$' "review show: pending"

run_decorum a.out a.err review approve "$S1" --db q.db --reviewer alice --note "quoting a headline"
expect_rc 0 a.err
assert_contains a.out "approved $S1 (was pending)" "review approve"
run_decorum r.out r.err review reject "$S2" "$S3" --db q.db --reviewer bob --note "aimed at Anna"
expect_rc 0 r.err
assert_contains r.out "rejected $S2 (was pending)" "review reject of two: the first"
assert_contains r.out "rejected $S3 (was pending)" "review reject of two: the second"
run_decorum appeal.out appeal.err review approve "$S3" --db q.db --reviewer carol --note "appeal upheld"
expect_rc 0 appeal.err
assert_contains appeal.out "approved $S3 (was rejected)" "review approve: an appeal"

run_decorum pending.out pending.err review list --db q.db --limit 1
expect_rc 0 pending.err
assert_contains pending.out "$((HELD - 3)) pending held comments in all" "review list: three fewer pending"
run_decorum approved.out approved.err review list --db q.db --status approved --json
expect_rc 0 approved.err
assert_eq "$(line_count approved.out)" 2 "review list --status approved --json: two approved"
assert_contains approved.out "\"decision\":$rec7" "review list --json: the decision record as score wrote it"
run_decorum show3.out show3.err review show "$S3" --db q.db --json
expect_rc 0 show3.err
assert_contains show3.out '"reviewer":"carol","note":"appeal upheld"' "review show --json: the latest review"
assert_contains show3.out '"history":[{"status":"rejected","reviewer":"bob","note":"aimed at Anna","at_ms":' "review show --json: the first review kept"
assert_eq "$(sqlite3 q.db 'SELECT count(*) FROM review_log')" 4 "review_log: one row per review"

# A second score run over comments already held adds nothing; reviewed rows stay as they are.
head -n 1000 big.ndjson >small.ndjson
run_decorum again.stdout again.err score --config q.yaml --progress never -o again.ndjson small.ndjson
expect_rc 0 again.err
assert_eq "$(sqlite3 q.db 'SELECT count(*) FROM held_comments')" "$HELD" "a second run over held comments stores none of its 55 again"
assert_contains again.err "quarantine_sqlite: $TMP/q.db: 55 of 55 held comment(s) were already stored with the same decision record, and were not stored again" \
  "a second run says what it skipped"
assert_eq "$(sqlite3 q.db "SELECT status || ' ' || reviewer FROM held_comments WHERE seq = $S1")" "approved alice" "a second run leaves reviews alone"
assert_eq "$(sqlite3 q.db "SELECT count(*) FROM held_comments WHERE status = 'pending'")" $((HELD - 3)) "a second run queues no reviewed comment again"

# --- 4. at least once in, once in the queue ---------------------------------------------------------
# dup_rows DB: rows whose comment and decision record another row of DB holds too.
dup_rows() {
  sqlite3 "$1" "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM held_comments GROUP BY comment_id, text, decision)"
}
head -n 20000 big.ndjson >mid.ndjson
MID_HELD=$((20000 / 20 + 20000 / 200))
config twice.db >twice.yaml
run_decorum twice1.out twice1.err score --config twice.yaml --progress never --threads 2 -o twice1.ndjson mid.ndjson
expect_rc 0 twice1.err
assert_eq "$(sqlite3 twice.db 'SELECT count(*) FROM held_comments')" "$MID_HELD" "scored once: one row per held comment"
assert_not_contains twice1.err "already stored" "scored once: nothing skipped, nothing said"
run_decorum twice2.out twice2.err score --config twice.yaml --progress never --threads 2 -o twice2.ndjson mid.ndjson
expect_rc 0 twice2.err
assert_same_file twice2.ndjson twice1.ndjson "scored twice: the same records (test precondition)"
assert_eq "$(sqlite3 twice.db 'SELECT count(*) FROM held_comments')" "$MID_HELD" "scored twice: still one row per held comment"
assert_eq "$(dup_rows twice.db)" 0 "scored twice: no comment stored twice"
assert_contains twice2.err "$MID_HELD of $MID_HELD held comment(s) were already stored" "scored twice: the skipped count"

# An interrupted run: the database holds the rows of batches whose records never reached
# the output. Cutting a finished run's output short leaves exactly that, every time.
config resume.db >resume.yaml
run_decorum full.out full.err score --config resume.yaml --progress never --threads 2 -o full.ndjson mid.ndjson
expect_rc 0 full.err
head -n 5000 full.ndjson >part.ndjson
run_decorum resume.out resume.err score --config resume.yaml --progress never --threads 2 -o part.ndjson --resume mid.ndjson
expect_rc 0 resume.err
assert_matches resume.err "resuming after 5000 records in part.ndjson" "resume: continues after the cut (test precondition)"
assert_same_file part.ndjson full.ndjson "resume: the output is whole again"
assert_eq "$(sqlite3 resume.db 'SELECT count(*) FROM held_comments')" "$MID_HELD" "resume: one row per held comment, none stored again"
assert_eq "$(dup_rows resume.db)" 0 "resume: no comment stored twice"
held_after_cut=$(tail -n +5001 full.ndjson | grep -cE '^\{"id":"q[0-9]+","action":"(quarantine|escalate)",' || true)
assert_contains resume.err "$held_after_cut of $held_after_cut held comment(s) were already stored" "resume: the held comments past the cut were skipped"

finish
