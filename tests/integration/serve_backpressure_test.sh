#!/usr/bin/env bash
# Backpressure (issue 3): a client that sends 100,000 comments without reading its
# decisions makes decorum stop reading from it — decorum's memory stays bounded and it
# has not consumed the whole input — and once the client reads, every comment is
# answered, in order.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool socat curl
write_small_rules rules

N=100000
ndjson_comments "$N" >in.ndjson
start_serve serve.log --rules rules --listen tcp://127.0.0.1:0 --http 127.0.0.1:0 \
  --max-pending-output-bytes 65536 --threads 2
PORT=$(serve_tcp_port serve.log)
HPORT=$(serve_http_port serve.log)
RSS_BEFORE=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")

# The client's output goes into a FIFO nobody reads yet (held open here so socat's open
# does not block): socat stops reading the socket, decorum's writes stall.
mkfifo out.fifo
exec 4<>out.fifo
timeout 60 socat -b 65536 -t 30 -T 30 - "TCP:127.0.0.1:$PORT" <in.ndjson >out.fifo 2>socat.err 4>&- &
CLIENT=$!

# Wait until decorum has paused reading this client and stopped making progress.
paused() {
  fetch_metrics "$HPORT" m1.txt && [ "$(metric_value m1.txt decorum_backpressure_pauses_total)" -ge 1 ]
}
if wait_until 15 paused; then ok; else fail "decorum paused reading the client that does not read"; fi
# Stable: two scrapes 300 ms apart see the same count, below N.
stalled() {
  fetch_metrics "$HPORT" m1.txt && sleep 0.3 && fetch_metrics "$HPORT" m2.txt &&
    [ "$(sum_comments m1.txt)" = "$(sum_comments m2.txt)" ]
}
if wait_until 15 stalled; then ok; else fail "decorum stops making progress while the client does not read"; fi
DONE_WHILE_STALLED=$(sum_comments m2.txt)
assert_le "$DONE_WHILE_STALLED" $((N * 4 / 5)) "comments consumed while the client is not reading (bounded by buffers)"
RSS_STALLED=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")
assert_le "$((RSS_STALLED - RSS_BEFORE))" 32768 "memory growth while stalled, KiB"
kill -0 "$CLIENT" 2>/dev/null && ok || fail "the client is still blocked sending"

# Now read everything.
# The read end is opened here, before fd 4 is closed, so the FIFO never lacks a reader
# (socat would get EPIPE).
exec 5<out.fifo
cat <&5 >out.ndjson 4>&- 5<&- &
READER=$!
exec 4>&- 5<&-
wait "$CLIENT" || fail "socat client exited non-zero: $(cat socat.err)"
wait "$READER" || true
if ids_in_order out.ndjson "$N" c; then ok; else fail "all $N comments answered in order once the client reads (got $(line_count out.ndjson))"; fi

stop_serve TERM
expect_rc 0 serve.log
echo "[$TEST_NAME] consumed while stalled: $DONE_WHILE_STALLED of $N; RSS before ${RSS_BEFORE} KiB, stalled ${RSS_STALLED} KiB"
finish
