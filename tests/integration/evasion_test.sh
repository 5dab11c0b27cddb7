#!/usr/bin/env bash
# Evasions and false positives with the default pack (SPEC §5, §7; docs/rules.md "How text
# is matched"): every evasive spelling of an insult is caught, and the hit's "match" is
# exactly the evasive bytes as written, cut out of the original text by the span (`1d10t`,
# not `idiot`); innocent words that contain or resemble an insult (the Scunthorpe problem,
# dance-show slang) are allowed with no hits. All comments are scored in one run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"

ZWJ=$'\xe2\x80\x8d'   # U+200D ZERO WIDTH JOINER (bytes: LC_ALL=C has no \u)
EVASIONS=(
  '1d10t'
  'i d i o t'
  'i.d.i.o.t'
  'iiiidiot'
  'IDIOT'
  'іdіоt'          # Cyrillic і (U+0456) and о (U+043E)
  'ｉｄｉｏｔ'     # fullwidth forms
  "id${ZWJ}iot"    # a zero-width joiner inside the word
  'c0n artist'
  'con-artist'
  'idioт'          # Cyrillic т (U+0442): its own skeleton is ᴛ, its capital's T
  'ІDІОТ'          # Cyrillic capitals
  'id*ot'          # a letter masked with '*' (filled in: the rules know "idiot")
  'c*n artist'
)
INNOCENT=(
  'Scunthorpe'
  'Dick Van Dyke'
  'Sussex'
  'assassin'
  'classic'
  'the cha-cha killed it'
  'she murdered that routine'
  'this dance is sick'
  '*bold* moves'     # a '*' that masks no letter
  '5*3 is 15'
)

# Sanity: the non-ASCII evasions really are the bytes they claim to be.
assert_eq "$(printf '%s' "${EVASIONS[5]}" | od -An -tx1 | tr -d ' \n')" "d19664d196d0be74" "test data: Cyrillic іdіоt bytes"
assert_eq "$(byte_len "${EVASIONS[6]}")" 15 "test data: fullwidth ｉｄｉｏｔ is 5 three-byte characters"
assert_eq "$(byte_len "${EVASIONS[7]}")" 8 "test data: id<ZWJ>iot is 5 letters + a three-byte ZWJ"
assert_eq "$(printf '%s' "${EVASIONS[10]}" | od -An -tx1 | tr -d ' \n')" "6964696fd182" "test data: Cyrillic т in idioт"

# Each evasion alone, and inside a sentence (a multi-byte character before it, so spans
# that counted characters or normalized bytes instead of original bytes would be off).
texts=()
ids=()
for i in "${!EVASIONS[@]}"; do
  w="${EVASIONS[$i]}"
  texts+=("$w");                               ids+=("evasion-$i-alone")
  texts+=("honestly — what a total $w, wow"); ids+=("evasion-$i-sentence")
done
for i in "${!INNOCENT[@]}"; do
  texts+=("${INNOCENT[$i]}");                  ids+=("innocent-$i")
done
for i in "${!texts[@]}"; do
  printf '{"id":"%s","text":"%s"}\n' "${ids[$i]}" "$(json_escape "${texts[$i]}")"
done >comments.ndjson

run_decorum out.ndjson err.txt score comments.ndjson -q
expect_rc 0 err.txt
assert_eq "$(line_count out.ndjson)" "${#texts[@]}" "one record per comment"

for i in "${!texts[@]}"; do
  id="${ids[$i]}"
  text="${texts[$i]}"
  rec=$(record_by_id out.ndjson "$id")
  if [ -z "$rec" ]; then fail "$id: no record for '$text'"; continue; fi
  case "$id" in
    evasion-*)
      n="${id#evasion-}"
      n="${n%%-*}"
      w="${EVASIONS[$n]}"
      check_hit_original "$text" "$rec" "$w" "$id ('$text')"
      a=$(field "$rec" action)
      if [ "$a" = allow ] || [ "$a" = error ]; then fail "$id ('$text'): action '$a', expected at least flag"; else ok; fi
      ;;
    innocent-*)
      check_action "$rec" allow "$id ('$text')"
      assert_str_contains "$rec" '"hits":[]' "$id ('$text'): no hits"
      ;;
  esac
done

finish
