#!/usr/bin/env bash
# `decorum check` and rule-set errors (SPEC §6, §9; docs/rules.md "Errors"): the default
# pack checks clean; a rules directory with many kinds of broken files is refused with
# every error reported in one run, each naming file:line:col and the rule id; a rule whose
# examples fail gets a FAIL line; `decorum score` refuses a broken rule set unless
# `--on-error skip`, which runs with the good rules and says what it dropped — but not
# when nothing is left.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"

# --- the default (embedded) pack ------------------------------------------------------
run_decorum default.out default.err check
expect_rc 0 default.err
cat default.out default.err >default.all
assert_matches default.all '(^|[^0-9])[1-9][0-9]* loaded, 0 failed' "default pack: 'N loaded, 0 failed'"
assert_not_contains default.all "FAIL" "default pack: no FAIL line"
assert_contains default.all "insult.con-artist" "default pack: reports per rule"

# --- a rules directory with one broken file per kind of error -------------------------
mkdir -p broken/sub
cat >broken/good.yaml <<'EOF'
lists:
  meanies: [meanie, grump]
targets:
  - id: pat-doe
    name: Pat Doe
    protection: high
rules:
  - id: good.meanie
    category: insult
    score: 2
    match:
      words: [$meanies]
    examples:
      match: ["what a m3anie", "Pat Doe is a grump"]
      no_match: ["meaning well"]
