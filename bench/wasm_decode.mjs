// Decode throughput of the release Wasm module through the JS wrapper, on the large
// fixtures and a synthetic stream, fed in network-sized chunks and whole. Prints MB/s,
// events/s and microseconds per event; asserts nothing.
//
//   node bench/wasm_decode.mjs [SECONDS_PER_ROW]      (default 1)
//   LLMUX_WASM_RELEASE=path/to/build node bench/wasm_decode.mjs
//
// Each row decodes the fixture again and again for about SECONDS_PER_ROW, after a warm-up
// (V8 compiles Wasm in tiers: the first runs are slower). A row's time includes the whole
// round trip a driver pays: copying chunks in, decoding, and JSON.parse of the events out.
// Events are the SSE events carrying data, as bench/decode_bench.cpp counts them, so that
// the synthetic row (the same 20,000 ~100-byte OpenAI chunks as the native benchmark's
// synthetic/20000x100B-events) compares directly with the native figures; out_events/s is
// the rate of the StreamEvents the decoder handed back (the native `out_events`).

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

// One decode of `bytes` in chunks of `chunkBytes` (0: whole); returns the stream events it gave.
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

// SSE events carrying data: what the native benchmark's `events` counter counts.
function sseEvents(bytes) {
  const text = new TextDecoder().decode(bytes).replace(/\r\n?/g, '\n');
  return text.split(/\n\n+/).filter((block) => /^data:/m.test(block)).length;
}

async function measure(head, bytes, chunkBytes, sseEventsPerRun) {
  const warmUpUntil = performance.now() + 200;
  while (performance.now() < warmUpUntil) await decodeOnce(head, bytes, chunkBytes);
  let runs = 0;
  let outEvents = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < secondsPerRow * 1000) {
    outEvents += await decodeOnce(head, bytes, chunkBytes);
    ++runs;
    elapsed = performance.now() - start;
  }
  const seconds = elapsed / 1000;
  return {
    mbPerSecond: (bytes.length * runs) / seconds / 1e6,
    eventsPerSecond: (sseEventsPerRun * runs) / seconds,
    usPerEvent: (elapsed * 1000) / (sseEventsPerRun * runs),
    outEventsPerSecond: outEvents / seconds,
    runs,
  };
}

// The native benchmark's synthetic/20000x100B-events: a long answer streamed a token at a
// time, each OpenAI chunk about 100 bytes on the wire, then a finish chunk and [DONE].
function syntheticSmallEvents() {
  let text = '';
  for (let i = 0; i < 20000; ++i)
    text += 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","choices":[{"index":0,' +
      `"delta":{"content":" w${String(i).padStart(5, '0')}"}}]}\n\n`;
  text += 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","choices":[{"index":0,' +
    '"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  return new TextEncoder().encode(text);
}

const rows = paths.map((path) => {
  const fixture = expected[path];
  return {
    name: path,
    bytes: new Uint8Array(readFileSync(resolve(root, 'tests/fixtures', path))),
    head: {
      provider: fixture.provider, stream: fixture.streaming, status: fixture.http_status,
      headers: fixture.response_headers ?? {}, receivedAtMs: 1754667600000,
    },
  };
});
rows.push({
  name: 'synthetic/20000x100B-events',
  bytes: syntheticSmallEvents(),
  head: { provider: 'openai', stream: true, status: 200, headers: {}, receivedAtMs: 1754667600000 },
});

console.log(`llmux Wasm decode (${build})`);
console.log(`${'input'.padEnd(44)} ${'bytes'.padStart(7)} ${'chunks'.padStart(7)} ${'MB/s'.padStart(8)} ` +
  `${'events/s'.padStart(11)} ${'µs/event'.padStart(9)} ${'out_events/s'.padStart(12)} ${'runs'.padStart(6)}`);
for (const { name, bytes, head } of rows) {
  const perRun = sseEvents(bytes);
  for (const chunkBytes of [1024, 0]) {
    const { mbPerSecond, eventsPerSecond, usPerEvent, outEventsPerSecond, runs } = await measure(head, bytes, chunkBytes, perRun);
    console.log(`${name.padEnd(44)} ${String(bytes.length).padStart(7)} ${(chunkBytes ? '1 KB' : 'whole').padStart(7)} ` +
      `${mbPerSecond.toFixed(2).padStart(8)} ${Math.round(eventsPerSecond).toString().padStart(11)} ` +
      `${usPerEvent.toFixed(2).padStart(9)} ${Math.round(outEventsPerSecond).toString().padStart(12)} ` +
      `${String(runs).padStart(6)}`);
  }
}
