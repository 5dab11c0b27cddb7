#!/usr/bin/env bash
# Start-up: time to ready with an empty database cache (cold: compile) and with the
# on-disk cache (second start), for the default pack and a generated 10,000-pattern set.
# SPEC §10: under 0.5 s with 10,000 patterns and the cache. The measurement is the
# start-up half of the rule-set scale scenario (bench/scale/run.sh), without throughput.
#
# Usage: bench/startup/run.sh [BUILD_DIR]    (default: build)
# Environment: BENCH_SCALE_SETS="default 10000"
set -euo pipefail
BENCH_SCALE_THROUGHPUT=0 BENCH_SCALE_SETS=${BENCH_SCALE_SETS:-default 10000} \
  exec "$(dirname "$0")/../scale/run.sh" "${1:-build}" 1
