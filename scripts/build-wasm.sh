#!/usr/bin/env bash
# Builds the Wasm module twice with Debian's Emscripten (3.1.6):
#   build/wasm-release  -Oz: what the npm package ships (copied to dist/)
#   build/wasm-debug    -O0, ASSERTIONS=2, SAFE_HEAP: the tests run on it too
# Each build's wasm/ folder holds llmux-core.wasm and the package's JavaScript (index.mjs ...).
# Prints the sizes of the .wasm and .mjs files, raw and gzipped.
#
# Needs the Debian packages emscripten and nlohmann-json3-dev, and cmake (scripts/setup.sh
# installs them); uses Ninja when it is there, make otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source scripts/lib/node-env.sh

for tool in emcmake cmake node gzip; do
  command -v "$tool" >/dev/null || { echo "build-wasm: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done

# Debian's em++ runs its JavaScript tools (acorn) with whatever node is on PATH; a node that
# is not Debian's does not look in /usr/share/nodejs, and linking fails without this.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

generator=Ninja
command -v ninja >/dev/null || generator="Unix Makefiles"

# LLMUX_WASM_VARIANTS=release builds only what the package ships (scripts/run.sh does).
variants=${LLMUX_WASM_VARIANTS:-release debug}
for variant in $variants; do
  dir=build/wasm-$variant
  type=$([[ $variant == release ]] && echo Release || echo Debug)
  generator_option=(-G "$generator")
  [[ -f $dir/CMakeCache.txt ]] && generator_option=() # a build keeps its generator
  # emcmake prints the command it runs ("configure: cmake ...") on stderr: only errors pass.
  emcmake cmake -S . -B "$dir" "${generator_option[@]}" -DCMAKE_BUILD_TYPE="$type" 2>&1 >/dev/null |
    sed '/^configure: /d' >&2
  cmake --build "$dir" --parallel
done

# The npm package's payload (package.json "files"): the release build's .wasm and typings,
# and its JavaScript as one minified ES module (esbuild, from package-lock.json): one file
# gzips 1.5 KB smaller than the same modules minified one by one, and a user's bundler still
# drops what an app does not import. The build folders keep the readable sources, which
# tests/js runs; tests/runtimes runs dist/.
if [[ -d build/wasm-release ]]; then
  esbuild=node_modules/.bin/esbuild
  [[ -x $esbuild ]] || { echo "build-wasm: $esbuild is missing (run scripts/setup.sh)" >&2; exit 1; }
  rm -rf dist
  mkdir -p dist
  cp build/wasm-release/wasm/llmux-core.wasm build/wasm-release/wasm/llmux-tools.wasm \
    build/wasm-release/wasm/llmux-serve.wasm build/wasm-release/wasm/*.d.ts dist/
  "$esbuild" build/wasm-release/wasm/index.mjs --bundle --minify --format=esm --platform=neutral \
    --legal-comments=none --log-level=error --outfile=dist/index.mjs
  # llmux/serve, a gateway's codecs, as a module of its own (it loads llmux-serve.wasm itself).
  "$esbuild" build/wasm-release/wasm/serve.mjs --bundle --minify --format=esm --platform=neutral \
    --legal-comments=none --log-level=error --outfile=dist/serve.mjs
fi

echo
printf '%-36s %10s %10s\n' file bytes gzipped
for variant in $variants; do
  for file in build/wasm-$variant/wasm/llmux-{core,tools,serve}.wasm; do
    printf '%-36s %10d %10d\n' "$file" "$(wc -c <"$file")" "$(gzip -9c "$file" | wc -c)"
  done
done
total=0
total_gzipped=0
# What every app loads: the JavaScript and the core (llmux-tools.wasm comes only with
# builtinTools(), llmux-serve.wasm and serve.mjs only with llmux/serve: printed above).
for file in dist/index.mjs dist/llmux-core.wasm; do
  total=$((total + $(wc -c <"$file")))
  total_gzipped=$((total_gzipped + $(gzip -9c "$file" | wc -c)))
done
printf '%-36s %10d %10d\n' "dist/ (index.mjs and llmux-core.wasm)" "$total" "$total_gzipped"
