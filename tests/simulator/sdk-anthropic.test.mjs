// The official Anthropic SDK (package `@anthropic-ai/sdk`) parses what the simulator serves,
// and raises its typed errors with the right status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';

import { freshLane, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const apiKey = 'sk-ant-fake-simulator-key';
const client = (lane, options = {}) => new Anthropic({ apiKey, baseURL: lane.baseUrl('anthropic'), maxRetries: 0, ...options });
const request = { model: 'claude-sim', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] };

test('messages.create: thinking, text and usage; the request carries the key and anthropic-version', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Be brief', text: 'Hello there', usage: { input: 20, output: 9, cached: 5 } }]);
  const message = await client(lane).messages.create(request);
  assert.deepEqual(message.content.map((block) => block.type), ['thinking', 'text']);
  assert.equal(message.content[0].thinking, 'Be brief');
  assert.ok(message.content[0].signature);
  assert.equal(message.content[1].text, 'Hello there');
  assert.equal(message.stop_reason, 'end_turn');
  assert.deepEqual([message.usage.input_tokens, message.usage.cache_read_input_tokens, message.usage.output_tokens], [15, 5, 9]);
  const [sent] = lane.requests();
  assert.equal(sent.path, '/v1/messages');
  // SDK 0.x sends the key as x-api-key, 1.x as a bearer token: either reaches the lane.
  assert.equal(sent.headers['x-api-key'] ?? sent.headers.authorization?.replace(/^Bearer /, ''), apiKey);
  assert.ok(sent.headers['anthropic-version']);
});

test('messages.stream: the SDK rebuilds thinking, text and parallel tool_use blocks from the events', async () => {
  const lane = freshLane(sim(), [{
    reasoning: 'Two lookups', text: 'Checking both.',
    tool_calls: [{ name: 'get_weather', arguments: { location: 'San Francisco, CA' } }, { name: 'get_time', arguments: { zone: 'PST' } }],
    chunk_size: 4,
  }]);
  const stream = client(lane).messages.stream(request);
  let text = '';
  stream.on('text', (delta) => (text += delta));
  const message = await stream.finalMessage();
  assert.equal(text, 'Checking both.');
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.content.map((block) => block.type), ['thinking', 'text', 'tool_use', 'tool_use']);
  assert.equal(message.content[0].thinking, 'Two lookups');
  assert.ok(message.content[0].signature.length > 20);
  assert.deepEqual(message.content.slice(2).map((block) => [block.name, block.input]), [
    ['get_weather', { location: 'San Francisco, CA' }],
    ['get_time', { zone: 'PST' }],
  ]);
  assert.equal(lane.requests()[0].body.stream, true);
});

test('errors: 529 is an OverloadedError, 429 a RateLimitError, 401 an AuthenticationError', async () => {
  const lane = freshLane(sim(), [{ status: 529 }, { status: 429, retry_after_seconds: 30 }, { status: 401 }]);
  const check = (Class, status, type) => (error) => {
    assert.ok(error instanceof Class, `${error.constructor.name} is not ${Class.name}`);
    assert.equal(error.status, status);
    assert.equal(error.type, type);
    assert.match(error.requestID, /^req_sim/);
    return true;
  };
  await assert.rejects(client(lane).messages.create(request), check(Anthropic.OverloadedError, 529, 'overloaded_error'));
  await assert.rejects(client(lane).messages.create(request), check(Anthropic.RateLimitError, 429, 'rate_limit_error'));
  await assert.rejects(client(lane).messages.create(request), check(Anthropic.AuthenticationError, 401, 'authentication_error'));
  assert.equal(lane.requests().length, 3);
});

test('a retry after a 529 waits the retry-after seconds, then succeeds', async () => {
  const lane = freshLane(sim(), [{ status: 529, retry_after_seconds: 1 }, { text: 'recovered' }]);
  const started = Date.now();
  const message = await client(lane, { maxRetries: 1 }).messages.create(request);
  assert.equal(message.content[0].text, 'recovered');
  assert.ok(Date.now() - started >= 995, `retried after ${Date.now() - started} ms`);
  assert.equal(lane.requests().length, 2);
});

test('an in-stream error event makes the stream fail with an APIError of type overloaded_error', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three', stream_error: { after_chunks: 4 } }]);
  const stream = client(lane).messages.stream(request);
  let text = '';
  stream.on('text', (delta) => (text += delta));
  stream.on('error', () => {}); // finalMessage() reports it
  await assert.rejects(stream.finalMessage(), (error) => {
    assert.ok(error instanceof Anthropic.APIError);
    assert.equal(error.type, 'overloaded_error');
    assert.match(error.message, /Overloaded/);
    return true;
  });
  assert.equal(text, 'one');
});

test('models.list() reads the discovery list in Anthropic\'s shape', async () => {
  const lane = freshLane(sim());
  lane.setModels(['claude-sim-1', 'claude-sim-2']);
  const ids = [];
  for await (const model of client(lane).models.list()) ids.push(model.id);
  assert.deepEqual(ids, ['claude-sim-1', 'claude-sim-2']);
  assert.equal(lane.requests()[0].format, 'anthropic');
});
