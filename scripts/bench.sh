#!/usr/bin/env bash
# Builds the native benchmarks in Release (build/bench) and prints their table; then, when
# both the Wasm release build and its benchmark script exist, the Wasm figures too.
#
#   scripts/bench.sh                                   every benchmark
#   scripts/bench.sh --benchmark_filter='mistral|synthetic'
#   scripts/bench.sh --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#
# Arguments go to the native benchmark program (Google Benchmark's --benchmark_* flags).
# The figures are throughput on this machine: compare rows of one run, not runs of two
# machines, and expect noise when other work shares the CPU.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Tests are off: the benchmarks do not need Catch2, and building them would only take time.
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLMUX_BUILD_TESTS=OFF \
  -DLLMUX_BUILD_BENCH=ON >/dev/null
ninja -C build/bench llmux_decode_bench llmux_tokenizer_bench

build/bench/bench/llmux_decode_bench "$@"
echo
echo "== tokenizer =="
build/bench/bench/llmux_tokenizer_bench

if [[ -f bench/wasm_decode.mjs && -d build/wasm-release ]]; then
  echo
  echo "== Wasm (build/wasm-release) =="
  node bench/wasm_decode.mjs
fi
