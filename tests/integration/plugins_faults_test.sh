#!/usr/bin/env bash
# Plugin faults through the real CLI (issue 4), with the configurable test_plugin.so and
# the deliberately broken modules of tests/abi_plugins:
#   - a plugin whose score() fails on some comments and one that throws (not even a
#     std::exception): every line still gets exactly one decision, in order; the failing
#     ones carry {"name":…,"error":…} for that plugin and lose only its contribution; the
#     run exits 0 and the summary on stderr counts the failures; on_decision still sees
#     every decision (its log, written by flush(), matches the records);
#   - loader errors (a missing .so, a wrong ABI major, a newer minor, no entry symbol, a
#     half-implemented capability, a create() that fails, a config error): exit 1 with
#     the loader's message naming the instance and the file, and no output file;
#   - a plugin whose flush() fails: exit 1 with a clear message, and not one record is
#     written (records never get ahead of the plugin's storage);
#   - a plugin that stores decisions and refuses one (on_decision() fails): that comment's
#     record is an error record naming the plugin, the others are decided and stored;
#   - --threads 2 gives byte-identical output to --threads 1 with plugins configured.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
TP=$(abi_test_plugin test_plugin)

# --- failing and throwing plugins: the stream goes on -----------------------------------------
cat >faulty.yaml <<YAML
plugins:
  - name: picky
    path: $TP
    config: {fail_text: FAILME, delta: 1.5, label: seen, reason: "picky saw it", log: $TMP/picky.log}
  - name: thrower
    path: $TP
    config: {throw_text: THROWME, delta: 0.5}
YAML
# 40 comments: every 5th contains FAILME, every 7th THROWME (35 has both).
awk 'BEGIN { for (i = 1; i <= 40; i++) {
  t = "lovely cha-cha tonight"
  if (i % 5 == 0) t = t " FAILME"
  if (i % 7 == 0) t = t " THROWME"
  printf "{\"id\":\"f%d\",\"text\":\"%s %d\"}\n", i, t, i } }' >faulty.ndjson

run_decorum faulty.stdout faulty.err score --config faulty.yaml --progress never --threads 2 -o faulty.out faulty.ndjson
expect_rc 0 faulty.err
if ids_in_order faulty.out 40 f; then ok; else fail "faulty plugins: exactly one record per line, in order"; show faulty.out >&2; fi
assert_eq "$(count_matching faulty.out '"action":"error"')" 0 "faulty plugins: no error records"
PICKY_OK='{"name":"picky","score":1.5,"labels":["seen"],"reason":"picky saw it"}'
THROWER_OK='{"name":"thrower","score":0.5}'
THROWER_ERR='{"name":"thrower","error":"unknown exception"}'
for i in $(seq 1 40); do
  rec=$(nth_line faulty.out "$i")
  if [ $((i % 5)) -eq 0 ]; then picky="{\"name\":\"picky\",\"error\":\"refusing comment f$i\"}"; p=0; else picky=$PICKY_OK; p=1.5; fi
  if [ $((i % 7)) -eq 0 ]; then thrower=$THROWER_ERR; t=0; else thrower=$THROWER_OK; t=0.5; fi
  want_score=$(awk -v a="$p" -v b="$t" 'BEGIN { s = a + b; printf (s == int(s)) ? "%d" : "%g", s }')
  want_action=allow
  if [ "$want_score" = 2 ]; then want_action=flag; fi
  assert_eq "$(plugins_of "$rec")" "[$picky,$thrower]" "f$i: the plugins array"
  assert_eq "$(field "$rec" score) $(field "$rec" action)" "$want_score $want_action" "f$i: score and action without the failed plugin's part"
