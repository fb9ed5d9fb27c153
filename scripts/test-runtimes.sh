#!/usr/bin/env bash
# Runs the npm package in every JavaScript runtime against the provider simulator
# (tests/runtimes/): Node, Deno, Bun, workerd, Vercel's edge-runtime and Chromium, the
# examples in examples/js/, and the typings with tsc. Expects the package built (dist/, by
# scripts/build-wasm.sh, which scripts/test-wasm.sh runs) and the runtimes installed
# (scripts/setup.sh: npm ci, and Debian's chromium).
#
#   LLMUX_PACKAGE_DIR  the package folder to test, relative to the repository (default dist)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

package=${LLMUX_PACKAGE_DIR:-dist}
if [[ ! -f $package/index.mjs || ! -f $package/llmux-core.wasm ]]; then
  echo "test-runtimes: $package/ holds no built package: run scripts/build-wasm.sh" >&2
  exit 1
fi
export LLMUX_PACKAGE_DIR=$package

# Two files at a time: each test file starts its own runtime processes, and Chromium's
# files wait on the browser more than on the CPU.
scripts/node-test.sh "runtimes (tests/runtimes)" --test-concurrency=2 tests/runtimes/
