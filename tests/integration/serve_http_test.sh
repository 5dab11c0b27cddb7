#!/usr/bin/env bash
# The HTTP endpoints of `decorum serve` (issue 3) with curl: POST /v1/moderate with one
# object or an array, the error codes for bad bodies (400), a too-large body (413), wrong
# methods (405 with Allow) and unknown paths (404); /healthz, /readyz; /metrics passes
# `promtool check metrics` and counts actions, errors, rules, targets, latency,
# connections, reloads and the ruleset. Also: --config with an unknown key fails naming
# it, and JSON logging.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool curl promtool
write_small_rules rules

cat >decorum.yaml <<'YAML'
rules:
  dir: rules
http:
  listen: 127.0.0.1:0
  max_body_bytes: 2000
logging:
  format: json
plugins: []
YAML
start_serve serve.log --config decorum.yaml
HPORT=$(serve_http_port serve.log)
[ -n "$HPORT" ] || fatal "no HTTP port in the log"
assert_matches serve.log '^\{"ts":"[^"]+","level":"info","msg":"' "--log-format json via the config"
URL="http://127.0.0.1:$HPORT"

# post PATH BODY [curl args...]: prints the status code, body in resp.json
post() { local p="$1" b="$2"; shift 2; curl -s -o resp.json -w '%{http_code}' --max-time 10 -X POST --data-binary "$b" "$@" "$URL$p"; }

assert_eq "$(post /v1/moderate '{"id":"h1","text":"Pat Doe is a meanie"}')" 200 "one comment"
check_action "$(cat resp.json)" quarantine "one comment: decision"
assert_eq "$(field "$(cat resp.json)" id)" h1 "one comment: id"
assert_eq "$(post /v1/moderate '[{"id":"a1","text":"grump"},{"text":"hello"},{"nope":1}]')" 200 "an array"
assert_matches resp.json '^\[\{"id":"a1","action":"flag".*\{"id":2,"action":"allow".*\{"id":3,"line":3,"action":"error".*\]$' "array: one record per element, in order"
assert_eq "$(post /v1/moderate '[]')" 200 "empty array"
assert_eq "$(cat resp.json)" "[]" "empty array answer"
# One bad element costs only its own decision: an id beyond 64 bits, a byte of invalid
# UTF-8 (repaired, as on a stream), and "]," inside a string of a pretty-printed array.
BAD_ELEMENTS=$'[{"id":123456789012345678901234,"text":"a"},\n {"id":"u1","text":"caf\xff"} ,\n {"id":"s1","text":"x],[y"}]'
assert_eq "$(post /v1/moderate "$BAD_ELEMENTS")" 200 "an array with a bad element"
assert_matches resp.json '^\[\{"id":1,"line":1,"action":"error","error":"a number that is malformed or out of range[^}]*\},\{"id":"u1","action":"allow"[^}]*\},\{"id":"s1","action":"allow".*\]$' \
  "array: the out-of-range id gets an error record, the others their decisions"
assert_eq "$(post /v1/moderate '[{"text":"a"},]')" 400 "array with a trailing comma"
assert_contains resp.json 'invalid JSON array: byte 14: expected an element before' "the 400 names the byte"

assert_eq "$(post /v1/moderate '{"text": broken')" 400 "invalid JSON object"
assert_contains resp.json '"error":"invalid JSON' "400 body names the problem"
assert_eq "$(post /v1/moderate '{"id":"x"}')" 400 "object without text"
assert_contains resp.json "text" "400 names the missing field"
assert_eq "$(post /v1/moderate '[{"text":"a"},')" 400 "invalid JSON array"
assert_eq "$(post /v1/moderate '42')" 400 "a number"
assert_eq "$(post /v1/moderate '')" 400 "an empty body"
BIG=$(printf '{"text":"%s"}' "$(head -c 5000 /dev/zero | tr '\0' a)")
assert_eq "$(post /v1/moderate "$BIG")" 413 "body over max_body_bytes"
code=$(curl -s -o resp.json -D hdr.txt -w '%{http_code}' --max-time 10 "$URL/v1/moderate")
assert_eq "$code" 405 "GET /v1/moderate"
assert_imatches hdr.txt '^allow: POST' "405 says which method is allowed"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/nowhere")" 404 "unknown path"
assert_eq "$(post /healthz x)" 405 "POST /healthz"
assert_eq "$(curl -s -o resp.txt -w '%{http_code}' --max-time 10 "$URL/healthz")" 200 "GET /healthz"
assert_eq "$(curl -s -o resp.txt -w '%{http_code}' --max-time 10 "$URL/readyz")" 200 "GET /readyz"
# Malformed HTTP: 400, and the server keeps going.
printf 'BLAH\r\n\r\n' | timeout 5 socat -t 2 - "TCP:127.0.0.1:$HPORT" >raw.txt 2>/dev/null || true
assert_contains raw.txt "400" "malformed request line gets 400"

