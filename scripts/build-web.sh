#!/usr/bin/env bash
# Builds the browser chat into web/dist/ (gitignored): the page (index.html), the bundled and
# minified script (app.js: web/src/app.mjs with the npm package from dist/, marked and DOMPurify;
# chunks/ highlight.js and uPlot, loaded when first needed), one stylesheet (app.css), the
# package's llmux-core.wasm and llmux-tools.wasm (the built-in tools, fetched when a
# conversation first uses one) beside the bundle (where the package looks for them), the service worker (web/sw.mjs) and precache.mjs,
# the list of files the service worker caches for offline use, with a version that changes
# whenever any of them does (so a new build is picked up on the next load; the format is in
# web/src/data/README.md).
#
# Needs dist/ (scripts/build-wasm.sh) and node_modules (npm ci, run by scripts/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source scripts/lib/node-env.sh

[[ -f dist/index.mjs && -f dist/llmux-core.wasm && -f dist/llmux-tools.wasm ]] || { echo "build-web: dist/ is missing: run scripts/build-wasm.sh" >&2; exit 1; }
out=web/dist
rm -rf "$out"
mkdir -p "$out"

esbuild=node_modules/.bin/esbuild
# Code splitting: highlight.js and uPlot are chunks loaded when first needed.
"$esbuild" web/src/app.mjs --bundle --format=esm --splitting --minify --target=chrome111,firefox115,safari16.4 \
  --alias:llmux=./dist/index.mjs --outdir="$out" --entry-names='[name]' --chunk-names='chunks/[name]-[hash]' \
  --log-level=warning --legal-comments=none
"$esbuild" web/src/styles.css --bundle --minify --outfile="$out/app.css" --log-level=warning
cp web/index.html web/sw.mjs "$out/"
cp dist/llmux-core.wasm dist/llmux-tools.wasm "$out/"

# precache.mjs: the version is a hash of every cached file's bytes and of the worker's.
node --input-type=module - "$out" <<'JS'
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
const out = process.argv[2];
const chunks = readdirSync(`${out}/chunks`).sort().map((name) => `./chunks/${name}`);
const files = ['./index.html', './app.js', './app.css', './llmux-core.wasm', './llmux-tools.wasm', ...chunks];
const hash = createHash('sha256');
for (const file of [...files, './sw.mjs']) hash.update(readFileSync(`${out}/${file}`));
writeFileSync(`${out}/precache.mjs`, `// Written by scripts/build-web.sh: what web/sw.mjs caches.
export const version = '${hash.digest('hex').slice(0, 16)}';
export const files = ${JSON.stringify(['./', ...files])};
export const networkFirst = ['./config.json'];
`);
JS

cd "$out"
for file in app.js app.css llmux-core.wasm llmux-tools.wasm chunks/*; do
  printf 'build-web: %-32s %8d bytes, %7d gzipped\n' "$file" "$(wc -c <"$file")" "$(gzip -9c "$file" | wc -c)"
done