done
assert_contains faulty.err "plugin picky: 40 score calls (8 failed), 40 on_decision calls (0 failed)" "summary: picky's failures"
assert_contains faulty.err "plugin thrower: 40 score calls (5 failed), 40 on_decision calls (0 failed)" "summary: thrower's failures"
# on_decision saw every final decision (the log is written by picky's flush()).
sed -n 's/^{"id":"\([^"]*\)","action":"\([a-z]*\)".*/\1 \2/p' faulty.out | sort >decided.txt
sort picky.log >acted.txt
assert_same_file acted.txt decided.txt "on_decision saw each comment once with its final action"


# --- loader errors: exit 1, a clear message, no output file -------------------------------------
echo '{"id":"x","text":"hello"}' >one.ndjson
# load_error NAME PATH [CONFIG] -- MESSAGE: `score` with one plugin instance NAME at PATH
# fails with exit 1, stderr holds MESSAGE, and no output file is created.
load_error() {
  local name="$1" path="$2" conf="{}" msg
  shift 2
  if [ "$1" != -- ]; then conf="$1"; shift; fi
  shift
  msg="$1"
  printf 'plugins:\n  - name: %s\n    path: %s\n    config: %s\n' "$name" "$path" "$conf" >load.yaml
  rm -f load.out
  run_decorum load.stdout load.err score --config load.yaml --progress never -o load.out one.ndjson
  expect_rc 1 load.err
  assert_contains load.err "$msg" "loader error for $name"
  if [ -e load.out ]; then fail "loader error for $name: load.out was created"; else ok; fi
}
ABI=$DECORUM_TEST_PLUGIN_DIR
load_error ghost "$TMP/nowhere/ghost.so" -- \
  "decorum score: plugin 'ghost': cannot load $TMP/nowhere/ghost.so: $TMP/nowhere/ghost.so: cannot open shared object file: No such file or directory"
load_error old "$ABI/broken_wrong_major.so" -- \
  "decorum score: plugin 'old': $ABI/broken_wrong_major.so: built for plugin ABI 2.0, but this decorum speaks ABI 1.0 (the major version must match): rebuild the plugin against this decorum's plugin.h"
load_error future "$ABI/broken_newer_minor.so" -- \
  "decorum score: plugin 'future': $ABI/broken_newer_minor.so: built for plugin ABI 1.1, newer than this decorum's 1.0: upgrade decorum or rebuild the plugin against the older header"
load_error anon "$ABI/broken_no_entry.so" -- \
  "decorum score: plugin 'anon': $ABI/broken_no_entry.so: no 'decorum_plugin_entry' symbol: not a decorum plugin"
load_error half "$ABI/broken_half_score.so" -- \
  "decorum score: plugin 'half': $ABI/broken_half_score.so: declares the score capability but has no score function"
load_error refuser "$ABI/broken_create_fails.so" '{threshold: -1}' -- \
  "decorum score: plugin 'refuser': create failed: threshold must be positive (got {\"threshold\":-1})"
load_error tp "$TP" '{create_fail: "no database configured"}' -- \
  "decorum score: plugin 'tp': create failed: no database configured"
# Not a shared object at all.
echo "not an ELF file" >fake.so
load_error fake "$TMP/fake.so" -- "decorum score: plugin 'fake': cannot load $TMP/fake.so: "
# A mistake in the plugins: section itself is a configuration error (exit 2), naming it.
printf 'plugins:\n  - name: tp\n    pth: %s\n' "$TP" >typo.yaml
run_decorum typo.stdout typo.err score --config typo.yaml --progress never -o typo.out one.ndjson
expect_rc 2 typo.err
assert_contains typo.err "plugins[0].pth: unknown key" "a typo in plugins: names the key"
printf 'plugins:\n  - {name: a, path: %s}\n  - {name: a, path: %s}\n' "$TP" "$TP" >twice.yaml
run_decorum twice.stdout twice.err score --config twice.yaml --progress never -o twice.out one.ndjson
expect_rc 2 twice.err
assert_contains twice.err "plugins[1].name: 'a' is used twice" "two instances with one name"

