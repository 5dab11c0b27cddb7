# shellcheck shell=bash
# Shared helpers for decorum's integration tests (sourced, never run on its own).
#
# ctest runs every tests/integration/*_test.sh as
#     bash SCRIPT <path-to-decorum-binary> <repo-root>
# A test script starts with
#     set -euo pipefail
#     source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#     init "$@"
# and ends with `finish`. Assertions do not stop the script: each failure is printed with
# what was expected and what came out, counted, and `finish` exits 1 if any failed, so one
# run shows every broken behaviour. `fatal` stops at once (for broken preconditions).
#
# Only bash, coreutils, grep, sed, awk (mawk is enough), cmp, iconv, gzip and zstd are used:
# no python, no jq. decorum prints one compact JSON object per line with a fixed field
# order ({"id":…,["line":N,]"action":…,…}), which grep/sed can read reliably.
#
# Every test works in its own `mktemp -d` directory (removed on exit) and runs decorum from
# there, so the scripts can run in parallel.

# Everything below compares bytes: UTF-8 evasions, byte offsets, invalid bytes.
export LC_ALL=C

DECORUM=""
ROOT=""
TMP=""
TEST_NAME="$(basename "${0%.sh}")"
FAILURES=0
CHECKS=0
RC=0
LAST_CMD=""
# A decorum run that takes longer than this is a stall, reported as a failure.
DECORUM_TIMEOUT="${DECORUM_TIMEOUT:-60}"

# _report_early_exit: the first command of every EXIT trap. A script that stops before
# finish() — set -e on a failing command, or a signal — would otherwise end with no word
# at all (ctest shows an empty output); say how it ended and on which command. In a trap,
# $? is the exit status and BASH_COMMAND the command running when the trap fired.
FINISHED=""
_report_early_exit() {
  local rc=$? cmd="$BASH_COMMAND"
  [ -n "$FINISHED" ] && return 0
  echo "[$TEST_NAME] FATAL: stopped before the end (exit status $rc) after $CHECKS passed check(s), in: $cmd" >&2
}

_cleanup() {
  if [ -n "$TMP" ] && [ -d "$TMP" ]; then
    if [ -n "${KEEP_TMP:-}" ]; then
      echo "[$TEST_NAME] keeping $TMP" >&2
    else
      rm -rf -- "$TMP"
    fi
  fi
}

# init DECORUM_BINARY REPO_ROOT: checks the arguments, makes $TMP, cds into it.
init() {
  if [ "$#" -lt 2 ]; then
    echo "usage: bash $0 <path-to-decorum-binary> <repo-root>" >&2
    exit 2
  fi
  DECORUM="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  ROOT="$(cd "$2" && pwd)"
  [ -x "$DECORUM" ] || { echo "[$TEST_NAME] FATAL: decorum binary '$1' is not executable" >&2; exit 2; }
  [ -f "$ROOT/samples/comments.ndjson" ] || { echo "[$TEST_NAME] FATAL: '$2' is not the repo root (no samples/comments.ndjson)" >&2; exit 2; }
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/decorum-${TEST_NAME}.XXXXXX")"
  trap '_report_early_exit; _cleanup' EXIT
  trap 'echo "[$TEST_NAME] FATAL: killed by SIGINT" >&2; exit 130' INT
  trap 'echo "[$TEST_NAME] FATAL: killed by SIGTERM" >&2; exit 143' TERM
  cd "$TMP" || fatal "cannot enter $TMP"
}

# require_tool NAME...: fatal if a client tool is missing (deploy/bootstrap.sh installs them).
require_tool() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || fatal "required tool '$t' is not installed (run deploy/bootstrap.sh)"
  done
}

fail() {
  FAILURES=$((FAILURES + 1))
  printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2
}

fatal() {
  printf '[%s] FATAL: %s\n' "$TEST_NAME" "$*" >&2
  exit 1
}

ok() { CHECKS=$((CHECKS + 1)); }

# finish: the verdict. Exits 1 when any assertion failed.
finish() {
  FINISHED=1
  if [ "$FAILURES" -gt 0 ]; then
    printf '[%s] %d of %d check(s) FAILED\n' "$TEST_NAME" "$FAILURES" "$((CHECKS + FAILURES))" >&2
    exit 1
  fi
  printf '[%s] PASS (%d checks)\n' "$TEST_NAME" "$CHECKS"
  exit 0
}

