// The official Ollama SDK (package `ollama`) parses what the simulator serves, and raises its
// ResponseError with the right status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Ollama } from 'ollama';

import { freshLane, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const client = (lane) => new Ollama({ host: lane.baseUrl('ollama') });
const messages = [{ role: 'user', content: 'Hi' }];

test('chat without streaming: content, thinking and counts', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Easy', text: 'Hello there', usage: { input: 16, output: 4 } }]);
  const response = await client(lane).chat({ model: 'gemma3:1b', messages, stream: false, think: true });
  assert.equal(response.message.content, 'Hello there');
  assert.equal(response.message.thinking, 'Easy');
  assert.equal(response.done, true);
  assert.equal(response.done_reason, 'stop');
  assert.deepEqual([response.prompt_eval_count, response.eval_count], [16, 4]);
  const [request] = lane.requests();
  assert.deepEqual([request.path, request.stream, request.body.think], ['/api/chat', false, true]);
});

test('chat streaming: the parts join to the text and the last one is done with its counts', async () => {
  const lane = freshLane(sim(), [{ text: 'One two three', usage: { input: 3, output: 3 } }]);
  const stream = await client(lane).chat({ model: 'gemma3:1b', messages, stream: true });
  let text = '';
  let last = null;
  for await (const part of stream) {
    text += part.message.content;
    last = part;
  }
  assert.equal(text, 'One two three');
  assert.deepEqual([last.done, last.done_reason, last.eval_count], [true, 'stop', 3]);
});

test('parallel tool calls arrive with object arguments, whole and streamed', async () => {
  const calls = [{ name: 'getWeather', arguments: { location: 'San Francisco, CA' } }, { name: 'getTime', arguments: { zone: 'PST' } }];
  const lane = freshLane(sim(), [{ tool_calls: calls }, { tool_calls: calls }]);
  const tools = [{ type: 'function', function: { name: 'getWeather', description: 'w', parameters: { type: 'object', properties: {} } } }];
  const whole = await client(lane).chat({ model: 'gpt-oss:120b', messages, tools, stream: false });
  const named = (list) => list.map((call) => [call.function.name, call.function.arguments]);
  assert.deepEqual(named(whole.message.tool_calls), [['getWeather', { location: 'San Francisco, CA' }], ['getTime', { zone: 'PST' }]]);
  const streamed = [];
  for await (const part of await client(lane).chat({ model: 'gpt-oss:120b', messages, tools, stream: true }))
    streamed.push(...(part.message.tool_calls ?? []));
  assert.deepEqual(named(streamed), named(whole.message.tool_calls));
});

test('errors: a 404 is a ResponseError with status_code 404 and Ollama\'s message; 429 likewise', async () => {
  const lane = freshLane(sim(), [{ status: 404 }, { status: 429, retry_after_seconds: 1 }]);
  await assert.rejects(client(lane).chat({ model: 'llama9', messages, stream: false }), (error) => {
    assert.equal(error.name, 'ResponseError');
    assert.equal(error.status_code, 404);
    assert.equal(error.error, 'model "llama9" not found, try pulling it first');
    return true;
  });
  await assert.rejects(client(lane).chat({ model: 'm', messages, stream: true }), (error) => error.status_code === 429);
});

test('an in-stream error line makes the iteration throw with its text', async () => {
  const lane = freshLane(sim(), [{ text: 'a b c', stream_error: { after_chunks: 2, message: 'runner crashed' } }]);
  let text = '';
  await assert.rejects(async () => {
    for await (const part of await client(lane).chat({ model: 'm', messages, stream: true })) text += part.message.content;
  }, /runner crashed/);
  assert.equal(text, 'a b');
});

test('list() reads /api/tags and version() /api/version', async () => {
  const lane = freshLane(sim());
  lane.setModels(['llama3.2:latest']);
  const list = await client(lane).list();
  assert.deepEqual(list.models.map((m) => m.name), ['llama3.2:latest']);
  assert.match((await client(lane).version()).version, /^\d+\.\d+\.\d+$/);
});