# --- flush fails: exit 1, and no record is written ------------------------------------------------
cat >leaky.yaml <<YAML
plugins:
  - name: leaky
    path: $TP
    config: {flush_fail: true, delta: 1}
YAML
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "{\"id\":\"l%d\",\"text\":\"lovely cha-cha tonight %d\"}\n", i, i }' >leaky.ndjson
run_decorum leaky.stdout leaky.err score --config leaky.yaml --progress never -o leaky.out leaky.ndjson
expect_rc 1 leaky.err
assert_contains leaky.err "decorum score: plugin 'leaky': flush failed: disk full (test plugin); stopped before writing the records of lines 1 and later" "flush failure: the message names the plugin, the cause and the lines"
assert_eq "$(line_count leaky.out 2>/dev/null || echo missing)" 0 "flush failure: no record was written"
assert_contains leaky.err "plugin leaky:" "flush failure: the summary is still printed"

# --- a store that refuses a decision: that comment gets an error record, the rest go on ----------
cat >picky_store.yaml <<YAML
plugins:
  - name: store
    path: $TP
    config: {act_fail_text: REFUSE, log: $TMP/store.log}
YAML
printf '%s\n' '{"id":"s1","text":"lovely"}' '{"id":"s2","text":"idiot REFUSE"}' '{"id":"s3","text":"idiot"}' >store.ndjson
run_decorum store.stdout store.err score --config picky_store.yaml --progress never -o store.out store.ndjson
expect_rc 0 store.err
assert_eq "$(line_count store.out)" 3 "a refused decision: still one record per line"
assert_eq "$(sed -n 2p store.out)" '{"id":"s2","line":2,"action":"error","error":"plugin '"'store'"': on_decision failed: store full (test plugin); the decision (flag) was not stored: send the comment again"}' \
  "a refused decision: the record is an error naming the plugin, not a decision the store never took"
assert_eq "$(field "$(sed -n 3p store.out)" action)" flag "a refused decision: the next comment is decided"
assert_eq "$(cat store.log)" "$(printf 's1 allow\ns3 flag')" "a refused decision: the store holds the others"
assert_contains store.err "error 1 (1 not stored by a plugin)" "a refused decision: the summary counts it"

# --- --threads 2 == --threads 1, byte for byte, with plugins -----------------------------------------
cat >det.yaml <<YAML
plugins:
  - name: tp
    path: $TP
    config: {delta: 0.25, label: det, reason: "deterministic", fail_text: "cha-cha 7"}
  - name: floor
    path: $TP
    config: {floor: flag, fail_text: THROWME, throw_text: "number 9"}
YAML
awk 'BEGIN {
  split("lovely cha-cha|Anna Delvey is an idiot|the judges were harsh THROWME|Maks is an idiot|Delvey should be shot", t, "|")
  for (i = 1; i <= 6000; i++) printf "{\"id\":\"d%d\",\"text\":\"%s %d number %d\"}\n", i, t[i % 5 + 1], i, i % 10 }' >det.ndjson
run_decorum det1.stdout det1.err score --config det.yaml --progress never --threads 1 -o det1.out det.ndjson
expect_rc 0 det1.err
run_decorum det2.stdout det2.err score --config det.yaml --progress never --threads 2 -o det2.out det.ndjson
expect_rc 0 det2.err
assert_eq "$(line_count det1.out)" 6000 "threads 1: one record per line"
assert_same_file det1.out det2.out "--threads 2 output == --threads 1 output with plugins"
assert_ge "$(count_matching det1.out '"error":')" 100 "the deterministic run exercises plugin errors too"
clean=$(grep -cvE 'cha-cha 7|THROWME|number 9' det.ndjson || true)
assert_eq "$(grep -c '"plugins":\[{"name":"tp","score":0.25,"labels":\["det"\],"reason":"deterministic"},{"name":"floor","score":0,"action":"flag"}\]' det1.out || true)" "$clean" "both plugin results on every comment no plugin failed on"

finish
