#!/usr/bin/env bash
# `decorum review` (SPEC §8, §9): the queue of comments the quarantine_sqlite plugin held.
# list shows them (table and NDJSON), approve records a verdict with the reviewer and a
# note, show gives the decision record and the whole history, a second review (an appeal)
# is added to the history, and a reviewed comment leaves the pending list. Bad input: a
# missing database is an error and is NOT created, an unknown seq changes nothing, a
# missing --reviewer is a usage error; comment text cannot inject terminal escapes.
#
# Most checks use a database seeded with the sqlite3 shell from
# plugins/quarantine_sqlite/schema.sql (the same text the store compiles in, so the schema
# is the store's own), because fixed rows give fixed times and hostile text; `review`
# itself never creates a database, by design. The last part runs the real chain: `decorum
# score --config` with the quarantine_sqlite plugin holds comments, and `review` finds
# every quarantined and escalated record, byte for byte, and nothing else; scored again,
# the same input adds no row and leaves the verdicts alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool sqlite3

SCHEMA="$ROOT/plugins/quarantine_sqlite/schema.sql"
[ -f "$SCHEMA" ] || fatal "no $SCHEMA"

LONG_TEXT="Pat Doe is a meanie and a grump, honestly the worst dancer ever seen on this show, week after week"
FIRST60="Pat Doe is a meanie and a grump, honestly the worst dancer e"   # 60 characters
REC1='{"id":"c1","action":"quarantine","score":7.5,"targets":[{"id":"pat-doe","span":[0,7]}],"hits":[{"rule":"t.meanie","category":"insult","score":3,"span":[13,19],"match":"meanie","target":"pat-doe"}],"ruleset":"9f2c"}'
REC2='{"id":"c2","action":"escalate","score":12,"hits":[],"ruleset":"9f2c"}'
REC3='{"id":"c3","action":"quarantine","score":6,"ruleset":"9f2c"}'
ESC=$'\x1b'

# sql_quote STRING: STRING as an SQL string literal.
sql_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }

sqlite3 q.db <"$SCHEMA" || fatal "cannot create the schema from $SCHEMA"
sqlite3 q.db >/dev/null <<SQL || fatal "cannot seed q.db"
PRAGMA journal_mode = WAL;
INSERT INTO held_comments (comment_id, author, thread, targets, action, score, text, decision, ruleset, stored_at)
VALUES ('c1', 'troll42', 'episode-7', 'pat-doe', 'quarantine', 7.5, $(sql_quote "$LONG_TEXT"), $(sql_quote "$REC1"), '9f2c', 1714594443000),
       ('c2', '', 'episode-7', '', 'escalate', 12, 'you will regret it', $(sql_quote "$REC2"), '9f2c', 1714594444000),
       ('c3', 'mallory', 'episode-7', '', 'quarantine', 6, $(sql_quote "red ${ESC}[31malert${ESC}[0m"), $(sql_quote "$REC3"), '9f2c', 1714594445000);
SQL

# --- list: the pending queue, oldest first ----------------------------------------------
run_decorum list.out list.err review list --db q.db
expect_rc 0 list.err
assert_matches list.out '^ *1 +2024-05-01 20:14:03 UTC +quarantine +7\.5 +pending +pat-doe / troll42 ' "list: row for seq 1"
assert_matches list.out '^ *2 .* escalate +12 +pending ' "list: row for seq 2"
assert_contains list.out "$FIRST60…" "list: the first 60 characters of the text, then …"
assert_not_contains list.out "${FIRST60}v" "list: no more than 60 characters of the text"
assert_not_contains list.out "$ESC" "list: no raw escape byte from a comment reaches the terminal"
assert_contains list.out "3 pending held comments" "list: the count"

run_decorum json.out json.err review list --db q.db --json
expect_rc 0 json.err
assert_eq "$(line_count json.out)" 3 "list --json: one line per held comment"
assert_contains json.out "\"decision\":$REC1" "list --json: the decision record, exactly as stored"
assert_eq "$(field "$(nth_line json.out 2)" seq)" 2 "list --json: second line is seq 2"
assert_eq "$(field "$(nth_line json.out 1)" status)" pending "list --json: status"

