// The server itself: lanes, the request log, the control API, the timing and failure Steps
// (chunk by chunk, delays, disconnects, hangs, raw answers), and the CLI.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { freshLane, get, post, rawRequest, sseEvents, useSimulator } from './helpers.mjs';
import { startSimulator } from './simulator.mjs';

const sim = useSimulator();

test('lanes are independent: each has its own queue and log, and the prefix is stripped', async () => {
  const one = freshLane(sim(), [{ text: 'from one' }]);
  const two = freshLane(sim(), [{ text: 'from two' }]);
  const answer = async (lane) =>
    JSON.parse((await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' })).text).choices[0].message.content;
  assert.equal(await answer(two), 'from two');
  assert.equal(await answer(one), 'from one');
  assert.equal(one.requests().length, 1);
  assert.equal(one.requests()[0].path, '/v1/chat/completions');
  assert.equal(two.requests().length, 1);
});

test('no prefix is lane "default", whose base URLs are the bare origin', async () => {
  const lane = sim().lane('default');
  lane.reset();
  lane.script([{ text: 'plain' }]);
  assert.equal(lane.baseUrl('anthropic'), sim().url);
  const body = JSON.parse((await post(`${sim().url}/v1/messages`, { model: 'm' })).text);
  assert.equal(body.content[0].text, 'plain');
  assert.equal(sim().lane().requests().length, 1);
  lane.reset();
});

test('baseUrl gives what llmux takes as each provider\'s base URL', () => {
  const lane = sim().lane('urls');
  const origin = `${sim().url}/lane/urls`;
  for (const provider of ['openai', 'vllm', 'runpod', 'local', 'huggingface', 'mistral', 'xai', 'openrouter', 'hf', 'grok'])
    assert.equal(lane.baseUrl(provider), `${origin}/v1`, provider);
  for (const provider of ['azure', 'anthropic', 'gemini', 'cohere', 'ollama', 'Azure-OpenAI'])
    assert.equal(lane.baseUrl(provider), origin, provider);
  assert.throws(() => lane.baseUrl('nonesuch'), /unknown provider "nonesuch"/);
});

test('the request log: method, path, query, lower-cased headers, parsed JSON or text body, format, stream', async () => {
  const lane = freshLane(sim(), [{ text: 'a' }, { text: 'b' }]);
  await post(`${lane.baseUrl('openai')}/chat/completions?x=1`, { model: 'm', stream: true }, { Authorization: 'Bearer fake-key', 'X-Custom': 'Yes' });
  await post(`${lane.baseUrl('cohere')}/v2/chat`, 'not json at all', { 'content-type': 'text/plain' });
  const [first, second] = lane.requests();
  assert.deepEqual([first.method, first.path, first.query, first.body, first.format, first.stream],
    ['POST', '/v1/chat/completions', { x: '1' }, { model: 'm', stream: true }, 'openai', true]);
  assert.equal(first.headers.authorization, 'Bearer fake-key');
  assert.equal(first.headers['x-custom'], 'Yes');
  assert.deepEqual([second.path, second.body, second.format, second.stream], ['/v2/chat', 'not json at all', 'cohere', false]);
});

test('an empty queue answers 500 naming the request, and records it', async () => {
  const lane = freshLane(sim());
  const response = await post(`${lane.baseUrl('gemini')}/v1beta/models/g:generateContent`, {});
  assert.equal(response.status, 500);
  assert.deepEqual(JSON.parse(response.text), {
    error: { type: 'simulator_error', message: 'simulator: no scripted response for POST /v1beta/models/g:generateContent' },
  });
  assert.equal(lane.requests().length, 1);
});

test('a path no provider has is a 404, recorded with format null', async () => {
  const lane = freshLane(sim(), [{ text: 'unused' }]);
  const response = await post(`${lane.baseUrl('openai')}/completions`, {});
  assert.equal(response.status, 404);
  assert.match(JSON.parse(response.text).error.message, /no route for POST \/v1\/completions/);
  assert.equal(lane.requests()[0].format, null);
  assert.equal(lane.pending(), 1);
});

test('discovery: …/models in OpenAI\'s shape, in Anthropic\'s when anthropic-version is sent', async () => {
  const lane = freshLane(sim());
  lane.setModels(['m-one', 'm-two']);
  const openai = JSON.parse((await get(`${lane.baseUrl('openai')}/models`)).text);
  assert.equal(openai.object, 'list');
  assert.deepEqual(openai.data.map(({ id, object, owned_by }) => ({ id, object, owned_by })), [
    { id: 'm-one', object: 'model', owned_by: 'llmux-simulator' }, { id: 'm-two', object: 'model', owned_by: 'llmux-simulator' },
  ]);
  assert.ok(Number.isInteger(openai.data[0].created));
  const anthropic = JSON.parse((await get(`${lane.baseUrl('anthropic')}/v1/models`, { 'anthropic-version': '2023-06-01' })).text);
  assert.deepEqual(anthropic.data.map((m) => [m.type, m.id]), [['model', 'm-one'], ['model', 'm-two']]);
  assert.equal(anthropic.has_more, false);
  assert.deepEqual(lane.requests().map((r) => r.format), ['openai', 'anthropic']);
});

test('the control API over HTTP: script, pending, requests, models, reset', async () => {
  const base = `${sim().url}/_sim/lanes/http-api`;
  const scripted = await post(`${base}/script`, { responses: [{ text: 'one' }, { text: 'two' }] });
  assert.deepEqual(JSON.parse(scripted.text), { queued: 2 });
  assert.deepEqual(JSON.parse((await get(`${base}/pending`)).text), { pending: 2 });
  await post(`${sim().url}/lane/http-api/api/chat`, { model: 'm', stream: false });
  const requests = JSON.parse((await get(`${base}/requests`)).text);
  assert.deepEqual(requests.map((r) => [r.path, r.format, r.stream]), [['/api/chat', 'ollama', false]]);
  await post(`${base}/models`, { models: ['x'] });
  assert.deepEqual(JSON.parse((await get(`${sim().url}/lane/http-api/api/tags`)).text).models.map((m) => m.name), ['x']);
  await post(`${base}/reset`, {});
  assert.deepEqual(JSON.parse((await get(`${base}/pending`)).text), { pending: 0 });
  assert.deepEqual(JSON.parse((await get(`${base}/requests`)).text), []);
});

test('POST /_sim/reset empties every lane', async () => {
  const own = await startSimulator();
  try {
    own.lane('a').script([{ text: 'x' }]);
    own.lane('b').script([{ text: 'y' }]);
    assert.equal((await post(`${own.url}/_sim/reset`, {})).status, 200);
    assert.deepEqual([own.lane('a').pending(), own.lane('b').pending()], [0, 0]);
  } finally {
    await own.close();
  }
});

test('a bad Step is refused with a message naming it, and a bad script adds nothing', async () => {
  const lane = freshLane(sim());
  assert.throws(() => lane.script([{ text: 'ok' }, { tool_call: [] }]), /steps\[1\]: unknown key "tool_call"/);
  assert.throws(() => lane.script([{ tool_calls: [{ arguments: {} }] }]), /tool_calls\[0\]\.name/);
  assert.throws(() => lane.script([{ usage: { input: -1 } }]), /usage\.input must be a count/);
  assert.throws(() => lane.script({ text: 'not an array' }), /array of Steps/);
  assert.equal(lane.pending(), 0);
  const response = await post(`${sim().url}/_sim/lanes/${lane.name}/script`, { responses: [{ chunk_size: 0 }] });
  assert.equal(response.status, 400);
  assert.match(JSON.parse(response.text).error.message, /chunk_size must be an integer > 0/);
  const badLane = await post(`${sim().url}/_sim/lanes/no%20spaces/script`, { responses: [] });
  assert.equal(badLane.status, 400);
});

test('a stream goes out one write per event: with chunk_delay_ms each arrives on its own', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three', chunk_delay_ms: 40 }]);
  const started = Date.now();
  const result = await rawRequest(`${lane.baseUrl('anthropic')}/v1/messages`, { body: { model: 'm', stream: true } });
  assert.equal(result.ended, 'end');
  assert.equal(result.headers['transfer-encoding'], 'chunked');
  assert.equal(result.headers['content-length'], undefined);
  // message_start, block start, ping, 3 deltas, block stop, message_delta, message_stop.
  assert.equal(result.parts.length, 9);
  for (const part of result.parts) assert.equal(sseEvents(part).length, 1);
  assert.ok(Date.now() - started >= 8 * 40 - 5);
});

test('disconnect_after_chunks destroys the socket mid-stream, after exactly N events', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three four', disconnect_after_chunks: 3 }]);
  const result = await rawRequest(`${lane.baseUrl('openai')}/chat/completions`, { body: { model: 'm', stream: true } });
  assert.equal(result.status, 200);
  assert.notEqual(result.ended, 'end');
  const events = sseEvents(result.parts.join(''));
  assert.equal(events.length, 3);
  assert.deepEqual(events.slice(1).map((e) => e.data.choices[0].delta.content), ['one', ' two']);
});

