#!/usr/bin/env bash
# The main job: build llmux and run its CLI on recorded provider responses (what the core
# makes of a stream, a tool call, an in-stream error and an error body, and the request it
# would send), then hold whole conversations with `llmux chat` against the provider
# simulator on loopback: streamed answers, a tool round, a retry and a fallback, the usage
# ledger and a budget; then the npm package (the same core in WebAssembly) from Node; then the
# edge gateway (edge/, workerd) on http://127.0.0.1:8788 with a demo user, one call whole and one
# streamed; last, it builds the browser chat (web/) and serves it on 127.0.0.1, in the foreground
# until Ctrl-C (the gateway with it).
#
# Each command is printed as it can be pasted into a shell at the repository's root, then run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
source scripts/lib/node-env.sh

# quietly COMMAND...: runs a build step without its progress lines; shows them if it fails.
quietly() {
  local log status=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  ((status == 0)) || cat "$log" >&2
  rm -f "$log"
  return "$status"
}

# shell_words WORD...: the words as a shell reads them back: bare when that is safe, else in
# single quotes (a NAME=VALUE word quotes its value only).
shell_words() {
  local word name quoted=()
  for word; do
    name=
    if [[ $word =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
      name=${BASH_REMATCH[0]}
      word=${word#"$name"}
    fi
    if [[ ! $word =~ ^[A-Za-z0-9_./:,=@%+-]+$ ]]; then
      word="'${word//\'/\'\\\'\'}'"
    fi
    quoted+=("$name$word")
  done
  printf '%s' "${quoted[*]}"
}

# show [NAME=VALUE...] COMMAND [ARGUMENT...] ['<' FILE] ['|' FILTER [ARGUMENT...]]
# Prints the command line, quoted as a shell would need it, then runs it: with the NAME=VALUE
# settings in its environment, FILE on its standard input, its output through FILTER.
show() {
  local settings=() command=() input='' filter=()
  while (($#)) && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do settings+=("$1"); shift; done
  while (($#)) && [[ $1 != '<' && $1 != '|' ]]; do command+=("$1"); shift; done
  if [[ ${1:-} == '<' ]]; then input=$2; shift 2; fi
  if [[ ${1:-} == '|' ]]; then shift; filter=("$@"); fi

  local line
  line=$(shell_words "${settings[@]}" "${command[@]}")
  [[ -n $input ]] && line+=" < $(shell_words "$input")"
  ((${#filter[@]})) && line+=" | $(shell_words "${filter[@]}")"
  printf '\n$ %s\n' "$line"

  ((${#settings[@]})) && command=(env "${settings[@]}" "${command[@]}")
  through_filter() { if ((${#filter[@]})); then "$@" | "${filter[@]}"; else "$@"; fi; }
  if [[ -n $input ]]; then
    through_filter "${command[@]}" <"$input"
  else
    through_filter "${command[@]}"
  fi
}

llmux=build/native/cli/llmux
fixtures=tests/fixtures
json_tool=(python3 -m json.tool --no-ensure-ascii)

printf '\nBuilding the llmux CLI in build/native (Release; the first build takes a minute or two)...\n'
quietly cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLMUX_BUILD_TESTS=OFF \
  -DLLMUX_BUILD_BENCH=OFF -DLLMUX_FUZZ=OFF -DLLMUX_SANITIZE=OFF
quietly ninja -C build/native llmux

printf '\nllmux decodes what providers send, byte for byte.\n'
show "$llmux" decode --provider openai --stream --events \
  '<' $fixtures/openai/chat-stream-parallel-tool-calls.sse
show "$llmux" decode --provider anthropic --stream '<' $fixtures/anthropic/messages-stream-thinking.sse
show "$llmux" decode --provider anthropic --stream \
  '<' $fixtures/anthropic/messages-stream-error-overloaded.sse
show "$llmux" decode --provider vllm --status 400 '<' $fixtures/vllm/error-400-auto-tool-choice.json
show "$llmux" decode --provider openrouter --status 429 --header 'Retry-After: 30' \
  '<' $fixtures/openrouter/error-429-rate-limit.json '|' "${json_tool[@]}"

printf '\nand builds the requests they expect (keys come from the environment, and are redacted):\n'
show ANTHROPIC_API_KEY=sk-ant-example "$llmux" request --provider anthropic -m claude-sonnet-4-5 \
  --system 'Be brief.' --stream 'Hello' '|' "${json_tool[@]}"

printf '\nllmux chat runs whole conversation turns. Here against the provider simulator on loopback\n'
printf '(tests/simulator), which plays OpenAI and Anthropic with scripted answers; the settings\n'
printf 'point llmux at it, and a fresh HOME keeps your own ~/.config/llmux and ledger out of it:\n'
simulator_log=$(mktemp)
node tests/simulator/main.mjs --ignore-stdin >"$simulator_log" &
simulator_pid=$!
demo_home=$(mktemp -d)
trap 'kill $simulator_pid 2>/dev/null; rm -rf "$demo_home" "$simulator_log"' EXIT
until grep -q listening "$simulator_log"; do sleep 0.1; done
origin=$(sed -n 's/^listening //p' "$simulator_log")
script() { # lane, steps (JSON): the simulator's next answers on that lane
  node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({responses: JSON.parse(process.argv[2])})}).then((r) => process.exit(r.ok ? 0 : 1))' \
    "$origin/_sim/lanes/$1/script" "$2"
}
show export HOME="$demo_home"
show export OPENAI_BASE_URL="$origin/lane/demo/v1" OPENAI_API_KEY=sk-demo-not-a-real-key
show export ANTHROPIC_BASE_URL="$origin/lane/demo" ANTHROPIC_API_KEY=sk-ant-demo-not-a-real-key

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

cat <<'EOF'

A budget is checked before each call, against the most the call could cost: its input tokens
plus, without --max-tokens, all of the model's output limit (for gpt-4o-mini 16,384 tokens at
$0.60 per million: about $0.0098). Carol's $0.0001 cannot cover that:
EOF
show "$llmux" chat -m gpt-4o-mini --user carol 'A one-line question' || true
echo
echo "With --max-tokens 50 the most it could cost is well under \$0.0001 (50 output tokens cost \$0.00003),"
echo "and the budget admits it:"
script demo '[{"text": "A one-line answer.", "usage": {"input": 12, "output": 5}}]'
show "$llmux" chat -m gpt-4o-mini --user carol --max-tokens 50 'A one-line question'

printf '\nThe same core, compiled to WebAssembly, is the npm package. Building it with Emscripten\n'
printf '(build/wasm-release, then dist/; about a minute the first time)...\n'
LLMUX_WASM_VARIANTS=release quietly scripts/build-wasm.sh
printf '\nexamples/js/node/chat.mjs streams a conversation through it, tool round included, against\n'
printf 'the same simulator:\n'
script demo '[{"tool_calls": [{"name": "multiply", "arguments": {"a": 1299, "b": 12}}],
               "usage": {"input": 120, "output": 18}},
              {"text": "Twelve months at 1299 cost 15588.", "chunk_size": 5, "chunk_delay_ms": 30,
               "usage": {"input": 150, "output": 9}}]'
show LLMUX_MODEL=gpt-4o-mini node examples/js/node/chat.mjs 'What do twelve months at 1299 cost?'

printf '\nThe edge gateway (edge/): one OpenAI- and Anthropic-compatible endpoint for every model and\n'
printf 'every user, the same core in workerd with Durable Objects (docs/gateway.md). Started beside the\n'
printf 'browser chat on http://127.0.0.1:8788 with a demo user whose model "demo" is the simulator;\n'
printf 'its admin token and sealing secret are made in the throwaway HOME:\n'
gateway_log=$(mktemp)
XDG_CONFIG_HOME="$demo_home/.config" node edge/run.mjs --data "$demo_home/gateway-data" \
  --demo "$origin/lane/gateway/v1" >"$gateway_log" 2>&1 &
gateway_pid=$!
trap 'kill $simulator_pid $gateway_pid 2>/dev/null; rm -rf "$demo_home" "$simulator_log" "$gateway_log"' EXIT
until grep -q '^llmux gateway demo key' "$gateway_log"; do
  kill -0 $gateway_pid 2>/dev/null || { cat "$gateway_log" >&2; exit 1; }
  sleep 0.1
done
export GATEWAY_KEY=$(sed -n 's/^llmux gateway demo key //p' "$gateway_log")
script gateway '[{"text": "Hello through the gateway.", "usage": {"input": 12, "output": 5}}]'
show sh -c 'curl -s -D - http://127.0.0.1:8788/v1/chat/completions -H "authorization: Bearer $GATEWAY_KEY" -H "content-type: application/json" -d "{\"model\": \"demo\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"'
script gateway '[{"text": "Streamed back in Anthropic'"'"'s format.", "chunk_size": 9}]'
show sh -c 'curl -sN http://127.0.0.1:8788/v1/messages -H "x-api-key: $GATEWAY_KEY" -H "content-type: application/json" -d "{\"model\": \"demo\", \"max_tokens\": 100, \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"'

printf '\nLast, the browser chat (web/): the same package in one static page, with conversations,\n'
printf 'models and usage in IndexedDB, keys encrypted, working offline with local models. Building\n'
printf 'it (scripts/build-web.sh) and serving it on 127.0.0.1 with a demo model (the simulator);\n'
printf 'keys in this environment are not offered to the page unless you pass --offer-env-keys to\n'
printf 'web/serve.mjs. Open the URL below; Ctrl-C stops it.\n'
quietly scripts/build-web.sh
show node web/serve.mjs
