#!/usr/bin/env bash
# Fills the seed corpus of each fuzz target: build/fuzz/corpus/<target>/ (or DIR/<target>/).
#
#   scripts/fuzz-corpora.sh [DIR]
#
# Each corpus gets the recorded fixtures that fit its target, the hand-written seeds in
# tests/fuzz/seeds/<target>/ and the reproducers of past failures in
# tests/fuzz/regressions/<target>/. Targets that read control bytes before the body (split
# points, options, status and headers; see tests/fuzz/*_fuzz.cpp) get the fixtures with such
# bytes in front. Inputs libFuzzer added on earlier runs stay, so that a corpus keeps growing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/build/fuzz/corpus}
fixtures=$root/tests/fixtures

# The providers that speak OpenAI Chat Completions, as the fixture folders name them.
openai_family=(openai azure mistral huggingface vllm openrouter)

# seed TARGET NAME PREFIX FILE: FILE's bytes behind PREFIX (printf escapes) as NAME.
seed() {
  local dir=$corpus/$1
  mkdir -p "$dir"
  { printf "$3"; cat "$4"; } >"$dir/$2"
}

copy_dir() { # TARGET DIR: every file of DIR as it is
  [[ -d $2 ]] || return 0
  mkdir -p "$corpus/$1"
  local file
  for file in "$2"/*; do
    [[ -f $file ]] && cp "$file" "$corpus/$1/$(basename "$2")-$(basename "$file")"
  done
  return 0
}

# The status byte of response_check.hpp for an error fixture: the index of its status among
# 200 400 401 429 500 529, plus 8 (arrival time known).
status_byte() {
  case $1 in
    error-400-*) echo '\x09' ;;
    error-401-*) echo '\x0a' ;;
    error-403-*) echo '\x09' ;;
    error-429-*) echo '\x0b' ;;
    error-500-*) echo '\x0c' ;;
    error-529-*) echo '\x0d' ;;
    *) echo '\x08' ;;
  esac
}

name_of() { # a fixture path as one file name: openai/chat-text.json -> openai-chat-text.json
  local relative=${1#"$fixtures"/}
  echo "${relative//\//-}"
}

shopt -s nullglob

for file in "$fixtures"/*/*.sse; do
  name=$(name_of "$file")
  # sse_decoder: [options][split plan]. As the adapters set it (reject invalid UTF-8, dispatch
  # an unterminated event) whole; with the defaults in 7-byte pieces.
  seed sse_decoder "$name.adapter-whole" '\x03\x00' "$file"
  seed sse_decoder "$name.default-7" '\x00\x86' "$file"
  seed utf8 "$name" '' "$file"
done

for file in "$fixtures"/*/*.ndjson; do
  name=$(name_of "$file")
  seed ndjson_decoder "$name.whole" '\x00\x00' "$file"
  seed ndjson_decoder "$name.5" '\x00\x84' "$file"
done

for provider in "${openai_family[@]}"; do
  for file in "$fixtures/$provider"/*.sse; do
    name=$(name_of "$file")
    seed openai_stream "$name.whole" '\x00' "$file"
    seed openai_stream "$name.13" '\x8c' "$file"
  done
  for file in "$fixtures/$provider"/*.json; do
    seed openai_response "$(name_of "$file")" "$(status_byte "$(basename "$file")")\\x00" "$file"
  done
done

for file in "$fixtures"/anthropic/*.sse; do
  name=$(name_of "$file")
  seed anthropic_stream "$name.whole" '\x00' "$file"
  seed anthropic_stream "$name.13" '\x8c' "$file"
done
for file in "$fixtures"/anthropic/*.json; do
  seed anthropic_response "$(name_of "$file")" "$(status_byte "$(basename "$file")")\\x00" "$file"
done

for provider in ollama gemini cohere; do
  for file in "$fixtures/$provider"/*.sse "$fixtures/$provider"/*.ndjson; do
    name=$(name_of "$file")
    seed "${provider}_stream" "$name.whole" '\x00' "$file"
    seed "${provider}_stream" "$name.13" '\x8c' "$file"
  done
  for file in "$fixtures/$provider"/*.json; do
    seed "${provider}_response" "$(name_of "$file")" "$(status_byte "$(basename "$file")")\\x00" "$file"
  done
done

# json: every JSON fixture, and the JSON of every SSE data line.
for file in "$fixtures"/*/*.json; do
  seed json "$(name_of "$file")" '' "$file"
done
mkdir -p "$corpus/json"
for file in "$fixtures"/*/*.sse; do
  name=$(name_of "$file")
  line_number=0
  while IFS= read -r line; do
    line_number=$((line_number + 1))
    case $line in
      'data: {'*) printf '%s' "${line#data: }" >"$corpus/json/$name.$line_number" ;;
    esac
  done <"$file"
done

for target in $("$root/scripts/fuzz-targets.sh"); do
  mkdir -p "$corpus/$target"
  copy_dir "$target" "$root/tests/fuzz/seeds/$target"
  copy_dir "$target" "$root/tests/fuzz/regressions/$target"
done
