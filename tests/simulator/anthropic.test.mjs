// The Anthropic Messages format, whole and streamed, as the bytes show it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshLane, post, sseEvents, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const url = (lane) => `${lane.baseUrl('anthropic')}/v1/messages`;

test('a whole answer: thinking with a signature, text, parallel tool_use; input_tokens leave out cached', async () => {
  const lane = freshLane(sim(), [{
    id: 'msg_x', reasoning: 'Let me see', text: 'Checking both.',
    tool_calls: [{ id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: '{"zone":"CET"}' }],
    usage: { input: 100, output: 40, cached: 30 },
  }]);
  const response = await post(url(lane), { model: 'claude-sim', max_tokens: 100, messages: [] });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/json');
  assert.match(response.headers.get('request-id'), /^req_sim\d+$/);
  const body = JSON.parse(response.text);
  assert.equal(body.content[0].type, 'thinking');
  assert.equal(body.content[0].thinking, 'Let me see');
  assert.ok(body.content[0].signature.length > 20);
  assert.deepEqual({ ...body, content: body.content.slice(1) }, {
    id: 'msg_x', type: 'message', role: 'assistant', model: 'claude-sim',
    content: [
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: body.content[3].id, name: 'get_time', input: { zone: 'CET' } },
    ],
    stop_reason: 'tool_use', stop_sequence: null,
    usage: { input_tokens: 70, cache_creation_input_tokens: 0, cache_read_input_tokens: 30, output_tokens: 40, service_tier: 'standard' },
  });
  assert.match(body.content[3].id, /^toolu_sim\d+_1$/);
});

test('a stream: event names match data.type, a ping after the first block starts, no [DONE]', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Hmm ok', text: 'Hi there', usage: { input: 9, output: 4 } }]);
  const response = await post(url(lane), { model: 'claude-sim', stream: true });
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.ok(response.text.includes('event: ping\ndata: {"type": "ping"}\n\n'));
  const events = sseEvents(response.text);
  for (const e of events) assert.equal(e.event, e.data.type);
  assert.deepEqual(events.map((e) => e.event), [
    'message_start',
    'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'message_delta', 'message_stop',
  ]);
  assert.deepEqual(events[1].data, { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
  assert.deepEqual(events.slice(3, 5).map((e) => e.data.delta), [
    { type: 'thinking_delta', thinking: 'Hmm' }, { type: 'thinking_delta', thinking: ' ok' },
  ]);
  assert.equal(events[5].data.delta.type, 'signature_delta');
  assert.deepEqual(events.slice(8, 10).map((e) => e.data), [
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: ' there' } },
  ]);
  assert.equal(events[0].data.message.usage.input_tokens, 9);
  assert.deepEqual(events[11].data, {
    type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 },
  });
});

test('streamed parallel tool_use: an empty input_json_delta first, then fragments that join to the arguments', async () => {
  const lane = freshLane(sim(), [{
    tool_calls: [{ id: 'toolu_a', name: 'a', arguments: { city: 'San Francisco' } }, { id: 'toolu_b', name: 'b', arguments: 'not json' }],
  }]);
  const events = sseEvents((await post(url(lane), { model: 'm', stream: true })).text);
  const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data);
  assert.deepEqual(starts, [
    { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_a', name: 'a', input: {} } },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_b', name: 'b', input: {} } },
  ]);
  const partial = (index) => events.filter((e) => e.event === 'content_block_delta' && e.data.index === index)
    .map((e) => e.data.delta.partial_json);
  assert.equal(partial(0)[0], '');
  assert.equal(partial(0).join(''), '{"city":"San Francisco"}');
  assert.equal(partial(1).join(''), 'not json');
  assert.equal(events.find((e) => e.event === 'message_delta').data.delta.stop_reason, 'tool_use');
});

test('errors: 529 overloaded_error, 429 rate_limit_error with retry-after, 401 authentication_error', async () => {
  const lane = freshLane(sim(), [{ status: 529 }, { status: 429, retry_after_seconds: 3 }, { status: 401, error: { message: 'bad key' } }]);
  const overloaded = await post(url(lane), { model: 'm', stream: true });
  assert.equal(overloaded.status, 529);
  const body = JSON.parse(overloaded.text);
  assert.deepEqual(body, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: body.request_id });
  const limited = await post(url(lane), { model: 'm' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '3');
  assert.equal(JSON.parse(limited.text).error.type, 'rate_limit_error');
  const denied = await post(url(lane), { model: 'm' });
  assert.equal(denied.status, 401);
  assert.deepEqual(JSON.parse(denied.text).error, { type: 'authentication_error', message: 'bad key' });
});

test('an in-stream error is an `error` event (overloaded_error by default) and the stream ends there', async () => {
  const lane = freshLane(sim(), [{ text: 'one two three', stream_error: { after_chunks: 4 } }]);
  const events = sseEvents((await post(url(lane), { model: 'm', stream: true })).text);
  assert.deepEqual(events.map((e) => e.event), ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'error']);
  assert.equal(events[4].data.type, 'error');
  assert.deepEqual(events[4].data.error, { type: 'overloaded_error', message: 'Overloaded' });
});

test('finish maps to stop_reason: length is max_tokens, content_filter is refusal', async () => {
  const lane = freshLane(sim(), [{ text: 'a', finish: 'length' }, { text: 'a', finish: 'content_filter' }]);
  assert.equal(JSON.parse((await post(url(lane), { model: 'm' })).text).stop_reason, 'max_tokens');
  assert.equal(JSON.parse((await post(url(lane), { model: 'm' })).text).stop_reason, 'refusal');
});
