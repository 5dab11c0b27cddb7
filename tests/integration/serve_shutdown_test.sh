#!/usr/bin/env bash
# SIGTERM with comments in flight (issue 3): decorum stops accepting, answers every
# comment it has read — on open TCP streams whose clients keep sending, and on standard
# input — flushes, and exits 0 promptly. Every answer arrives whole and in order: the
# records on each connection are exactly ids 1..K with no gap, K > 0. A client that
# half-closes during the drain while an answer is being written still gets every answer.
# Standard input whose answers nobody reads is abandoned at the deadline (exit 1); standard
# input that cannot be read is an error (exit 1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool socat
write_small_rules rules

# contiguous FILE PREFIX: prints K when FILE is exactly PREFIX1..PREFIXK, each record whole.
contiguous() {
  awk -v p="$2" '
    { if (match($0, /^\{"id":"[^"]*"/) == 0 || substr($0, length($0)) != "}") { bad = 1; exit }
      id = substr($0, 8, RLENGTH - 8); if (id != p NR) { bad = 1; exit } }
    END { if (bad) print -1; else print NR }' "$1"
}

ndjson_comments 300000 a >a.ndjson
ndjson_comments 300000 b >b.ndjson
start_serve serve.log --rules rules --listen tcp://127.0.0.1:0 --listen "unix:$TMP/d.sock" --threads 2
PORT=$(serve_tcp_port serve.log)
# Clients whose input does not end: each reads a FIFO that this script holds open, so
# only the server can end these streams.
mkfifo a.fifo b.fifo
exec 5<>a.fifo 6<>b.fifo
cat a.ndjson >&5 &
WA=$!
cat b.ndjson >&6 &
WB=$!
timeout 20 socat -t 1 -T 20 - "TCP:127.0.0.1:$PORT" <a.fifo >a.out 2>/dev/null 5>&- 6>&- &
A=$!
timeout 20 socat -t 1 -T 20 - "UNIX-CONNECT:$TMP/d.sock" <b.fifo >b.out 2>/dev/null 5>&- 6>&- &
B=$!
wait_until 15 eval '[ "$(line_count a.out)" -ge 2000 ] && [ "$(line_count b.out)" -ge 2000 ]' ||
  fail "both clients are being answered before SIGTERM"

START=$SECONDS
stop_serve TERM 15
expect_rc 0 serve.log
assert_le "$((SECONDS - START))" 10 "seconds from SIGTERM to exit with comments in flight"
assert_matches serve.log "shutdown complete \(drained\)" "every connection drained before the deadline"
wait "$A" || true
wait "$B" || true
kill "$WA" "$WB" 2>/dev/null || true
wait "$WA" "$WB" 2>/dev/null || true
exec 5>&- 6>&-
KA=$(contiguous a.out a)
KB=$(contiguous b.out b)
assert_ge "$KA" 2000 "TCP client: records are ids a1..aK, whole and in order (K)"
assert_ge "$KB" 2000 "unix client: records are ids b1..bK, whole and in order (K)"

# --- a client that half-closes during the drain, while an answer is being written --------------
# The server has read every comment but the client reads no answer, so a write is in
# flight (the socket buffers are full) and a read is pending when SIGTERM arrives: the
# drain cannot cancel the read without aborting the write. The client then ends its input
# (socat half-closes) and reads: every answer must still arrive. This once closed the
# connection at the EOF and lost the answers not yet written.
cat >halfclose.yaml <<YAML
listen:
  - tcp://127.0.0.1:0
http:
  listen: 127.0.0.1:0
limits:
  max_pending_output_bytes: 268435456
YAML
ndjson_comments 100000 h >h.ndjson
start_serve halfclose.log --config halfclose.yaml --rules rules --threads 1
PORT=$(serve_tcp_port halfclose.log)
HPORT=$(serve_http_port halfclose.log)
mkfifo h.in h.out
exec 7<>h.in 8<>h.out  # held open: socat's input ends only when fd 7 closes; nobody reads h.out yet
# -b 4096: socat's writes to the unread h.out must fit the one free pipe slot poll()
# reports, or a blocking 8 KiB write would stop it reading h.in for good.
timeout 60 socat -b 4096 -t 20 -T 60 - "TCP:127.0.0.1:$PORT" <h.in >h.out 2>/dev/null 7>&- 8>&- &
HC=$!
timeout 60 cat h.ndjson >&7 || fail "half-close: the client sends every comment"
decided() {  # every comment of h.ndjson has been decided
  fetch_metrics "$HPORT" halfclose.prom &&
    [ "$(sum_comments halfclose.prom)" -ge 100000 ]
}
wait_until 30 decided || fail "half-close: the server decides every comment before SIGTERM"
kill -TERM "$SERVE_PID"
wait_until 10 grep -q "shutting down" halfclose.log || fail "half-close: the drain began"
exec 7>&-  # the client's input ends: socat half-closes the connection
sleep 0.5  # the EOF reaches the server while its write is still blocked
exec 9<h.out  # the reader's end, opened before fd 8 closes: h.out is never without a reader
timeout 60 cat <&9 >h.got 8>&- 9<&- &
READER=$!
exec 8>&- 9<&-  # socat is now h.out's only writer: the reader ends when socat does
if wait_until 30 _process_exited "$SERVE_PID"; then
  if wait "$SERVE_PID"; then RC=0; else RC=$?; fi
  SERVE_PID=""
  LAST_CMD="decorum serve --config halfclose.yaml"
  expect_rc 0 halfclose.log
else
  fail "half-close: the server exits after the drain"
fi
wait "$HC" 2>/dev/null || true
wait "$READER" 2>/dev/null || true
assert_eq "$(contiguous h.got h)" 100000 "half-close during a drain: every answer arrives, whole and in order"

# --- standard input ---------------------------------------------------------------------------
mkfifo in.fifo
exec 4<>in.fifo
"$DECORUM" serve --stdin --rules rules <in.fifo >stdin.out 2>stdin.log &
SERVE_PID=$!
cat a.ndjson >&4 &
WRITER=$!
wait_until 15 eval '[ "$(line_count stdin.out)" -ge 2000 ]' || fail "stdin is being answered before SIGTERM"
stop_serve TERM 15
expect_rc 0 stdin.log
kill "$WRITER" 2>/dev/null || true
wait "$WRITER" 2>/dev/null || true
exec 4>&-
KS=$(contiguous stdin.out a)
assert_ge "$KS" 2000 "stdin: records are ids a1..aK, whole and in order (K)"
assert_matches stdin.log "comments answered" "stdin: the drain is logged"
# --- a stream whose client reads no answer: closed at the deadline, exit 0 --------------------
# socat -u never reads the socket; its input is a FIFO held open here, so the stream does
# not end either. The drain cannot finish: at the deadline (1 s) the connection is closed
# and decorum exits 0.
start_serve deadline.log --rules rules --listen tcp://127.0.0.1:0 --http 127.0.0.1:0 --shutdown-timeout 1
PORT=$(serve_tcp_port deadline.log)
HPORT=$(serve_http_port deadline.log)
mkfifo d.fifo
exec 5<>d.fifo
timeout 30 socat -u - "TCP:127.0.0.1:$PORT" <d.fifo 2>/dev/null 5>&- &
DC=$!
timeout 30 cat a.ndjson >&5 &
DW=$!
paused() {  # the server stopped reading the stream: its answers are not being read
  fetch_metrics "$HPORT" deadline.prom &&
    [ "$(metric_value deadline.prom decorum_backpressure_pauses_total)" -gt 0 ]
}
wait_until 30 paused || fail "a client that reads nothing: backpressure pauses the stream before SIGTERM"
START=$SECONDS
stop_serve TERM 10
expect_rc 0 deadline.log
assert_le "$((SECONDS - START))" 5 "a client that reads nothing: seconds from SIGTERM to exit (deadline 1 s)"
assert_matches deadline.log "1 connection\(s\) still open after 1s; closing them" "a client that reads nothing: closed at the deadline"
assert_matches deadline.log "shutdown complete \(deadline\)" "a client that reads nothing: the shutdown says how it ended"
kill "$DC" "$DW" 2>/dev/null || true
wait "$DC" "$DW" 2>/dev/null || true
exec 5>&-

# --- standard input whose answers nobody reads: the deadline still ends the daemon --------------
# Standard output is a FIFO whose only reader (fd 9, opened read-write so it never sees
# EOF) reads nothing, and is full before decorum starts: its first write cannot complete.
# SIGTERM's drain waits for that write; at the shutdown deadline (1 s) the answers are
# abandoned and decorum exits 1, saying why — where it once blocked in write() until
# SIGKILL. A second SIGTERM does the same at once. A reader that resumes within the
# deadline gets every answer, whole and in order, and the exit is 0 (a regression guard
# for the non-blocking writes, which then wait in poll()).
ndjson_comments 20000 s >s.ndjson
# 64 KiB, a pipe's default capacity, in lines of 4,096 bytes: a write of at most PIPE_BUF
# bytes is whole or waits, so the FIFO holds whole filler lines before the answers.
awk 'BEGIN { l = sprintf("%4095s", ""); gsub(/ /, "x", l); for (i = 0; i < 16; i++) print l }' >filler.txt
# stdin_stalled NAME ARGS...: serve --stdin ARGS with s.ndjson in and NAME.fifo (full,
# unread, held on fd 9) out, once it has read its first chunk. Sets SERVE_PID.
stdin_stalled() {
  local name=$1
  shift
  mkfifo "$name.fifo"
  exec 9<>"$name.fifo"
  timeout 5 dd if=filler.txt bs=4096 status=none >&9 || true  # should the pipe be smaller
  "$DECORUM" serve --stdin --rules rules "$@" <s.ndjson >"$name.fifo" 2>"$name.log" 9>&- &
  SERVE_PID=$!
  LAST_CMD="decorum serve --stdin $*"
  wait_until 15 eval '[ "$(awk "/^pos:/ { print \$2 }" /proc/$SERVE_PID/fdinfo/0)" -gt 0 ]' ||
    fail "$name: decorum reads standard input"
}
# abandoned_at_deadline LOG WHAT: decorum (SERVE_PID, --shutdown-timeout 1) cannot write
# its standard output. That output — a description others may share: stderr after 2>&1,
# the shell — is left blocking (the non-blocking writes use one of decorum's own), and
# SIGTERM ends decorum within the deadline, exit 1, saying why answers are missing.
abandoned_at_deadline() {
  local flags start
  flags=$(awk '/^flags:/ { print $2 }' "/proc/$SERVE_PID/fdinfo/1")
  assert_eq "$(( 8#$flags & 8#4000 ))" 0 "$2: the inherited standard output is not made O_NONBLOCK"
  start=$SECONDS
  stop_serve TERM 10
  expect_rc 1 "$1"
  assert_le "$((SECONDS - start))" 5 "$2: seconds from SIGTERM to exit (deadline 1 s)"
  assert_matches "$1" "abandoned at shutdown while standard output took no more answers" \
    "$2: the log says why answers are missing"
}
stdin_stalled stalled --shutdown-timeout 1
abandoned_at_deadline stalled.log "stdin, output unread"
assert_matches stalled.log "stdin: stopped after [0-9]+ comments read" "stdin, output unread: the log says where they stop"
exec 9>&-

stdin_stalled forced --shutdown-timeout 60
kill -TERM "$SERVE_PID"
wait_until 10 grep -q "shutting down" forced.log || fail "stdin, second SIGTERM: the drain began"
START=$SECONDS
stop_serve TERM 10
expect_rc 1 forced.log
assert_le "$((SECONDS - START))" 5 "stdin, output unread: seconds from a second SIGTERM to exit"
assert_matches forced.log "abandoned at shutdown while standard output" "stdin, second SIGTERM: answers abandoned"
exec 9>&-

# Standard output a TCP socket whose peer stops reading (socat -u copies it into a FIFO
# that this script holds open and never reads): the deadline ends it the same way
# (send(MSG_DONTWAIT)).
mkfifo sink.fifo
exec 7<>sink.fifo
socat -d -d -u "TCP-LISTEN:0,bind=127.0.0.1" "OPEN:sink.fifo,wronly" >/dev/null 2>sink.log 7>&- &
SINK=$!
wait_until 10 eval 'grep -qE "listening on AF=2 127.0.0.1:[0-9]+$" sink.log && [ -z "$(tail -c 1 sink.log)" ]' ||
  fatal "the socat sink did not start"
SINK_PORT=$(grep -oE 'listening on AF=2 127.0.0.1:[0-9]+$' sink.log | sed -n 1p | grep -oE '[0-9]+$')
"$DECORUM" serve --stdin --rules rules --shutdown-timeout 1 <a.ndjson >"/dev/tcp/127.0.0.1/$SINK_PORT" 2>sock.log &
SERVE_PID=$!
LAST_CMD="decorum serve --stdin > /dev/tcp/..."
input_stalled() {  # decorum has read some input and reads no more: its output is stuck
  local a b
  a=$(awk '/^pos:/ { print $2 }' "/proc/$SERVE_PID/fdinfo/0")
  sleep 0.3
  b=$(awk '/^pos:/ { print $2 }' "/proc/$SERVE_PID/fdinfo/0")
  [ "$a" -gt 0 ] && [ "$a" = "$b" ]
}
wait_until 30 input_stalled || fail "stdin, socket output unread: decorum stops reading"
abandoned_at_deadline sock.log "stdin, socket output unread"
kill "$SINK" 2>/dev/null || true
wait "$SINK" 2>/dev/null || true
exec 7>&-

stdin_stalled resumed --shutdown-timeout 60
kill -TERM "$SERVE_PID"
wait_until 10 grep -q "shutting down" resumed.log || fail "stdin, late reader: the drain began"
sleep 0.5  # the drain waits on the full pipe
# A read-only end for the reader, opened while fd 9 still holds the FIFO: it is never
# without a reader. Once fd 9 closes, decorum is its only writer and the reader ends when
# decorum does.
exec 8<resumed.fifo
timeout 30 cat <&8 >resumed.got 8<&- 9<&- &
READER=$!
exec 8<&- 9<&-
# Another SIGTERM would force the exit: wait for it without one.
if wait_until 20 _process_exited "$SERVE_PID"; then
  if wait "$SERVE_PID"; then RC=0; else RC=$?; fi
  SERVE_PID=""
  expect_rc 0 resumed.log
else
  fail "stdin, late reader: decorum exits once its answers are read"
fi
wait "$READER" 2>/dev/null || true
grep -v '^x' resumed.got >resumed.out || true
KR=$(contiguous resumed.out s)
assert_ge "$KR" 1 "stdin, late reader: records are ids s1..sK, whole and in order (K)"
assert_matches resumed.log "stdin: $KR comments answered" "stdin, late reader: every comment read is answered"
assert_not_contains resumed.log "abandoned" "stdin, late reader: nothing abandoned"

# --- standard input that cannot be read ---------------------------------------------------------
mkdir -p notafile
run_decorum dir.out dir.log serve --stdin --rules rules <notafile
expect_rc 1 dir.log
assert_empty_file dir.out "stdin unreadable: no output"
assert_matches dir.log "cannot read standard input: Is a directory" "stdin unreadable: the log says why"
echo "[$TEST_NAME] answered before exit: tcp $KA, unix $KB, stdin $KS; stdin read late $KR"
finish