EOF
cat >broken/syntax.yaml <<'EOF'
rules:
  - id: syntax.broken
    category: insult
    score: [2
    match: {words: [oops]}
EOF
cat >broken/unknown_key.yaml <<'EOF'
rules:
  - id: unknown.key
    category: insult
    scroe: 2
    match:
      words: [badword]
EOF
cat >broken/dup_a.yaml <<'EOF'
rules:
  - id: dup.twice
    category: spam
    score: 1
    match:
      words: [firstcopy]
EOF
cat >broken/dup_b.yaml <<'EOF'
rules:
  - id: dup.twice
    category: spam
    score: 1
    match:
      words: [secondcopy]
EOF
cat >broken/sub/regex.yaml <<'EOF'
rules:
  - id: bad.regex
    category: spam
    score: 1
    match:
      regex: "(unclosed"
EOF
cat >broken/sub/list.yaml <<'EOF'
rules:
  - id: bad.list
    category: insult
    score: 1
    match:
      words: [$no_such_list]
EOF
cat >broken/sub/target.yaml <<'EOF'
rules:
  - id: bad.target
    category: threat
    score: 5
    about: [no-such-person]
    match:
      words: [kaboom]
EOF

# expect_rule_error FILE WHERE-ERE RULE-ID WORD-ERE WHAT: a line naming
# <...>WHERE:LINE:COL: rule RULE-ID: ... WORD
expect_rule_error() {
  local out="$1" where="$2" id="$3" word="$4" what="$5"
  assert_imatches "$out" "$where:[0-9]+: rule ${id//./\\.}: .*($word)" "$what"
}
check_all_errors() { # OUTPUT-FILE CONTEXT
  local o="$1" c="$2"
  assert_imatches "$o" "syntax\.yaml:[1-6]:[0-9]+: .*(yaml|syntax)" "$c: YAML syntax error with file:line:col"
  expect_rule_error "$o" "unknown_key\.yaml:4" unknown.key "unknown key.*scroe" "$c: unknown key at unknown_key.yaml:4"
  expect_rule_error "$o" "dup_b\.yaml:2" dup.twice "duplicate" "$c: duplicate id at dup_b.yaml:2"
  assert_contains "$o" "dup_a.yaml:2" "$c: the duplicate error points at the first definition"
  expect_rule_error "$o" "sub/regex\.yaml:6" bad.regex "compile|regex|pattern" "$c: bad regex at sub/regex.yaml:6"
  assert_contains "$o" "(unclosed" "$c: the bad regex is quoted"
  expect_rule_error "$o" "sub/list\.yaml:6" bad.list "unknown list.*no_such_list" "$c: unknown list at sub/list.yaml:6"
  expect_rule_error "$o" "sub/target\.yaml:5" bad.target "unknown target.*no-such-person" "$c: unknown target at sub/target.yaml:5"
}

run_decorum broken.out broken.err check --rules broken
expect_rc 1 broken.err
cat broken.out broken.err >broken.all
check_all_errors broken.all "check"
failed=$(sed -n 's/.*[0-9][0-9]* loaded, \([0-9][0-9]*\) failed.*/\1/p' broken.all | sed -n 1p)
if [ -z "$failed" ]; then fail "check: no 'N loaded, M failed' summary"; show broken.all 20 >&2
else assert_ge "$failed" 5 "check: failed rules in the summary (unknown.key, dup.twice, bad.regex, bad.list, bad.target)"; fi
assert_not_contains broken.all "ok     unknown.key" "check: a broken rule is not reported ok"

# --- a rule whose examples fail -----------------------------------------------------------
mkdir -p examples
cat >examples/rules.yaml <<'EOF'
rules:
  - id: ex.fine
    category: insult
    score: 2
    match:
      words: [meanie]
    examples:
      match: ["you m3anie"]
      no_match: ["meaning well"]
  - id: ex.wrong-examples
    category: insult
    score: 2
    match:
      words: [grump]
    examples:
      match: ["you grump", "you are grumpy"]
      no_match: ["what a grump"]
EOF
run_decorum ex.out ex.err check --rules examples
expect_rc 1 ex.err
cat ex.out ex.err >ex.all
assert_matches ex.all "FAIL.*ex\.wrong-examples" "failing examples: FAIL line naming the rule"
assert_contains ex.all "you are grumpy" "failing examples: the match example that did not hit"
assert_contains ex.all "what a grump" "failing examples: the no_match example that hit"
assert_not_contains ex.all "FAIL   ex.fine" "failing examples: the good rule is not FAIL"
assert_matches ex.all "(^|[^0-9])2 loaded, 1 failed" "failing examples: '2 loaded, 1 failed'"

# --- score with the broken rule set: refused, unless --on-error skip ---------------------
{
  echo '{"id":"good","text":"Pat Doe is a m3anie"}'
  echo '{"id":"dropped","text":"badword kaboom secondcopy"}'
} >comments.ndjson
run_decorum refuse.out refuse.err score comments.ndjson --rules broken
expect_rc 1 refuse.err
assert_not_contains refuse.out '"action"' "score --rules BROKEN: no records"
check_all_errors refuse.err "score --rules BROKEN"

run_decorum skip.out skip.err score comments.ndjson --rules broken --on-error skip
expect_rc 0 skip.err
assert_eq "$(line_count skip.out)" 2 "score --on-error skip: records"
rec=$(record_by_id skip.out good)
check_hit_original "Pat Doe is a m3anie" "$rec" "m3anie" "score --on-error skip: the good rule still runs"
assert_str_contains "$rec" '"rule":"good.meanie"' "score --on-error skip: the hit is good.meanie"
assert_str_contains "$rec" '"target":"pat-doe"' "score --on-error skip: the good file's target is loaded"
rec=$(record_by_id skip.out dropped)
for id in unknown.key bad.target; do
  assert_str_not_contains "$rec" "\"rule\":\"$id\"" "score --on-error skip: broken rule $id is dropped"
done
assert_imatches skip.err "skip" "score --on-error skip: says it skipped"
check_all_errors skip.err "score --on-error skip"

# Errors that leave no rule at all: refused even with --on-error skip (it would allow every
# comment).
mkdir -p nothing
echo hello >nothing/typo.yaml
run_decorum nothing.out nothing.err score comments.ndjson --rules nothing --on-error skip
expect_rc 1 nothing.err
assert_not_contains nothing.out '"action"' "score --on-error skip, every rule broken: no records"
assert_contains nothing.err "nothing usable" "score --on-error skip, every rule broken: says why"

finish
