// The official Cohere SDK (package `cohere-ai`, its v2 client) parses what the simulator
// serves, and raises its typed errors with the right status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CohereClientV2, Cohere } from 'cohere-ai';

import { freshLane, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const token = 'fake-cohere-key';
const client = (lane) => new CohereClientV2({ token, environment: lane.baseUrl('cohere') });
const request = { model: 'command-a-sim', messages: [{ role: 'user', content: 'Hi' }] };
const noRetries = { maxRetries: 0 };

test('chat: thinking and text content, finish reason and usage; the request path and key', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Simple', text: 'The capital of France is Paris.', usage: { input: 507, output: 10, cached: 448 } }]);
  const response = await client(lane).chat(request, noRetries);
  assert.deepEqual(response.message.content.map((part) => [part.type, part.text ?? part.thinking]), [
    ['thinking', 'Simple'], ['text', 'The capital of France is Paris.'],
  ]);
  assert.equal(response.finishReason, 'COMPLETE');
  assert.deepEqual(response.usage, {
    billedUnits: { inputTokens: 59, outputTokens: 10 }, tokens: { inputTokens: 507, outputTokens: 10 }, cachedTokens: 448,
  });
  const [sent] = lane.requests();
  assert.deepEqual([sent.path, sent.headers.authorization, sent.body.stream], ['/v2/chat', `Bearer ${token}`, false]);
});

test('chatStream: content deltas join to the text; message-end has the finish reason', async () => {
  const lane = freshLane(sim(), [{ text: 'The capital of France is Paris.' }]);
  let text = '';
  const types = [];
  for await (const event of await client(lane).chatStream(request, noRetries)) {
    types.push(event.type);
    if (event.type === 'content-delta') text += event.delta.message.content.text;
    if (event.type === 'message-end') assert.equal(event.delta.finishReason, 'COMPLETE');
  }
  assert.equal(text, 'The capital of France is Paris.');
  assert.deepEqual([types[0], types.at(-1)], ['message-start', 'message-end']);
});

test('parallel tool calls: the plan, then each call\'s id, name and argument fragments', async () => {
  const lane = freshLane(sim(), [
    {
      text: 'I will look both up.',
      tool_calls: [{ name: 'weather', arguments: { location: 'San Francisco' } }, { name: 'cityAttractions', arguments: { city: 'San Francisco' } }],
    },
  ]);
  let plan = '';
  const calls = [];
  for await (const event of await client(lane).chatStream(request, noRetries)) {
    if (event.type === 'tool-plan-delta') plan += event.delta.message.toolPlan;
    if (event.type === 'tool-call-start') calls[event.index] = { ...event.delta.message.toolCalls.function, id: event.delta.message.toolCalls.id };
    if (event.type === 'tool-call-delta') calls[event.index].arguments += event.delta.message.toolCalls.function.arguments;
  }
  assert.equal(plan, 'I will look both up.');
  assert.deepEqual(calls.map((call) => [call.name, JSON.parse(call.arguments)]), [
    ['weather', { location: 'San Francisco' }], ['cityAttractions', { city: 'San Francisco' }],
  ]);
  assert.ok(calls.every((call) => call.id));
});

test('errors: 429 is a TooManyRequestsError, 401 an UnauthorizedError, with Cohere\'s message', async () => {
  const lane = freshLane(sim(), [{ status: 429, retry_after_seconds: 5 }, { status: 401 }]);
  await assert.rejects(client(lane).chat(request, noRetries), (error) => {
    assert.ok(error instanceof Cohere.TooManyRequestsError, error.constructor.name);
    assert.equal(error.statusCode, 429);
    assert.match(error.body.message, /per minute request limit/);
    return true;
  });
  await assert.rejects(client(lane).chat(request, noRetries), (error) => {
    assert.ok(error instanceof Cohere.UnauthorizedError, error.constructor.name);
    assert.equal(error.statusCode, 401);
    return true;
  });
  assert.equal(lane.requests().length, 2);
});

test('an in-stream error reaches the caller as message-end with finish reason ERROR and the message', async () => {
  // The SDK hands the event over rather than throwing: the error is in the event.
  const lane = freshLane(sim(), [{ text: 'a b c', stream_error: { after_chunks: 3, message: 'model crashed' } }]);
  const events = [];
  for await (const event of await client(lane).chatStream(request, noRetries)) events.push(event);
  assert.deepEqual(events.map((event) => event.type), ['message-start', 'content-start', 'content-delta', 'message-end']);
  assert.deepEqual(events.at(-1).delta, { finishReason: 'ERROR', error: 'model crashed' });
});
