#!/usr/bin/env bash
# Sanitizer builds for CI (SPEC §10, issue 6):
#  1. ASan+UBSan: the whole project and every unit and integration test.
#  2. TSan: the tests that run threads (the batch scorer's workers in the unit tests, and
#     the integration tests, which run the real binary with its default of all cores).
# Exits non-zero when a build fails, a test fails, or a sanitizer reports anything — also
# from a test that expected the binary to fail, since reports are written to files
# (log_path) and checked after ctest, not read off the exit status alone.
#
# Usage: tests/sanitize.sh [BUILD_ROOT]     (default: ./build-sanitize)
#   builds in BUILD_ROOT/asan and BUILD_ROOT/tsan; reports land in */sanitizer-reports/.
#   SANITIZE_ONLY=asan|tsan        runs one of the two.
#   TSAN_TESTS=REGEX               ctest -R filter for the TSan run (default below).
#   CXX=g++                        another compiler (default: clang++ when installed); the C
#                                  compiler (for the C test plugins) follows it: CC=gcc for
#                                  g++, clang for clang++ — one sanitizer runtime per process.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_ROOT=${1:-$SRC_DIR/build-sanitize}
ONLY=${SANITIZE_ONLY:-}
# The concurrent tests: BatchScorer's threads=1/2/3 runs, the daemon's io thread pool,
# anything named for threads, and every integration test (each runs `decorum` with one
# worker per core).
TSAN_TESTS=${TSAN_TESTS:-'BatchScorer|IoContextPool|DurabilityQueue|[Tt]hread|Concurren|^integration\.'}

if [ -z "${CXX:-}" ]; then
  CXX=$(command -v clang++ || command -v clang++-14 || command -v g++)
fi
if [ -z "${CC:-}" ]; then
  # Modules built by another compiler would bring another ASan/TSan runtime into the
  # process ("incompatible ASan runtimes"): the C compiler must match the C++ one.
  case "$(basename "$CXX")" in
    clang++*) CC="$(dirname "$CXX")/$(basename "$CXX" | sed 's/clang++/clang/')" ;;
    g++*) CC="$(dirname "$CXX")/$(basename "$CXX" | sed 's/g++/gcc/')" ;;
    *) CC=cc ;;
  esac
fi
GENERATOR=()
if command -v ninja >/dev/null 2>&1; then GENERATOR=(-G Ninja); fi
SYMBOLIZER=$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)

# configure_and_build NAME SANITIZERS
configure_and_build() {
  local dir="$BUILD_ROOT/$1"
  local gen=("${GENERATOR[@]}")
  if [ -f "$dir/CMakeCache.txt" ]; then gen=(); fi  # keep the generator it was made with
  echo "sanitize: building $1 (-fsanitize=$2) in $dir with $CXX"
  mkdir -p "$dir"
  cmake -S "$SRC_DIR" -B "$dir" "${gen[@]}" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDECORUM_BUILD_TESTS=ON -DDECORUM_BUILD_BENCH=OFF \
    -DDECORUM_SANITIZE="$2" \
    >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log" >&2; return 1; }
  cmake --build "$dir" -j2
}

# run_tests NAME [ctest args...]: runs ctest with reports going to files, then fails if
# any report was written. The slowest test takes about 7 s under ASan; --timeout keeps a
# hung one from eating the CI budget (ctest's default is 1500 s).
run_tests() {
  local name=$1
  local dir="$BUILD_ROOT/$name"
  shift
  local reports="$dir/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  local common="log_path=$reports/report:symbolize=1${SYMBOLIZER:+:external_symbolizer_path=$SYMBOLIZER}"
  local rc=0
  ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1" \
  UBSAN_OPTIONS="$common:print_stacktrace=1:halt_on_error=1" \
  TSAN_OPTIONS="$common:halt_on_error=0:second_deadlock_stack=1" \
    ctest --test-dir "$dir" --output-on-failure -j2 --timeout 300 "$@" || rc=$?
  if compgen -G "$reports/report*" >/dev/null; then
    echo "sanitize: $name: sanitizer reports:" >&2
    for f in "$reports"/report*; do
      echo "---- $f" >&2
      head -n 80 "$f" >&2
    done
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "sanitize: $name FAILED" >&2
  else
    echo "sanitize: $name passed with no sanitizer report"
  fi
  return "$rc"
}

status=0
if [ -z "$ONLY" ] || [ "$ONLY" = asan ]; then
  if configure_and_build asan address,undefined; then
    run_tests asan || status=1
  else
    status=1
  fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = tsan ]; then
  if configure_and_build tsan thread; then
    run_tests tsan -R "$TSAN_TESTS" || status=1
  else
    status=1
  fi
fi
exit "$status"