test('fetch sees a disconnected stream as a failed read after the events that came', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three four', disconnect_after_chunks: 2 }]);
  const response = await fetch(`${lane.baseUrl('ollama')}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'm' }) });
  const reader = response.body.getReader();
  let text = '';
  await assert.rejects(async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
  }, TypeError);
  assert.equal(text.split('\n').filter(Boolean).length, 2);
});

test('disconnect_after_chunks on a whole response sends the head and half the body', async () => {
  const lane = freshLane(sim(), [{ text: 'a whole answer', disconnect_after_chunks: 0 }]);
  const result = await rawRequest(`${lane.baseUrl('cohere')}/v2/chat`, { body: { model: 'm' } });
  assert.equal(result.status, 200);
  assert.notEqual(result.ended, 'end');
  const sent = result.parts.join('');
  assert.equal(sent.length, Math.floor(Number(result.headers['content-length']) / 2));
});

test('a client that leaves mid-stream stops the stream and leaves the server serving', async () => {
  const lane = freshLane(sim(), [{ text: 'a b c d e f g h', chunk_delay_ms: 30 }, { text: 'still here' }]);
  const controller = new AbortController();
  const response = await fetch(`${lane.baseUrl('openai')}/chat/completions`, {
    method: 'POST', body: JSON.stringify({ model: 'm', stream: true }), signal: controller.signal,
  });
  const reader = response.body.getReader();
  await reader.read();
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const next = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' });
  assert.equal(JSON.parse(next.text).choices[0].message.content, 'still here');
});

test('delay_ms holds the head back', async () => {
  const lane = freshLane(sim(), [{ text: 'late', delay_ms: 150 }]);
  const started = Date.now();
  await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' });
  assert.ok(Date.now() - started >= 145);
});

test('hang: the request is recorded and never answered; close() drops it', async () => {
  const own = await startSimulator();
  const lane = own.lane('h');
  lane.script([{ hang: true }]);
  const pending = rawRequest(`${lane.baseUrl('openai')}/chat/completions`, { body: { model: 'm' }, timeoutMs: 3000 });
  const outcome = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 200, 'waiting'))]);
  assert.equal(outcome, 'waiting');
  assert.equal(lane.requests().length, 1);
  const closing = own.close();
  await assert.rejects(pending, /socket hang up|ECONNRESET/);
  await closing;
  await own.close(); // twice is harmless
});

test('raw sends exactly the status, headers and body given; an array body is written piece by piece', async () => {
  const lane = freshLane(sim(), [
    { raw: { status: 418, headers: { 'x-teapot': 'yes', 'content-type': 'text/plain' }, body: 'short and stout' } },
    { raw: { headers: { 'content-type': 'text/event-stream' }, body: ['data: {"a":1}\n\n', 'data: [DONE]\n\n'] }, chunk_delay_ms: 40 },
  ]);
  const teapot = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' });
  assert.deepEqual([teapot.status, teapot.headers.get('x-teapot'), teapot.headers.get('content-type'), teapot.text],
    [418, 'yes', 'text/plain', 'short and stout']);
  const pieces = await rawRequest(`${lane.baseUrl('openai')}/chat/completions`, { body: { model: 'm' } });
  assert.deepEqual(pieces.parts, ['data: {"a":1}\n\n', 'data: [DONE]\n\n']);
});

test('headers adds response headers (retry-after-ms here) to an answer or an error', async () => {
  const lane = freshLane(sim(), [
    { status: 429, headers: { 'Retry-After-Ms': '250', 'x-ratelimit-remaining-requests': '0' } },
    { text: 'ok', headers: { 'x-request-id': 'req_1' } },
  ]);
  const limited = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' });
  assert.equal(limited.headers.get('retry-after-ms'), '250');
  assert.equal(limited.headers.get('x-ratelimit-remaining-requests'), '0');
  const ok = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm', stream: true });
  assert.equal(ok.headers.get('x-request-id'), 'req_1');
});

test('a CORS preflight is answered and not recorded; answers let a page read their headers', async () => {
  const lane = freshLane(sim(), [{ text: 'x' }]);
  const preflight = await fetch(`${lane.baseUrl('openai')}/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin: 'http://page.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,content-type');
  assert.equal(lane.requests().length, 0);
  const answer = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' });
  assert.equal(answer.headers.get('access-control-expose-headers'), '*');
});

