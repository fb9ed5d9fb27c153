#!/usr/bin/env bash
# The main job: build llmux and run its CLI on recorded provider responses (what the core
# makes of a stream, a tool call, an in-stream error and an error body, and the request it
# would send), then hold whole conversations with `llmux chat` against the provider
# simulator on loopback: streamed answers, a tool round, a retry and a fallback, the usage
# ledger and a budget.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLMUX_BUILD_TESTS=OFF \
  -DLLMUX_BUILD_BENCH=OFF >/dev/null
ninja -C build/native llmux >/dev/null
llmux=build/native/cli/llmux
fixtures=tests/fixtures

show() {
  printf '\n$ %s\n' "$*"
  "$@"
}
pretty() { python3 -m json.tool --no-ensure-ascii; }

printf 'llmux decodes what providers send, byte for byte.\n'
show "$llmux" decode --provider openai --stream --events < $fixtures/openai/chat-stream-parallel-tool-calls.sse
show "$llmux" decode --provider anthropic --stream < $fixtures/anthropic/messages-stream-thinking.sse
show "$llmux" decode --provider anthropic --stream < $fixtures/anthropic/messages-stream-error-overloaded.sse
show "$llmux" decode --provider vllm --status 400 < $fixtures/vllm/error-400-auto-tool-choice.json
printf '\n$ %s | pretty\n' "$llmux decode --provider openrouter --status 429 --header 'Retry-After: 30'"
"$llmux" decode --provider openrouter --status 429 --header 'Retry-After: 30' \
  < $fixtures/openrouter/error-429-rate-limit.json | pretty
printf '\nand builds the requests they expect (keys come from the environment, and are redacted):\n'
printf '\n$ ANTHROPIC_API_KEY=... %s | pretty\n' "$llmux request --provider anthropic -m claude-sonnet-4-5 --system 'Be brief.' --stream 'Hello'"
ANTHROPIC_API_KEY=sk-ant-example "$llmux" request --provider anthropic -m claude-sonnet-4-5 \
  --system 'Be brief.' --stream 'Hello' | pretty

printf '\nllmux chat runs whole conversation turns. Here against the provider simulator on loopback\n'
printf '(tests/simulator), which plays OpenAI and Anthropic with scripted answers:\n'
simulator_log=$(mktemp)
node tests/simulator/main.mjs --ignore-stdin >"$simulator_log" &
simulator_pid=$!
demo_home=$(mktemp -d)
trap 'kill $simulator_pid 2>/dev/null; rm -rf "$demo_home" "$simulator_log"' EXIT
until grep -q listening "$simulator_log"; do sleep 0.1; done
origin=$(sed -n 's/^listening //p' "$simulator_log")
script() { # lane, steps (JSON)
  node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({responses: JSON.parse(process.argv[2])})}).then((r) => process.exit(r.ok ? 0 : 1))' \
    "$origin/_sim/lanes/$1/script" "$2"
}
export LLMUX_HOME=$demo_home/data HOME=$demo_home OPENAI_API_KEY=sk-demo-not-a-real-key \
  ANTHROPIC_API_KEY=sk-ant-demo-not-a-real-key OPENAI_BASE_URL=$origin/lane/demo/v1 \
  ANTHROPIC_BASE_URL=$origin/lane/demo
script demo '[{"tool_calls": [{"name": "calculator", "arguments": {"expression": "1299 * 12 * 0.8"}}],
               "usage": {"input": 310, "output": 24}},
              {"text": "A year of the plan costs 12470.40 with the 20% discount.", "chunk_size": 6,
               "chunk_delay_ms": 40, "usage": {"input": 356, "output": 19}}]'
show "$llmux" chat -m gpt-4o-mini --stream --tools calculator,datetime --user alice \
  'What does a year of the 1299/month plan cost with 20% off?'
script demo '[{"status": 529}, {"status": 529}, {"status": 529},
              {"text": "Paris.", "usage": {"input": 20, "output": 2}}]'
show "$llmux" chat -m claude-3-5-sonnet-20241022 --fallback gpt-4o-mini --user bob 'Capital of France?'
show "$llmux" usage --by user
show "$llmux" budget user:carol 0.0001
show "$llmux" chat -m gpt-4o-mini --user carol 'A question over budget' || true

printf '\nThe same core, compiled to WebAssembly, is the npm package. examples/js/node/chat.mjs\n'
printf 'streams a conversation through it, tool round included, against the same simulator:\n'
LLMUX_WASM_VARIANTS=release scripts/build-wasm.sh >/dev/null
script demo '[{"tool_calls": [{"name": "multiply", "arguments": {"a": 1299, "b": 12}}],
               "usage": {"input": 120, "output": 18}},
              {"text": "Twelve months at 1299 cost 15588.", "chunk_size": 5, "chunk_delay_ms": 30,
               "usage": {"input": 150, "output": 9}}]'
show env LLMUX_MODEL=gpt-4o-mini node examples/js/node/chat.mjs 'What do twelve months at 1299 cost?'
