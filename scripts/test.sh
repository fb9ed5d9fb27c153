#!/usr/bin/env bash
# Runs every test of llmux: the native Catch2 suite and CLI tests, the same suite under
# AddressSanitizer and UndefinedBehaviorSanitizer, the fuzzers for a bounded time, and the
# Wasm module's tests under Node, the npm package in Deno, Bun, workerd, Vercel's edge runtime
# and Chromium. Installs what is missing first (scripts/setup.sh).
#
#   LLMUX_FUZZ_SECONDS  seconds per fuzz target (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }
started=$SECONDS

stage "setup"
scripts/setup.sh

stage "native build"
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/native

stage "native tests"
ctest --test-dir build/native --output-on-failure -j "$(nproc)"

stage "sanitizers"
scripts/test-sanitizers.sh

stage "fuzzing"
scripts/fuzz.sh "${LLMUX_FUZZ_SECONDS:-8}"

stage "wasm"
scripts/test-wasm.sh

stage "runtimes"
scripts/test-runtimes.sh

stage "simulator"
node --test tests/simulator/

stage "CLI"
LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

printf '\nall tests passed in %d s\n' $((SECONDS - started))