# show FILE [MAX_LINES]: a file's head, indented, for failure messages.
show() {
  local max="${2:-10}"
  if [ ! -e "$1" ]; then echo "    <$1 does not exist>"; return; fi
  if [ ! -s "$1" ]; then echo "    <$1 is empty>"; return; fi
  head -n "$max" -- "$1" | cut -c1-400 | sed 's/^/    | /'
  local n
  n=$(line_count "$1")
  if [ "$n" -gt "$max" ]; then echo "    | … ($n lines in all)"; fi
}

# ---------------------------------------------------------------------------------------
# Running decorum

# run_decorum OUT ERR ARGS...: runs decorum with stdout in OUT and stderr in ERR; sets RC
# (124 = timed out) and LAST_CMD. Never trips `set -e`. Stdin is inherited (use < FILE).
run_decorum() {
  local out="$1" err="$2"
  shift 2
  LAST_CMD="decorum $*"
  if timeout "$DECORUM_TIMEOUT" "$DECORUM" "$@" >"$out" 2>"$err"; then
    RC=0
  else
    RC=$?
  fi
  if [ "$RC" -eq 124 ]; then
    fail "'$LAST_CMD' did not finish within ${DECORUM_TIMEOUT}s (stall)"
  fi
  return 0
}

# expect_rc WANT ERRFILE: the last run_decorum exited with WANT ("nonzero" accepts any
# failure code); on mismatch prints the command and its stderr.
expect_rc() {
  local want="$1" err="${2:-}"
  if [ "$want" = nonzero ]; then
    if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok; return 0; fi
  elif [ "$RC" -eq "$want" ]; then
    ok; return 0
  fi
  fail "'$LAST_CMD' exited $RC, expected $want"
  if [ -n "$err" ]; then echo "  stderr:"; show "$err" 15; fi >&2
  return 0
}

# ---------------------------------------------------------------------------------------
# Generic assertions (WHAT says what is being checked, for the failure message)

assert_eq() { # GOT WANT WHAT
  if [ "$1" = "$2" ]; then ok; else fail "$3: expected '$2', got '$1'"; fi
}

assert_ge() { # GOT MIN WHAT  (integers)
  if [ "$1" -ge "$2" ]; then ok; else fail "$3: expected at least $2, got $1"; fi
}

assert_le() { # GOT MAX WHAT  (integers)
  if [ "$1" -le "$2" ]; then ok; else fail "$3: expected at most $2, got $1"; fi
}

# assert_contains FILE STRING WHAT: FILE holds STRING (fixed string, bytes).
assert_contains() {
  if grep -qF -- "$2" "$1"; then ok; else
    fail "$3: '$2' not found in $(basename "$1")"
    show "$1" 15 >&2
  fi
}

assert_not_contains() { # FILE STRING WHAT
  if grep -qF -- "$2" "$1"; then
    fail "$3: '$2' unexpectedly found in $(basename "$1"):"
    grep -nF -- "$2" "$1" | sed -n 1,5p | cut -c1-400 | sed 's/^/    | /' >&2
  else ok; fi
}

# assert_matches FILE ERE WHAT: some line of FILE matches the extended regex.
assert_matches() {
  if grep -qE -- "$2" "$1"; then ok; else
    fail "$3: no line of $(basename "$1") matches /$2/"
    show "$1" 15 >&2
  fi
}

assert_imatches() { # like assert_matches, case-insensitive
  if grep -qiE -- "$2" "$1"; then ok; else
    fail "$3: no line of $(basename "$1") matches /$2/ (ignoring case)"
    show "$1" 15 >&2
  fi
}

assert_str_contains() { # STRING NEEDLE WHAT
  case "$1" in
    *"$2"*) ok ;;
    *) fail "$3: '$2' not found in: $(printf '%s' "$1" | cut -c1-400)" ;;
  esac
}

assert_str_not_contains() { # STRING NEEDLE WHAT
  case "$1" in
    *"$2"*) fail "$3: '$2' unexpectedly found in: $(printf '%s' "$1" | cut -c1-400)" ;;
    *) ok ;;
  esac
}

