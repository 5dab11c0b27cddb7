#!/usr/bin/env bash
# SIGTERM with comments in flight (issue 3): decorum stops accepting, answers every
# comment it has read — on open TCP streams whose clients keep sending, and on standard
# input — flushes, and exits 0 promptly. Every answer arrives whole and in order: the
# records on each connection are exactly ids 1..K with no gap, K > 0. A client that
# half-closes during the drain while an answer is being written still gets every answer.
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
echo "[$TEST_NAME] answered before exit: tcp $KA, unix $KB, stdin $KS"
finish
