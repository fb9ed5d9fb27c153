// Bad bytes never abort the module: each gives a bad_response error (or the provider's error
// for an error status), and afterwards the same module still decodes a good fixture right.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { builds, decodeInChunks, encode, fixture, fixtures, headOf, loadBuild, seededRandom } from './support.mjs';

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

const good = fixture('anthropic/messages-stream-tool-use.sse');

// The good fixture, fed in 100-byte chunks, still decodes to what expected.json says.
async function checkStillGood(api) {
  const { events, result } = await decodeInChunks(api, headOf(good), good.bytes, [100, 200, 1000, 1001, 2000]);
  assert.ok(events.length > 0);
  assert.equal(result.error, null);
  assert.equal(result.text, good.expected.text);
  assert.equal(result.finish_reason, good.expected.finish_reason);
  assert.deepEqual(result.tool_calls.map(({ name, arguments: args }) => ({ name, arguments: args })),
    good.expected.tool_calls.map(({ name, arguments: args }) => ({ name, arguments: args })));
}

async function expectError(api, options, code, origin = 'decoder') {
  const result = await api.decode({ receivedAtMs: 0, ...options });
  assert.notEqual(result.error, null, 'an error');
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.origin, origin);
  await checkStillGood(api);
  return result.error;
}

// Where a stream's last word is: cut before it, the stream is incomplete.
function endMarker(f) {
  const markers = {
    anthropic: /event: message_stop/,
    ollama: /"done":\s*true/,
    gemini: /"finishReason":\s*"/,
    cohere: /event: message-end/,
  };
  const match = (markers[f.provider] ?? /"finish_reason":\s*"/).exec(new TextDecoder().decode(f.bytes));
  assert.ok(match, `${f.path} has an end marker`);
  return new TextEncoder().encode(new TextDecoder().decode(f.bytes).slice(0, match.index)).length;
}

const sse = (...events) => encode(events.map((data) => `data: ${data}\n\n`).join(''));
const anthropicEvent = (type, data) => `event: ${type}\ndata: ${data}\n\n`;

for (const build of builds) {
  describe(`bad input (${build.name})`, () => {
    test('truncated streams give bad_response', async () => {
      const api = await loadBuild(build);
      const streams = fixtures.filter((f) => f.stream && f.status === 200 && f.expected.error === null);
      assert.ok(streams.length >= 15);
      for (const f of streams) {
        const end = endMarker(f);
        for (const cut of [0, 1, Math.floor(end / 2), end - 1]) {
          const error = await expectError(api, { ...headOf(f), body: f.bytes.subarray(0, cut) }, 'bad_response');
          assert.match(error.message, /ended before|not JSON/, `${f.path} cut at ${cut}`);
        }
      }
    });

    test('truncated JSON bodies give bad_response', async () => {
      const api = await loadBuild(build);
      const bodies = fixtures.filter((f) => !f.stream && f.status === 200);
      assert.ok(bodies.length >= 8);
      for (const f of bodies) {
        const lastBrace = f.bytes.lastIndexOf(0x7d); // before the closing '}' (a final newline may follow)
        for (const cut of [1, Math.floor(f.bytes.length / 2), lastBrace]) {
          const error = await expectError(api, { ...headOf(f), body: f.bytes.subarray(0, cut) }, 'bad_response');
          assert.match(error.message, /not JSON/, `${f.path} cut at ${cut}`);
        }
      }
    });

    test('invalid JSON gives bad_response', async () => {
      const api = await loadBuild(build);
      await expectError(api, { provider: 'openai', stream: true, body: sse('{"choices": [}') }, 'bad_response');
      await expectError(api, { provider: 'mistral', stream: true, body: sse('{"choices":[{"index":0,"delta":{"content":"a"}}]} trailing') }, 'bad_response');
      await expectError(api, { provider: 'anthropic', stream: true, body: encode(anthropicEvent('message_start', '{"type":')) }, 'bad_response');
      await expectError(api, { provider: 'openai', body: encode('{"id": ') }, 'bad_response');
      await expectError(api, { provider: 'anthropic', body: encode('not json at all') }, 'bad_response');
      await expectError(api, { provider: 'vllm', body: encode('['.repeat(100000)) }, 'bad_response');
      await expectError(api, { provider: 'anthropic', stream: true, body: sse('{"a":'.repeat(100000)) }, 'bad_response');
    });

    test('invalid UTF-8 gives bad_response', async () => {
      const api = await loadBuild(build);
      const badBytes = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
      for (const bytes of badBytes.map((b) => new Uint8Array(b))) {
        await expectError(api, {
          provider: 'openai', stream: true,
          body: concat(encode('data: {"choices":[{"index":0,"delta":{"content":"'), bytes,
            encode('"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')),
        }, 'bad_response');
        await expectError(api, {
          provider: 'anthropic', stream: true,
          body: concat(encode('event: message_start\ndata: {"type":"message_start","message":{"id":"'), bytes,
            encode('"}}\n\n'), encode(anthropicEvent('message_stop', '{"type":"message_stop"}'))),
        }, 'bad_response');
        await expectError(api, {
          provider: 'openai',
          body: concat(encode('{"choices":[{"index":0,"message":{"role":"assistant","content":"'), bytes,
            encode('"},"finish_reason":"stop"}]}')),
        }, 'bad_response');
      }
    });

    test('a 1 MB line: garbage gives bad_response, a valid one decodes whole', async () => {
      const api = await loadBuild(build);
      const megabyte = 'a'.repeat(1 << 20);
      await expectError(api, { provider: 'openai', stream: true, body: encode(`data: ${megabyte}\n\n`) }, 'bad_response');
      await expectError(api, { provider: 'openai', stream: true, body: encode(`data: ${megabyte}`) }, 'bad_response');
      await expectError(api, { provider: 'anthropic', stream: true, body: encode(`:${megabyte}\n\n`) }, 'bad_response');
      const valid = sse(`{"choices":[{"index":0,"delta":{"content":"${megabyte}"},"finish_reason":"stop"}]}`, '[DONE]');
      const result = await api.decode({ provider: 'openai', stream: true, body: valid, receivedAtMs: 0 });
      assert.equal(result.error, null);
      assert.equal(result.text.length, 1 << 20);
      assert.equal(result.text, megabyte);
    });

    test('an event past the 16 MiB bound gives bad_response', async () => {
      const api = await loadBuild(build);
      const body = new Uint8Array((16 << 20) + 16).fill(0x62);
      body.set(encode('data: '));
      const error = await expectError(api, { provider: 'openai', stream: true, body }, 'bad_response');
      assert.match(error.message, /longer than 16777216 bytes/);
    });

    test('unknown event types are skipped, as the providers ask', async () => {
      const api = await loadBuild(build);
      // Anthropic's versioning policy: clients must tolerate event types added later.
      const anthropic = fixture('anthropic/messages-stream-text.sse');
      const unknown = encode(anthropicEvent('future_event', '{"type":"future_event","detail":{"x":[1,2]}}'));
      const at = new TextDecoder().decode(anthropic.bytes).indexOf('event: content_block_start');
      const withUnknown = concat(anthropic.bytes.subarray(0, at), unknown, anthropic.bytes.subarray(at));
      const expected = await api.decode({ ...headOf(anthropic), body: anthropic.bytes });
      assert.deepEqual(await api.decode({ ...headOf(anthropic), body: withUnknown }), expected);
      assert.equal(expected.text, anthropic.expected.text);
      // A chunk of a kind the OpenAI decoder does not know, and a named SSE event.
      const openai = fixture('openai/chat-stream-tool-call.sse');
      const extra = encode('event: future\ndata: {"object":"chat.completion.future","future_field":[1]}\n\n');
      const withExtra = concat(extra, openai.bytes);
      assert.deepEqual(await api.decode({ ...headOf(openai), body: withExtra }),
        await api.decode({ ...headOf(openai), body: openai.bytes }));
      await checkStillGood(api);
    });

    // (A usage count of the wrong type is not among them: it is unknown, with a warning; see
    // hostile-input.test.mjs.)
    test('wrong JSON types in known fields give bad_response', async () => {
      const api = await loadBuild(build);
      const chunks = [
        '{"choices":[{"index":0,"delta":{"content":5}}]}',
        '{"choices":{"index":0}}',
        '{"choices":["text"]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":7}]}',
        '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":"0","id":"a","function":{"name":"f"}}]}}]}',
        '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":[1]}}]}}]}',
        '[1,2,3]',
        '"a string"',
      ];
      for (const chunk of chunks) {
        const error = await expectError(api, { provider: 'openai', stream: true, body: sse(chunk, '[DONE]') }, 'bad_response');
        assert.ok(error.message.length > 0, chunk);
      }
      const events = [
        ['content_block_start', '{"type":"content_block_start","index":"0","content_block":{"type":"text","text":""}}'],
        ['content_block_start', '{"type":"content_block_start","index":0,"content_block":"text"}'],
        ['content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}'],
        ['message_start', '{"type":7}'],
      ];
      const start = anthropicEvent('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}');
      for (const [type, data] of events) {
        const body = encode((type === 'content_block_delta' ? start : '') + anthropicEvent(type, data) +
          anthropicEvent('message_stop', '{"type":"message_stop"}'));
        await expectError(api, { provider: 'anthropic', stream: true, body }, 'bad_response');
      }
      await expectError(api, { provider: 'openai', body: encode('{"choices":5}') }, 'bad_response');
      await expectError(api, { provider: 'anthropic', body: encode('{"type":"message","content":"hi","stop_reason":"end_turn"}') }, 'bad_response');
    });

    test('an empty body gives bad_response, or the provider error of its status', async () => {
      const api = await loadBuild(build);
      const empty = new Uint8Array(0);
      for (const provider of ['openai', 'anthropic', 'mistral']) {
        for (const stream of [true, false]) {
          await expectError(api, { provider, stream, body: empty }, 'bad_response');
          const error = await expectError(api, { provider, stream, status: 500, body: empty }, 'server_error', 'provider');
          assert.equal(error.status, 500);
        }
      }
    });

    test('random bytes give bad_response, or the provider error of their status', async () => {
      const api = await loadBuild(build);
      const random = seededRandom(7);
      for (const provider of ['openai', 'anthropic', 'huggingface', 'azure-openai']) {
        for (const stream of [true, false]) {
          for (let round = 0; round < 10; ++round) {
            const body = new Uint8Array(1 + Math.floor(random() * 8192)).map(() => Math.floor(random() * 256));
            await expectError(api, { provider, stream, body }, 'bad_response');
            const error = await expectError(api, { provider, stream, status: 502, body }, 'server_error', 'provider');
            assert.equal(error.status, 502);
          }
        }
      }
    });

    test('bad bytes fed in pieces fail the same way, and the decoder is closed after', async () => {
      const api = await loadBuild(build);
      const body = concat(good.bytes.subarray(0, 600), new Uint8Array([0xff, 0xfe]), good.bytes.subarray(600));
      const whole = await api.decode({ ...headOf(good), body });
      assert.equal(whole.error.code, 'bad_response');
      const cuts = Array.from({ length: Math.floor(body.length / 37) }, (_, i) => (i + 1) * 37);
      const { events, result } = await decodeInChunks(api, headOf(good), body, cuts);
      assert.deepEqual(result, whole);
      assert.equal(events.at(-1).type, 'error');
      assert.equal(events.filter((event) => event.type === 'error').length, 1);
      await checkStillGood(api);
    });
  });
}
