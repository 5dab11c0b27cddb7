#!/usr/bin/env bash
# Fuzz smoke test for CI: builds every libFuzzer target with clang (ASan+UBSan) and runs
# each for a short fixed time from its seed corpus. Exits non-zero when a target crashes,
# trips a sanitizer, leaks, times out on one input or runs out of memory; the input that
# did it is saved under BUILD_DIR/fuzz-artifacts/<target>/.
#
# Usage: tests/fuzz/smoke.sh BUILD_DIR [SECONDS_PER_TARGET]     (default 20 s)
#   FUZZ_TARGETS="fuzz_normalizer fuzz_line_reader"  runs only those targets.
# The seed corpus in tests/fuzz/corpus/ is read, never written: inputs the run discovers
# go to BUILD_DIR/fuzz-corpus/<target>/, which later runs in the same BUILD_DIR reuse.
# README.md in this folder describes longer runs and how to turn a crash into a test.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 BUILD_DIR [SECONDS_PER_TARGET]" >&2
  exit 2
fi
BUILD_DIR=$1
SECONDS_PER_TARGET=${2:-20}
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
FUZZ_DIR="$SRC_DIR/tests/fuzz"
TARGETS=${FUZZ_TARGETS:-fuzz_comment_decoder fuzz_normalizer fuzz_rule_loader fuzz_line_reader fuzz_http_request fuzz_plugin_config}

# libFuzzer needs clang; Debian's clang package provides clang++, clang-14 clang++-14.
CXX_BIN=""
for c in clang++ clang++-14; do
  if command -v "$c" >/dev/null 2>&1; then CXX_BIN=$(command -v "$c"); break; fi
done
if [ -z "$CXX_BIN" ]; then
  echo "fuzz smoke: clang++ not found (deploy/bootstrap.sh installs it)" >&2
  exit 1
fi

GENERATOR=()
if command -v ninja >/dev/null 2>&1; then GENERATOR=(-G Ninja); fi
# A build dir configured before keeps its generator; asking for another one fails.
if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then GENERATOR=(); fi

echo "fuzz smoke: configuring $BUILD_DIR with $CXX_BIN"
mkdir -p "$BUILD_DIR"
cmake -S "$SRC_DIR" -B "$BUILD_DIR" "${GENERATOR[@]}" \
  -DCMAKE_CXX_COMPILER="$CXX_BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDECORUM_FUZZ=ON -DDECORUM_BUILD_TESTS=OFF >"$BUILD_DIR/configure.log" 2>&1 || {
  cat "$BUILD_DIR/configure.log" >&2
  exit 1
}
# shellcheck disable=SC2086  # TARGETS is a word list
cmake --build "$BUILD_DIR" -j2 --target $TARGETS

# Sanitizer reports must end the run (libFuzzer then saves the input) and be readable.
SYMBOLIZER=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:symbolize=1${SYMBOLIZER:+:external_symbolizer_path=$SYMBOLIZER}"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=1${SYMBOLIZER:+:external_symbolizer_path=$SYMBOLIZER}"

failed=()
for t in $TARGETS; do
  bin="$BUILD_DIR/tests/fuzz/$t"
  seeds="$FUZZ_DIR/corpus/$t"
  work="$BUILD_DIR/fuzz-corpus/$t"
  artifacts="$BUILD_DIR/fuzz-artifacts/$t"
  log="$BUILD_DIR/fuzz-logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dict=()
  if [ -f "$FUZZ_DIR/$t.dict" ]; then dict=(-dict="$FUZZ_DIR/$t.dict"); fi
  echo "fuzz smoke: $t for ${SECONDS_PER_TARGET}s (log: $log)"
  # -timeout: one input taking longer is a stall, reported like a crash. The first corpus
  # directory receives new inputs; the seed directory after it is only read.
  # timeout(1) is a backstop: on an out-of-memory input, ASan's heap profile (printed
  # before libFuzzer saves the input) can take many minutes on a large heap.
  if timeout -k 10 $((SECONDS_PER_TARGET + 300)) \
       "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=25 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
       "$work" "$seeds" >"$log" 2>&1; then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' ' || true
    echo
  else
    echo "fuzz smoke: $t FAILED; its report:" >&2
    grep -v -E '^#[0-9]+' "$log" | tail -n 60 >&2
    ls -1 "$artifacts" >&2 || true
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz smoke: FAILED: ${failed[*]} (inputs under $BUILD_DIR/fuzz-artifacts/)" >&2
  exit 1
fi
echo "fuzz smoke: all targets ran ${SECONDS_PER_TARGET}s without a crash"