assert_empty_file() { # FILE WHAT
  if [ -s "$1" ]; then fail "$2: $(basename "$1") should be empty but holds:"; show "$1" 5 >&2; else ok; fi
}

# assert_same_file A B WHAT: byte-identical; on failure shows the first differing line.
assert_same_file() {
  if cmp -s -- "$1" "$2"; then ok; return 0; fi
  fail "$3: $(basename "$1") and $(basename "$2") differ ($(line_count "$1") vs $(line_count "$2") lines)"
  {
    cmp -- "$1" "$2" 2>&1 | sed -n 1p | sed 's/^/    /'  || true
    local n
    n=$(awk 'NR==FNR { a[FNR] = $0; next } !(FNR in a) || a[FNR] != $0 { print FNR; exit }' "$1" "$2")
    if [ -n "$n" ]; then
      echo "    first differing line $n:"
      echo "    < $(sed -n "${n}p" "$1" | cut -c1-300)"
      echo "    > $(sed -n "${n}p" "$2" | cut -c1-300)"
    fi
  } >&2
}

# assert_valid_utf8 FILE WHAT
assert_valid_utf8() {
  if iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then ok; else fail "$2: $(basename "$1") is not valid UTF-8"; fi
}

# ---------------------------------------------------------------------------------------
# Lines, bytes and decorum's records

# line_count FILE: lines, counting a last line that has no newline.
line_count() { awk 'END { print NR }' "$1"; }

# nth_line FILE N
nth_line() { sed -n "${2}p" "$1"; }

# byte_len STRING
byte_len() { printf '%s' "$1" | wc -c | tr -d ' '; }

# byte_slice STRING BEGIN END: the bytes [BEGIN,END) of STRING.
byte_slice() {
  local len=$(($3 - $2))
  if [ "$len" -le 0 ]; then return 0; fi
  { printf '%s' "$1" | tail -c +"$(($2 + 1))" | head -c "$len"; } || true
}

# json_escape STRING: STRING as the inside of a JSON string (escapes \ and ").
json_escape() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# field RECORD NAME: the value of the first "NAME": in a record — a string comes back
# without its quotes (escapes left as they are), a number as it is.
field() {
  printf '%s\n' "$1" | grep -oE "\"$2\":(\"([^\"\\\\]|\\\\.)*\"|[^,}]*)" | sed -n 1p |
    sed -e "s/^\"$2\"://" -e 's/^"\(.*\)"$/\1/' || true
}

# all_fields RECORD NAME: every value of "NAME": in a record, one a line (strings unquoted).
all_fields() {
  printf '%s\n' "$1" | grep -oE "\"$2\":(\"([^\"\\\\]|\\\\.)*\"|[^,}]*)" |
    sed -e "s/^\"$2\"://" -e 's/^"\(.*\)"$/\1/' || true
}

# record_by_id FILE ID: the record whose id is the string ID.
record_by_id() { grep -F -- "{\"id\":\"$2\"," "$1" | sed -n 1p || true; }

# hit_spans_for_match RECORD MATCH: "B E" for every hit whose "match" is exactly MATCH.
hit_spans_for_match() {
  # hits look like {"rule":…,"score":…,"span":[B,E],"match":"…"…}: read span then match.
  printf '%s\n' "$1" | awk -v want="\"match\":\"$(json_escape "$2" | sed 's/\\/\\\\/g')\"" '
    {
      s = $0
      # only the hits array (it ends before ,"plugins":)
      i = index(s, "\"hits\":[")
      if (i == 0) exit
      s = substr(s, i)
      j = index(s, "],\"plugins\":")
      if (j > 0) s = substr(s, 1, j)
      while (match(s, /"span":\[[0-9]+,[0-9]+\],"match":"/)) {
        span = substr(s, RSTART + 8, RLENGTH - 8 - 11)
        rest = substr(s, RSTART + RLENGTH - 9)
        if (substr(rest, 1, length(want)) == want) { sub(/,/, " ", span); print span }
        s = substr(s, RSTART + RLENGTH)
      }
    }'
}

# check_action RECORD WANT WHAT
check_action() {
  local got
  got=$(field "$1" action)
  if [ "$got" = "$2" ]; then ok; else fail "$3: action '$got', expected '$2' in: $(printf '%s' "$1" | cut -c1-400)"; fi
}

# check_error_record RECORD LINE WORD WHAT: an error record for input line LINE whose
# message contains WORD (case-insensitive).
check_error_record() {
  local rec="$1" line="$2" word="$3" what="$4"
  if [ -z "$rec" ]; then fail "$what: no record"; return 0; fi
  local a l e
  a=$(field "$rec" action)
  l=$(field "$rec" line)
  e=$(field "$rec" error)
  if [ "$a" != error ]; then fail "$what: expected an error record, got action '$a': $(printf '%s' "$rec" | cut -c1-300)"; return 0; fi
  if [ "$l" != "$line" ]; then fail "$what: error record has \"line\":$l, expected $line: $rec"; return 0; fi
  if [ -z "$e" ]; then fail "$what: error record without an \"error\" message: $rec"; return 0; fi
  if ! printf '%s' "$e" | grep -qiF -- "$word"; then
    fail "$what: error message '$e' does not mention '$word'"
    return 0
  fi
  ok
}

# check_decision RECORD WHAT: a decision (not an error) with one of the four actions.
check_decision() {
  local a
  a=$(field "$1" action)
  case "$a" in
    allow | flag | quarantine | escalate) ok ;;
    *) fail "$2: expected a decision, got action '$a': $(printf '%s' "$1" | cut -c1-300)" ;;
  esac
}

