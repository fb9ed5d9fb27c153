// Cohere's v2 /v2/chat, whole and streamed.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshLane, post, sseEvents, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const url = (lane) => `${lane.baseUrl('cohere')}/v2/chat`;

test('a whole answer: thinking and text content, usage as tokens and billed_units', async () => {
  const lane = freshLane(sim(), [{ id: 'abc', reasoning: 'Sum it', text: 'Four.', usage: { input: 500, output: 10, cached: 448 } }]);
  const body = JSON.parse((await post(url(lane), { model: 'command-a', messages: [] })).text);
  assert.deepEqual(body, {
    id: 'abc',
    message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'Sum it' }, { type: 'text', text: 'Four.' }] },
    finish_reason: 'COMPLETE',
    usage: { billed_units: { input_tokens: 52, output_tokens: 10 }, tokens: { input_tokens: 500, output_tokens: 10 }, cached_tokens: 448 },
  });
});

test('with tool calls the text is the tool_plan and the arguments are JSON text', async () => {
  const lane = freshLane(sim(), [{
    text: 'I will look.', tool_calls: [{ id: 'w_1', name: 'weather', arguments: { location: 'SF' } }, { name: 'time', arguments: '{' }],
  }]);
  const body = JSON.parse((await post(url(lane), { model: 'm' })).text);
  assert.equal(body.finish_reason, 'TOOL_CALL');
  assert.equal(body.message.content, undefined);
  assert.equal(body.message.tool_plan, 'I will look.');
  assert.deepEqual(body.message.tool_calls[0], { id: 'w_1', type: 'function', function: { name: 'weather', arguments: '{"location":"SF"}' } });
  assert.deepEqual(body.message.tool_calls[1].function, { name: 'time', arguments: '{' });
  assert.match(body.message.tool_calls[1].id, /^time_sim\d+$/);
});

test('a text stream: message-start, content-start/delta/end, message-end; event names match data.type', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Sum it', text: 'Four.' }]);
  const response = await post(url(lane), { model: 'm', stream: true });
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  const events = sseEvents(response.text);
  for (const e of events) assert.equal(e.event, e.data.type);
  assert.deepEqual(events.map((e) => e.event), [
    'message-start',
    'content-start', 'content-delta', 'content-delta', 'content-end',
    'content-start', 'content-delta', 'content-end',
    'message-end',
  ]);
  assert.deepEqual(events[1].data, { type: 'content-start', index: 0, delta: { message: { content: { type: 'thinking', thinking: '' } } } });
  assert.deepEqual(events[3].data, { type: 'content-delta', index: 0, delta: { message: { content: { thinking: ' it' } } } });
  assert.deepEqual(events[6].data, { type: 'content-delta', index: 1, delta: { message: { content: { text: 'Four.' } } } });
  assert.equal(events[8].data.delta.finish_reason, 'COMPLETE');
});

test('a tool stream: tool-plan-delta, then tool-call-start/delta/end per call, numbered from 0', async () => {
  const lane = freshLane(sim(), [{
    text: 'I will', tool_calls: [{ id: 'a_1', name: 'a', arguments: { city: 'San Francisco' } }, { id: 'b_1', name: 'b', arguments: {} }],
  }]);
  const events = sseEvents((await post(url(lane), { model: 'm', stream: true })).text);
  const names = events.map((e) => e.event);
  assert.deepEqual(names.slice(0, 3), ['message-start', 'tool-plan-delta', 'tool-plan-delta']);
  assert.deepEqual(events[1].data, { type: 'tool-plan-delta', delta: { message: { tool_plan: 'I' } } });
  assert.deepEqual(events.find((e) => e.event === 'tool-call-start').data, {
    type: 'tool-call-start', index: 0,
    delta: { message: { tool_calls: { id: 'a_1', type: 'function', function: { name: 'a', arguments: '' } } } },
  });
  const args = (index) => events.filter((e) => e.event === 'tool-call-delta' && e.data.index === index)
    .map((e) => e.data.delta.message.tool_calls.function.arguments).join('');
  assert.equal(args(0), '{"city":"San Francisco"}');
  assert.equal(args(1), '{}');
  assert.deepEqual(events.filter((e) => e.event === 'tool-call-end').map((e) => e.data), [
    { type: 'tool-call-end', index: 0 }, { type: 'tool-call-end', index: 1 },
  ]);
  assert.equal(events.at(-1).data.delta.finish_reason, 'TOOL_CALL');
});

test('errors are {"id", "message"}; 429 carries retry-after; an in-stream error is a message-end with an error', async () => {
  const lane = freshLane(sim(), [
    { status: 429, retry_after_seconds: 1 }, { status: 401 }, { text: 'a b', stream_error: { after_chunks: 2, message: 'model crashed' } },
  ]);
  const limited = await post(url(lane), { model: 'm' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.deepEqual(Object.keys(JSON.parse(limited.text)), ['id', 'message']);
  assert.equal(JSON.parse((await post(url(lane), { model: 'm' })).text).message, 'invalid api token');
  const events = sseEvents((await post(url(lane), { model: 'm', stream: true })).text);
  assert.deepEqual(events.map((e) => e.event), ['message-start', 'content-start', 'message-end']);
  assert.deepEqual(events[2].data, { type: 'message-end', delta: { finish_reason: 'ERROR', error: 'model crashed' } });
});
