#!/usr/bin/env bash
# `decorum serve` NDJSON streams (SPEC §9, issue 3): standard input (in order, EOF drains
# and exits 0), TCP and Unix sockets with real socat clients: pipelined comments answered
# in order, two concurrent clients, an over-long line and invalid JSON mid-stream (error
# records, the stream goes on), a client that vanishes mid-line, the per-connection
# sequence as fallback id, max connections, idle timeout, owner-only Unix socket, lines
# longer than one read (under and over the limit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool socat
write_small_rules rules

# --- stdin ---------------------------------------------------------------------------------
ndjson_comments 3000 s >in.ndjson
{
  echo '{"text":"no id, a meanie"}'
  echo 'this is not JSON'
  printf '{"id":"long","text":"%s"}\n' "$(head -c 3000 /dev/zero | tr '\0' a)"
  echo '{"id":"after","text":"Pat Doe is a grump"}'
} >bad.ndjson
run_decorum stdin.out stdin.err serve --stdin --rules rules --max-line-bytes 1000 <in.ndjson
expect_rc 0 stdin.err
if ids_in_order stdin.out 3000 s; then ok; else fail "stdin: 3000 records with ids s1..s3000 in order"; show stdin.out 3 >&2; fi
assert_eq "$(grep -c '"action":"flag"' stdin.out)" 1000 "stdin: every third comment flagged"
run_decorum bad.out bad.err serve --stdin --rules rules --max-line-bytes 1000 <bad.ndjson
expect_rc 0 bad.err
assert_eq "$(line_count bad.out)" 4 "stdin: one record per line, bad lines included"
assert_eq "$(field "$(nth_line bad.out 1)" id)" 1 "stdin: a comment without id gets its line number"
check_error_record "$(nth_line bad.out 2)" 2 "invalid JSON" "stdin: invalid JSON"
check_error_record "$(nth_line bad.out 3)" 3 "exceeds" "stdin: over-long line"
check_action "$(nth_line bad.out 4)" quarantine "stdin: the stream goes on after bad lines"
# A reader that goes away: exit 1, and the log does not call it the end of input.
set +o pipefail
timeout "$DECORUM_TIMEOUT" "$DECORUM" serve --stdin --rules rules <in.ndjson 2>gone.err | head -n 2 >/dev/null
gone_rc=${PIPESTATUS[0]}
set -o pipefail
assert_eq "$gone_rc" 1 "stdin: a reader of standard output that goes away makes the exit status 1"
assert_contains gone.err "standard input stopped on the failure above: shutting down" "stdin: the shutdown names the failure"
if grep -q "end of standard input" gone.err; then fail "stdin: a write failure is not called the end of input"; else ok; fi

# --- TCP and Unix listeners ----------------------------------------------------------------
start_serve serve.log --rules rules --listen tcp://127.0.0.1:0 --listen "unix:$TMP/d.sock" \
  --http 127.0.0.1:0 --max-line-bytes 1000 --threads 2
PORT=$(serve_tcp_port serve.log)
HPORT=$(serve_http_port serve.log)
[ -n "$PORT" ] && [ -n "$HPORT" ] || fatal "no ports in the log"
assert_eq "$(stat -c %a d.sock)" 600 "unix socket is owner-only (0600)"
assert_matches serve.log "listening on tcp://127\.0\.0\.1:" "binds loopback"

# Pipelined: 20,000 comments written at once, answered in order on the same connection.
ndjson_comments 20000 p >pipe.ndjson
timeout 20 socat -t 15 -T 15 - "TCP:127.0.0.1:$PORT" <pipe.ndjson >pipe.out || true
if ids_in_order pipe.out 20000 p; then ok; else fail "TCP pipelined: 20000 records in order (got $(line_count pipe.out))"; fi

# Unix socket.
ndjson_comments 500 u >unix.ndjson
timeout 20 socat -t 15 -T 15 - "UNIX-CONNECT:$TMP/d.sock" <unix.ndjson >unix.out || true
if ids_in_order unix.out 500 u; then ok; else fail "unix socket: 500 records in order (got $(line_count unix.out))"; fi
# A second daemon on the same socket path is refused: it once removed the live socket
# and bound its own, cutting the first daemon off.
run_decorum second.out second.err serve --rules rules --listen "unix:$TMP/d.sock"
expect_rc 1 second.err
assert_contains second.err "cannot listen on unix:$TMP/d.sock: another process is listening on it" "a live unix socket is not taken over"
echo '{"id":"still","text":"grump"}' | timeout 10 socat -t 5 - "UNIX-CONNECT:$TMP/d.sock" >still.out || true
check_action "$(nth_line still.out 1)" flag "the first daemon still answers on its socket"
# A taken HTTP port is named as the HTTP listener, not as an NDJSON stream.
run_decorum clash.out clash.err serve --rules rules --http "127.0.0.1:$HPORT"
expect_rc 1 clash.err
assert_contains clash.err "cannot listen on http://127.0.0.1:$HPORT: Address already in use" "an HTTP port clash names http://"
# A flag out of range is named as the flag, not as the config key it shares a value with.
run_decorum range.out range.err serve --stdin --rules rules --max-pending-output-bytes 100 </dev/null
expect_rc 2 range.err
assert_contains range.err "decorum serve: --max-pending-output-bytes must be at least 4096" "a flag's range error names the flag"