# check_hit_original TEXT RECORD MATCH WHAT: the record has a hit whose "match" is exactly
# MATCH, and its span cuts exactly MATCH out of the original TEXT (byte offsets).
check_hit_original() {
  local text="$1" rec="$2" want="$3" what="$4"
  local spans
  spans=$(hit_spans_for_match "$rec" "$want")
  if [ -z "$spans" ]; then
    fail "$what: no hit with \"match\":\"$want\" in: $(printf '%s' "$rec" | cut -c1-400)"
    return 0
  fi
  local b e cut
  read -r b e <<<"$(printf '%s\n' "$spans" | sed -n 1p)"
  cut=$(byte_slice "$text" "$b" "$e")
  if [ "$cut" = "$want" ]; then ok; else
    fail "$what: span [$b,$e) cuts '$cut' out of the original text, expected '$want' (text: '$text')"
  fi
}

# ---------------------------------------------------------------------------------------
# decorum serve (the daemon)

SERVE_PID=""
SERVE_LOG=""

# write_small_rules DIR: a one-file rule set (compiles in milliseconds): rule t.meanie
# (insult, score 2: "meanie", "grump") and the watched person pat-doe ("Pat Doe", high).
write_small_rules() {
  mkdir -p "$1"
  cat >"$1/rules.yaml" <<'YAML'
targets:
  - id: pat-doe
    name: Pat Doe
    protection: high
rules:
  - id: t.meanie
    category: insult
    score: 2
    match:
      words: [meanie, grump]
YAML
}

# wait_until SECONDS CMD...: polls CMD every 50 ms until it succeeds; false on timeout.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
  return 0
}

# start_serve LOG ARGS...: starts `decorum serve ARGS...` in the background with its
# stderr in LOG (stdout in LOG.out, stdin from /dev/null) and waits until it serves.
# Sets SERVE_PID. Fatal when it does not come up within 20 s.
start_serve() {
  SERVE_LOG="$1"
  shift
  "$DECORUM" serve "$@" </dev/null >"$SERVE_LOG.out" 2>"$SERVE_LOG" &
  SERVE_PID=$!
  trap '_report_early_exit; kill_serve; _cleanup' EXIT
  if ! wait_until 20 grep -q "serving with" "$SERVE_LOG"; then
    echo "  log:" >&2; show "$SERVE_LOG" 20 >&2
    fatal "decorum serve $* did not start"
  fi
}

# serve_tcp_port LOG [N]: the port of the N-th (default 1st) NDJSON TCP listener in LOG.
serve_tcp_port() {
  grep -oE 'listening on tcp://[^ ]+:[0-9]+ \(NDJSON' "$1" | sed -n "${2:-1}p" | grep -oE ':[0-9]+ ' | tr -d ': '
}

# serve_http_port LOG: the port of the HTTP listener in LOG.
serve_http_port() { grep -oE 'http listening on http://[^ "]+' "$1" | sed -n 1p | grep -oE '[0-9]+$'; }

