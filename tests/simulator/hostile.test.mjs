// The hostile-upstream Steps: errors that echo the request's own key, bodies of any size made
// on the fly, gzip bombs, drips, silences, and usage counts no tokenizer produced.

import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { maskedKey } from './hostile.mjs';
import { freshLane, post, rawRequest, sseEvents, useSimulator } from './helpers.mjs';

const sim = useSimulator();

const key = 'sk-proj-HostileTest0123456789abcdefWXYZ';

// Each wire format's chat URL, and how its provider sends the key.
const providers = {
  openai: { path: '/chat/completions', auth: { authorization: `Bearer ${key}` } },
  azure: { path: '/openai/deployments/d/chat/completions?api-version=2024-10-21', auth: { 'api-key': key } },
  anthropic: { path: '/v1/messages', auth: { 'x-api-key': key } },
  gemini: { path: '/v1beta/models/m:generateContent', auth: { 'x-goog-api-key': key } },
  cohere: { path: '/v2/chat', auth: { authorization: `bearer ${key}` } },
  ollama: { path: '/api/chat', auth: { authorization: `Bearer ${key}` } },
};
const chatUrl = (lane, provider) => lane.baseUrl(provider) + providers[provider].path;

test('maskedKey masks as OpenAI\'s 401 does: the first 8 characters, stars, the last 4', () => {
  assert.equal(maskedKey(key), `sk-proj-${'*'.repeat(key.length - 12)}WXYZ`);
  assert.equal(maskedKey('short-key'), '*****-key');
});

test('{api_key} and {api_key_masked} echo the key the request carried, wherever its provider puts it', async () => {
  for (const provider of Object.keys(providers)) {
    const lane = freshLane(sim(), [{ status: 401, error: { message: 'Incorrect API key provided: {api_key} ({api_key_masked}).' } }]);
    const answer = await post(chatUrl(lane, provider), { model: 'm', stream: false }, providers[provider].auth);
    assert.equal(answer.status, 401, provider);
    assert.ok(answer.text.includes(`Incorrect API key provided: ${key} (${maskedKey(key)}).`), `${provider}: ${answer.text}`);
  }
  // Gemini's ?key= too, and a request without a key says so.
  const lane = freshLane(sim(), [{ status: 429, error: { message: 'quota for {api_key}' } }, { status: 429, error: { message: 'quota for {api_key}' } }]);
  const byQuery = await post(`${lane.baseUrl('gemini')}/v1beta/models/m:generateContent?key=${key}`, { contents: [] });
  assert.ok(byQuery.text.includes(`quota for ${key}`), byQuery.text);
  const none = await post(chatUrl(lane, 'openai'), { model: 'm' });
  assert.ok(none.text.includes('quota for (no api key in the request)'), none.text);
});

test('the key echoes in a plain-text 500, a header, and an in-stream error event', async () => {
  const lane = freshLane(sim(), [
    { raw: { status: 500, headers: { 'content-type': 'text/plain', 'x-upstream-key': '{api_key_masked}' }, body: 'upstream refused {api_key}' } },
    { text: 'partial answer', stream_error: { after_chunks: 2, message: 'key {api_key} revoked mid-stream' } },
  ]);
  const auth = providers.openai.auth;
  const plain = await post(chatUrl(lane, 'openai'), { model: 'm' }, auth);
  assert.deepEqual([plain.status, plain.text, plain.headers.get('x-upstream-key')], [500, `upstream refused ${key}`, maskedKey(key)]);
  const streamed = await post(chatUrl(lane, 'openai'), { model: 'm', stream: true }, auth);
  const events = sseEvents(streamed.text);
  assert.equal(events.at(-1).data.error.message, `key ${key} revoked mid-stream`);
});

test('body_bytes: a whole answer of exactly N bytes, valid JSON whose text is the filler', async () => {
  const lane = freshLane(sim(), [{ body_bytes: 100000 }, { body_bytes: 5000, status: 500 }, { body_bytes: 10 }]);
  const whole = await post(chatUrl(lane, 'openai'), { model: 'm' });
  assert.equal(Buffer.byteLength(whole.text), 100000);
  const text = JSON.parse(whole.text).choices[0].message.content;
  assert.match(text, /^x+$/);
  const error = await post(chatUrl(lane, 'openai'), { model: 'm' });
  assert.deepEqual([error.status, Buffer.byteLength(error.text)], [500, 5000]);
  assert.match(JSON.parse(error.text).error.message, /^x+$/);
  // Smaller than the body with an empty text: no filler at all.
  const tiny = await post(chatUrl(lane, 'openai'), { model: 'm' });
  assert.equal(JSON.parse(tiny.text).choices[0].message.content, '');
});

