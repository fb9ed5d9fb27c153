// Decoders created and dropped (finished, closed early, failed, refused) leave the Wasm heap
// flat: neither the heap grows nor malloc holds more bytes than before.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { builds, encode, fixture, headOf, loadBuild } from './support.mjs';

const stream = fixture('anthropic/messages-stream-thinking.sse');
const whole = fixture('openai/chat-tool-call.json');
const bad = encode('data: {"choices": [}\n\n');

// One round of every way a decoder's life can end.
async function round(api, i) {
  const finished = await api.createDecoder(headOf(stream));
  finished.feed(stream.bytes.subarray(0, 5000));
  finished.feed(stream.bytes.subarray(5000));
  assert.equal(finished.finish().result.error, null);

  const closedEarly = await api.createDecoder(headOf(stream));
  closedEarly.feed(stream.bytes.subarray(0, 1000 + (i % 7) * 100)); // buffers a partial event
  closedEarly.close();

  const failed = await api.createDecoder({ provider: 'openai', stream: true, receivedAtMs: 0 });
  assert.equal(failed.feed(bad).at(-1).type, 'error');
  failed.close();

  const unknown = await api.createDecoder({ provider: 'no-such-provider', receivedAtMs: 0 });
  unknown.feed(whole.bytes);
  assert.equal(unknown.finish().result.error.code, 'invalid_argument');

  const neverFed = await api.createDecoder(headOf(whole));
  neverFed.close();

  assert.equal((await api.decode({ ...headOf(whole), body: whole.bytes })).error, null);
  assert.equal((await api.decode({ provider: 'anthropic', stream: true, body: bad, receivedAtMs: 0 })).error.code, 'bad_response');
}

// The heap's use after a call whose answer is always the same: the core keeps the last answer
// in its output buffer (wasm/boundary.hpp), which is otherwise as long as that answer was.
async function usage(api) {
  await api.errorCodes();
  return api._memoryUsage();
}

for (const build of builds) {
  describe(`memory (${build.name})`, () => {
    test('many decoders created and dropped leave the heap flat', async () => {
      const api = await loadBuild(build);
      for (let i = 0; i < 20; ++i) await round(api, i); // first-use allocations happen here
      const before = await usage(api);
      const rounds = build.name === 'debug' ? 100 : 1500; // the debug build is ~50 times slower
      for (let i = 0; i < rounds; ++i) await round(api, i);
      const after = await usage(api);
      assert.equal(after.heapBytes, before.heapBytes, 'the Wasm heap did not grow');
      assert.equal(after.mallocBytes, before.mallocBytes, 'malloc holds what it held before');
    });

    test('the memory check sees a decoder that is not freed', async () => {
      const api = await loadBuild(build);
      // The core keeps its input buffer for the next call (wasm/boundary.hpp): one decode of
      // the whole stream has it at the size the decoder below needs.
      await api.decode({ ...headOf(stream), body: stream.bytes });
      const before = await usage(api);
      const kept = await api.createDecoder(headOf(stream));
      kept.feed(stream.bytes.subarray(0, 3000));
      const during = await usage(api);
      assert.ok(during.mallocBytes > before.mallocBytes, 'an open decoder holds memory');
      kept.close();
      assert.equal((await usage(api)).mallocBytes, before.mallocBytes);
    });
  });
}
