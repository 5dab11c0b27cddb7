#!/usr/bin/env bash
# The escalate plugin end to end (issue 4), against a real local HTTP receiver: socat
# forks receiver.sh (bash) per connection; it logs each request's Idempotency-Key and body
# and answers 503 to the first N requests, then 200.
#
# Delivery is AT LEAST ONCE (plugins/escalate/README.md): a receiver must de-duplicate on
# Idempotency-Key. So the checks are: every escalate record reaches the receiver with a
# 200 at least once, and the distinct keys answered 200 are exactly as many as the
# escalate records; each key is its body's escalation_id and each body carries the
# record exactly as written.
#
# 1. Receiver up, failing its first 3 requests: `score --config` on a file followed by
#    standard input held open (so decorum, and its delivery thread, stays up while the test
#    waits up to 15 s); the head escalation is retried (order kept), all five arrive, the
#    spool empties; closing the input ends the run with exit 0.
# 2. Receiver DOWN (nothing listening): the run exits 0 and its three escalations stay in
#    the spool (one .json each, mode 0600, holding the record), and stderr says so.
# 3. Receiver up again (failing 2): the next start delivers them, even a SHORT one
#    (`score` on an empty input): at exit destroy() drains the spool (drain_timeout_ms,
#    default 5 s) and acts on every answer, so each escalation is answered 200 once and
#    the spool empties; a long-lived start (input held open) after it sends nothing again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool socat flock
ESCALATE=$(shipped_plugin escalate)

# --- the receiver -----------------------------------------------------------------------------
cat >receiver.sh <<'EOF'
#!/usr/bin/env bash
# One HTTP/1.1 request per connection (socat ... fork EXEC:receiver.sh). Appends
# "<n> <status> <Idempotency-Key> <request line>" to $RECV_DIR/requests.log and the body to
# bodies.log (line n each), and answers 503 to the first $(cat $RECV_DIR/fail_first)
# requests (counted in $RECV_DIR/count under flock), 200 after.
export LC_ALL=C
dir="${RECV_DIR:?}"
IFS= read -r -t 10 request || exit 0   # a connection that sends nothing is not counted
len=0 key=""
while IFS= read -r -t 10 h; do
  h="${h%$'\r'}"
  [ -n "$h" ] || break
  case "${h,,}" in
    content-length:*) len="${h#*:}"; len="${len//[!0-9]/}" ;;
    idempotency-key:*) key="${h#*:}"; key="${key# }" ;;
  esac