# --- approve with a reviewer and a note ---------------------------------------------------
run_decorum approve.out approve.err review approve 1 --db q.db --reviewer alice --note "satire, not abuse"
expect_rc 0 approve.err
assert_contains approve.out "approved 1 (was pending)" "approve: says what changed"

run_decorum show.out show.err review show 1 --db q.db
expect_rc 0 show.err
assert_matches show.out '^status: +approved$' "show: status"
assert_matches show.out '^reviewer: +alice$' "show: reviewer"
assert_matches show.out '^note: +satire, not abuse$' "show: note"
assert_contains show.out "$REC1" "show: the decision record"
assert_contains show.out "$LONG_TEXT" "show: the full text"
assert_matches show.out '^  [0-9-]+ [0-9:]+ UTC +approved +by alice: satire, not abuse$' "show: the history line"

run_decorum pending.out pending.err review list --db q.db --status pending
expect_rc 0 pending.err
assert_not_contains pending.out "troll42" "list --status pending: seq 1 is no longer pending"
assert_matches pending.out '^ *2 ' "list --status pending: seq 2 still is"
run_decorum approved.out approved.err review list --db q.db --status approved
expect_rc 0 approved.err
assert_matches approved.out '^ *1 .* approved ' "list --status approved: seq 1"

# --- an appeal: a second review, both in the history --------------------------------------
run_decorum reject.out reject.err review reject 1 --db q.db --reviewer bob --note "appeal: aimed at a person"
expect_rc 0 reject.err
assert_contains reject.out "rejected 1 (was approved)" "reject: says what changed"
run_decorum show2.out show2.err review show 1 --db q.db --json
expect_rc 0 show2.err
assert_contains show2.out '"status":"rejected","action":"quarantine"' "show --json: the latest status"
assert_contains show2.out '"reviewer":"bob","note":"appeal: aimed at a person"' "show --json: the latest review"
assert_contains show2.out '"history":[{"status":"approved","reviewer":"alice","note":"satire, not abuse","at_ms":' "show --json: the first review in the history"
assert_contains show2.out '{"status":"rejected","reviewer":"bob","note":"appeal: aimed at a person","at_ms":' "show --json: the appeal in the history"
assert_eq "$(sqlite3 q.db 'SELECT count(*) FROM review_log WHERE seq = 1')" 2 "review_log keeps both reviews"

# --- text from strangers is shown, not interpreted ----------------------------------------
run_decorum show3.out show3.err review show 3 --db q.db
expect_rc 0 show3.err
assert_not_contains show3.out "$ESC" "show: no raw escape byte from a comment reaches the terminal"
assert_contains show3.out 'red \x1b[31malert' "show: the escape byte is shown as \\x1b"

# --- a missing database: error, exit 1, and it is not created -------------------------------
for cmd in "list" "show 1" "approve 1 --reviewer alice"; do
  # shellcheck disable=SC2086
  run_decorum missing.out missing.err review $cmd --db missing.db
  expect_rc 1 missing.err
  assert_contains missing.err "missing.db" "review $cmd on a missing database: names the file"
  assert_contains missing.err "no such quarantine database" "review $cmd on a missing database: says why"
  if [ -e missing.db ] || [ -e missing.db-wal ] || [ -e missing.db-journal ]; then
    fail "review $cmd created missing.db"
    rm -f missing.db missing.db-wal missing.db-shm missing.db-journal
  else ok; fi
done

printf 'not a database at all\n' >notes.txt
run_decorum notdb.out notdb.err review list --db notes.txt
expect_rc 1 notdb.err
assert_contains notdb.err "notes.txt: file is not a database" "a file that is not a database"

