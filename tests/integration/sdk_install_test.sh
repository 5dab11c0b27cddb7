#!/usr/bin/env bash
# The installed plugin SDK (issue 4): `cmake --install` puts decorum/plugin.h, plugin.hpp
# and a CMake package config under a prefix; a plugin in a separate folder
# (tests/sdk/example_plugin) builds against that prefix with find_package(decorum) alone,
# and decorum loads it and reports its results.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
init "$@"
require_tool cmake
[ -n "${DECORUM_BUILD_DIR:-}" ] || fatal "DECORUM_BUILD_DIR is not set (ctest sets it)"

cmake --install "$DECORUM_BUILD_DIR" --prefix "$TMP/prefix" >install.log 2>&1 ||
  { show install.log; fatal "cmake --install failed"; }
for f in include/decorum/plugin.h include/decorum/plugin.hpp; do
  if [ -f "$TMP/prefix/$f" ]; then ok; else fail "installed $f"; fi
done
if ls "$TMP"/prefix/lib*/cmake/decorum/decorumConfig.cmake >/dev/null 2>&1; then ok; else fail "installed decorumConfig.cmake"; fi
if ls "$TMP"/prefix/lib*/decorum/plugins/pile_on.so >/dev/null 2>&1; then ok; else fail "shipped plugins installed"; fi

# Build the example from a copy outside the source tree, so nothing but the prefix helps.
cp -r "$ROOT/tests/sdk/example_plugin" "$TMP/src"
cmake -S "$TMP/src" -B "$TMP/ex" -DCMAKE_PREFIX_PATH="$TMP/prefix" -DCMAKE_BUILD_TYPE=Release \
  >configure.log 2>&1 || { show configure.log; fatal "configuring the out-of-tree plugin failed"; }
assert_matches configure.log "plugin ABI 1\.[0-9]+" "find_package(decorum) reports the ABI version"
cmake --build "$TMP/ex" >build.log 2>&1 || { show build.log; fatal "building the out-of-tree plugin failed"; }
[ -f "$TMP/ex/shouting.so" ] || fatal "no shouting.so built"
exported=$(nm -D --defined-only "$TMP/ex/shouting.so" | awk '$2 == "T" { print $3 }' | tr '\n' ' ')
assert_eq "$exported" "decorum_plugin_entry " "the plugin exports only its entry symbol"

cat >cfg.yaml <<YAML
plugins:
  - {name: shouting, path: $TMP/ex/shouting.so}
YAML
printf '%s\n' '{"id":"a","text":"WHY IS EVERYONE SO MEAN TO HER"}' '{"id":"b","text":"lovely waltz tonight"}' >in.ndjson
run_decorum out err score --config cfg.yaml in.ndjson -o out.ndjson
expect_rc 0 err
assert_contains out.ndjson '"plugins":[{"name":"shouting","score":1,"labels":["shouting"],"reason":"100% capital letters"}]' \
  "the out-of-tree plugin's result is in the decision"
assert_contains out.ndjson '{"id":"b","action":"allow","score":0,"targets":[],"hits":[],"plugins":[]' "a quiet comment gets no plugin result"
assert_matches err "plugin shouting: 2 score calls \(0 failed\)" "the summary counts its calls"
finish