# Two concurrent clients, each gets its own answers in its own order.
ndjson_comments 10000 a >a.ndjson
ndjson_comments 10000 b >b.ndjson
timeout 20 socat -t 15 -T 15 - "TCP:127.0.0.1:$PORT" <a.ndjson >a.out &
A=$!
timeout 20 socat -t 15 -T 15 - "UNIX-CONNECT:$TMP/d.sock" <b.ndjson >b.out &
B=$!
wait "$A" || true
wait "$B" || true
if ids_in_order a.out 10000 a; then ok; else fail "concurrent client A: 10000 records in order (got $(line_count a.out))"; fi
if ids_in_order b.out 10000 b; then ok; else fail "concurrent client B: 10000 records in order (got $(line_count b.out))"; fi

# Invalid JSON and an over-long line mid-stream; fallback ids count per connection.
{
  echo '{"id":"m1","text":"fine"}'
  echo '{"text": broken'
  printf '{"id":"big","text":"%s"}\n' "$(head -c 5000 /dev/zero | tr '\0' b)"
  echo '{"text":"no id"}'
  printf '{"id":"crlf","text":"meanie"}\r\n'
  echo '{"id":"m2","text":"Pat Doe is a meanie"}'
} >mid.ndjson
timeout 20 socat -t 10 -T 10 - "TCP:127.0.0.1:$PORT" <mid.ndjson >mid.out || true
assert_eq "$(line_count mid.out)" 6 "mid-stream errors: one record per line"
check_decision "$(nth_line mid.out 1)" "mid-stream: line 1"
check_error_record "$(nth_line mid.out 2)" 2 "invalid JSON" "mid-stream: invalid JSON"
check_error_record "$(nth_line mid.out 3)" 3 "exceeds" "mid-stream: over-long line"
assert_eq "$(field "$(nth_line mid.out 4)" id)" 4 "mid-stream: fallback id is the per-connection sequence"
check_action "$(nth_line mid.out 5)" flag "mid-stream: CRLF line"
check_action "$(nth_line mid.out 6)" quarantine "mid-stream: stream goes on"

# A client that disconnects mid-line (and one that resets); the server keeps serving.
printf '{"id":"half","text":"mea' | timeout 5 socat -t 0 - "TCP:127.0.0.1:$PORT" >/dev/null 2>&1 || true
printf '{"id":"x","text":"meanie"}\n{"id":"cut' | timeout 5 socat - "TCP:127.0.0.1:$PORT,linger=0" >/dev/null 2>&1 || true
echo '{"id":"alive","text":"grump"}' | timeout 10 socat -t 5 - "TCP:127.0.0.1:$PORT" >alive.out || true
check_action "$(nth_line alive.out 1)" flag "server still answers after clients vanished mid-line"

fetch_metrics "$HPORT" m.txt
assert_ge "$(metric_value m.txt 'decorum_errors_total{kind="line_too_long"}')" 1 "metrics count over-long lines"
assert_ge "$(metric_value m.txt 'decorum_errors_total{kind="invalid_comment"}')" 1 "metrics count invalid comments"
assert_ge "$(metric_value m.txt 'decorum_comments_total{action="flag"}')" 13000 "metrics count flagged comments"
stop_serve TERM
expect_rc 0 serve.log
[ ! -e d.sock ] && ok || fail "unix socket removed at shutdown"
# A stale socket file (its process gone without removing it) is replaced.
socat "UNIX-LISTEN:$TMP/stale.sock" /dev/null &
STALE=$!
wait_until 5 test -S "$TMP/stale.sock" || fatal "socat made no socket"
kill -KILL "$STALE"
wait "$STALE" 2>/dev/null || true
start_serve stale.log --rules rules --listen "unix:$TMP/stale.sock"
echo '{"id":"fresh","text":"grump"}' | timeout 10 socat -t 5 - "UNIX-CONNECT:$TMP/stale.sock" >fresh.out || true
check_action "$(nth_line fresh.out 1)" flag "a stale unix socket file is replaced"
stop_serve TERM
expect_rc 0 stale.log

