# shellcheck shell=bash
# Sourced by the test runners (scripts/node-test.sh, scripts/ctest-run.sh,
# scripts/test-sanitizers.sh, scripts/fuzz.sh): one way to report what a run of tests did and
# to refuse a run that tested nothing.
#
# When LLMUX_TEST_COUNTS names a file (scripts/test.sh sets it), each report is also appended
# to it as one tab-separated line, LABEL RAN PASSED FAILED SKIPPED, for test.sh's summary.

# report_counts LABEL RAN PASSED FAILED SKIPPED: prints the counts; fails when no test passed,
# so that a runner that found no tests (an empty directory, a filter that matches nothing, a
# build without its tests) fails instead of passing with nothing checked.
report_counts() {
  local label=$1 ran=${2:-0} passed=${3:-0} failed=${4:-0} skipped=${5:-0}
  echo "$label: $ran ran, $passed passed, $failed failed, $skipped skipped"
  if [[ -n ${LLMUX_TEST_COUNTS:-} ]]; then
    printf '%s\t%d\t%d\t%d\t%d\n' "$label" "$ran" "$passed" "$failed" "$skipped" >>"$LLMUX_TEST_COUNTS"
  fi
  if ((passed == 0)); then
    ((failed > 0)) || echo "$label: no test ran: a run that tests nothing is a failure" >&2
    return 1
  fi
}