const main = fileURLToPath(new URL('./main.mjs', import.meta.url));

function startCli(args = []) {
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const firstLine = new Promise((resolve, reject) => {
    child.stdout.on('data', (part) => {
      stdout += part;
      if (stdout.includes('\n')) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`the CLI exited (${code}) before it printed a line`)));
  });
  return { child, firstLine, stdout: () => stdout };
}

test('the CLI prints one "listening" line, serves, and exits when its stdin closes', async () => {
  const cli = startCli();
  const line = await cli.firstLine;
  assert.match(line, /^listening http:\/\/127\.0\.0\.1:\d+\n$/);
  const url = line.trim().split(' ')[1];
  assert.equal((await post(`${url}/_sim/lanes/cli/script`, { responses: [{ text: 'hi' }] })).status, 200);
  const answer = await post(`${url}/lane/cli/v1/chat/completions`, { model: 'm' });
  assert.equal(JSON.parse(answer.text).choices[0].message.content, 'hi');
  const exited = once(cli.child, 'exit');
  cli.child.stdin.end();
  const [code] = await exited;
  assert.equal(code, 0);
  assert.equal(cli.stdout(), line, 'nothing else on stdout');
});

test('the CLI takes --port and stops on SIGTERM; a bad argument exits 2', async () => {
  const probe = await startSimulator();
  const port = probe.port;
  await probe.close();
  const cli = startCli(['--port', String(port)]);
  assert.equal(await cli.firstLine, `listening http://127.0.0.1:${port}\n`);
  const exited = once(cli.child, 'exit');
  cli.child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);

  const bad = spawn(process.execPath, [main, '--port', 'eighty'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  bad.stderr.on('data', (part) => (stderr += part));
  const [code] = await once(bad, 'exit');
  assert.equal(code, 2);
  assert.match(stderr, /--port takes a port number/);
});
