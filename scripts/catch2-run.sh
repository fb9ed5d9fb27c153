#!/usr/bin/env bash
# Runs one Catch2 (v2) test program and fails when it ran no test case: a filter that matches
# nothing, or a program built without its tests, fails instead of passing with nothing checked.
#
#   scripts/catch2-run.sh LABEL PROGRAM [CATCH2 ARGUMENTS...]
#   scripts/catch2-run.sh "sanitizers" build/asan/tests/llmux_tests "~[split]"
#
# Prints the program's report, then "LABEL: N ran, N passed, N failed, N skipped".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/test-counts.sh"

if (($# < 2)); then
  echo "usage: scripts/catch2-run.sh LABEL PROGRAM [CATCH2 ARGUMENTS...]" >&2
  exit 2
fi
label=$1
program=$2
shift 2

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# -w NoTests: Catch2's own exit status fails too when nothing ran.
"$program" -w NoTests "$@" | tee "$log" || status=$?

# Catch2's last lines: "All tests passed (119 assertions in 7 test cases)", or
# "test cases: 7 | 5 passed | 2 failed" (a count that is zero is left out), or "No tests ran".
if summary=$(grep -E '^All tests passed \(' "$log" | tail -n 1) && [[ -n $summary ]]; then
  ran=$(sed -E 's/.* in ([0-9]+) test cases?\)$/\1/' <<<"$summary")
  passed=$ran failed=0
else
  summary=$(grep -E '^test cases: ' "$log" | tail -n 1 || true)
  ran=$(sed -nE 's/^test cases: +([0-9]+).*/\1/p' <<<"$summary")
  passed=$(sed -nE 's/.*\| +([0-9]+) passed.*/\1/p' <<<"$summary")
  failed=$(sed -nE 's/.*\| +([0-9]+) failed.*/\1/p' <<<"$summary")
fi
report_counts "$label" "${ran:-0}" "${passed:-0}" "${failed:-0}" 0 || status=1
exit "$status"
