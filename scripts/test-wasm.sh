#!/usr/bin/env bash
# Builds the Wasm module (release and debug, scripts/build-wasm.sh) and runs the Node tests
# in tests/js/ against both builds.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/build-wasm.sh
scripts/node-test.sh "wasm (tests/js)" tests/js/