# --- a reviewer without write access: list and show read, approve says why ----------------
# A moderator often may read the queue but not write the daemon's directory. A WAL
# database that no process holds open has no -wal/-shm files, and SQLite cannot create
# them in a directory it cannot write: `review list` used to fail there with "read-only".
# Run as nobody (65534), which needs root to switch to; the directory's name holds
# characters a URI must escape.
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  echo "[$TEST_NAME] note: not run as root (or no setpriv): the reviewer-without-write-access checks are left out"
else
  # run_as_nobody OUT ERR ARGS...: run_decorum, as nobody.
  run_as_nobody() {
    local out="$1" err="$2"
    shift 2
    LAST_CMD="(as nobody) decorum $*"
    if timeout "$DECORUM_TIMEOUT" setpriv --reuid=65534 --regid=65534 --clear-groups \
      "$DECORUM" "$@" >"$out" 2>"$err"; then RC=0; else RC=$?; fi
  }
  chmod 711 "$TMP"
  RO_DIR="$TMP/ro dir %3F?#"
  mkdir "$RO_DIR"
  sqlite3 q.db ".backup '$RO_DIR/q.db'" || fatal "cannot copy q.db"
  sqlite3 "$RO_DIR/q.db" 'PRAGMA journal_mode = WAL' >/dev/null || fatal "cannot set WAL on the copy"
  chmod 755 "$RO_DIR"
  chmod 644 "$RO_DIR/q.db"
  setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$DECORUM" || fatal "nobody cannot run $DECORUM (a parent directory is not searchable)"
  [ ! -e "$RO_DIR/q.db-wal" ] || fatal "the copy kept a -wal file; the case needs none"
  run_as_nobody ro_list.out ro_list.err review list --db "$RO_DIR/q.db" --json
  expect_rc 0 ro_list.err
  assert_eq "$(line_count ro_list.out)" "$(sqlite3 q.db "SELECT count(*) FROM held_comments WHERE status = 'pending'")" \
    "list without write access: every pending row"
  run_as_nobody ro_show.out ro_show.err review show 1 --db "$RO_DIR/q.db"
  expect_rc 0 ro_show.err
  assert_contains ro_show.out "$REC1" "show without write access: the decision record"
  run_as_nobody ro_approve.out ro_approve.err review approve 2 --reviewer alice --db "$RO_DIR/q.db"
  expect_rc 1 ro_approve.err
  assert_contains ro_approve.err "database is read-only (the file or its directory is not writable by this process, or the file system is mounted read-only) (reviewing)" "approve without write access: says why"
  assert_eq "$(sqlite3 "$RO_DIR/q.db" 'SELECT status FROM held_comments WHERE seq = 2')" pending \
    "approve without write access: nothing changed"
  assert_eq "$(sqlite3 "$RO_DIR/q.db" 'PRAGMA journal_mode')" wal "the copy is still a WAL database"
fi

# --- an unknown seq: exit 1, and nothing is reviewed --------------------------------------
run_decorum unknown.out unknown.err review show 99 --db q.db
expect_rc 1 unknown.err
assert_contains unknown.err "no held comment with seq 99" "show 99: names the seq"
run_decorum unknown2.out unknown2.err review approve 2 99 --db q.db --reviewer alice
expect_rc 1 unknown2.err
assert_contains unknown2.err "seq 99; nothing was reviewed" "approve 2 99: names the seq"
assert_eq "$(sqlite3 q.db 'SELECT status FROM held_comments WHERE seq = 2')" pending "approve 2 99: seq 2 was left alone"

# --- usage errors: exit 2 ---------------------------------------------------------------------
run_decorum noreviewer.out noreviewer.err review approve 2 --db q.db
expect_rc 2 noreviewer.err
assert_contains noreviewer.err "--reviewer" "approve without --reviewer: names the flag"
assert_eq "$(sqlite3 q.db 'SELECT status FROM held_comments WHERE seq = 2')" pending "approve without --reviewer: nothing changed"

