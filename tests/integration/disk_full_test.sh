#!/usr/bin/env bash
# Disk full (issue 6): on the output file or the quarantine database, decorum says so
# clearly and exits non-zero; nothing is acknowledged that was not stored.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
export DECORUM_CACHE_DIR="$TMP/cache"
[ -w /dev/full ] || fatal "/dev/full is not available"

ndjson_comments 20000 d >in.ndjson

# --- the output: /dev/full fails every write with ENOSPC ----------------------------------------
run_decorum out.txt err.txt score in.ndjson -o /dev/full -q
expect_rc 1 err.txt
assert_contains err.txt "cannot write output: No space left on device; the summary counts comments scored, not records written: '/dev/full' holds those before the failure" "score: a full disk under -o is a clear error"

# --- the quarantine database: capped at a size it outgrows ---------------------------------------
QS=$(shipped_plugin quarantine_sqlite)
cat >q.yaml <<YAML
plugins:
  - name: quarantine
    path: $QS
    config: {path: $TMP/q.db, max_db_bytes: 65536}
YAML
# Every comment quarantined (a rule scoring 6 on every text), so the database fills fast.
mkdir rules
cat >rules/all.yaml <<'YAML'
rules:
  - {id: t.all, category: other, score: 6, match: {words: [number]}}
YAML
run_decorum q.out q.err score --config q.yaml --rules rules in.ndjson -o q.ndjson -q
expect_rc 1 q.err
assert_contains q.err "plugin 'quarantine': flush failed: quarantine_sqlite: $TMP/q.db: database or disk is full" \
  "score: a full quarantine database is a clear error"
assert_matches q.err "stopped before writing the records of lines [0-9]+ and later" "score says where it stopped"
assert_contains q.err "'q.ndjson' holds those before the failure (--resume continues after them)" "score says how to go on"
written=$(line_count q.ndjson)
stored=$(sqlite3 "$TMP/q.db" 'SELECT COUNT(*) FROM held_comments')
if [ "$written" -lt 20000 ]; then ok; else fail "records stop at the failure (wrote $written)"; fi
if [ "$written" -le "$stored" ]; then ok; else
  fail "no record written ahead of the database ($written written, $stored stored)"; fi
# Everything written is in the database.
sed -n 's/^{"id":"\([^"]*\)".*/\1/p' q.ndjson | sort >written_ids
sqlite3 "$TMP/q.db" 'SELECT comment_id FROM held_comments' | sort >stored_ids
missing=$(comm -23 written_ids stored_ids | wc -l | tr -d ' ')
assert_eq "$missing" 0 "every quarantined record written is stored"
finish
