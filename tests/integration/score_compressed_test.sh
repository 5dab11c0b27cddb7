#!/usr/bin/env bash
# Compressed dumps (SPEC §9): the same comments plain, gzip (one and several members), zstd,
# zstd --long=31 (a frame that declares a 2 GiB window) and compressed on standard input
# give byte-identical output; `--map pushshift` reads a Pushshift .zst dump and echoes the
# Reddit ids; a truncated .gz / .zst fails loudly (stderr, non-zero exit) after answering
# every line decoded before the truncation. All compression is done with the real CLIs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool gzip zstd split

SAMPLE="$ROOT/samples/comments.ndjson"
# The sample's well-formed lines (each with an id and a string text: no error records, so
# no record depends on line numbers), 20 times (~4,000 lines, ~600 KB: several zstd blocks
# and gzip windows).
grep -E '^\{.*"id": ?("[^"]*"|[0-9]+),.*"text": ?".*\}$' "$SAMPLE" >clean.ndjson
for _ in $(seq 20); do cat clean.ndjson; done >in.ndjson
IN_LINES=$(line_count in.ndjson)

gzip -c in.ndjson >in.ndjson.gz
zstd -q -c in.ndjson >in.ndjson.zst
# From a pipe zstd cannot shrink the window to the input size, so the frame header asks
# for 2 GiB: a decoder without a raised window limit refuses it ("Frame requires too much
# memory"), as `zstd -d` without --long=31 does.
zstd -q --long=31 -c <in.ndjson >in.long31.zst
# The same lines cut in five pieces, each its own gzip member / zstd frame.
split -l 900 -d in.ndjson piece.
: >multi.gz
: >multi.zst
for p in piece.*; do
  gzip -c "$p" >>multi.gz
  zstd -q -c "$p" >>multi.zst
done
cat piece.* | cmp -s - in.ndjson || fatal "split pieces do not add up to the input"

# Every form in one run (start-up compiles the rules once): the plain file first, then the
# compressed ones, '-' being zstd --long=31 on standard input (content detection without a
# file name). The output must be the plain file's records once per input, in argument
# order, so each segment is compared with the first.
FORMATS=(in.ndjson in.ndjson.gz in.ndjson.zst in.long31.zst multi.gz multi.zst -)
NAMES=("plain" "gzip" "zstd" "zstd --long=31 (2 GiB window)" "gzip with 5 members"
  "zstd with 5 frames" "zstd --long=31 on stdin")
run_decorum all.out all.err score "${FORMATS[@]}" -q <in.long31.zst
expect_rc 0 all.err
assert_eq "$(line_count all.out)" "$((IN_LINES * ${#FORMATS[@]}))" "records for ${#FORMATS[@]} copies of the input"
sed -n "1,${IN_LINES}p" all.out >plain.out
assert_not_contains plain.out '"action":"error"' "no error records for the well-formed input"
assert_ge "$(grep -c '"action":"quarantine"' plain.out || true)" 1 "quarantine decisions in the plain output"
for i in "${!FORMATS[@]}"; do
  [ "$i" -eq 0 ] && continue
  sed -n "$((i * IN_LINES + 1)),$(((i + 1) * IN_LINES))p" all.out >"seg$i.out"
  assert_same_file "seg$i.out" plain.out "${NAMES[$i]} (${FORMATS[$i]}) vs plain"
done

# --- Pushshift dump with --map pushshift ------------------------------------------------
PS="$ROOT/samples/pushshift_sample.ndjson.zst"
PS_LINES=$(zstd -dc "$PS" | line_count /dev/stdin)
{ zstd -dc "$PS" | grep -oE '"id":"[^"]*"' || true; } | sed 's/^"id":"//; s/"$//' >ps_ids.want
assert_eq "$(line_count ps_ids.want)" "$PS_LINES" "every Pushshift sample line has an id"
run_decorum ps.out ps.err score --map pushshift "$PS"
expect_rc 0 ps.err
assert_eq "$(line_count ps.out)" "$PS_LINES" "records for the Pushshift sample"
sed 's/^{"id":"\([^"]*\)",.*/\1/' ps.out >ps_ids.got
assert_same_file ps_ids.got ps_ids.want "decision ids vs the Pushshift ids, in order"
assert_not_contains ps.out '"action":"error"' "no error records with --map pushshift"
# "Delvey is a con artist and always will be" is Pushshift comment l94zjoj (body field).
rec=$(record_by_id ps.out l94zjoj)
check_hit_original "Delvey is a con artist and always will be" "$rec" "con artist" "Pushshift comment l94zjoj"
assert_str_contains "$rec" '"target":"anna-delvey"' "Pushshift comment l94zjoj is tied to anna-delvey"
assert_matches ps.err "(^|[^0-9])$PS_LINES comments" "summary counts the Pushshift comments"

