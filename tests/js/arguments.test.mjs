// Wrong argument types are the caller's bug: the wrapper throws a TypeError that says which
// argument, before anything reaches the module, and the module keeps working.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { builds, fixture, headOf, loadBuild } from './support.mjs';

const good = fixture('openai/chat-stream-tool-call.sse');

async function checkStillGood(api) {
  const result = await api.decode({ ...headOf(good), body: good.bytes });
  assert.equal(result.error, null);
  assert.equal(result.tool_calls[0].arguments_raw, good.expected.tool_calls[0].arguments_raw);
}

// [what is wrong, the options given, the message the TypeError must match]
const badHeads = [
  ['provider is a number', { provider: 5 }, /provider must be a string/],
  ['provider is missing', { provider: undefined }, /provider must be a string/],
  ['stream is a string', { stream: 'yes' }, /stream must be a boolean/],
  ['status is a string', { status: '200' }, /status must be an HTTP status/],
  ['status is a fraction', { status: 200.5 }, /status must be an HTTP status/],
  ['status is out of range', { status: 99 }, /status must be an HTTP status/],
  ['headers is a string', { headers: 'content-type: text/plain' }, /headers must be/],
  ['a header pair is short', { headers: [['content-type']] }, /headers must be/],
  ['a header value is a number', { headers: [['content-length', 12]] }, /headers must be/],
  ['an object header value is a number', { headers: { 'content-length': 12 } }, /headers must be/],
  ['receivedAtMs is NaN', { receivedAtMs: NaN }, /receivedAtMs must be an integer/],
  ['receivedAtMs is a string', { receivedAtMs: '1754667600000' }, /receivedAtMs must be an integer/],
];

const badBodies = [
  ['missing', undefined], ['a number', 42], ['null', null], ['an array of numbers', [100, 97, 116, 97]],
  ['an Int16Array', new Int16Array(4)], ['an object', { data: 'x' }],
];

for (const build of builds) {
  describe(`argument checks (${build.name})`, () => {
    test('decode() rejects wrong head arguments with a TypeError', async () => {
      const api = await loadBuild(build);
      for (const [what, change, message] of badHeads) {
        await assert.rejects(api.decode({ ...headOf(good), body: good.bytes, ...change }),
          (error) => error instanceof TypeError && /^decode: /.test(error.message) && message.test(error.message), what);
        await checkStillGood(api);
      }
    });

    test('decode() rejects a missing or wrongly typed body with a TypeError', async () => {
      const api = await loadBuild(build);
      for (const [what, body] of badBodies) {
        await assert.rejects(api.decode({ ...headOf(good), body }), { name: 'TypeError', message: /decode: body must be/ }, what);
        await checkStillGood(api);
      }
    });

    test('decode() and createDecoder() reject options that are not an object', async () => {
      const api = await loadBuild(build);
      for (const options of [undefined, null, 'openai', 7]) {
        await assert.rejects(api.decode(options), { name: 'TypeError', message: /options must be an object/ });
        await assert.rejects(api.createDecoder(options), { name: 'TypeError', message: /options must be an object/ });
      }
      await checkStillGood(api);
    });

    test('createDecoder() rejects wrong head arguments with a TypeError', async () => {
      const api = await loadBuild(build);
      for (const [what, change, message] of badHeads) {
        await assert.rejects(api.createDecoder({ ...headOf(good), ...change }),
          (error) => error instanceof TypeError && /^createDecoder: /.test(error.message) && message.test(error.message), what);
      }
      await checkStillGood(api);
    });

    test('feed() throws a TypeError for bytes of a wrong type, and the decoder goes on', async () => {
      const api = await loadBuild(build);
      const decoder = await api.createDecoder(headOf(good));
      const half = Math.floor(good.bytes.length / 2);
      const events = decoder.feed(good.bytes.subarray(0, half));
      for (const [what, bytes] of badBodies)
        assert.throws(() => decoder.feed(bytes), { name: 'TypeError', message: /feed: bytes must be/ }, what);
      events.push(...decoder.feed(good.bytes.subarray(half)));
      const finished = decoder.finish();
      assert.equal(finished.result.error, null);
      assert.deepEqual(finished.result, await api.decode({ ...headOf(good), body: good.bytes }));
      assert.ok(events.some((event) => event.type === 'tool_call_start'));
    });

    test('a finished or closed decoder refuses more calls; closing twice is harmless', async () => {
      const api = await loadBuild(build);
      const finished = await api.createDecoder(headOf(good));
      finished.feed(good.bytes);
      assert.equal(finished.finish().result.error, null);
      assert.throws(() => finished.feed(good.bytes), /feed\(\) after finish\(\) or close\(\)/);
      assert.throws(() => finished.finish(), /finish\(\) after finish\(\) or close\(\)/);
      finished.close();
      const closed = await api.createDecoder(headOf(good));
      closed.close();
      closed.close();
      assert.throws(() => closed.feed(good.bytes), /after finish\(\) or close\(\)/);
      await checkStillGood(api);
    });

    test('the core\'s exports themselves refuse malformed input without aborting', async () => {
      const api = await loadBuild(build);
      const core = await api.init(); // wasm/core.mjs over the C exports, below the wrapper's checks
      const errorOf = (json) => JSON.parse(json).error;
      for (const headers of ['x', 'a\0', 'a\0b', 'a\0b\0c']) {
        const error = errorOf(core.decode('openai', true, 200, headers, good.bytes, 0));
        assert.equal(error.code, 'invalid_argument', JSON.stringify(headers));
        assert.match(error.message, /^headers must be/);
      }
      assert.equal(errorOf(core.decode('openai', true, 200, 'a\0\0', good.bytes, 0)), null, 'an empty value is a value');
      for (const receivedAtMs of [NaN, Infinity, 1e300])
        assert.equal(errorOf(core.decode('openai', true, 200, '', good.bytes, receivedAtMs)).code, 'invalid_argument');
      assert.equal(errorOf(core.decode('nope', true, 200, '', good.bytes, 0)).message, 'unknown provider "nope"');
      // Lengths past what was written (or past the buffer) read less, never outside it.
      const m = core.exports;
      const answer = (length) => new TextDecoder().decode(core.bytes().subarray(m.llmux_output(), m.llmux_output() + length));
      for (const bodyLength of [1e6, 2 ** 32 - 1, -1]) {
        core.decode('openai', false, 200, '', '{}', 0); // "openai" and "{}" in the buffer
        const result = JSON.parse(answer(m.llmux_decode(6, false, 200, 0, bodyLength, 0)));
        assert.equal(result.error.code, 'bad_response', String(bodyLength));
      }
      const decoder = new core.ResponseDecoder('openai', true, 200, '', 0);
      try {
        decoder.feed(good.bytes);
        assert.equal(JSON.parse(decoder.finish()).result.error, null);
        assert.equal(JSON.parse(decoder.finish()).result.error.message, 'finish called twice');
        assert.equal(JSON.parse(decoder.feed(good.bytes))[0].error.message, 'feed after finish');
      } finally {
        decoder.delete();
      }
      await checkStillGood(api);
    });
  });
}
