#!/usr/bin/env bash
# The npm package's JavaScript benchmarks (bench/js/), llmux against the raw JavaScript floor,
# the official `openai` SDK and the Vercel AI SDK; prints each benchmark's tables, then a
# summary table with the ratios and the issue's targets. Asserts nothing and is not part of
# scripts/test.sh or CI: timings depend on the machine and on what else runs on it.
#
#   scripts/build-wasm.sh && scripts/bench-js.sh          # measures the payload in dist/
#   LLMUX_PACKAGE_DIR=build/wasm-release/wasm scripts/bench-js.sh   # another payload folder
#   scripts/bench-js.sh --quick                           # fewer rounds (a minute or two)
#
# Runs, in order: bench/js/bundle-size.mjs, bench/js/stream.mjs (the simulator in this process,
# then as a child process), bench/js/request.mjs, bench/js/cold-start.mjs, bench/gateway/run.mjs
# (the edge gateway beside Portkey's; it bundles edge/ on dist/ whatever LLMUX_PACKAGE_DIR says).
# Needs node and the npm packages of package-lock.json (scripts/setup.sh installs them); workerd
# and Portkey's gateway come from there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

quick=false
for arg in "$@"; do
  case $arg in
    --quick) quick=true ;;
    *) echo "usage: scripts/bench-js.sh [--quick]" >&2; exit 2 ;;
  esac
done

package=${LLMUX_PACKAGE_DIR:-dist}
if [[ ! -f $package/index.mjs ]]; then
  echo "bench-js: no $package/index.mjs: run scripts/build-wasm.sh first (or set LLMUX_PACKAGE_DIR)" >&2
  exit 1
fi
for module in openai ai @ai-sdk/openai eventsource-parser esbuild workerd @portkey-ai/gateway undici; do
  [[ -d node_modules/$module ]] || { echo "bench-js: node_modules/$module is missing (run scripts/setup.sh)" >&2; exit 1; }
done

if $quick; then
  stream_args=(--warmup 1 --rounds 3)
  request_args=(--warmup 100 --requests 500)
  cold_args=(--samples 5 --workerd-samples 3)
  gateway_args=(--quick)
else
  stream_args=(--warmup 2 --rounds 7)
  request_args=(--warmup 300 --requests 2000)
  cold_args=(--samples 15 --workerd-samples 9)
  gateway_args=()
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== bundle size"
node bench/js/bundle-size.mjs --json-out "$out/size.json"
echo
echo "== stream (simulator in this process)"
node --expose-gc bench/js/stream.mjs "${stream_args[@]}" --json-out "$out/stream.json"
echo
echo "== stream (simulator in a child process)"
node --expose-gc bench/js/stream.mjs "${stream_args[@]}" --sim-process --json-out "$out/stream-process.json"
echo
echo "== request"
node --expose-gc bench/js/request.mjs "${request_args[@]}" --json-out "$out/request.json"
echo
echo "== cold start"
node bench/js/cold-start.mjs "${cold_args[@]}" --json-out "$out/cold-start.json"
echo
echo "== gateway (llmux's edge gateway in workerd beside Portkey's)"
node bench/gateway/run.mjs "${gateway_args[@]}" --json-out "$out/gateway.json"

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (timings are wall time, except the CPU columns)"
node bench/js/summary.mjs "$out"