test('body_bytes in every format, whole and streamed: N bytes, the filler in one text event', async () => {
  for (const provider of ['openai', 'anthropic', 'gemini', 'cohere', 'ollama']) {
    for (const stream of [false, true]) {
      const lane = freshLane(sim(), [{ body_bytes: 70000 }]);
      const url = provider === 'gemini' && stream
        ? `${lane.baseUrl('gemini')}/v1beta/models/m:streamGenerateContent?alt=sse` : chatUrl(lane, provider);
      const answer = await post(url, { model: 'm', stream });
      assert.equal(Buffer.byteLength(answer.text), 70000, `${provider} stream ${stream}`);
      assert.ok(!answer.text.includes('FILL'), `${provider} stream ${stream}: the marker is gone`);
      assert.match(answer.text, /x{60000}/, `${provider} stream ${stream}`);
    }
  }
});

test('body_bytes: 1 GiB streams out of the simulator without being held in its memory', async () => {
  const lane = freshLane(sim(), [{ body_bytes: 2 ** 30 }]);
  const peakBefore = process.resourceUsage().maxRSS; // KiB
  const received = await new Promise((resolve, reject) => {
    const request = http.request(chatUrl(lane, 'openai'), { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('response', (response) => {
      let bytes = 0;
      response.on('data', (part) => {
        bytes += part.length;
      });
      response.on('end', () => resolve({ bytes, length: Number(response.headers['content-length']) }));
    });
    request.on('error', reject);
    request.end('{"model": "m"}');
  });
  assert.deepEqual(received, { bytes: 2 ** 30, length: 2 ** 30 });
  const grownMiB = (process.resourceUsage().maxRSS - peakBefore) / 1024;
  assert.ok(grownMiB < 256, `the peak memory grew by ${grownMiB} MiB`);
});

test('gzip_bomb: a small gzip body, content-encoding gzip, that inflates to N newlines and the answer', async () => {
  const lane = freshLane(sim(), [{ text: 'after the bomb', gzip_bomb: 100 * 2 ** 20 }, { text: 'streamed', gzip_bomb: 1000 }]);
  const whole = await rawBytes(chatUrl(lane, 'openai'), { model: 'm' });
  assert.equal(whole.headers['content-encoding'], 'gzip');
  assert.equal(Number(whole.headers['content-length']), whole.body.length);
  assert.ok(whole.body.length < 200 * 1024, `${whole.body.length} bytes compressed`);
  let inflated = 0;
  let tail = '';
  const gunzip = zlib.createGunzip();
  gunzip.on('data', (part) => {
    inflated += part.length;
    tail = (tail + part.toString()).slice(-4096);
  });
  gunzip.end(whole.body);
  await new Promise((resolve, reject) => gunzip.on('end', resolve).on('error', reject));
  const answer = tail.trim();
  assert.equal(inflated, 100 * 2 ** 20 + Buffer.byteLength(answer));
  assert.equal(JSON.parse(answer).choices[0].message.content, 'after the bomb');
  // fetch inflates it; a stream's events follow the newlines (blank lines to SSE).
  const streamed = await post(chatUrl(lane, 'openai'), { model: 'm', stream: true });
  assert.equal(streamed.text.slice(0, 1000), '\n'.repeat(1000));
  assert.equal(sseEvents(streamed.text.slice(1000)).filter((e) => e.data?.choices?.[0]?.delta?.content).map((e) => e.data.choices[0].delta.content).join(''), 'streamed');
});

test('drip from the body: the head at once, then the body one byte a write', async () => {
  const lane = freshLane(sim(), [{ text: 'drip', drip: { every_ms: 20 } }]);
  const out = await rawRequest(chatUrl(lane, 'openai'), { body: { model: 'm' }, timeoutMs: 20000 });
  assert.equal(out.ended, 'end');
  assert.equal(out.status, 200);
  const body = out.parts.join('');
  assert.equal(Number(out.headers['content-length']), Buffer.byteLength(body));
  assert.equal(JSON.parse(body).choices[0].message.content, 'drip');
  assert.ok(out.parts.length > body.length / 2, `${out.parts.length} reads of ${body.length} bytes`);
});

test('drip from the head: even the status line comes one byte a write', async () => {
  const lane = freshLane(sim(), [{ text: 'slow', drip: { every_ms: 5, from: 'head' } }]);
  const parts = await new Promise((resolve, reject) => {
    const socket = net.connect(sim().port, '127.0.0.1');
    const got = [];
    const body = '{"model":"m"}';
    socket.on('data', (part) => got.push(part.toString('latin1')));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.write(`POST /lane/${lane.name}/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });
  const text = parts.join('');
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(text, /\r\nconnection: close\r\n/);
  assert.equal(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).choices[0].message.content, 'slow');
  assert.ok(parts.length > text.length / 2, `${parts.length} reads of ${text.length} bytes`);
});

test('silence_after_chunks: the head (and N events) then nothing, the connection left open', async () => {
  const lane = freshLane(sim(), [
    { text: 'one two three', silence_after_chunks: 2 },
    { text: 'whole', silence_after_chunks: 0 },
  ]);
  const streamed = await rawRequest(chatUrl(lane, 'openai'), { body: { model: 'm', stream: true }, timeoutMs: 400 });
  assert.equal(streamed.ended, 'timeout');
  const events = sseEvents(streamed.parts.join(''));
  assert.deepEqual(events.map((e) => e.data.choices[0].delta.content), ['', 'one']);
  const whole = await rawRequest(chatUrl(lane, 'openai'), { body: { model: 'm' }, timeoutMs: 400 });
  assert.deepEqual([whole.ended, whole.status, whole.parts], ['timeout', 200, []]);
});

const absurd = { input: -5, output: 2 ** 62, cached: 1.5, reasoning: '12' };

test('hostile_usage puts any values where each format counts tokens, derived fields included', async () => {
  const lane = freshLane(sim(), Array(5).fill({ text: 'x', hostile_usage: absurd }));
  const openai = JSON.parse((await post(chatUrl(lane, 'openai'), { model: 'm' })).text).usage;
  assert.deepEqual([openai.prompt_tokens, openai.completion_tokens, openai.total_tokens, openai.prompt_tokens_details.cached_tokens,
    openai.completion_tokens_details.reasoning_tokens], [-5, 2 ** 62, -5, 1.5, '12']);
  const anthropic = JSON.parse((await post(chatUrl(lane, 'anthropic'), { model: 'm' })).text).usage;
  assert.deepEqual([anthropic.input_tokens, anthropic.cache_read_input_tokens, anthropic.output_tokens], [-5, 1.5, 2 ** 62]);
  const gemini = JSON.parse((await post(chatUrl(lane, 'gemini'), {})).text).usageMetadata;
  assert.deepEqual([gemini.promptTokenCount, gemini.candidatesTokenCount, gemini.cachedContentTokenCount, gemini.thoughtsTokenCount],
    [-5, 2 ** 62, 1.5, '12']);
  const cohere = JSON.parse((await post(chatUrl(lane, 'cohere'), { model: 'm' })).text).usage;
  assert.deepEqual([cohere.tokens.input_tokens, cohere.billed_units.input_tokens, cohere.tokens.output_tokens], [-5, -5, 2 ** 62]);
  const ollama = JSON.parse((await post(chatUrl(lane, 'ollama'), { model: 'm', stream: false })).text);
  assert.deepEqual([ollama.prompt_eval_count, ollama.eval_count], [-5, 2 ** 62]);
});

test('the hostile Steps are checked: sizes, drip, and writers that cannot be combined', () => {
  const lane = freshLane(sim());
  for (const [step, message] of [
    [{ body_bytes: 0 }, /body_bytes must be an integer > 0/],
    [{ gzip_bomb: 1.5 }, /gzip_bomb must be an integer > 0/],
    [{ drip: { every_ms: 0 } }, /drip.every_ms must be an integer > 0/],
    [{ drip: { every_ms: 5, from: 'tail' } }, /drip.from must be "head" or "body"/],
    [{ drip: { every_ms: 5, bytes: 2 } }, /drip: unknown key "bytes"/],
    [{ body_bytes: 10, gzip_bomb: 10 }, /body_bytes and gzip_bomb cannot be combined/],
    [{ body_bytes: 10, raw: { body: 'x' } }, /body_bytes pads an answer the format writes/],
    [{ silence_after_chunks: -1 }, /silence_after_chunks must be a count/],
    [{ hostile_usage: { total: 1 } }, /hostile_usage: unknown key "total"/],
  ])
    assert.throws(() => lane.script([step]), message);
});

// A POST whose answer body is kept as bytes (not decoded, not inflated).
function rawBytes(url, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('response', (response) => {
      const parts = [];
      response.on('data', (part) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(parts) }));
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
