// The official OpenAI SDK (package `openai`) parses what the simulator serves, and raises its
// typed errors with the right status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import OpenAI, { AzureOpenAI } from 'openai';

import { freshLane, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const apiKey = 'sk-fake-simulator-key';
const client = (lane, options = {}) => new OpenAI({ apiKey, baseURL: lane.baseUrl('openai'), maxRetries: 0, ...options });
const messages = [{ role: 'user', content: 'Hi' }];

test('chat: a whole completion, its usage, and the request the SDK sent', async () => {
  const lane = freshLane(sim(), [{ text: 'Hello there', reasoning: 'Greet back', usage: { input: 8, output: 2, cached: 3 } }]);
  const completion = await client(lane).chat.completions.create({ model: 'gpt-sim', messages });
  assert.equal(completion.choices[0].message.content, 'Hello there');
  assert.equal(completion.choices[0].message.reasoning_content, 'Greet back');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  const { usage } = completion;
  assert.deepEqual([usage.prompt_tokens, usage.completion_tokens, usage.prompt_tokens_details.cached_tokens], [8, 2, 3]);
  const [request] = lane.requests();
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
  assert.deepEqual(request.body, { model: 'gpt-sim', messages });
});

test('stream: the deltas join to the text, and include_usage brings the usage chunk', async () => {
  const lane = freshLane(sim(), [{ text: 'One, two, three', usage: { input: 5, output: 6 } }]);
  const stream = await client(lane).chat.completions.create({ model: 'gpt-sim', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'One, two, three');
  assert.equal(finish, 'stop');
  assert.deepEqual([usage.prompt_tokens, usage.completion_tokens, usage.total_tokens], [5, 6, 11]);
  assert.equal(lane.requests()[0].stream, true);
});

const calls = [
  { name: 'get_weather', arguments: { city: 'Edinburgh', units: 'c' } },
  { name: 'get_stock_price', arguments: { ticker: 'AAPL' } },
];

test('parallel tool calls: the SDK\'s stream helper assembles both calls from the fragments', async () => {
  const lane = freshLane(sim(), [{ tool_calls: calls, chunk_size: 3 }]);
  const runner = client(lane).chat.completions.stream({ model: 'gpt-sim', messages, tools: [] });
  const final = await runner.finalChatCompletion();
  const message = final.choices[0].message;
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(message.tool_calls.map((call) => [call.type, call.function.name, JSON.parse(call.function.arguments)]), [
    ['function', 'get_weather', { city: 'Edinburgh', units: 'c' }],
    ['function', 'get_stock_price', { ticker: 'AAPL' }],
  ]);
  assert.notEqual(message.tool_calls[0].id, message.tool_calls[1].id);
});

test('parallel tool calls, whole', async () => {
  const lane = freshLane(sim(), [{ tool_calls: calls }]);
  const completion = await client(lane).chat.completions.create({ model: 'gpt-sim', messages });
  assert.deepEqual(completion.choices[0].message.tool_calls.map((call) => call.function.name), ['get_weather', 'get_stock_price']);
  assert.equal(completion.choices[0].message.content, null);
});

test('errors: 429 is a RateLimitError with its retry-after, 401 an AuthenticationError (no retries)', async () => {
  const lane = freshLane(sim(), [{ status: 429, retry_after_seconds: 7 }, { status: 401 }]);
  await assert.rejects(client(lane).chat.completions.create({ model: 'gpt-sim', messages }), (error) => {
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(error.headers.get('retry-after'), '7');
    return true;
  });
  await assert.rejects(client(lane).chat.completions.create({ model: 'gpt-sim', messages }), (error) => {
    assert.ok(error instanceof OpenAI.AuthenticationError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_api_key');
    return true;
  });
  assert.equal(lane.requests().length, 2);
});

test('a retry waits as retry-after-ms says, then succeeds', async () => {
  const lane = freshLane(sim(), [{ status: 429, headers: { 'retry-after-ms': '300' } }, { text: 'second time lucky' }]);
  const started = Date.now();
  const completion = await client(lane, { maxRetries: 1 }).chat.completions.create({ model: 'gpt-sim', messages });
  assert.equal(completion.choices[0].message.content, 'second time lucky');
  assert.ok(Date.now() - started >= 295, `retried after ${Date.now() - started} ms`);
  assert.equal(lane.requests().length, 2);
});

test('an in-stream error makes the iteration throw an APIError with the provider\'s message', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three', stream_error: { after_chunks: 2, message: 'upstream died' } }]);
  const stream = await client(lane).chat.completions.create({ model: 'gpt-sim', messages, stream: true });
  let text = '';
  await assert.rejects(async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  }, (error) => error instanceof OpenAI.APIError && /upstream died/.test(error.message));
  assert.equal(text, 'one');
});

test('Azure: the AzureOpenAI client reaches the deployment path with api-version and api-key', async () => {
  const lane = freshLane(sim(), [{ text: 'from azure' }]);
  const azure = new AzureOpenAI({
    endpoint: lane.baseUrl('azure'), apiKey: 'fake-azure-key', apiVersion: '2024-10-21', deployment: 'my-gpt', maxRetries: 0,
  });
  const completion = await azure.chat.completions.create({ model: 'my-gpt', messages });
  assert.equal(completion.choices[0].message.content, 'from azure');
  const [request] = lane.requests();
  assert.equal(request.path, '/openai/deployments/my-gpt/chat/completions');
  assert.deepEqual(request.query, { 'api-version': '2024-10-21' });
  assert.equal(request.headers['api-key'], 'fake-azure-key');
});

test('models.list() reads the discovery list', async () => {
  const lane = freshLane(sim());
  lane.setModels(['gpt-sim', 'gpt-sim-mini']);
  const ids = [];
  for await (const model of client(lane).models.list()) ids.push(model.id);
  assert.deepEqual(ids, ['gpt-sim', 'gpt-sim-mini']);
});