done
body=""
if [ "${len:-0}" -gt 0 ]; then IFS= read -r -t 10 -N "$len" body || true; fi
exec 9>>"$dir/lock"
flock 9
n=$(($(cat "$dir/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/count"
if [ "$n" -le "$(cat "$dir/fail_first" 2>/dev/null || echo 0)" ]; then code=503; else code=200; fi
printf '%s %s %s %s\n' "$n" "$code" "${key:--}" "${request%$'\r'}" >>"$dir/requests.log"
printf '%s\n' "$body" | tr -d '\n' >>"$dir/bodies.log"
echo >>"$dir/bodies.log"
flock -u 9
if [ "$code" = 200 ]; then reason=OK; else reason="Service Unavailable"; fi
printf 'HTTP/1.1 %s %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$code" "$reason"
EOF
chmod +x receiver.sh
mkdir recv

RECV_PID=""
RECV_PORT=""
# start_receiver FAIL_FIRST: a fresh receiver on a free port (RECV_PORT), failing its first
# FAIL_FIRST requests; the logs start empty.
# Each receiver logs to a file of its own: the children of a receiver just stopped may
# still write to theirs (at their own offset: into a reused, truncated file that made
# holes of NULs, so grep saw a binary file and the port came out empty).
RECV_STARTS=0
RECV_LOG=""
start_receiver() {
  rm -f recv/*
  echo "$1" >recv/fail_first
  RECV_STARTS=$((RECV_STARTS + 1))
  RECV_LOG="socat.$RECV_STARTS.log"
  RECV_DIR="$TMP/recv" socat -d -d "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork" "EXEC:$TMP/receiver.sh" 2>"$RECV_LOG" &
  RECV_PID=$!
  if ! wait_until 10 receiver_listening; then
    show "$RECV_LOG" >&2
    fatal "the receiver did not start"
  fi
  RECV_PORT=$(grep -aoE 'listening on AF=2 127.0.0.1:[0-9]+$' "$RECV_LOG" | sed -n 1p | grep -oE '[0-9]+$' || true)
  [ -n "$RECV_PORT" ] || { show "$RECV_LOG" >&2; fatal "no receiver port in $RECV_LOG"; }
}
# receiver_listening: socat has logged its whole "listening on" line, port included. The
# log is read while socat writes it: a line not yet ended by its newline may still lack
# digits of the port.
receiver_listening() {
  grep -aqE 'listening on AF=2 127.0.0.1:[0-9]+$' "$RECV_LOG" && [ -z "$(tail -c 1 "$RECV_LOG")" ]
}
stop_receiver() {
  if [ -n "$RECV_PID" ]; then kill "$RECV_PID" 2>/dev/null || true; wait "$RECV_PID" 2>/dev/null || true; fi
  RECV_PID=""
}
trap '_report_early_exit; stop_receiver; _cleanup' EXIT

# delivered_keys: the distinct Idempotency-Keys the receiver answered 200, sorted.
delivered_keys() { awk '$2 == 200 { print $3 }' recv/requests.log 2>/dev/null | sort -u; }
delivered_at_least() { [ "$(delivered_keys | wc -l)" -ge "$1" ]; }
spool_empty() { [ -z "$(find spool -maxdepth 1 -name '*.json')" ]; }

# config URL: escalate with small backoffs, spooling in $TMP/spool.
config() {
  cat <<YAML
plugins:
  - name: escalate
    path: $ESCALATE
    config: {url: "$1", spool_dir: $TMP/spool, initial_backoff_ms: 50, max_backoff_ms: 200, timeout_ms: 10000}
YAML
}

# comments PREFIX N: N comments, every 8th (from the 3rd) a threat at Anna Delvey (escalate).
comments() {
  awk -v p="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) {
    if (i % 8 == 3) printf "{\"id\":\"%s%d\",\"author\":\"a%d\",\"thread\":\"ep1\",\"ts\":1726617600000,\"text\":\"Delvey should be shot, says %d\"}\n", p, i, i, i
    else printf "{\"id\":\"%s%d\",\"author\":\"a%d\",\"text\":\"lovely cha-cha tonight %d\"}\n", p, i, i, i } }'
}

# score_held_open CONFIG OUT INPUT: starts `decorum score` on INPUT then on standard input,
# which the test holds open (fd 3) until close_held; sets SCORE_PID.
SCORE_PID=""
score_held_open() {
  rm -f hold.fifo
  mkfifo hold.fifo
  exec 3<>hold.fifo
  timeout "$DECORUM_TIMEOUT" "$DECORUM" score --config "$1" --progress never -o "$2" "$3" - <hold.fifo 3>&- >"$2.stdout" 2>"$2.err" &
  SCORE_PID=$!
}
# close_held: ends the held input and waits for decorum; sets RC.
close_held() {
  exec 3>&-
  if wait "$SCORE_PID"; then RC=0; else RC=$?; fi
  LAST_CMD="decorum score (input held open)"
}

# check_bodies OUT: each escalate record of OUT is in a body the receiver answered 200,
# and each answered key is its body's escalation_id.
check_bodies() {
  paste -d ' ' recv/requests.log recv/bodies.log | awk '$2 == 200' >ok_requests.txt
  local rec id
  while IFS= read -r rec; do
    id=$(field "$rec" id)
    if grep -qF -- "\"decision\":$rec" ok_requests.txt; then ok; else fail "escalation of $id: its record is not in any body answered 200"; fi
  done < <(grep -F '"action":"escalate"' "$1")
  local bad
  bad=$(awk '{ key = $3; if (index($0, "\"escalation_id\":\"" key "\"") == 0) print key }' ok_requests.txt)
  assert_eq "$bad" "" "every Idempotency-Key is its body's escalation_id"
}

# --- 1. receiver failing its first 3 requests, then recovering ----------------------------------
start_receiver 3
config "http://127.0.0.1:$RECV_PORT/escalations" >up.yaml
comments e 40 >up.ndjson
score_held_open up.yaml up.out up.ndjson
ESC=5
if wait_until 15 delivered_at_least "$ESC"; then ok; else fail "up: $ESC escalations delivered within 15 s (got $(delivered_keys | wc -l))"; show recv/requests.log >&2; fi
close_held
expect_rc 0 up.out.err
assert_eq "$(line_count up.out)" 40 "up: one record per comment"
assert_eq "$(count_matching up.out '"action":"escalate"')" "$ESC" "up: escalate records"
assert_eq "$(delivered_keys | wc -l | tr -d ' ')" "$ESC" "up: distinct Idempotency-Keys answered 200 == escalate records"
assert_eq "$(awk '$2 == 503' recv/requests.log | wc -l | tr -d ' ')" 3 "up: the receiver's first 3 requests failed"
# Order is kept: the failed requests were all for the oldest escalation, retried until 200.
head_key=$(awk 'NR == 1 { print $3 }' recv/requests.log)
assert_eq "$(awk 'NR <= 4 { print $3 " " $2 }' recv/requests.log | tr '\n' ',')" "$head_key 503,$head_key 503,$head_key 503,$head_key 200," "up: the head escalation is retried first (order kept)"
assert_eq "$(awk '$2 == 200 { print $3 }' recv/requests.log | uniq | tr '\n' ' ')" "$(delivered_keys | tr '\n' ' ')" "up: delivered in creation (key) order (a retried duplicate follows its original)"
assert_eq "$(awk '{ print $4 " " $5 }' recv/requests.log | sort -u)" "POST /escalations" "up: every request is a POST to the configured path"
check_bodies up.out
assert_eq "$(find spool -maxdepth 1 -name '*.json' | wc -l | tr -d ' ')" 0 "up: the spool is empty once delivered"
assert_eq "$(find spool/rejected -type f 2>/dev/null | wc -l | tr -d ' ')" 0 "up: nothing rejected"
assert_contains up.out.err "plugin escalate: 0 score calls (0 failed), $ESC on_decision calls (0 failed)" "up: the summary counts the escalations"
stop_receiver

# --- 2. receiver down: the escalations stay in the spool ------------------------------------------
# A port that was just listening and is now closed: nothing answers there.
start_receiver 0
DEAD_PORT=$RECV_PORT
stop_receiver
config "http://127.0.0.1:$DEAD_PORT/escalations" >down.yaml
comments d 20 >down.ndjson
run_decorum down.stdout down.err score --config down.yaml --progress never -o down.out down.ndjson
expect_rc 0 down.err
DOWN_ESC=$(count_matching down.out '"action":"escalate"')
assert_eq "$DOWN_ESC" 3 "down: escalate records"
assert_eq "$(find spool -maxdepth 1 -name '*.json' | wc -l | tr -d ' ')" 3 "down: one spool file per undelivered escalation"
assert_eq "$(find spool -maxdepth 1 -name '*.json' ! -perm 0600 | wc -l | tr -d ' ')" 0 "down: spool files are mode 0600"
while IFS= read -r rec; do
  if grep -qF -- "\"decision\":$rec" spool/*.json; then ok; else fail "down: the record of $(field "$rec" id) is not in the spool"; fi
done < <(grep -F '"action":"escalate"' down.out)
assert_contains down.err "3 escalations still in the spool $TMP/spool; they will be sent by the next start" "down: stderr says they wait in the spool"

# --- 3. the next start delivers them --------------------------------------------------------------
start_receiver 2
config "http://127.0.0.1:$RECV_PORT/escalations" >next.yaml
: >empty.ndjson
# `decorum score` on an empty input exits at once; destroy() drains the spool first.
run_decorum short.stdout short.err score --config next.yaml --progress never -o short.out empty.ndjson
expect_rc 0 short.err
assert_eq "$(delivered_keys | wc -l | tr -d ' ')" "$DOWN_ESC" "short start: escalations delivered by a start on an empty input (spooled while the receiver was down)"
# Nothing is lost meanwhile: what is not delivered is still in the spool.
spooled=$(find spool -maxdepth 1 -name '*.json' | wc -l | tr -d ' ')
delivered_and_removed=$((DOWN_ESC - spooled))
assert_le "$delivered_and_removed" "$(delivered_keys | wc -l | tr -d ' ')" "short start: a file leaves the spool only once delivered"
assert_eq "$spooled" 0 "short start: the spool is empty once delivered"
assert_eq "$(awk '$2 == 200' recv/requests.log | wc -l | tr -d ' ')" "$DOWN_ESC" "short start: each escalation answered 200 once (the answers are acted on)"
assert_contains short.err "delivering" "short start: stderr says it delivers what a previous run left"

# A start that lives long enough delivers every one.
comments n 2 >none.ndjson   # no escalation among them
score_held_open next.yaml next.out none.ndjson
if wait_until 15 delivered_at_least "$DOWN_ESC"; then ok; else fail "next start: $DOWN_ESC spooled escalations delivered within 15 s (got $(delivered_keys | wc -l))"; show recv/requests.log >&2; fi
if wait_until 5 spool_empty; then ok; else fail "next start: the spool is empty once delivered"; fi
close_held
expect_rc 0 next.out.err
assert_eq "$(delivered_keys | wc -l | tr -d ' ')" "$DOWN_ESC" "next start: distinct keys answered 200 == escalate records of the down run"
assert_eq "$(awk '$2 == 503' recv/requests.log | wc -l | tr -d ' ')" 2 "next start: the receiver's first 2 requests failed"
check_bodies down.out
stop_receiver

finish
