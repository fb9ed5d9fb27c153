#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang++ in build/fuzz and runs each for a
# while on its seed corpus. Exits non-zero when any target finds a crash, a leak, a timeout or
# a broken invariant, when a saved reproducer (tests/fuzz/regressions/) fails again, or when
# there is no target to run.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]       (default 20)
#
# Environment: FUZZ_TARGETS="sse_decoder json ..." builds and runs only those; FUZZ_BUILD=DIR
# builds in DIR instead of build/fuzz; FUZZ_JOBS=N runs N
# targets at once (default: the number of CPUs); CXX overrides clang++.
#
# What a run leaves in build/fuzz: corpus/<target>/ (seeds plus what libFuzzer found; kept
# between runs), logs/<target>.log, and artifacts/<target>/ (crash-*, leak-*, timeout-*
# reproducers). Replay one with: build/fuzz/tests/fuzz/<target>_fuzz <reproducer>
set -euo pipefail

seconds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build/fuzz} # another directory lets runs go side by side
# Every target tests/fuzz/CMakeLists.txt builds (its LLMUX_FUZZ_TARGETS list): one list.
read -r -a all_targets <<<"$("$root/scripts/fuzz-targets.sh")"
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
source "$root/scripts/lib/test-counts.sh"
if ((${#targets[@]} == 0)); then
  report_counts "fuzzing (targets)" 0 0 0 0 || true
  exit 1 # a run of no target tests nothing
fi

# A target's dictionary, if it has one.
dict_for() {
  case $1 in
    sse_decoder) echo sse ;;
    response_codec | ledger_records | ledger_import) echo json ;;
    ndjson_decoder | json | api_call) echo json ;;
    retry_after) echo retry_after ;;
    calculator) echo calculator ;;
    datetime_tool) echo datetime_tool ;;
    json_schema) echo json_schema ;;
    openai_stream | openai_response) echo openai ;;
    anthropic_stream | anthropic_response) echo anthropic ;;
    ollama_stream | ollama_response | gemini_stream | gemini_response | cohere_stream | \
      cohere_response) echo json ;;
  esac
}

cmake_args=(-S "$root" -B "$build" -DCMAKE_CXX_COMPILER="${CXX:-clang++}"
  # Optimised, with debug info for the stack traces and assertions left on.
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g"
  -DLLMUX_FUZZ=ON -DLLMUX_BUILD_TESTS=OFF -DLLMUX_BUILD_BENCH=OFF)
if command -v ninja >/dev/null && [[ ! -f $build/CMakeCache.txt ]]; then
  cmake_args+=(-G Ninja)
fi
cmake "${cmake_args[@]}" >/dev/null
cmake --build "$build" --target "${targets[@]/%/_fuzz}"

"$root/scripts/fuzz-corpora.sh" "$build/corpus"
mkdir -p "$build/logs"

# Runs one target; its exit status says whether it found something.
run_target() {
  local target=$1 binary=$build/tests/fuzz/${1}_fuzz
  local artifacts=$build/artifacts/$target log=$build/logs/$target.log
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  : >"$log"
  # Reproducers of past failures first, each on its own: a fix that regressed shows by name.
  local regressions=("$root/tests/fuzz/regressions/$target"/*)
  if [[ -e ${regressions[0]} ]]; then
    if ! "$binary" -runs=1 "${regressions[@]}" >>"$log" 2>&1; then
      echo "regression" >"$artifacts/failed-regression"
      return 1
    fi
  fi
  local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$artifacts/")
  local dict
  dict=$(dict_for "$target")
  [[ -n $dict ]] && options+=(-dict="$root/tests/fuzz/dict/$dict.dict")
  "$binary" "${options[@]}" "$build/corpus/$target" >>"$log" 2>&1
}

# What a finished target reports: one summary line, or where its failure is.
report() {
  local target=$1 status=$2 log=$build/logs/$1.log artifacts=$build/artifacts/$1
  if [[ $status -eq 0 ]]; then
    # "#123 DONE cov: 472 ft: 2033 corp: 385/1094Kb lim: ... exec/s: 931 rss: 448Mb"
    local done_line
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    echo "ok      $target: $(grep -oE '^#[0-9]+' <<<"$done_line" | tr -d '#') runs," \
      "$(grep -oE 'cov: [0-9]+ ft: [0-9]+' <<<"$done_line"),$(grep -oE ' exec/s: [0-9]+' <<<"$done_line")"
    return
  fi
  echo "FAILED  $target (log: $log)"
  if [[ -f $artifacts/failed-regression ]]; then
    echo "        a saved reproducer in tests/fuzz/regressions/$target/ fails again"
  fi
  local found
  for found in "$artifacts"/*; do
    [[ $(basename "$found") == failed-regression ]] && continue
    echo "        reproducer: $found"
    echo "        replay:     $build/tests/fuzz/${target}_fuzz $found"
  done
  grep -E 'invariant failed|ERROR: |runtime error|SUMMARY' "$log" | head -n 5 | sed 's/^/        /'
}

echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time"
declare -A pid_of=()
failed=0
finish_one() { # waits for any running target and reports it
  local pid status=0 target
  wait -n -p pid || status=$?
  for target in "${!pid_of[@]}"; do
    if [[ ${pid_of[$target]} == "$pid" ]]; then
      report "$target" "$status"
      [[ $status -eq 0 ]] || failed=$((failed + 1))
      unset "pid_of[$target]"
    fi
  done
}
for target in "${targets[@]}"; do
  [[ -x $build/tests/fuzz/${target}_fuzz ]] || { echo "unknown target: $target" >&2; exit 2; }
  while ((${#pid_of[@]} >= jobs)); do finish_one; done
  run_target "$target" &
  pid_of[$target]=$!
done
while ((${#pid_of[@]} > 0)); do finish_one; done

counted=0
report_counts "fuzzing (targets)" "${#targets[@]}" $((${#targets[@]} - failed)) "$failed" 0 || counted=$?
if ((failed)); then
  echo "fuzzing found failures (see above)"
  exit 1
fi
echo "fuzzing found nothing"
exit "$counted"
