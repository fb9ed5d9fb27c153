#!/usr/bin/env bash
# Checks the test runners themselves: each must fail when it runs no test (node --test on a
# folder without tests, ctest on a folder that registers none, a Catch2 filter that matches
# nothing, fuzzing with no target), and count what does run. scripts/test.sh runs it first,
# so that a stage cannot pass by testing nothing.
#
#   scripts/test-runners.sh [NATIVE_BUILD_DIR]   (default build/native, built with its tests)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source scripts/lib/test-counts.sh
build=${1:-build/native}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
checks=0 failures=0

# expect fails|passes DESCRIPTION COUNTS COMMAND...: runs COMMAND (its counts kept out of
# test.sh's summary) and checks its exit status and its count line, which must end in COUNTS
# ("2 ran, 1 passed, 0 failed, 1 skipped"): a failure for another reason is no pass.
expect() {
  local want=$1 description=$2 counts=$3
  shift 3
  local output status=0
  output=$(env -u LLMUX_TEST_COUNTS "$@" 2>&1) || status=$?
  checks=$((checks + 1))
  if [[ ($want == fails && $status -ne 0) || ($want == passes && $status -eq 0) ]] &&
    grep -q ": $counts\$" <<<"$output"; then
    echo "ok      $description"
    return
  fi
  failures=$((failures + 1))
  echo "FAILED  $description (exit status $status; expected it to $want with \"$counts\")"
  tail -n 20 <<<"$output" | sed 's/^/        /'
}

mkdir -p "$scratch/empty" "$scratch/no-test" "$scratch/two-tests"
echo 'console.log("this file declares no test");' >"$scratch/no-test/no-test.test.mjs"
cat >"$scratch/two-tests/two.test.mjs" <<'EOF'
import test from 'node:test';
test('runs', () => {});
test('is skipped', { skip: true }, () => {});
EOF
# The examples' tests, as ctest itself counts them (no subfolder registers tests).
examples=$(ctest --test-dir "$build/examples" -N | sed -n 's/^Total Tests: //p')

expect fails "node --test on an empty folder fails" "0 ran, 0 passed, 0 failed, 0 skipped" \
  scripts/node-test.sh empty "$scratch/empty/"
expect fails "node --test on a file that declares no test fails" "1 ran, 0 passed, 1 failed, 0 skipped" \
  scripts/node-test.sh no-test "$scratch/no-test/"
expect passes "node --test counts a pass and a skip" "2 ran, 1 passed, 0 failed, 1 skipped" \
  scripts/node-test.sh two-tests "$scratch/two-tests/"
expect fails "ctest on a folder that registers no test fails" "0 ran, 0 passed, 0 failed, 0 skipped" \
  scripts/ctest-run.sh core "$build" core
expect passes "ctest runs and counts one folder's tests" "$examples ran, $examples passed, 0 failed, 0 skipped" \
  scripts/ctest-run.sh examples "$build" examples
expect fails "a Catch2 filter that matches nothing fails" "0 ran, 0 passed, 0 failed, 0 skipped" \
  scripts/catch2-run.sh catch2 "$build/tests/llmux_tests" '[no such tag]'
expect fails "fuzzing with no target fails" "0 ran, 0 passed, 0 failed, 0 skipped" \
  env FUZZ_TARGETS=' ' scripts/fuzz.sh 1

report_counts "runner self-check" "$checks" $((checks - failures)) "$failures" 0
((failures == 0))
