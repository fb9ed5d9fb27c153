// Decode throughput of the release Wasm module through the JS wrapper, on the large
// fixtures, fed in network-sized chunks and whole. Prints MB/s and events/s; asserts nothing.
//
//   node bench/wasm_decode.mjs [SECONDS_PER_ROW]      (default 1)
//   LLMUX_WASM_RELEASE=path/to/build node bench/wasm_decode.mjs
//
// Each row decodes the fixture again and again for about SECONDS_PER_ROW, after a warm-up
// (V8 compiles Wasm in tiers: the first runs are slower). A row's time includes the whole
// round trip a driver pays: copying chunks in, decoding, and JSON.parse of the events out.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = resolve(root, process.env.LLMUX_WASM_RELEASE || 'build/wasm-release', 'wasm/index.mjs');
const api = await import(pathToFileURL(build).href);
const secondsPerRow = Number(process.argv[2] ?? 1);

const expected = JSON.parse(readFileSync(resolve(root, 'tests/fixtures/expected.json'), 'utf8')).fixtures;
const paths = [
  'mistral/chat-stream-thinking.sse',
  'anthropic/messages-stream-thinking.sse',
  'openai/chat-stream-text.sse',
  'openai/chat-stream-parallel-tool-calls.sse',
];

// One decode of `bytes` in chunks of `chunkBytes` (0: whole); returns the events it gave.
async function decodeOnce(head, bytes, chunkBytes) {
  const decoder = await api.createDecoder(head);
  try {
    let events = 0;
    const step = chunkBytes || bytes.length;
    for (let at = 0; at < bytes.length; at += step) events += decoder.feed(bytes.subarray(at, at + step)).length;
    const finished = decoder.finish();
    if (finished.result.error) throw new Error(`unexpected error: ${finished.result.error.message}`);
    return events + finished.events.length;
  } finally {
    decoder.close();
  }
}

async function measure(head, bytes, chunkBytes) {
  const warmUpUntil = performance.now() + 200;
  while (performance.now() < warmUpUntil) await decodeOnce(head, bytes, chunkBytes);
  let runs = 0;
  let events = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < secondsPerRow * 1000) {
    events += await decodeOnce(head, bytes, chunkBytes);
    ++runs;
    elapsed = performance.now() - start;
  }
  const seconds = elapsed / 1000;
  return { mbPerSecond: (bytes.length * runs) / seconds / 1e6, eventsPerSecond: events / seconds, runs };
}

console.log(`llmux Wasm decode (${build})`);
console.log(`${'fixture'.padEnd(44)} ${'bytes'.padStart(7)} ${'chunks'.padStart(7)} ${'MB/s'.padStart(8)} ${'events/s'.padStart(11)} ${'runs'.padStart(6)}`);
for (const path of paths) {
  const fixture = expected[path];
  const bytes = new Uint8Array(readFileSync(resolve(root, 'tests/fixtures', path)));
  const head = {
    provider: fixture.provider, stream: fixture.streaming, status: fixture.http_status,
    headers: fixture.response_headers ?? {}, receivedAtMs: 1754667600000,
  };
  for (const chunkBytes of [1024, 0]) {
    const { mbPerSecond, eventsPerSecond, runs } = await measure(head, bytes, chunkBytes);
    console.log(`${path.padEnd(44)} ${String(bytes.length).padStart(7)} ${(chunkBytes ? '1 KB' : 'whole').padStart(7)} ` +
      `${mbPerSecond.toFixed(2).padStart(8)} ${Math.round(eventsPerSecond).toString().padStart(11)} ${String(runs).padStart(6)}`);
  }
}
