#!/usr/bin/env bash
# Runs with ctest the tests that one folder of a CMake build registers (its own, not its
# subfolders'), in parallel, and fails when there are none: a build configured without its
# tests, or a test program that lists no test, fails instead of passing with nothing checked.
#
#   scripts/ctest-run.sh LABEL BUILD_DIR FOLDER
#   scripts/ctest-run.sh "native core" build/native tests          # llmux_tests
#   scripts/ctest-run.sh "native driver" build/native tests/native  # llmux_native_tests
#
# Prints ctest's report, then "LABEL: N ran, N passed, N failed, N skipped".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/node-env.sh" # the driver's end-to-end tests start the simulator with node
source "$root/scripts/lib/test-counts.sh"

if (($# != 3)); then
  echo "usage: scripts/ctest-run.sh LABEL BUILD_DIR FOLDER" >&2
  exit 2
fi
label=$1
build=$(cd "$2" && pwd)
folder=$build/$3

# ctest runs a folder's tests with those of every folder below it; the tests of one folder are
# the ones whose working directory it is (catch_discover_tests and add_test set it), picked
# by their numbers.
numbers=$(ctest --test-dir "$build" --show-only=json-v1 | python3 -c '
import json, sys
tests = json.load(sys.stdin)["tests"]
print(",".join(str(number) for number, test in enumerate(tests, 1)
               if {"name": "WORKING_DIRECTORY", "value": sys.argv[1]} in test.get("properties", [])))
' "$folder")
if [[ -z $numbers ]]; then
  report_counts "$label" 0 0 0 0 || true
  exit 1 # no test: and ctest, given no numbers, would run every test of the build
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# -I START,END,STRIDE,NUMBER...: no range (0,0,0), only the numbers.
ctest --test-dir "$build" -I "0,0,0,$numbers" --no-tests=error --output-on-failure \
  -j "$(nproc)" | tee "$log" || status=$?

# "99% tests passed, 3 tests failed out of 408"
ran=$(sed -n 's/.* tests failed out of \([0-9][0-9]*\)$/\1/p' "$log" | tail -n 1)
failed=$(sed -n 's/.* tests passed, \([0-9][0-9]*\) tests failed out of .*/\1/p' "$log" | tail -n 1)
# Skipped and disabled tests count as neither passed nor failed, and are listed as such.
skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .* \((Skipped|Disabled)\)$' "$log" || true)
ran=${ran:-0} failed=${failed:-0}
report_counts "$label" "$ran" $((ran - failed - skipped)) "$failed" "$skipped" || status=1
exit "$status"
