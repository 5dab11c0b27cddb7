#!/usr/bin/env bash
# Bad input never stops or crashes `decorum score` (SPEC §4, §5, §10): a dump mixing valid
# lines with invalid JSON, a wrong field type, invalid UTF-8, an empty line, a 5 MiB line,
# a missing text and a truncated last line without newline gets exactly one record per
# line, in order; the broken lines get error records with a clear message, the invalid
# UTF-8 is repaired and decided, and the run exits 0. --max-line-bytes is exact at its
# boundary. A missing input file and bad flags fail with a clear message.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool iconv

# Raw text (bytes) of the invalid-UTF-8 lines, for checking spans against the original.
UTF8_BEFORE=$'you \xff idiot'          # a stray byte before the insult
UTF8_AFTER=$'idiot \xc3( and more \xe2\x82'  # a broken sequence and a cut one after it
{
  echo '{"id":"ok1","text":"hello there, lovely show"}'                       # 1 valid
  echo '{"id":"badjson","text":"oops"'                                       # 2 invalid JSON
  echo '{"id":"wrongtype","text":5}'                                         # 3 text: 5
  printf '{"id":"utf8-before","text":"%s"}\n' "$UTF8_BEFORE"                 # 4 invalid UTF-8
  printf '{"id":"utf8-after","text":"%s"}\n' "$UTF8_AFTER"                   # 5 invalid UTF-8
  echo                                                                      # 6 empty line
  printf '{"id":"huge","text":"'                                           # 7 5 MiB line
  head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' a
  echo '"}'
  echo '{"id":"notext","author":"someone"}'                                  # 8 no text
  echo '{"id":"ok2","text":"Delvey is a con artist"}'                        # 9 valid
  printf '{"id":"cut","text":"you idi'                                      # 10 cut, no \n
} >bad.ndjson
IN_LINES=$(line_count bad.ndjson)
[ "$IN_LINES" -eq 10 ] || fatal "test input has $IN_LINES lines, expected 10"

run_decorum out.ndjson err.txt score bad.ndjson
expect_rc 0 err.txt
assert_eq "$(line_count out.ndjson)" "$IN_LINES" "one record per input line"
assert_valid_utf8 out.ndjson "output is valid UTF-8 even for invalid input bytes"
r() { nth_line out.ndjson "$1"; }

check_decision "$(r 1)" "line 1 (valid)"
assert_eq "$(field "$(r 1)" id)" ok1 "line 1 record id"
check_error_record "$(r 2)" 2 "invalid JSON" "line 2 (invalid JSON)"
check_error_record "$(r 3)" 3 "text" "line 3 (text: 5)"
check_error_record "$(r 3)" 3 "string" "line 3 (text: 5) says a string is expected"
assert_eq "$(field "$(r 3)" id)" wrongtype "line 3 error record echoes the id it could read"

check_decision "$(r 4)" "line 4 (invalid UTF-8 before the insult) is repaired and decided"
assert_eq "$(field "$(r 4)" id)" utf8-before "line 4 record id"
# SPEC §5: spans are byte offsets into the original text. The insult starts at byte 6 of
# the original ("you " + 0xFF + " "), whatever the stray byte is repaired to.
check_hit_original "$UTF8_BEFORE" "$(r 4)" "idiot" "line 4 (invalid UTF-8 before the insult): span into the original bytes"
check_decision "$(r 5)" "line 5 (invalid UTF-8 after the insult) is repaired and decided"
check_hit_original "$UTF8_AFTER" "$(r 5)" "idiot" "line 5 (invalid UTF-8 after the insult)"

check_error_record "$(r 6)" 6 "" "line 6 (empty line)"
check_error_record "$(r 7)" 7 "exceeds" "line 7 (5 MiB line, limit 1 MiB)"
check_error_record "$(r 7)" 7 "1048576" "line 7 (5 MiB line) names the limit"
assert_le "$(wc -c <out.ndjson | tr -d ' ')" 100000 "output size (the 5 MiB line must not be echoed)"
check_error_record "$(r 8)" 8 "missing" "line 8 (no text)"
check_error_record "$(r 8)" 8 "text" "line 8 (no text) names the field"
assert_eq "$(field "$(r 8)" id)" notext "line 8 error record echoes the id"
check_decision "$(r 9)" "line 9 (valid, after all the bad lines)"
assert_eq "$(field "$(r 9)" id)" ok2 "line 9 record id"
check_hit_original "Delvey is a con artist" "$(r 9)" "con artist" "line 9 still scored normally"
check_error_record "$(r 10)" 10 "invalid JSON" "line 10 (truncated last line, no newline)"