# --- max connections and idle timeout ------------------------------------------------------
start_serve limits.log --rules rules --listen tcp://127.0.0.1:0 --http 127.0.0.1:0 \
  --max-connections 1 --idle-timeout 1
PORT=$(serve_tcp_port limits.log)
HPORT=$(serve_http_port limits.log)
# The first client holds its connection open (its stdin stays open for 5 s).
{ echo '{"id":"first","text":"hi"}'; exec sleep 5; } 2>/dev/null | timeout 10 socat -t 1 - "TCP:127.0.0.1:$PORT" >first.out 2>/dev/null &
F=$!
START=$SECONDS
wait_until 5 grep -q first first.out || fail "first client answered"
echo '{"id":"second","text":"hi"}' | timeout 5 socat -t 3 - "TCP:127.0.0.1:$PORT" >second.out || true
assert_contains second.out '"action":"error"' "over max connections: an error record"
assert_contains second.out "too many connections" "over max connections: says why"
# Idle timeout: the first connection is closed after ~1 s without progress, which frees
# the only slot, so /metrics answers again (HTTP connections count too) and shows it.
idle_closed() {
  fetch_metrics "$HPORT" idle.txt && [ "$(metric_value idle.txt 'decorum_errors_total{kind="idle_timeout"}')" -ge 1 ]
}
if wait_until 4 idle_closed; then ok; else fail "idle connection closed by the idle timeout"; fi
assert_le "$((SECONDS - START))" 4 "idle timeout closes well before the client's 5 s"
assert_ge "$(metric_value idle.txt 'decorum_errors_total{kind="connection_rejected"}')" 1 "rejected connections counted"
echo '{"id":"third","text":"hi"}' | timeout 5 socat -t 3 - "TCP:127.0.0.1:$PORT" >third.out || true
assert_contains third.out '"id":"third"' "a slot frees up after the idle connection is closed"
kill "$F" 2>/dev/null || true
wait "$F" 2>/dev/null || true
stop_serve TERM
expect_rc 0 limits.log

# --- lines longer than one read ----------------------------------------------------------
# A session reads at most 64 KiB at a time: a 200 KB line (under the limit) spans many
# reads and is still one comment, scored whole; a 400 KB one (over it) is one error record,
# dropped as it streams by; the lines around them are unaffected.
start_serve big.log --rules rules --listen tcp://127.0.0.1:0 --max-line-bytes 300000
PORT=$(serve_tcp_port big.log)
BIG=$(head -c 200000 /dev/zero | tr '\0' a)
{
  echo '{"id":"b1","text":"grump"}'
  printf '{"id":"b2","text":"%s meanie"}\n' "$BIG"
  printf '{"id":"b3","text":"%s%s"}\n' "$BIG" "$BIG"
  echo '{"id":"b4","text":"Pat Doe is a meanie"}'
} >big.ndjson
timeout 20 socat -t 10 -T 10 - "TCP:127.0.0.1:$PORT" <big.ndjson >big.out || true
assert_eq "$(line_count big.out)" 4 "long lines: one record per line"
check_action "$(nth_line big.out 1)" flag "long lines: the line before"
assert_eq "$(field "$(nth_line big.out 2)" id)" b2 "long lines: a 200 KB line is one comment"
check_action "$(nth_line big.out 2)" flag "long lines: a 200 KB line is scored whole (its last word hits)"
check_error_record "$(nth_line big.out 3)" 3 "exceeds" "long lines: a 400 KB line over the limit"
check_action "$(nth_line big.out 4)" quarantine "long lines: the line after"
stop_serve TERM
expect_rc 0 big.log

# A daemon stopping removes only its own socket file: once its path names another
# process's socket (the old stop closed, then unlinked — in between a new daemon could
# take the path as stale and lose it), that socket is left alone.
start_serve own.log --rules rules --listen "unix:$TMP/own.sock"
rm -f own.sock
socat "UNIX-LISTEN:$TMP/own.sock,fork" EXEC:cat &
OTHER=$!
wait_until 10 test -S own.sock || fatal "socat did not create own.sock"
stop_serve TERM
expect_rc 0 own.log
if [ -S own.sock ]; then ok; else fail "a stopping daemon removed another process's socket at its path"; fi
kill "$OTHER" 2>/dev/null || true
wait "$OTHER" 2>/dev/null || true

# --- usage errors --------------------------------------------------------------------------
run_decorum u.out u.err serve --rules rules
expect_rc 2 u.err
assert_contains u.err "nothing to serve" "serve without any listener"
run_decorum u.out u.err serve --rules rules --listen tcp://nowhere
expect_rc 2 u.err
assert_contains u.err "nowhere" "bad --listen is named"

finish
