// The OpenAI Chat Completions format, whole and streamed, as the bytes show it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshLane, post, sseEvents, useSimulator, withoutTime } from './helpers.mjs';

const sim = useSimulator();
const chunkBase = { id: 'chatcmpl-x', object: 'chat.completion.chunk', model: 'gpt-sim', system_fingerprint: null };
const delta = (fields, finish = null) => ({ ...chunkBase, choices: [{ index: 0, delta: fields, logprobs: null, finish_reason: finish }] });

test('a whole text answer is a chat.completion with usage', async () => {
  const lane = freshLane(sim(), [{ text: 'Hello there', id: 'chatcmpl-x', usage: { input: 12, output: 3, cached: 4 } }]);
  const response = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'gpt-sim', messages: [] });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.deepEqual(withoutTime(JSON.parse(response.text)), {
    id: 'chatcmpl-x', object: 'chat.completion', model: 'gpt-sim',
    choices: [{
      index: 0,
      message: { role: 'assistant', content: 'Hello there', refusal: null, annotations: [] },
      logprobs: null, finish_reason: 'stop',
    }],
    usage: {
      prompt_tokens: 12, completion_tokens: 3, total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default', system_fingerprint: null,
  });
});

test('a stream without include_usage: role chunk, word deltas, finish chunk, [DONE]; no usage', async () => {
  const lane = freshLane(sim(), [{ text: 'Hello there', id: 'chatcmpl-x' }]);
  const response = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'gpt-sim', stream: true });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.match(response.text, /^data: \{/);
  const events = sseEvents(response.text);
  assert.deepEqual(events.map((e) => e.event), [null, null, null, null, null]);
  assert.equal(events.at(-1).data, '[DONE]');
  assert.deepEqual(events.slice(0, -1).map((e) => withoutTime(e.data)), [
    delta({ role: 'assistant', content: '', refusal: null }),
    delta({ content: 'Hello' }),
    delta({ content: ' there' }),
    delta({}, 'stop'),
  ]);
});

test('include_usage adds "usage": null to every chunk and a final usage chunk with no choices', async () => {
  const lane = freshLane(sim(), [{ text: 'Hi', usage: { input: 7, output: 1, reasoning: 0 } }]);
  const response = await post(`${lane.baseUrl('openai')}/chat/completions`, {
    model: 'gpt-sim', stream: true, stream_options: { include_usage: true },
  });
  const chunks = sseEvents(response.text).slice(0, -1).map((e) => e.data);
  assert.equal(chunks.length, 4);
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null);
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.deepEqual(chunks.at(-1).usage, {
    prompt_tokens: 7, completion_tokens: 1, total_tokens: 8,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  });
});

test('usage_in_last_chunk puts the usage on the finishing chunk, unasked, as Mistral does', async () => {
  const lane = freshLane(sim(), [{ text: 'Hi', usage: { input: 7, output: 1 }, usage_in_last_chunk: true }]);
  const response = await post(`${lane.baseUrl('mistral')}/chat/completions`, { model: 'mistral-small-latest', stream: true });
  const chunks = sseEvents(response.text).slice(0, -1).map((e) => e.data);
  assert.equal(chunks.length, 3);
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  assert.equal(chunks.at(-1).usage.prompt_tokens, 7);
  assert.equal(chunks.at(-1).usage.completion_tokens, 1);
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, undefined);
});

test('reasoning is reasoning_content, whole and streamed before the text', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Think first', text: 'Done' }, { reasoning: 'Think first', text: 'Done' }]);
  const url = `${lane.baseUrl('vllm')}/chat/completions`;
  const whole = JSON.parse((await post(url, { model: 'm' })).text);
  assert.equal(whole.choices[0].message.reasoning_content, 'Think first');
  assert.equal(whole.choices[0].message.content, 'Done');
  assert.equal(whole.usage.completion_tokens_details.reasoning_tokens, 5);
  const deltas = sseEvents((await post(url, { model: 'm', stream: true })).text).slice(1, -2).map((e) => e.data.choices[0].delta);
  assert.deepEqual(deltas, [{ reasoning_content: 'Think' }, { reasoning_content: ' first' }, { content: 'Done' }]);
});

const calls = [
  { id: 'call_given', name: 'get_weather', arguments: { city: 'Paris', units: 'c' } },
  { name: 'get_time', arguments: '{"zone": broken' },
];

