// The official Gemini SDK (package `@google/genai`) parses what the simulator serves, and
// raises its ApiError with the right status.

import assert from 'node:assert/strict';
import { test } from 'node:test';

// @google/genai supports Node 20 and later (its package.json "engines"); Debian 12's own
// nodejs is 18. There the SDK is not loaded and these tests say why they are skipped; every
// other test of the simulator, and the other four SDKs, run on both.
const supported = Number(process.versions.node.split('.')[0]) >= 20;
const sdk = supported ? { skip: false } : { skip: `@google/genai needs Node 20 or later, not ${process.version}` };
const { ApiError, GoogleGenAI } = supported ? await import('@google/genai') : {};

import { freshLane, useSimulator } from './helpers.mjs';

const sim = useSimulator();
const apiKey = 'fake-gemini-key';
const client = (lane) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: lane.baseUrl('gemini') } });

test('generateContent: text, thoughts and usage; the request path and key', sdk, async () => {
  const lane = freshLane(sim(), [{ reasoning: 'Count them', text: 'There are three.', usage: { input: 9, output: 30, reasoning: 20 } }]);
  const response = await client(lane).models.generateContent({
    model: 'gemini-sim', contents: 'How many?', config: { thinkingConfig: { includeThoughts: true } },
  });
  const parts = response.candidates[0].content.parts;
  assert.deepEqual(parts.map((part) => [part.text, part.thought ?? false]), [['Count them', true], ['There are three.', false]]);
  assert.ok(parts[1].thoughtSignature);
  assert.equal(response.candidates[0].finishReason, 'STOP');
  const usage = response.usageMetadata;
  assert.deepEqual([usage.promptTokenCount, usage.candidatesTokenCount, usage.thoughtsTokenCount], [9, 10, 20]);
  const [request] = lane.requests();
  assert.equal(request.path, '/v1beta/models/gemini-sim:generateContent');
  assert.equal(request.headers['x-goog-api-key'], apiKey);
  assert.deepEqual(request.body.contents, [{ parts: [{ text: 'How many?' }], role: 'user' }]);
});

test('generateContentStream: the chunks\' text joins up, and the last chunk has the finishReason', sdk, async () => {
  const lane = freshLane(sim(), [{ text: 'One two three', usage: { input: 4, output: 3 } }]);
  let text = '';
  let last = null;
  for await (const chunk of await client(lane).models.generateContentStream({ model: 'gemini-sim', contents: 'Count' })) {
    text += chunk.candidates[0].content.parts.map((part) => part.text ?? '').join('');
    last = chunk;
  }
  assert.equal(text, 'One two three');
  assert.equal(last.candidates[0].finishReason, 'STOP');
  assert.equal(last.usageMetadata.candidatesTokenCount, 3);
  const [request] = lane.requests();
  assert.deepEqual([request.path, request.query.alt, request.stream], ['/v1beta/models/gemini-sim:streamGenerateContent', 'sse', true]);
});

test('parallel function calls, whole and streamed, through response.functionCalls', sdk, async () => {
  const calls = [{ name: 'weather', arguments: { location: 'San Francisco' } }, { name: 'time', arguments: { zone: 'PST' } }];
  const lane = freshLane(sim(), [{ tool_calls: calls }, { tool_calls: calls }]);
  const whole = await client(lane).models.generateContent({ model: 'gemini-sim', contents: 'Go' });
  const named = (list) => list.map((call) => [call.name, call.args]);
  assert.deepEqual(named(whole.functionCalls), [['weather', { location: 'San Francisco' }], ['time', { zone: 'PST' }]]);
  const streamed = [];
  for await (const chunk of await client(lane).models.generateContentStream({ model: 'gemini-sim', contents: 'Go' }))
    streamed.push(...(chunk.functionCalls ?? []));
  assert.deepEqual(named(streamed), named(whole.functionCalls));
});

test('errors: 429 is an ApiError with status 429 and RESOURCE_EXHAUSTED; 503 likewise', sdk, async () => {
  const lane = freshLane(sim(), [{ status: 429, retry_after_seconds: 2 }, { status: 503 }]);
  await assert.rejects(client(lane).models.generateContent({ model: 'gemini-sim', contents: 'x' }), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 429);
    assert.match(error.message, /RESOURCE_EXHAUSTED/);
    assert.match(error.message, /retryDelay/);
    return true;
  });
  await assert.rejects(client(lane).models.generateContentStream({ model: 'gemini-sim', contents: 'x' }),
    (error) => error instanceof ApiError && error.status === 503);
  assert.equal(lane.requests().length, 2);
});

test('an in-stream error chunk makes the iteration throw an ApiError', sdk, async () => {
  const lane = freshLane(sim(), [{ text: 'a b c', stream_error: { after_chunks: 1, type: 'INTERNAL' } }]);
  let text = '';
  await assert.rejects(async () => {
    for await (const chunk of await client(lane).models.generateContentStream({ model: 'gemini-sim', contents: 'x' }))
      text += chunk.text ?? '';
  }, (error) => error instanceof ApiError && error.status === 500);
  assert.equal(text, 'a');
});
