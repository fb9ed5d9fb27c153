// A Wasm abort never poisons the process: the call during which the module aborted fails with
// a typed error, the module is instantiated again for the next call, and clients made before
// keep working. The abort is provoked for real, by running out of memory: the package loads a
// copy of the module whose memory may not grow past 40 MiB (the memory section's maximum
// rewritten; the shipped one allows 2 GiB), and an answer of 20 MiB, under every body limit,
// does not fit in it. And memory a call used is returned after it.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, mapStore, root } from './support.mjs';

let sim;
let lanes = 0;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

const folders = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function setup(steps) {
  const lane = sim.lane(`abort-${++lanes}`);
  lane.script(steps);
  return { lane, settings: { OPENAI_API_KEY: 'sk-test-abort', OPENAI_BASE_URL: lane.baseUrl('openai') } };
}

const unsignedLeb = (value) => {
  const bytes = [];
  do {
    bytes.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value >>>= 7;
  } while (value);
  return bytes;
};

// The module's bytes with its memory's maximum set to `pages` (64 KiB each): the memory
// section (id 5: one memory, its limits' flags, initial and maximum) written again.
function withMemoryMaximum(bytes, pages) {
  const parts = [bytes.subarray(0, 8)]; // magic and version
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
  };
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const end = leb() + at;
    if (id === 5) {
      assert.equal(leb(), 1, 'one memory');
      const flags = bytes[at++];
      const initial = leb();
      assert.ok(pages > initial);
      const section = [1, flags | 1, ...unsignedLeb(initial), ...unsignedLeb(pages)];
      parts.push(Uint8Array.of(5, ...unsignedLeb(section.length), ...section));
    } else {
      parts.push(bytes.subarray(start, end));
    }
    at = end;
  }
  return Buffer.concat(parts);
}

// The package loaded afresh (a copy of its modules: their own load.mjs state) on a module that
// cannot hold a 20 MiB answer.
async function packageWithSmallMemory(build) {
  const folder = mkdtempSync(join(tmpdir(), 'llmux-abort-'));
  folders.push(folder);
  const payload = resolve(root, build.dir, 'wasm');
  for (const name of readdirSync(payload)) if (name.endsWith('.mjs')) copyFileSync(join(payload, name), join(folder, name));
  const api = await import(pathToFileURL(join(folder, 'index.mjs')).href);
  await api.init({ wasmBinary: withMemoryMaximum(readFileSync(join(payload, 'llmux-core.wasm')), 640) });
  return api;
}

const tooBig = { body_bytes: 20 * 1024 ** 2 }; // under max_response_body_bytes, over the memory

