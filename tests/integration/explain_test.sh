#!/usr/bin/env bash
# `decorum explain TEXT` (SPEC §6, §9): shows the normalized text, every hit with its span
# in the ORIGINAL text and the original bytes, the targets, and the decision; the record it
# prints is the one `decorum score` gives for the same text.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"

BASE="Anna Delvey is a c0n artist"
PREFIX="💃 Ünïcödé — "       # 4+1 + 11 + 1 + 3+1 = 21 bytes, 12 characters
BADUTF8=$'\xff\xfe '          # two invalid bytes and a space

# explain_case TAG TEXT: runs explain, checks its sections for the Anna Delvey comment,
# with every offset computed from the byte length of what precedes it in TEXT.
explain_case() {
  local tag="$1" text="$2"
  local p
  p=$(( $(byte_len "$text") - $(byte_len "$BASE") ))   # bytes before "Anna Delvey"
  run_decorum "$tag.out" "$tag.err" explain "$text"
  expect_rc 0 "$tag.err"
  local o="$tag.out"

  # Repeated letters collapse in the normalized text (docs/rules.md): anna -> ana.
  assert_matches "$o" '^normalized: .*ana delvey is a con artist' "$tag: normalized text reads 'ana delvey is a con artist'"
  assert_not_contains "$o" "normalized: \"$text\"" "$tag: normalized text differs from the original"

  # The hit, with the original bytes and the span of those bytes in the original.
  local hb=$((p + 17)) he=$((p + 27))
  assert_eq "$(byte_slice "$text" "$hb" "$he")" "c0n artist" "$tag: test's own offset arithmetic"
  assert_matches "$o" "insult\.con-artist.*\[$hb,$he\).*\"c0n artist\"" "$tag: hit insult.con-artist at [$hb,$he) \"c0n artist\""
  assert_matches "$o" "\"c0n artist\".*anna-delvey" "$tag: the hit is tied to anna-delvey"
  # The target mention.
  assert_matches "$o" "anna-delvey.*\[$p,$((p + 11))\).*\"Anna Delvey\"" "$tag: target anna-delvey at [$p,$((p + 11)))"

  # The decision, and the machine-readable record behind it.
  local decision rec
  decision=$(sed -n 's/^decision: *\([a-z]*\).*/\1/p' "$o")
  case "$decision" in
    flag | quarantine | escalate) ok ;;
    *) fail "$tag: decision '$decision', expected flag, quarantine or escalate for an insult at a watched person"; show "$o" 20 >&2 ;;
  esac
  rec=$(sed -n 's/^record: *//p' "$o")
  assert_eq "$(field "$rec" action)" "$decision" "$tag: the record's action matches the decision line"
  check_hit_original "$text" "$rec" "c0n artist" "$tag: record hit"
  assert_str_contains "$rec" "{\"id\":\"anna-delvey\",\"span\":[$p,$((p + 11))]}" "$tag: record target span"
}

explain_case ascii "$BASE"
explain_case multibyte "$PREFIX$BASE"
explain_case invalid-utf8 "$BADUTF8$BASE"

# An innocent comment: no hits, allow.
run_decorum innocent.out innocent.err explain "Scunthorpe United won 2-0"
expect_rc 0 innocent.err
assert_matches innocent.out '^hits: *none' "innocent: no hits"
assert_matches innocent.out '^decision: *allow' "innocent: decision allow"

# No TEXT is a usage error.
run_decorum notext.out notext.err explain
expect_rc 2 notext.err
assert_imatches notext.err "text" "explain without TEXT: the message asks for a TEXT"

# explain's record is what `decorum score` decides for the same text. A JSON line without
# an id gets its line number, and explain's one comment is number 1, so the records must be
# byte-identical: each text is scored on line 1 of its own file, all in one run.
n=0
for tag in ascii multibyte invalid-utf8; do
  n=$((n + 1))
  case "$tag" in
    ascii) text="$BASE" ;;
    multibyte) text="$PREFIX$BASE" ;;
    invalid-utf8) text="$BADUTF8$BASE" ;;
  esac
  printf '{"text":"%s"}\n' "$(json_escape "$text")" >"score$n.ndjson"
done
run_decorum score.out score.err score score1.ndjson score2.ndjson score3.ndjson -q
expect_rc 0 score.err
n=0
for tag in ascii multibyte invalid-utf8; do
  n=$((n + 1))
  got=$(nth_line score.out "$n" | sed 's/^{"id":[0-9]*,/{/')
  want=$(sed -n 's/^record: *//p' "$tag.out" | sed 's/^{"id":[0-9]*,/{/')
  assert_eq "$got" "$want" "$tag: 'decorum score' record (id aside) vs 'decorum explain' record"
done

finish
