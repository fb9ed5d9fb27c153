#!/usr/bin/env bash
# The main job, for now: build llmux and run its CLI on recorded provider responses, showing
# what the core makes of a stream, a tool call, an in-stream error and an error body, and the
# request it would send.
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
