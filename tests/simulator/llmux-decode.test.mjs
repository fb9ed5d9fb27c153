// llmux's own decoders (the Wasm builds of scripts/build-wasm.sh) read what the simulator
// serves as the Step meant it: text, reasoning, parallel tool calls, finish and usage, whole
// and streamed, and its errors with their stable codes and retry hints. A missing build skips
// its tests (the Wasm stage of scripts/test.sh builds and tests it); nothing else does.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

import { builds, loadBuild, root } from '../js/support.mjs';
import { freshLane, rawRequest, useSimulator } from './helpers.mjs';

const sim = useSimulator();

// How each format is asked, whole and streamed (Ollama streams unless told not to).
const requests = {
  openai: (stream) => ['/v1/chat/completions', { model: 'm', stream, stream_options: stream ? { include_usage: true } : undefined }],
  anthropic: (stream) => ['/v1/messages', { model: 'm', stream }],
  ollama: (stream) => ['/api/chat', { model: 'm', stream }],
  gemini: (stream) => [stream ? '/v1beta/models/g:streamGenerateContent?alt=sse' : '/v1beta/models/g:generateContent', {}],
  cohere: (stream) => ['/v2/chat', { model: 'm', stream }],
};

const rich = {
  text: 'Hello there', reasoning: 'Think it through',
  tool_calls: [{ id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } }, { id: 'call_b', name: 'get_time', arguments: { zone: 'CET' } }],
  usage: { input: 100, output: 40, cached: 30, reasoning: 10 },
  chunk_size: 3,
};

// What llmux reads from each provider's fields for `rich` (the usage is the wire's own counts).
const expected = {
  openai: {
    finish_reason: 'tool_calls',
    usage: { input_tokens: 100, output_tokens: 40, total_tokens: 140, cached_input_tokens: 30, reasoning_tokens: 10 },
  },
  anthropic: { finish_reason: 'tool_use', usage: { input_tokens: 70, output_tokens: 40, cached_input_tokens: 30, cache_write_input_tokens: 0 } },
  ollama: { finish_reason: 'stop', usage: { input_tokens: 100, output_tokens: 40 } },
  gemini: {
    finish_reason: 'STOP',
    usage: { input_tokens: 100, output_tokens: 30, total_tokens: 140, cached_input_tokens: 30, reasoning_tokens: 10 },
  },
  cohere: {
    finish_reason: 'TOOL_CALL', text: '', tool_plan: 'Hello there',
    usage: { input_tokens: 100, output_tokens: 40, cached_input_tokens: 30, billed_input_tokens: 70, billed_output_tokens: 40 },
  },
};

// The lane's origin: the paths above are whole.
const origin = (lane) => lane.baseUrl('anthropic');

async function served(lane, provider, stream) {
  const [path, body] = requests[provider](stream);
  const response = await fetch(`${origin(lane)}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { provider, stream, status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

for (const build of builds) {
  const present = existsSync(resolve(root, build.dir, 'wasm/index.mjs'));
  const skip = present ? false : `no Wasm build in ${build.dir} (scripts/build-wasm.sh)`;
  describe(`llmux decodes the simulator (${build.name})`, { skip }, () => {
    for (const provider of Object.keys(requests)) {
      for (const stream of [false, true]) {
        test(`${provider} ${stream ? 'stream' : 'whole'}: text, reasoning, parallel tool calls, finish, usage`, async () => {
          const api = await loadBuild(build);
          const lane = freshLane(sim(), [rich]);
          const result = await api.decode(await served(lane, provider, stream));
          const want = expected[provider];
          assert.equal(result.error, null);
          assert.equal(result.text, want.text ?? 'Hello there');
          if (want.tool_plan) assert.equal(result.tool_plan, want.tool_plan);
          assert.equal(result.reasoning, 'Think it through');
          assert.deepEqual(result.tool_calls.map((call) => [call.id, call.name, call.arguments]), [
            ['call_a', 'get_weather', { city: 'Paris' }], ['call_b', 'get_time', { zone: 'CET' }],
          ]);
          assert.equal(result.finish_reason, want.finish_reason);
          assert.equal(result.finish, 'tool_calls');
          assert.deepEqual(result.usage, want.usage);
        });
      }

      test(`${provider}: 429 is rate_limited with the retry hint, 401 auth_failed`, async () => {
        const api = await loadBuild(build);
        const lane = freshLane(sim(), [{ status: 429, retry_after_seconds: 2 }, { status: 401 }]);
        const limited = await api.decode(await served(lane, provider, false));
        assert.deepEqual([limited.error.code, limited.error.status, limited.error.retry_after_ms], ['rate_limited', 429, 2000]);
        const denied = await api.decode(await served(lane, provider, false));
        assert.deepEqual([denied.error.code, denied.error.status], ['auth_failed', 401]);
      });

      test(`${provider}: an in-stream error keeps the text before it and is in_stream`, async () => {
        const api = await loadBuild(build);
        // Cohere's text deltas come after message-start and content-start; the others' after one event.
        const after = { openai: 2, anthropic: 4, ollama: 1, gemini: 1, cohere: 3 }[provider];
        const lane = freshLane(sim(), [{ text: 'one two three', stream_error: { after_chunks: after, message: 'it broke' } }]);
        const result = await api.decode(await served(lane, provider, true));
        assert.equal(result.text, 'one');
        assert.equal(result.error.in_stream, true);
        assert.equal(result.error.message, 'it broke');
      });

      test(`${provider}: a stream cut by a disconnect is a bad_response, not a success`, async () => {
        const api = await loadBuild(build);
        const lane = freshLane(sim(), [{ text: 'one two three four', disconnect_after_chunks: 3 }]);
        const [path, body] = requests[provider](true);
        const cut = await rawRequest(`${origin(lane)}${path}`, { body });
        assert.notEqual(cut.ended, 'end');
        const result = await api.decode({ provider, stream: true, status: cut.status, headers: cut.headers, body: cut.parts.join('') });
        assert.equal(result.error.code, 'bad_response');
        assert.match(result.error.message, /ended before/);
      });
    }

    test('anthropic: 529 is overloaded', async () => {
      const api = await loadBuild(build);
      const lane = freshLane(sim(), [{ status: 529 }]);
      const result = await api.decode(await served(lane, 'anthropic', true));
      assert.deepEqual([result.error.code, result.error.type], ['overloaded', 'overloaded_error']);
    });

    test('gemini: an API_KEY_INVALID reason on a 400 is auth_failed', async () => {
      const api = await loadBuild(build);
      const lane = freshLane(sim(), [{ status: 400, error: { code: 'API_KEY_INVALID', message: 'API key not valid.' } }]);
      const result = await api.decode(await served(lane, 'gemini', false));
      assert.equal(result.error.code, 'auth_failed');
    });
  });
}
