// Every covered fixture, decoded by the Wasm module through the JS wrapper, gives what
// tests/fixtures/expected.json says, under the comparison rules of
// tests/conformance/fixtures_test.cpp.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { builds, coveredProviders, fixture, fixtures, headOf, loadBuild } from './support.mjs';

// Numeric provider codes are reported as their text.
const orNullString = (value) =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

// expected.json names usage counts as the providers do; llmux has one name for each.
function expectedUsage(usage) {
  if (usage === null) return null;
  const renamed = { cache_read_input_tokens: 'cached_input_tokens', cache_creation_input_tokens: 'cache_write_input_tokens' };
  return Object.fromEntries(Object.entries(usage).map(([key, value]) => [renamed[key] ?? key, value]));
}

function checkResult(ours, expected) {
  assert.equal(ours.text, expected.text);
  assert.equal(ours.reasoning, expected.reasoning);
  assert.equal(ours.refusal ?? '', expected.refusal ?? '');
  assert.equal(ours.finish_reason, expected.finish_reason);
  assert.deepEqual(ours.usage, expectedUsage(expected.usage));

  assert.equal(ours.tool_calls.length, expected.tool_calls.length);
  ours.tool_calls.forEach((call, i) => {
    const want = expected.tool_calls[i];
    assert.equal(call.id, want.id, `tool call ${i} id`);
    assert.equal(call.name, want.name, `tool call ${i} name`);
    assert.deepEqual(call.arguments, want.arguments, `tool call ${i} arguments`);
    if ('arguments_raw' in want) assert.equal(call.arguments_raw, want.arguments_raw, `tool call ${i} arguments_raw`);
  });

  if (expected.error === null) {
    assert.equal(ours.error, null);
    return;
  }
  assert.equal(typeof ours.error, 'object');
  assert.notEqual(ours.error, null);
  assert.equal(ours.error.status, expected.error.status);
  assert.equal(ours.error.in_stream, expected.error.in_stream ?? false);
  assert.equal(ours.error.type, expected.error.type);
  assert.equal(ours.error.message, expected.error.message);
  assert.equal(ours.error.provider_code, orNullString(expected.error.code));
  assert.equal(ours.error.param, orNullString(expected.error.param));
  if ('request_id' in expected.error) assert.equal(ours.error.request_id, expected.error.request_id);
}

// The stable codes of the error fixtures, as tests/conformance/fixtures_test.cpp has them.
const errorCodes = {
  'openai/error-400-unsupported-parameter.json': 'invalid_request',
  'openai/error-401-invalid-api-key.json': 'auth_failed',
  'openai/error-400-context-length-exceeded.json': 'context_length_exceeded',
  'anthropic/error-429-rate-limit.json': 'rate_limited',
  'anthropic/error-400-invalid-request.json': 'invalid_request',
  'anthropic/error-529-overloaded.json': 'overloaded',
  'anthropic/messages-stream-error-overloaded.sse': 'overloaded',
  'vllm/error-400-auto-tool-choice.json': 'tool_choice_unsupported',
  'vllm/error-400-auto-tool-choice-legacy.json': 'tool_choice_unsupported',
  'openrouter/error-429-rate-limit.json': 'rate_limited',
  'openrouter/chat-stream-midstream-error.sse': 'invalid_request',
};

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
        checkResult(await api.decode({ ...headOf(f), body: f.bytes }), f.expected);
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
      checkResult(await api.decode({ ...headOf(f), body: f.bytes }), f.expected);
    });
  });
}
