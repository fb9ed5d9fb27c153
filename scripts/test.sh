#!/usr/bin/env bash
# Runs every test of llmux: the native Catch2 suites (the core, the native driver), the
# examples and the docs' C++ examples with ctest, the core's suite under AddressSanitizer and
# UndefinedBehaviorSanitizer, the fuzzers for a bounded time, the Wasm module's tests under
# Node, the npm package in Deno, Bun, workerd, Vercel's edge runtime and Chromium, the browser
# chat, the provider simulator, the CLI, and the docs' links.
# Installs what is missing first (scripts/setup.sh), and checks first that every runner fails
# when it runs no test (scripts/test-runners.sh). A failed stage does not stop the next ones;
# the summary at the end gives each stage's counts and time, and the exit status is non-zero
# when any stage failed.
#
#   LLMUX_FUZZ_SECONDS  seconds per fuzz target (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT
export LLMUX_TEST_COUNTS=$counts # where the runners write their counts (scripts/lib/test-counts.sh)

summary=() # one line per stage: NAME, STATUS, SECONDS, RAN, PASSED, FAILED, SKIPPED (tab-separated)
failed_stages=0

# stage NAME COMMAND...: runs one stage and keeps its time, status and the counts its runner
# reported (none for a build).
stage() {
  local name=$1
  shift
  printf '\n=== %s (%s)\n' "$name" "$(date +%T)"
  local start=$SECONDS lines status=0
  lines=$(wc -l <"$counts")
  "$@" || status=$?
  local result=ok
  ((status == 0)) || { result=FAILED; failed_stages=$((failed_stages + 1)); }
  local reported
  reported=$(tail -n +$((lines + 1)) "$counts" | cut -f2- | tail -n 1)
  summary+=("$(printf '%s\t%s\t%d\t%s' "$name" "$result" $((SECONDS - start)) "${reported:-$'-\t-\t-\t-'}")")
}

native_build() {
  echo "building build/native (Release, with tests, benchmarks and examples): a few minutes the first time"
  cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLMUX_BUILD_TESTS=ON \
    -DLLMUX_BUILD_BENCH=ON -DLLMUX_FUZZ=OFF -DLLMUX_SANITIZE=OFF >/dev/null &&
    ninja -C build/native
}

print_summary() {
  local line name result seconds ran passed failed skipped
  local total_ran=0 total_passed=0 total_failed=0 total_skipped=0
  printf '\n%-24s %7s %7s %7s %7s %7s  %s\n' stage tests passed failed skipped seconds result
  for line in "${summary[@]}"; do
    IFS=$'\t' read -r name result seconds ran passed failed skipped <<<"$line"
    printf '%-24s %7s %7s %7s %7s %7d  %s\n' "$name" "$ran" "$passed" "$failed" "$skipped" \
      "$seconds" "$result"
    if [[ $ran != - ]]; then
      total_ran=$((total_ran + ran)) total_passed=$((total_passed + passed))
      total_failed=$((total_failed + failed)) total_skipped=$((total_skipped + skipped))
    fi
  done
  printf '%-24s %7d %7d %7d %7d %7d  %s\n' total "$total_ran" "$total_passed" "$total_failed" \
    "$total_skipped" $((SECONDS - started)) \
    "$( ((failed_stages == 0)) && echo "all passed" || echo "FAILED: $failed_stages of ${#summary[@]} stages")"
}

stage "setup" scripts/setup.sh
((failed_stages == 0)) || { print_summary; exit 1; } # nothing runs without it
source scripts/lib/node-env.sh
echo "node $(node --version) ($(command -v node))"

stage "native build" native_build
stage "runner self-check" scripts/test-runners.sh build/native
stage "native core" scripts/ctest-run.sh "native core" build/native tests
stage "native driver" scripts/ctest-run.sh "native driver" build/native tests/native
stage "native examples" scripts/ctest-run.sh "native examples" build/native examples
stage "docs examples" scripts/ctest-run.sh "docs examples" build/native tests/docs
stage "sanitizers" scripts/test-sanitizers.sh
stage "fuzzing (targets)" scripts/fuzz.sh "${LLMUX_FUZZ_SECONDS:-8}"
stage "wasm" scripts/test-wasm.sh
stage "runtimes" scripts/test-runtimes.sh
stage "edge gateway" scripts/node-test.sh "edge gateway" tests/edge/
stage "browser chat" scripts/test-web.sh
stage "simulator" scripts/node-test.sh "simulator" tests/simulator/
stage "CLI" env LLMUX_CLI=build/native/cli/llmux scripts/node-test.sh "CLI" tests/cli/
stage "bench harness" scripts/node-test.sh "bench harness" tests/bench/
stage "docs" scripts/node-test.sh "docs" tests/docs/

print_summary
((failed_stages == 0))
