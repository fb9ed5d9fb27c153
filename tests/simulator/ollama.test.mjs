// Ollama's /api/chat (NDJSON streams by default), /api/tags and /api/version.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshLane, get, ndjsonLines, post, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const url = (lane) => `${lane.baseUrl('ollama')}/api/chat`;

test('no "stream" field streams NDJSON: thinking lines, content lines, the done line with counts', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Count it', text: 'Five', usage: { input: 16, output: 22 } }]);
  const response = await post(url(lane), { model: 'gemma3:1b', messages: [] });
  assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
  const lines = ndjsonLines(response.text);
  for (const line of lines) {
    assert.equal(line.model, 'gemma3:1b');
    assert.match(line.created_at, /^\d{4}-\d\d-\d\dT/);
  }
  assert.deepEqual(lines.map(({ model, created_at, ...rest }) => rest), [
    { message: { role: 'assistant', content: '', thinking: 'Count' }, done: false },
    { message: { role: 'assistant', content: '', thinking: ' it' }, done: false },
    { message: { role: 'assistant', content: 'Five' }, done: false },
    {
      message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop',
      total_duration: 1000000, load_duration: 100000, prompt_eval_count: 16, prompt_eval_duration: 200000,
      eval_count: 22, eval_duration: 700000,
    },
  ]);
  assert.equal(lane.requests()[0].stream, true);
});

test('"stream": false gets one object; tool calls carry object arguments, done_reason stays "stop"', async () => {
  const lane = freshLane(sim(), [{
    text: '', tool_calls: [{ name: 'getWeather', arguments: { location: 'San Francisco, CA' } }, { id: 'c2', name: 'getTime', arguments: '{}' }],
  }]);
  const response = await post(url(lane), { model: 'gpt-oss:120b', stream: false });
  assert.equal(lane.requests()[0].stream, false);
  const body = JSON.parse(response.text);
  assert.equal(body.done, true);
  assert.equal(body.done_reason, 'stop');
  assert.deepEqual(body.message.tool_calls, [
    { id: body.message.tool_calls[0].id, function: { index: 0, name: 'getWeather', arguments: { location: 'San Francisco, CA' } } },
    { id: 'c2', function: { index: 1, name: 'getTime', arguments: {} } },
  ]);
});

test('streamed tool calls come whole in one line before the done line', async () => {
  const lane = freshLane(sim(), [{ tool_calls: [{ name: 'a', arguments: { x: 1 } }, { name: 'b', arguments: { y: 2 } }] }]);
  const lines = ndjsonLines((await post(url(lane), { model: 'm', stream: true })).text);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0].message.tool_calls.map((call) => call.function), [
    { index: 0, name: 'a', arguments: { x: 1 } }, { index: 1, name: 'b', arguments: { y: 2 } },
  ]);
  assert.equal(lines[1].done, true);
});

test('errors are {"error": "<text>"}: 404 names the model, 429 has retry-after, 503 is busy', async () => {
  const lane = freshLane(sim(), [{ status: 404 }, { status: 429, retry_after_seconds: 2 }, { status: 503 }]);
  const missing = await post(url(lane), { model: 'llama9' });
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.text), { error: 'model "llama9" not found, try pulling it first' });
  const limited = await post(url(lane), { model: 'm' });
  assert.equal(limited.headers.get('retry-after'), '2');
  assert.deepEqual(JSON.parse(limited.text), { error: 'too many requests' });
  assert.match(JSON.parse((await post(url(lane), { model: 'm' })).text).error, /^server busy/);
});

test('an in-stream error is an {"error": ...} line after N lines, and nothing after it', async () => {
  const lane = freshLane(sim(), [{ text: 'a b c', stream_error: { after_chunks: 1, message: 'runner crashed' } }]);
  const lines = ndjsonLines((await post(url(lane), { model: 'm' })).text);
  assert.equal(lines.length, 2);
  assert.equal(lines[0].message.content, 'a');
  assert.deepEqual(lines[1], { error: 'runner crashed' });
});

test('/api/tags lists the lane\'s models and /api/version answers; neither takes a Step', async () => {
  const lane = freshLane(sim(), [{ text: 'kept' }]);
  lane.setModels(['llama3.2:latest', 'qwen3:8b']);
  const tags = JSON.parse((await get(`${lane.baseUrl('ollama')}/api/tags`)).text);
  assert.deepEqual(tags.models.map((m) => [m.name, m.model, m.details.format]), [
    ['llama3.2:latest', 'llama3.2:latest', 'gguf'], ['qwen3:8b', 'qwen3:8b', 'gguf'],
  ]);
  assert.equal(tags.models[0].digest.length, 64);
  assert.match(JSON.parse((await get(`${lane.baseUrl('ollama')}/api/version`)).text).version, /^\d+\.\d+\.\d+$/);
  assert.equal(lane.pending(), 1);
  assert.deepEqual(lane.requests().map((r) => [r.method, r.path, r.format, r.stream]), [
    ['GET', '/api/tags', 'ollama', false], ['GET', '/api/version', 'ollama', false],
  ]);
});