code=$(curl -s -o metrics.txt -D mhdr.txt -w '%{http_code}' --max-time 10 "$URL/metrics")
assert_eq "$code" 200 "GET /metrics"
assert_imatches mhdr.txt '^content-type: text/plain; version=0.0.4' "metrics content type"
if promtool check metrics <metrics.txt >promtool.out 2>&1; then ok; else fail "promtool check metrics:"; show promtool.out >&2; fi
assert_eq "$(metric_value metrics.txt 'decorum_comments_total{action="quarantine"}')" 1 "comments by action"
assert_eq "$(metric_value metrics.txt 'decorum_rule_hits_total{rule="t.meanie"}')" 2 "per-rule hits"
assert_eq "$(metric_value metrics.txt 'decorum_target_hits_total{target="pat-doe"}')" 1 "per-target hits"
assert_ge "$(metric_value metrics.txt 'decorum_errors_total{kind="http_bad_request"}')" 5 "bad requests counted"
assert_eq "$(metric_value metrics.txt 'decorum_errors_total{kind="http_body_too_large"}')" 1 "413 counted"
assert_ge "$(metric_value metrics.txt 'decorum_decision_latency_seconds_count')" 5 "latency histogram"
assert_matches metrics.txt '^decorum_ruleset_info\{ruleset="[0-9a-f]{16}",generation="1"\} 1$' "ruleset info"
assert_matches metrics.txt '^decorum_connections\{kind="http"\} [0-9]+$' "connections gauge"
assert_matches metrics.txt '^decorum_reloads_total\{result="failed"\} 0$' "reloads counter"
stop_serve TERM
expect_rc 0 serve.log

# --- config errors name the key -------------------------------------------------------------
printf 'limits:\n  max_lines_bytes: 5\n' >bad.yaml
run_decorum b.out b.err serve --config bad.yaml --stdin
expect_rc 2 b.err
assert_contains b.err "limits.max_lines_bytes" "unknown config key is named"
printf 'listen: [ "tcp://127.0.0.1:0" ]\nthreads: many\n' >bad2.yaml
run_decorum b.out b.err serve --config bad2.yaml
expect_rc 2 b.err
assert_contains b.err "threads" "mistyped config value names the key"
# Numbers must be unsigned decimals: a negative one is refused, not wrapped to a huge
# limit (--max-line-bytes -1 once made every line "too long"; --max-body-bytes -1 lifted
# the limit).
for flag in --max-line-bytes --max-body-bytes --max-connections --idle-timeout \
  --max-pending-output-bytes --shutdown-timeout --threads; do
  run_decorum n.out n.err serve --stdin "$flag" -1 </dev/null
  expect_rc 2 n.err
  assert_contains n.err "'$flag' is invalid" "serve $flag -1: refused, naming the flag"
done
# The largest limit the config file accepts means no limit.
printf '{"id":"x","text":"hello"}\n' >one.ndjson
run_decorum big.out big.err serve --stdin --max-line-bytes 18446744073709551615 <one.ndjson
expect_rc 0 big.err
check_decision "$(nth_line big.out 1)" "serve --max-line-bytes 2^64-1: a line is decided"
run_decorum h.out h.err serve --help
expect_rc 0 h.err
for flag in --config --stdin --listen --http --rules --admin-token --max-line-bytes --max-body-bytes \
  --max-connections --idle-timeout --max-pending-output-bytes --shutdown-timeout --threads \
  --unix-socket-mode --log-level --log-format; do
  assert_contains h.out -- "$flag" "--help lists $flag"
done
finish