check_usage() { # WORD-IN-MESSAGE ARGS...
  local word="$1"
  shift
  run_decorum usage.out usage.err review "$@"
  expect_rc 2 usage.err
  assert_contains usage.err "$word" "'decorum review $*': the message names '$word'"
}
check_usage "--db" list
check_usage "--status" list --db q.db --status maybe
check_usage "--limit" list --db q.db --limit -1
check_usage "'abc' is not a seq" show abc --db q.db
check_usage "'-1' is not a seq" show -1 --db q.db
check_usage "'-7' is not a seq" approve 3 -7 --db q.db --reviewer alice
check_usage "exactly one SEQ" show --db q.db
check_usage "at least one SEQ" reject --db q.db --reviewer alice
check_usage "unknown command 'frob'" frob
run_decorum usage.out usage.err review
expect_rc 2 usage.err

run_decorum help.out help.err review --help
expect_rc 0 help.err
for word in list show approve reject "--db"; do
  assert_contains help.out "$word" "review --help mentions $word"
done
run_decorum help2.out help2.err review list --help
expect_rc 0 help2.err
assert_contains help2.out "--status" "review list --help lists --status"

# --- end to end: what `decorum score` holds, `decorum review` sees --------------------------
QUARANTINE=$(shipped_plugin quarantine_sqlite)
cat >decorum.yaml <<YAML
threads: 2
plugins:
  - name: quarantine
    path: $QUARANTINE
    config: {path: $TMP/held.db}
YAML
{
  for i in 1 2 3 4 5 6; do
    echo "{\"id\":\"ok$i\",\"author\":\"fan$i\",\"text\":\"lovely dancing tonight\"}"
    echo "{\"id\":\"q$i\",\"author\":\"troll$i\",\"thread\":\"ep7\",\"text\":\"Anna Delvey is a con artist\"}"
  done
  echo '{"id":"esc1","author":"stalker","text":"Anna Delvey watch your back"}'
  echo '{"id":"flag1","text":"you idiot"}'
} >e2e.ndjson
run_decorum e2e.out e2e.err score --config decorum.yaml e2e.ndjson
expect_rc 0 e2e.err
grep -E '"action":"(quarantine|escalate)"' e2e.out >held.expected || true
assert_eq "$(line_count held.expected)" 7 "score: 6 quarantined + 1 escalated comments (test precondition)"
run_decorum e2e_list.out e2e_list.err review list --db held.db --json
expect_rc 0 e2e_list.err
assert_eq "$(line_count e2e_list.out)" 7 "review: one row per held comment, none for allow or flag"
sed -e 's/^.*,"decision"://' -e 's/}$//' e2e_list.out | sort >held.stored
sort held.expected >held.expected.sorted
assert_same_file held.stored held.expected.sorted "review: the stored decision records are the records score wrote"
assert_contains e2e_list.out '"comment_id":"esc1","status":"pending","action":"escalate"' "review: the escalation is held"
assert_contains e2e_list.out '"author":"troll3","thread":"ep7","targets":["anna-delvey"]' "review: author, thread and targets are stored"
assert_not_contains e2e_list.out '"comment_id":"flag1"' "review: a flagged comment is not held"
seq=$(grep -F '"comment_id":"esc1"' e2e_list.out | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p')
run_decorum e2e_ok.out e2e_ok.err review approve "$seq" --db held.db --reviewer carol
expect_rc 0 e2e_ok.err
run_decorum e2e_pending.out e2e_pending.err review list --db held.db --json
assert_eq "$(line_count e2e_pending.out)" 6 "review: the approved escalation left the pending list"

# The same input scored again: each comment is held once already, reviewed or not.
run_decorum e2e_again.out e2e_again.err score --config decorum.yaml e2e.ndjson
expect_rc 0 e2e_again.err
run_decorum e2e_all.out e2e_all.err review list --db held.db --status all --json
expect_rc 0 e2e_all.err
assert_eq "$(line_count e2e_all.out)" 7 "review: scoring the same input again stores no comment twice"
run_decorum e2e_pending2.out e2e_pending2.err review list --db held.db --json
assert_eq "$(line_count e2e_pending2.out)" 6 "review: the approved escalation is not queued again"
run_decorum e2e_show.out e2e_show.err review show "$seq" --db held.db
expect_rc 0 e2e_show.err
assert_matches e2e_show.out '^status: +approved$' "review: the approved escalation keeps its verdict"

finish
