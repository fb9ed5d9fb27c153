#!/usr/bin/env bash
# Prints the names of the libFuzzer targets, space-separated: the LLMUX_FUZZ_TARGETS list of
# tests/fuzz/CMakeLists.txt, which builds them. scripts/fuzz.sh and scripts/fuzz-corpora.sh
# read it here, so that a target added there is built, seeded and run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sed -n '/^set(LLMUX_FUZZ_TARGETS/,/^)/{/^set(/d;/^)/d;s/#.*//;p}' "$root/tests/fuzz/CMakeLists.txt" | xargs