test('parallel tool calls, whole: ids given or made up, arguments as JSON text, verbatim when a string', async () => {
  const lane = freshLane(sim(), [{ tool_calls: calls }]);
  const body = JSON.parse((await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm' })).text);
  const [choice] = body.choices;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, null);
  assert.equal(choice.message.tool_calls.length, 2);
  assert.deepEqual(choice.message.tool_calls[0], {
    id: 'call_given', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' },
  });
  assert.match(choice.message.tool_calls[1].id, /^call_sim\d+_1$/);
  assert.deepEqual(choice.message.tool_calls[1].function, { name: 'get_time', arguments: '{"zone": broken' });
});

test('parallel tool calls, streamed: a head delta per call, then argument fragments by index', async () => {
  const lane = freshLane(sim(), [{ tool_calls: calls }]);
  const events = sseEvents((await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm', stream: true })).text);
  assert.deepEqual(events[0].data.choices[0].delta, { role: 'assistant', content: null, refusal: null });
  const toolDeltas = events.slice(1, -2).map((e) => e.data.choices[0].delta.tool_calls);
  for (const list of toolDeltas) assert.equal(list.length, 1);
  const heads = toolDeltas.map(([call]) => call).filter((call) => 'id' in call);
  assert.deepEqual(heads[0], { index: 0, id: 'call_given', type: 'function', function: { name: 'get_weather', arguments: '' } });
  assert.equal(heads[1].index, 1);
  const joined = ['', ''];
  for (const [call] of toolDeltas) joined[call.index] += call.function.arguments;
  assert.deepEqual(joined, ['{"city":"Paris","units":"c"}', '{"zone": broken']);
  // 8 characters a fragment by default: the first call's 28 characters come in 4.
  assert.equal(toolDeltas.filter(([call]) => call.index === 0 && !('id' in call)).length, 4);
  assert.equal(events.at(-2).data.choices[0].finish_reason, 'tool_calls');
});

test('chunk_size cuts text by characters; finish maps length', async () => {
  const lane = freshLane(sim(), [{ text: 'abcdefg', chunk_size: 3, finish: 'length' }]);
  const events = sseEvents((await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm', stream: true })).text);
  assert.deepEqual(events.slice(1, -2).map((e) => e.data.choices[0].delta.content), ['abc', 'def', 'g']);
  assert.equal(events.at(-2).data.choices[0].finish_reason, 'length');
});

test('Azure: the deployment in the path is the model, the api-version query is recorded', async () => {
  const lane = freshLane(sim(), [{ text: 'ok' }]);
  const base = lane.baseUrl('azure');
  const response = await post(`${base}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`, { messages: [] }, {
    'api-key': 'fake-key',
  });
  assert.equal(JSON.parse(response.text).model, 'my-gpt');
  const [record] = lane.requests();
  assert.equal(record.path, '/openai/deployments/my-gpt/chat/completions');
  assert.deepEqual(record.query, { 'api-version': '2024-10-21' });
  assert.equal(record.format, 'openai');
  assert.equal(record.headers['api-key'], 'fake-key');
});

test('errors: 429 with retry-after, 401 invalid_api_key, 503, and a custom one', async () => {
  const lane = freshLane(sim(), [
    { status: 429, retry_after_seconds: 1 },
    { status: 401 },
    { status: 503 },
    { status: 400, error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'too long' } },
  ]);
  const url = `${lane.baseUrl('openai')}/chat/completions`;
  const limited = await post(url, { model: 'm' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.deepEqual(JSON.parse(limited.text), {
    error: { message: 'Rate limit reached for requests.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
  });
  const denied = await post(url, { model: 'm' });
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get('retry-after'), null);
  assert.equal(JSON.parse(denied.text).error.code, 'invalid_api_key');
  const unavailable = await post(url, { model: 'm' });
  assert.equal(unavailable.status, 503);
  assert.equal(JSON.parse(unavailable.text).error.type, 'server_error');
  const custom = await post(url, { model: 'm', stream: true });
  assert.equal(custom.status, 400);
  assert.deepEqual(JSON.parse(custom.text), {
    error: { message: 'too long', type: 'invalid_request_error', param: null, code: 'context_length_exceeded' },
  });
});

test('an in-stream error is a data: {"error": ...} event after N chunks, with no [DONE] after it', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three', stream_error: { after_chunks: 2, message: 'upstream died', type: 'server_error' } }]);
  const response = await post(`${lane.baseUrl('openai')}/chat/completions`, { model: 'm', stream: true });
  assert.equal(response.status, 200);
  const events = sseEvents(response.text);
  assert.equal(events.length, 3);
  assert.equal(events[1].data.choices[0].delta.content, 'one');
  assert.deepEqual(events[2].data, { error: { message: 'upstream died', type: 'server_error', param: null, code: null } });
});

test('an error with status 200 is an error body under a 200, as some gateways send', async () => {
  const lane = freshLane(sim(), [{ status: 200, error: { message: 'gateway said no', type: 'upstream_error' } }]);
  const response = await post(`${lane.baseUrl('openrouter')}/chat/completions`, { model: 'm' });
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.text), { error: { message: 'gateway said no', type: 'upstream_error', param: null, code: null } });
});
