#!/usr/bin/env bash
# Builds the Catch2 suite with AddressSanitizer and UndefinedBehaviorSanitizer and runs it.
# Exits non-zero on a failed test, any sanitizer report, or a run of no test at all
# (scripts/catch2-run.sh).
#
#   scripts/test-sanitizers.sh [CATCH2 ARGUMENTS...]
#
# Arguments go to the test program: "~[split]" leaves out the slow split-at-every-byte
# conformance tests, "[split]" runs only them, "-d yes" prints each test's duration.
# Builds with clang++ (CXX overrides) in build/asan.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

configure_and_build() { # BUILD_DIR COMPILER
  local generator=()
  if command -v ninja >/dev/null && [[ ! -f $1/CMakeCache.txt ]]; then
    generator=(-G Ninja)
  fi
  # Debug info for the reports' stack traces; -O1 keeps the split tests bearable while
  # leaving assertions on.
  cmake -S "$root" -B "$1" "${generator[@]}" -DCMAKE_CXX_COMPILER="$2" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
    -DLLMUX_SANITIZE=ON -DLLMUX_BUILD_TESTS=ON -DLLMUX_BUILD_BENCH=OFF &&
    cmake --build "$1" --target llmux_tests
}

build=$root/build/asan
configure_and_build "$build" "${CXX:-clang++}"

# Leaks count as failures; the first report of either sanitizer stops the run with a stack.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}

start=$(date +%s)
status=0
"$root/scripts/catch2-run.sh" "sanitizers (ASan, UBSan)" "$build/tests/llmux_tests" "$@" || status=$?
echo "sanitizer suite ($build): $(($(date +%s) - start)) s, exit status $status"
exit "$status"