for (const build of builds) {
  describe(`a Wasm abort (${build.name})`, { timeout: 120_000 }, () => {
    test('the call whose answer does not fit fails with a BadResponseError; the next calls answer', async () => {
      const api = await packageWithSmallMemory(build);
      const { settings } = setup([{ text: 'before' }, tooBig, { text: 'after' }, { text: 'new client' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      assert.equal((await client.chat({ prompt: 'hi' })).text, 'before');
      const core = await api.init();
      await assert.rejects(client.chat({ prompt: 'hi' }), (error) => error instanceof api.BadResponseError &&
        error.code === 'bad_response' && error.number === 11 &&
        /^llmux: the Wasm module aborted \(.+\) on the answer; it starts again for the next call$/.test(error.message));
      assert.equal(core.aborted, true);
      assert.equal((await client.chat({ prompt: 'hi' })).text, 'after');
      assert.notEqual(await api.init(), core);
      const fresh = api.createClient({ settings, model: 'gpt-4o-mini' });
      assert.equal((await fresh.chat({ prompt: 'hi' })).text, 'new client');
      assert.equal((await api.decode({ provider: 'openai', body: '{"choices":[{"message":{"content":"ok"}}]}' })).text, 'ok');
      await client.close();
      await fresh.close();
    });

    test('a call in flight when another call aborts the module fails with an InternalError', async () => {
      const api = await packageWithSmallMemory(build);
      const slow = setup([{ text: 'one two three four five six', chunk_delay_ms: 100 }, { text: 'its next call' }]);
      const big = setup([tooBig]);
      const streaming = api.createClient({ settings: slow.settings, model: 'gpt-4o-mini' });
      const aborting = api.createClient({ settings: big.settings, model: 'gpt-4o-mini' });
      const events = streaming.stream({ prompt: 'hi' })[Symbol.asyncIterator]();
      while ((await events.next()).value.type !== 'text-delta');
      await assert.rejects(aborting.chat({ prompt: 'hi' }), api.BadResponseError);
      await assert.rejects(async () => {
        while (!(await events.next()).done);
      }, (error) => error instanceof api.InternalError && error.code === 'internal' && error.number === 21 &&
        /^llmux: the Wasm module aborted \(.+\) during the call; it starts again for the next call$/.test(error.message));
      assert.equal((await streaming.chat({ prompt: 'hi' })).text, 'its next call');
      await streaming.close();
      await aborting.close();
    });

    test('a client made before the abort has its state made again', async () => {
      const api = await packageWithSmallMemory(build);
      const { lane, settings } = setup([{ text: 'one', usage: { input: 100, output: 10 } }, tooBig,
        { text: 'kept', usage: { input: 200, output: 20 } }, tooBig, { text: 'two' }]);
      // In memory: budgets and added models are set again; the ledger's records are gone with
      // the instance that held them, as on a restart of the process.
      const inMemory = api.createClient({ settings, model: 'gpt-4o-mini' });
      await inMemory.setBudget('user:amy', '5');
      await inMemory.addModels([{ id: 'added-model', provider: 'local', model: 'm', base_url: lane.baseUrl('local'), context: 4096, max_output: 512 }]);
      assert.equal((await inMemory.chat({ prompt: 'hi', user: 'amy' })).text, 'one');
      await assert.rejects(inMemory.chat({ prompt: 'hi' }), api.BadResponseError);
      assert.equal((await inMemory.budget('user:amy')).limit, '5');
      assert.ok((await inMemory.models()).some((model) => model.id === 'added-model'));
      assert.deepEqual(await inMemory.usage({ by: 'user' }), []);
      // With a store of its own, the ledger is read back from it.
      const store = mapStore();
      const stored = api.createClient({ settings, model: 'gpt-4o-mini', storage: store });
      await stored.setBudget('user:bob', '3');
      assert.equal((await stored.chat({ prompt: 'hi', user: 'bob' })).text, 'kept');
      await assert.rejects(stored.chat({ prompt: 'hi', user: 'bob' }), api.BadResponseError);
      assert.deepEqual((await stored.usage({ by: 'user' })).map((row) => [row.key, row.requests, row.inputTokens]), [['bob', 1, 200]]);
      assert.equal((await stored.budget('user:bob')).limit, '3');
      assert.equal((await stored.chat({ prompt: 'hi', user: 'bob' })).text, 'two');
      assert.deepEqual((await stored.usage({ by: 'user' })).map((row) => [row.key, row.requests]), [['bob', 2]]);
      await inMemory.close();
      await stored.close();
    });
  });

  describe(`memory a call used is returned after it (${build.name})`, { timeout: 120_000 }, () => {
    // Answers without usage, so that the ledger records nothing: what stays is what leaks.
    const answer = (text) => ({ raw: { headers: { 'content-type': 'application/json' },
      body: { id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] } } });

    test('many calls in a row, and one large answer, leave the heap as it was', async () => {
      const api = await loadBuild(build);
      const rounds = build.name === 'debug' ? 20 : 200; // the debug build is ~50 times slower
      const { settings } = setup([...Array.from({ length: 10 + rounds }, () => answer('small')),
        answer('x'.repeat(8 * 1024 ** 2)), answer('small again')]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      // The heap's use after a call whose answer is always the same (the core keeps the last
      // answer in its output buffer).
      const usage = async () => {
        await api.errorCodes();
        return api._memoryUsage();
      };
      for (let i = 0; i < 10; ++i) await client.chat({ prompt: 'hi' }); // first-use allocations
      const start = await usage();
      for (let i = 0; i < rounds; ++i) await client.chat({ prompt: 'hi' });
      assert.deepEqual(await usage(), start, 'calls in a row');
      assert.equal((await client.chat({ prompt: 'hi' })).text.length, 8 * 1024 ** 2);
      assert.equal((await client.chat({ prompt: 'hi' })).text, 'small again');
      const end = await usage();
      // No more than before (the input buffer may now be smaller than the largest small input).
      assert.ok(end.mallocBytes <= start.mallocBytes, `what the large answer took is returned: ${end.mallocBytes} > ${start.mallocBytes}`);
      await client.close();
    });
  });
}
