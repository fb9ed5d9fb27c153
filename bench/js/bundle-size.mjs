// What a user downloads: llmux's package payload, raw and gzipped, per file and in total; and
// for comparison, one-provider bundles of the official `openai` SDK and of the Vercel AI SDK,
// and llmux's own JavaScript as a bundler would ship it. Prints the figures; asserts nothing.
//
//   node bench/js/bundle-size.mjs [--json] [--json-out FILE]
//   LLMUX_PACKAGE_DIR=build/h-bench-wasm/wasm node bench/js/bundle-size.mjs
//
// Payload: every .mjs and .wasm of LLMUX_PACKAGE_DIR (default dist/, what scripts/build-wasm.sh
// copies from the release build), each gzipped alone at zlib level 9.
// Bundles: esbuild --bundle --minify --format=esm --platform=browser (a browser app using one
// provider), gzipped at level 9. The entries are written to a temporary folder:
//   openai SDK   import OpenAI from 'openai'
//   AI SDK       generateText + streamText from 'ai', createOpenAI from '@ai-sdk/openai'
//   llmux        the payload's index.mjs (every export), bundled; the .wasm beside it is
//                loaded at run time, so llmux's total is the bundled JS plus the .wasm.
// `node:` built-ins stay external (llmux imports node:fs/promises only under Node).
// --json prints one JSON object instead of the tables; --json-out FILE also writes it to FILE.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

import { emit } from './common.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const payloadDir = resolve(root, process.env.LLMUX_PACKAGE_DIR || 'dist');

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1);

// The payload, file by file.
let names;
try {
  names = readdirSync(payloadDir).filter((name) => /\.(mjs|wasm)$/.test(name)).sort();
} catch {
  console.error(`bundle-size: no payload at ${payloadDir} (run scripts/build-wasm.sh, or set LLMUX_PACKAGE_DIR)`);
  process.exit(1);
}
if (!names.includes('index.mjs')) {
  console.error(`bundle-size: ${payloadDir} has no index.mjs`);
  process.exit(1);
}
// llmux-tools.wasm, the built-in tools, is fetched only by apps that call builtinTools(): it is
// reported on its own line, outside the payload every app loads.
const toolsName = 'llmux-tools.wasm';
const sized = (name) => {
  const bytes = readFileSync(join(payloadDir, name));
  return { name, raw: bytes.length, gzip: gz(bytes) };
};
// So are llmux/serve's module and codecs (a gateway's only).
const serveNames = ['serve.mjs', 'llmux-serve.wasm'];
const files = names.filter((name) => name !== toolsName && !serveNames.includes(name)).map(sized);
const tools = names.includes(toolsName) ? sized(toolsName) : null;
const serve = serveNames.filter((name) => names.includes(name)).map(sized);
const payload = {
  dir: payloadDir,
  files,
  raw: files.reduce((sum, f) => sum + f.raw, 0),
  gzip: files.reduce((sum, f) => sum + f.gzip, 0),
};

// The bundles.
const work = mkdtempSync(join(tmpdir(), 'llmux-bundle-size-'));
async function bundle(name, source) {
  const entry = join(work, `${name}.mjs`);
  writeFileSync(entry, source);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
    absWorkingDir: root,
    nodePaths: [join(root, 'node_modules')],
  });
  const bytes = result.outputFiles[0].contents;
  return { raw: bytes.length, gzip: gz(bytes) };
}

const wasm = files.find((f) => f.name.endsWith('.wasm'));
const bundles = [];
try {
  bundles.push({ name: 'openai SDK (OpenAI client)', ...(await bundle('openai', "export { default as OpenAI } from 'openai';\n")) });
  bundles.push({
    name: 'AI SDK (generateText, streamText, createOpenAI)',
    ...(await bundle('ai-sdk', "export { generateText, streamText } from 'ai';\nexport { createOpenAI } from '@ai-sdk/openai';\n")),
  });
  const llmuxJs = await bundle('llmux', `export * from ${JSON.stringify(join(payloadDir, 'index.mjs'))};\n`);
  bundles.push({ name: 'llmux JS (index.mjs bundled)', ...llmuxJs });
  if (wasm) {
    bundles.push({ name: 'llmux JS + .wasm', raw: llmuxJs.raw + wasm.raw, gzip: llmuxJs.gzip + wasm.gzip });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const targetGzip = 150 * 1024;
const llmuxTotal = bundles.find((b) => b.name === 'llmux JS + .wasm') ?? null;
const summary = {
  payload,
  bundles,
  target_gzip_bytes: targetGzip,
  tools,
  serve,
  payload_within_target: payload.gzip < targetGzip,
  bundle_within_target: llmuxTotal ? llmuxTotal.gzip < targetGzip : null,
};

if (emit(summary)) {
  console.log(`llmux package payload (${payloadDir}), each file gzipped -9`);
  console.log(`${'file'.padEnd(48)} ${'bytes'.padStart(9)} ${'gzip'.padStart(9)} ${'KB gz'.padStart(7)}`);
  for (const f of files) {
    console.log(`${f.name.padEnd(48)} ${String(f.raw).padStart(9)} ${String(f.gzip).padStart(9)} ${kb(f.gzip).padStart(7)}`);
  }
  console.log(`${'total'.padEnd(48)} ${String(payload.raw).padStart(9)} ${String(payload.gzip).padStart(9)} ${kb(payload.gzip).padStart(7)}`);
  if (tools) console.log(`${`${tools.name} (builtinTools() only)`.padEnd(48)} ${String(tools.raw).padStart(9)} ${String(tools.gzip).padStart(9)} ${kb(tools.gzip).padStart(7)}`);
  for (const f of serve) console.log(`${`${f.name} (llmux/serve only)`.padEnd(48)} ${String(f.raw).padStart(9)} ${String(f.gzip).padStart(9)} ${kb(f.gzip).padStart(7)}`);
  console.log();
  console.log('one-provider bundles: esbuild --bundle --minify --format=esm --platform=browser, gzip -9');
  console.log(`${'bundle'.padEnd(48)} ${'bytes'.padStart(9)} ${'gzip'.padStart(9)} ${'KB gz'.padStart(7)}`);
  for (const b of bundles) {
    console.log(`${b.name.padEnd(48)} ${String(b.raw).padStart(9)} ${String(b.gzip).padStart(9)} ${kb(b.gzip).padStart(7)}`);
  }
  console.log();
  console.log(`target: llmux < ${kb(targetGzip)} KB gzipped for everything: payload ${kb(payload.gzip)} KB ` +
    `(${summary.payload_within_target ? 'within' : 'OVER'})` +
    (llmuxTotal ? `, bundled ${kb(llmuxTotal.gzip)} KB (${summary.bundle_within_target ? 'within' : 'OVER'})` : ''));
  const statNote = statSync(join(payloadDir, 'index.mjs')).mtime.toISOString();
  console.log(`(payload index.mjs modified ${statNote})`);
}
