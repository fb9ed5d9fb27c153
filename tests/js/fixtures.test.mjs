// Every covered fixture, decoded by the Wasm module through the JS wrapper, gives what
// tests/fixtures/expected.json says, under the comparison rules of
// tests/conformance/fixtures_test.cpp.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  builds, checkFixture, coveredProviders, errorCodes, fixture, fixtures, headOf, loadBuild,
} from './support.mjs';

for (const build of builds) {
  describe(`fixtures (${build.name})`, () => {
    test('every covered provider has its fixtures', () => {
      const seen = {};
      for (const { provider } of fixtures) seen[provider] = (seen[provider] ?? 0) + 1;
      assert.deepEqual(seen, coveredProviders);
    });

    for (const f of fixtures) {
      test(`${f.path} decodes to what expected.json says`, async () => {
        const api = await loadBuild(build);
        checkFixture(await api.decode({ ...headOf(f), body: f.bytes }), f);
      });
    }

    test('error fixtures get their stable codes', async () => {
      const api = await loadBuild(build);
      const withErrors = fixtures.filter((f) => f.expected.error !== null);
      assert.deepEqual(withErrors.map((f) => f.path).sort(), Object.keys(errorCodes).sort());
      for (const f of withErrors) {
        const result = await api.decode({ ...headOf(f), body: f.bytes });
        assert.equal(result.error.code, errorCodes[f.path], f.path);
      }
    });

    test('x-ratelimit-reset in the OpenRouter 429 becomes retry_after_ms', async () => {
      const api = await loadBuild(build);
      const f = fixture('openrouter/error-429-rate-limit.json');
      // x-ratelimit-reset: 1754667660000 (epoch ms), received at 1754667600000.
      const result = await api.decode({ ...headOf(f), body: f.bytes });
      assert.equal(result.error.retry_after_ms, 60000);
    });

    test('headers reach the core as pairs, as an object and as a Headers', async () => {
      const api = await loadBuild(build);
      const f = fixture('anthropic/error-429-rate-limit.json');
      const given = { 'Retry-After': '7', 'content-type': 'application/json' };
      for (const headers of [given, Object.entries(given), new Headers(given), new Map(Object.entries(given))]) {
        const result = await api.decode({ ...headOf(f), headers, body: f.bytes });
        assert.equal(result.error.retry_after_ms, 7000);
      }
      const without = await api.decode({ ...headOf(f), headers: [], body: f.bytes });
      assert.equal(without.error.retry_after_ms, null);
    });

    test('a body given as a string or an ArrayBuffer decodes as its bytes do', async () => {
      const api = await loadBuild(build);
      const f = fixture('anthropic/messages-stream-thinking.sse');
      const text = new TextDecoder().decode(f.bytes);
      const copy = f.bytes.slice().buffer;
      const fromBytes = await api.decode({ ...headOf(f), body: f.bytes });
      assert.deepEqual(await api.decode({ ...headOf(f), body: text }), fromBytes);
      assert.deepEqual(await api.decode({ ...headOf(f), body: copy }), fromBytes);
    });

    test('an unknown provider gives an invalid_argument error, not an abort', async () => {
      const api = await loadBuild(build);
      const f = fixture('openai/chat-text.json');
      const result = await api.decode({ ...headOf(f), provider: 'not-a-provider', body: f.bytes });
      assert.equal(result.error.code, 'invalid_argument');
      assert.equal(result.error.origin, 'caller');
      assert.equal(result.error.message, 'unknown provider "not-a-provider"');
      const decoder = await api.createDecoder({ ...headOf(f), provider: 'not-a-provider' });
      assert.deepEqual(decoder.feed(f.bytes), []);
      const finished = decoder.finish();
      assert.deepEqual(finished.events, []);
      assert.equal(finished.result.error.code, 'invalid_argument');
      checkFixture(await api.decode({ ...headOf(f), body: f.bytes }), f);
    });
  });
}