# --- truncated compressed input ---------------------------------------------------------
# Lines the reference CLI decodes before the damage must all be answered, in order, exactly
# as for the intact input; at most one more record (an error for the cut line) may follow;
# decorum must say on stderr that the file is truncated and exit non-zero.
check_truncated() { # FILE DECOMPRESS-CMD WHAT
  local f="$1" dcmd="$2" what="$3" tag k n
  tag=$(printf '%s' "$what" | tr -c 'a-zA-Z0-9' '_')
  k=$( { $dcmd <"$f" 2>/dev/null || true; } | tr -cd '\n' | wc -c | tr -d ' ')
  if [ "$k" -le 0 ]; then fatal "$what: the reference decoder recovers no line; make the test input bigger"; fi
  run_decorum "$tag.out" "$tag.err" score "$f" -q
  if [ "$RC" -ne 0 ] && [ "$RC" -ne 124 ]; then ok; else
    fail "$what: '$LAST_CMD' exited $RC, expected a failure"
  fi
  assert_imatches "$tag.err" "truncat|unexpected end|incomplete|premature" "$what: stderr says the input is truncated"
  assert_contains "$tag.err" "$(basename "$f")" "$what: stderr names the file"
  n=$(line_count "$tag.out")
  assert_ge "$n" "$k" "$what: records before the truncation ($k lines decodable by $dcmd)"
  assert_le "$n" $((k + 1)) "$what: records (the $k decodable lines, maybe one error for the cut line)"
  head -n "$k" "$tag.out" >"$tag.prefix"
  head -n "$k" plain.out >"$tag.want"
  assert_same_file "$tag.prefix" "$tag.want" "$what: records before the truncation vs the intact input"
  if [ "$n" -gt "$k" ]; then
    check_error_record "$(nth_line "$tag.out" "$n")" "$n" "" "$what: extra record for the cut line"
  fi
}
gz_size=$(stat -c %s in.ndjson.gz)
head -c $((gz_size / 2)) in.ndjson.gz >truncated.ndjson.gz
check_truncated truncated.ndjson.gz "gzip -dc" "gzip cut in half"
# Cut inside the last zstd frame: the first four frames are whole.
zst_size=$(stat -c %s multi.zst)
head -c $((zst_size - 40)) multi.zst >truncated.ndjson.zst
check_truncated truncated.ndjson.zst "zstd -dc" "zstd cut inside the last frame"

# A damaged input ends the run: the message says after which of its lines, and which
# inputs were never read (their comments have no record).
run_decorum stop.out stop.err score truncated.ndjson.gz in.ndjson in.ndjson.zst -q
expect_rc 1 stop.err
k=$( { gzip -dc <truncated.ndjson.gz 2>/dev/null || true; } | tr -cd '\n' | wc -c | tr -d ' ')
assert_contains stop.err "truncated.ndjson.gz: gzip stream truncated; stopped after line $k of it" "a failed input names the last line read"
assert_contains stop.err "; not read: in.ndjson, in.ndjson.zst" "a failed input names the inputs not read"
assert_eq "$(line_count stop.out)" "$k" "the records end with the failed input's last whole line"

# Zero padding after the last gzip member (tapes, block devices) is no error, as for gzip.
{ cat in.ndjson.gz; head -c 4096 /dev/zero; } >padded.ndjson.gz
run_decorum padded.out padded.err score padded.ndjson.gz -q
expect_rc 0 padded.err
assert_same_file padded.out plain.out "zero-padded gzip: the same records as the plain input"

finish