# The summary accounts for every line.
assert_matches err.txt "(^|[^a-z])error 6([^0-9]|$)" "summary counts 6 error records"
assert_matches err.txt "(^|[^0-9])$IN_LINES comments" "summary counts $IN_LINES lines"

# --- --max-line-bytes is exact; a valid last line without newline is scored (stdin) -----
fits='{"id":"fits","text":"you idiot"}'
over='{"id":"over","text":"you idiot!"}'
{
  printf '%s\n' "$fits"
  printf '%s\n' "$over"
  printf '%s' '{"id":"last","text":"idiot"}'
} >limit.ndjson
run_decorum limit.out limit.err score - -q --max-line-bytes "$(byte_len "$fits")" <limit.ndjson
expect_rc 0 limit.err
assert_eq "$(line_count limit.out)" 3 "records for the --max-line-bytes input"
check_decision "$(nth_line limit.out 1)" "a line of exactly --max-line-bytes bytes"
check_error_record "$(nth_line limit.out 2)" 2 "exceeds" "a line one byte over --max-line-bytes"
rec=$(nth_line limit.out 3)
check_decision "$rec" "valid last line without a newline"
assert_eq "$(field "$rec" id)" last "valid last line without a newline: id"
check_hit_original "idiot" "$rec" "idiot" "valid last line without a newline"

# --- a missing input file -----------------------------------------------------------------
run_decorum nofile.out nofile.err score "$TMP/does-not-exist.ndjson"
expect_rc nonzero nofile.err
assert_contains nofile.err "does-not-exist.ndjson" "missing input: stderr names the file"
assert_imatches nofile.err "no such file|not found|does not exist|cannot open" "missing input: stderr says why"
assert_not_contains nofile.out '"action"' "missing input: no records"

# --- a directory among the inputs: refused before any record is written ------------------
mkdir -p adir
run_decorum dir.out dir.err score bad.ndjson adir
expect_rc 1 dir.err
assert_contains dir.err "cannot read input 'adir': is a directory" "a directory input is named"
assert_not_contains dir.out '"action"' "a directory input: refused before the first file's records"

# --- the output is an input: refused before it is truncated -------------------------------
cp bad.ndjson keep.ndjson
cp bad.ndjson same.ndjson
run_decorum same.out same.err score same.ndjson -o same.ndjson
expect_rc 2 same.err
assert_contains same.err "the output 'same.ndjson' is the input 'same.ndjson': it would be overwritten" "-o naming the input is refused"
assert_same_file same.ndjson keep.ndjson "-o naming the input leaves the dump intact"
run_decorum same.out same.err score - -o same.ndjson <same.ndjson
expect_rc 2 same.err
assert_contains same.err "the output 'same.ndjson' is standard input" "-o naming the file on standard input is refused"
assert_same_file same.ndjson keep.ndjson "-o naming standard input's file leaves it intact"

# --- bad flags: usage errors, exit 2, a message naming the problem -----------------------
check_bad_flag() { # WORD-IN-MESSAGE ARGS...
  local word="$1"
  shift
  run_decorum flag.out flag.err score bad.ndjson "$@"
  expect_rc 2 flag.err
  assert_contains flag.err "$word" "'decorum score $*': the message names '$word'"
  assert_empty_file flag.out "stdout of 'decorum score $*'"
}
check_bad_flag "--threads" --threads 0
# A negative number is refused, not wrapped to a huge one (--max-line-bytes -5 once meant
# no limit at all).
check_bad_flag "--max-line-bytes" --max-line-bytes -5
check_bad_flag "--threads" --threads -1
check_bad_flag "--threads" --threads 2x
check_bad_flag "nonsense" --map nonsense=x
check_bad_flag "maybe" --on-error maybe

finish
