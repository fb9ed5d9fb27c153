// Gemini generateContent and streamGenerateContent?alt=sse, and its error bodies.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshLane, get, post, sseEvents, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const url = (lane, model, action) => `${lane.baseUrl('gemini')}/v1beta/models/${model}:${action}`;

test('a whole answer: a thought part, the signature on the text part after it, thoughts counted apart', async () => {
  const lane = freshLane(sim(), [
    { id: 'resp1', reasoning: 'Count the rs', text: 'Three', usage: { input: 9, output: 30, reasoning: 20, cached: 4 } },
  ]);
  const response = await post(url(lane, 'gemini-sim', 'generateContent'), { contents: [] }, { 'x-goog-api-key': 'fake' });
  assert.equal(response.headers.get('content-type'), 'application/json; charset=UTF-8');
  assert.ok(response.text.startsWith('{\n  "candidates"'));
  const body = JSON.parse(response.text);
  const [thought, text] = body.candidates[0].content.parts;
  assert.deepEqual(thought, { text: 'Count the rs', thought: true });
  assert.equal(text.text, 'Three');
  assert.ok(text.thoughtSignature.length > 20);
  assert.deepEqual({ ...body, candidates: [{ ...body.candidates[0], content: { role: 'model' } }] }, {
    candidates: [{ content: { role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: 9, candidatesTokenCount: 10, totalTokenCount: 39, cachedContentTokenCount: 4,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9 }], thoughtsTokenCount: 20,
    },
    modelVersion: 'gemini-sim', responseId: 'resp1',
  });
  const [record] = lane.requests();
  assert.deepEqual([record.path, record.format, record.stream], ['/v1beta/models/gemini-sim:generateContent', 'gemini', false]);
});

test('function calls are whole objects with args; an id only when the Step gave one; finishReason STOP', async () => {
  const lane = freshLane(sim(), [{ tool_calls: [{ name: 'weather', arguments: { location: 'SF' } }, { id: 'fc-2', name: 'time', arguments: {} }] }]);
  const body = JSON.parse((await post(url(lane, 'g', 'generateContent'), {})).text);
  assert.deepEqual(body.candidates[0].content.parts, [
    { functionCall: { name: 'weather', args: { location: 'SF' } } },
    { functionCall: { id: 'fc-2', name: 'time', args: {} } },
  ]);
  assert.equal(body.candidates[0].finishReason, 'STOP');
});

test('a stream: CRLF-separated data events written with ": " after keys, no [DONE], the last with finishReason', async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Hmm yes', text: 'Hi there', usage: { input: 5, output: 8, reasoning: 3 } }]);
  const response = await post(`${url(lane, 'g', 'streamGenerateContent')}?alt=sse`, {});
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  assert.ok(response.text.startsWith('data: {"candidates": [{"content": {"parts": [{"text": "Hmm","thought": true}]'));
  assert.ok(!response.text.includes('[DONE]'));
  const events = sseEvents(response.text, '\r\n\r\n');
  assert.equal(events.length, 5);
  const parts = events.map((e) => e.data.candidates[0].content.parts);
  assert.deepEqual(parts.slice(0, 2), [[{ text: 'Hmm', thought: true }], [{ text: ' yes', thought: true }]]);
  assert.equal(parts[2][0].text, 'Hi');
  assert.ok(parts[2][0].thoughtSignature, 'the first part after the thoughts is signed');
  assert.deepEqual(parts[3], [{ text: ' there' }]);
  assert.deepEqual(parts[4], [{ text: '' }]);
  assert.equal(events[3].data.candidates[0].finishReason, undefined);
  assert.equal(events[4].data.candidates[0].finishReason, 'STOP');
  assert.deepEqual(events[4].data.usageMetadata, {
    promptTokenCount: 5, candidatesTokenCount: 5, totalTokenCount: 13,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }], thoughtsTokenCount: 3,
  });
  assert.equal(lane.requests()[0].query.alt, 'sse');
});

test('streamGenerateContent without alt=sse is refused rather than answered in the wrong framing', async () => {
  const lane = freshLane(sim(), [{ text: 'x' }]);
  const response = await post(url(lane, 'g', 'streamGenerateContent'), {});
  assert.equal(response.status, 400);
  assert.match(JSON.parse(response.text).error.message, /alt=sse/);
  assert.equal(lane.pending(), 1);
});

test('errors: 429 RESOURCE_EXHAUSTED with RetryInfo, 401 UNAUTHENTICATED, a code as ErrorInfo reason', async () => {
  const lane = freshLane(sim(), [
    { status: 429, retry_after_seconds: 2 }, { status: 401 },
    { status: 400, error: { code: 'API_KEY_INVALID', message: 'API key not valid.' } },
  ]);
  const limited = await post(url(lane, 'g', 'generateContent'), {});
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), null, 'Gemini gives its hint in the body');
  assert.deepEqual(JSON.parse(limited.text), {
    error: {
      code: 429, message: 'You exceeded your current quota, please check your plan and billing details.', status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
    },
  });
  const denied = JSON.parse((await post(url(lane, 'g', 'generateContent'), {})).text);
  assert.deepEqual([denied.error.code, denied.error.status], [401, 'UNAUTHENTICATED']);
  const invalid = JSON.parse((await post(url(lane, 'g', 'generateContent'), {})).text);
  assert.deepEqual(invalid, {
    error: {
      code: 400, message: 'API key not valid.', status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
    },
  });
});

test('an in-stream error is a data event holding an error body', async () => {
  const lane = freshLane(sim(), [{ text: 'a b c', stream_error: { after_chunks: 1, type: 'UNAVAILABLE' } }]);
  const events = sseEvents((await post(`${url(lane, 'g', 'streamGenerateContent')}?alt=sse`, {})).text, '\r\n\r\n');
  assert.equal(events.length, 2);
  assert.deepEqual(events[1].data, { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } });
});

test('GET /v1beta/models lists the lane\'s models in Gemini\'s shape', async () => {
  const lane = freshLane(sim());
  lane.setModels(['gemini-2.5-flash']);
  const body = JSON.parse((await get(`${lane.baseUrl('gemini')}/v1beta/models`)).text);
  assert.deepEqual(body.models, [
    { name: 'models/gemini-2.5-flash', displayName: 'gemini-2.5-flash', supportedGenerationMethods: ['generateContent', 'countTokens'] },
  ]);
});
