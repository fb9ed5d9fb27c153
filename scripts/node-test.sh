#!/usr/bin/env bash
# Runs `node --test` and fails when it ran no test: node itself passes a run that found no test
# file, or whose files hold no test. Every `node --test` stage of the scripts goes through here.
#
#   scripts/node-test.sh LABEL [NODE --test OPTIONS] PATH...
#   scripts/node-test.sh "simulator" tests/simulator/
#
# Prints node's spec report, then "LABEL: N ran, N passed, N failed, N skipped" (the counts
# of node's TAP summary; todo tests count as skipped, cancelled ones as failed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/node-env.sh"
source "$root/scripts/lib/test-counts.sh"

if (($# < 2)); then
  echo "usage: scripts/node-test.sh LABEL [NODE --test OPTIONS] PATH..." >&2
  exit 2
fi
label=$1
shift

# The spec report for people, the TAP report to a file for the counts. A test file that hangs
# fails after 10 minutes (node's timeout applies to each file, whose tests here take seconds)
# instead of holding the whole run until CI kills it without a summary.
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
node --test --test-timeout=600000 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "$@" || status=$?

# The summary closes the TAP report ("# tests 12", "# pass 11", ...); a test's own output can
# print such lines too, so the last of each counts.
summary() { sed -n "s/^# $1 \([0-9][0-9]*\)\$/\1/p" "$tap" | tail -n 1; }
tests=$(summary tests) passed=$(summary pass) failed=$(summary fail)
cancelled=$(summary cancelled) skipped=$(summary skipped) todo=$(summary todo)
tests=${tests:-0} passed=${passed:-0} failed=$((${failed:-0} + ${cancelled:-0}))

# Node reports a test file that declares no test as one passing test named by the file's
# path: such a file tests nothing, and counts as failed here.
while IFS= read -r file; do
  if [[ -f $file ]]; then
    echo "$label: $file declares no test" >&2
    passed=$((passed - 1)) failed=$((failed + 1)) status=1
  fi
done < <(sed -n 's/^ok [0-9][0-9]* - \(\/.*\)$/\1/p' "$tap")

report_counts "$label" "$tests" "$passed" "$failed" $((${skipped:-0} + ${todo:-0})) || status=1
exit "$status"
