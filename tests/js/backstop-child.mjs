// A process of its own, run with --expose-gc, for backstop.test.mjs: loads one build of the
// package and counts the bytes malloc holds in its Wasm heap around clients that are never
// closed and streams that are never finished, before and after they are garbage-collected.
// Prints them as one JSON line.
//
//   node --expose-gc tests/js/backstop-child.mjs <package dir> <OpenAI base URL>

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [packageDir, baseUrl] = process.argv.slice(2);
const api = await import(pathToFileURL(resolve(packageDir, 'index.mjs')).href);
const settings = { OPENAI_API_KEY: 'sk-test-backstop', OPENAI_BASE_URL: baseUrl };

// Collections until the registry's callbacks have run: they run in tasks after a collection.
async function collect() {
  for (let i = 0; i < 10; ++i) {
    globalThis.gc();
    await new Promise((done) => setTimeout(done, 10));
  }
}

// The bytes malloc holds, after a call whose answer is always the same (the core keeps the
// last answer in its output buffer).
async function mallocBytes() {
  await api.errorCodes();
  return (await api._memoryUsage()).mallocBytes;
}

// Clients never closed, each with its state made in the core (its catalog, ledger, cache).
async function dropClients(count) {
  for (let i = 0; i < count; ++i)
    await api.createClient({ settings, model: 'gpt-4o-mini' }).resolve('gpt-4o-mini');
}

// Streams left after their first event, their session still in the core.
async function dropStreams(count) {
  for (let i = 0; i < count; ++i) {
    const stream = api.createClient({ settings, model: 'gpt-4o-mini' }).stream({ prompt: 'hi' });
    const first = await stream[Symbol.asyncIterator]().next();
    if (first.done) throw new Error('the stream ended before its first event');
  }
}

// First-use allocations (the catalog's tables, the buffers) happen here.
const warm = api.createClient({ settings, model: 'gpt-4o-mini' });
for await (const _ of warm.stream({ prompt: 'hi' }));
await warm.close();
await dropClients(1);
await dropStreams(1);
await collect();

const before = await mallocBytes();
await dropClients(10);
const clientsHeld = await mallocBytes();
await collect();
const clientsCollected = await mallocBytes();
await dropStreams(5);
const streamsHeld = await mallocBytes();
await collect();
const streamsCollected = await mallocBytes();
console.log(JSON.stringify({ before, clientsHeld, clientsCollected, streamsHeld, streamsCollected }));