# stop_serve [SIGNAL] [SECONDS]: signals the server (default TERM), waits up to SECONDS
# (default 20) for it to exit and sets RC (124 and a failure when it did not exit).
stop_serve() {
  local sig="${1:-TERM}" limit="${2:-20}"
  [ -n "$SERVE_PID" ] || return 0
  kill -s "$sig" "$SERVE_PID" 2>/dev/null || true
  if ! wait_until "$limit" _process_exited "$SERVE_PID"; then
    fail "decorum serve did not exit within ${limit}s of SIG$sig"
    kill_serve
    RC=124
    return 0
  fi
  if wait "$SERVE_PID"; then RC=0; else RC=$?; fi
  SERVE_PID=""
}

# _process_exited PID: the process is gone or a zombie (exited, not yet reaped).
_process_exited() {
  [ ! -e "/proc/$1/stat" ] || [ "$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# kill_serve: for cleanup traps; no verdict.
kill_serve() {
  if [ -n "$SERVE_PID" ]; then kill -KILL "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
  SERVE_PID=""
}

# metric_value METRICS_FILE 'NAME{LABELS}': the sample's value (empty when absent).
metric_value() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }

# sum_comments METRICS_FILE: comments decided, every action together (decorum_comments_total).
sum_comments() { awk '/^decorum_comments_total\{/ { s += $2 } END { print s + 0 }' "$1"; }

# fetch_metrics PORT FILE: GET /metrics into FILE.
fetch_metrics() { curl -sS --max-time 10 "http://127.0.0.1:$1/metrics" >"$2"; }

# ndjson_comments N [PREFIX]: N comments with ids PREFIX1..PREFIXN; every 3rd is an insult.
ndjson_comments() {
  awk -v n="$1" -v p="${2:-c}" 'BEGIN { for (i = 1; i <= n; i++) {
    t = (i % 3 == 0) ? "what a meanie you are" : "lovely dancing tonight";
    printf "{\"id\":\"%s%d\",\"text\":\"%s number %d\"}\n", p, i, t, i } }'
}

# ids_in_order FILE N [PREFIX]: true when FILE holds exactly N records with ids
# PREFIX1..PREFIXN in order.
ids_in_order() {
  awk -v n="$2" -v p="${3:-c}" '
    { if (match($0, /^\{"id":"[^"]*"/) == 0) { bad = 1; exit }
      id = substr($0, 8, RLENGTH - 8); if (id != p NR) { bad = 1; exit } }
    END { exit (bad || NR != n) ? 1 : 0 }' "$1"
}

# ---------------------------------------------------------------------------------------
# Plugins (issue 4). ctest passes DECORUM_PLUGIN_DIR (the shipped plugins) and
# DECORUM_TEST_PLUGIN_DIR (test_plugin.so and the broken_*.so of tests/abi_plugins).
# Use as `P=$(shipped_plugin pile_on)`: under `set -e` a missing plugin stops the script.

# shipped_plugin NAME: the path of $DECORUM_PLUGIN_DIR/NAME.so; fails when it is missing.
shipped_plugin() { _plugin_file DECORUM_PLUGIN_DIR "$1"; }

# abi_test_plugin NAME: the path of $DECORUM_TEST_PLUGIN_DIR/NAME.so; fails when missing.
abi_test_plugin() { _plugin_file DECORUM_TEST_PLUGIN_DIR "$1"; }

_plugin_file() {
  local dir="${!1:-}"
  if [ -z "$dir" ]; then
    printf '[%s] FATAL: %s is not set (run the test through ctest)\n' "$TEST_NAME" "$1" >&2
    return 1
  fi
  if [ ! -f "$dir/$2.so" ]; then
    printf '[%s] FATAL: no %s (build the plugins first)\n' "$TEST_NAME" "$dir/$2.so" >&2
    return 1
  fi
  printf '%s/%s.so' "$dir" "$2"
}

# plugins_of RECORD: the record's "plugins" array, e.g. [{"name":"pile_on","score":2,…}].
plugins_of() { printf '%s\n' "$1" | sed -n 's/.*,"plugins":\(\[.*\]\),"shadow":.*/\1/p'; }

# count_matching FILE ERE: the number of lines of FILE matching ERE (0 when none).
count_matching() { grep -cE -- "$2" "$1" || true; }
