#!/usr/bin/env bash
# Installs every Debian 12 package decorum needs to build, test and benchmark.
# Idempotent: packages already present are skipped by apt-get; safe to re-run.
# Usage: deploy/bootstrap.sh            (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # engine libraries (SPEC §3)
  libboost-program-options-dev libboost-system-dev libboost-dev
  libyaml-cpp-dev libhyperscan-dev libspdlog-dev libfmt-dev
  libsimdjson-dev libicu-dev libsqlite3-dev zlib1g-dev libzstd-dev
  # the escalate plugin's webhook client
  libcurl4-openssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing and sanitizer builds (tests/fuzz/smoke.sh, tests/sanitize.sh): clang with
  # libFuzzer and the sanitizer runtimes, and llvm for llvm-symbolizer (readable reports)
  clang libclang-rt-14-dev llvm
  # real clients used by the integration tests
  socat curl sqlite3 zstd gzip prometheus time
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
