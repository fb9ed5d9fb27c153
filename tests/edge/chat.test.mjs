// The chat endpoints in workerd through the official SDKs, pointed at the gateway as at the
// provider: OpenAI's `openai` at /v1/chat/completions and Anthropic's `@anthropic-ai/sdk` at
// /v1/messages, whole and streamed, tools over several rounds (the SDK's caller runs them),
// each translated to whichever provider serves the model (the simulator playing OpenAI,
// Anthropic and Gemini), usage and exact cost in the headers, and the user's provider key
// (never the caller's gateway key) sent upstream.

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { addModel, addUser, startGateway, useSimulator } from './support.mjs';

const sim = await useSimulator();
const gateway = await startGateway();
after(() => gateway.stop());

const key = await addUser(gateway, 'olga');
const lane = sim.lane('chat');
const providerKeys = { openai: 'sk-proj-OlgaOpenAi0001', anthropic: 'sk-ant-OlgaAnthropic0002', gemini: 'AIzaOlgaGemini0003' };
// Prices in dollars per million tokens: 10 input and 10 output tokens (the simulator's
// default usage) cost exactly 0.00003 at 1 and 2.
const prices = { input: 1, output: 2 };
for (const provider of ['openai', 'anthropic', 'gemini']) {
  await addModel(gateway, 'olga', {
    name: `on-${provider}`, provider, base_url: lane.baseUrl(provider), api_key: providerKeys[provider], prices,
    model_id: { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5', gemini: 'gemini-2.5-flash' }[provider],
  });
}

const openai = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });

/** The upstream requests the lane received since `from`. */
const upstreamSince = (from) => lane.requests().slice(from);

for (const provider of ['openai', 'anthropic', 'gemini']) {
  test(`OpenAI's SDK, whole, served by a model on ${provider}`, async () => {
    const from = lane.requests().length;
    lane.script([{ text: `Hello from ${provider}.` }]);
    const { data, response } = await openai.chat.completions
      .create({ model: `on-${provider}`, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, `on-${provider}`);
    assert.equal(data.choices[0].message.content, `Hello from ${provider}.`);
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.deepEqual([data.usage.prompt_tokens, data.usage.completion_tokens], [10, 10]);
    assert.equal(response.headers.get('x-llmux-cost'), '0.00003');
    const usage = JSON.parse(response.headers.get('x-llmux-usage'));
    assert.deepEqual([usage.input_tokens, usage.output_tokens], [10, 10]);
    const [sent] = upstreamSince(from);
    assert.equal(sent.format, provider);
    const carried = JSON.stringify(sent.headers) + JSON.stringify(sent.query);
    assert.ok(carried.includes(providerKeys[provider]), 'the user\'s provider key went upstream');
    assert.ok(!carried.includes(key) && !carried.includes('llmux-gateway-provider-key'), 'the gateway key or the placeholder went upstream');
  });

  test(`Anthropic's SDK, streamed, served by a model on ${provider}`, async () => {
    lane.script([{ text: 'One two three four.', chunk_size: 4 }]);
    const stream = anthropic.messages.stream({ model: `on-${provider}`, max_tokens: 100, messages: [{ role: 'user', content: 'Count' }] });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const message = await stream.finalMessage();
    assert.equal(text, 'One two three four.');
    assert.equal(message.content[0].text, 'One two three four.');
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, 10);
  });
}

test('OpenAI\'s SDK, streamed with include_usage; the cost in the stream\'s last comment', async () => {
  lane.script([{ text: 'Streaming works fine.' }]);
  const response = await openai.chat.completions
    .create({ model: 'on-anthropic', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] })
    .asResponse();
  const body = await response.text();
  const chunks = body.split('\n').filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]').map((line) => JSON.parse(line.slice(6)));
  assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''), 'Streaming works fine.');
  assert.deepEqual(chunks.at(-1).usage && [chunks.at(-1).usage.prompt_tokens, chunks.at(-1).usage.completion_tokens], [10, 10]);
  assert.ok(body.trimEnd().endsWith('data: [DONE]'));
  const comment = body.split('\n').find((line) => line.startsWith(': llmux '));
  assert.ok(comment, 'no llmux comment in the stream');
  assert.equal(JSON.parse(comment.slice(': llmux '.length)).cost, '0.00003');

  // The same through the SDK's own stream reader.
  lane.script([{ text: 'Again.' }]);
  const stream = await openai.chat.completions.create({ model: 'on-openai', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, 'Again.');
});

test('tools over several rounds with OpenAI\'s SDK: the caller runs them, the gateway relays calls and results', async () => {
  const from = lane.requests().length;
  lane.script([
    { tool_calls: [{ name: 'add', arguments: { a: 2, b: 3 } }] },
    { tool_calls: [{ name: 'add', arguments: { a: 5, b: 10 } }, { name: 'add', arguments: { a: 1, b: 1 } }] },
    { text: 'The sums are 5, 15 and 2.' },
  ]);
  const tools = [{ type: 'function', function: { name: 'add', description: 'Adds', parameters: { type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } } }];
  const messages = [{ role: 'user', content: 'Add things' }];
  let rounds = 0;
  for (;;) {
    const completion = await openai.chat.completions.create({ model: 'on-anthropic', messages, tools });
    const { message, finish_reason: finish } = completion.choices[0];
    messages.push(message);
    if (finish !== 'tool_calls') {
      assert.equal(message.content, 'The sums are 5, 15 and 2.');
      break;
    }
    rounds++;
    for (const toolCall of message.tool_calls) {
      const { a, b } = JSON.parse(toolCall.function.arguments);
      messages.push({ role: 'tool', tool_call_id: toolCall.id, content: String(a + b) });
    }
  }
  assert.equal(rounds, 2);
  const sent = upstreamSince(from);
  assert.equal(sent.length, 3, 'one upstream call per round: the gateway runs no tool itself');
  const last = JSON.stringify(sent[2].body.messages);
  for (const result of ['"5"', '"15"', '"2"'].map((text) => text.slice(1, -1))) assert.ok(last.includes(result), `${result} did not reach the model`);
  assert.equal(sent[2].format, 'anthropic');
});

test('tools over several rounds with Anthropic\'s SDK, streamed, served by a model on OpenAI', async () => {
  lane.script([
    { tool_calls: [{ name: 'weather', arguments: { city: 'Paris' } }] },
    { text: 'Sunny in Paris.' },
  ]);
  const tools = [{ name: 'weather', description: 'The weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
  const messages = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await anthropic.messages.stream({ model: 'on-openai', max_tokens: 200, messages, tools }).finalMessage();
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((block) => block.type === 'tool_use');
  assert.deepEqual([use.name, use.input], ['weather', { city: 'Paris' }]);
  messages.push({ role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 24 C' }] });
  const second = await anthropic.messages.create({ model: 'on-openai', max_tokens: 200, messages, tools });
  assert.equal(second.content[0].text, 'Sunny in Paris.');
  const sent = lane.requests().at(-1);
  assert.equal(sent.format, 'openai');
  assert.ok(JSON.stringify(sent.body.messages).includes('sunny, 24 C'));
});

test('a model the user does not have, or a disabled one, is not found; a bad request field is a 400', async () => {
  await assert.rejects(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
    (error) => error.status === 404);
  await assert.rejects(anthropic.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    (error) => error.status === 404 && error.error?.error?.type === 'not_found_error');
  await addModel(gateway, 'olga', { name: 'off', provider: 'openai', model_id: 'gpt-4o-mini', base_url: lane.baseUrl('openai'), enabled: false });
  await assert.rejects(openai.chat.completions.create({ model: 'off', messages: [{ role: 'user', content: 'Hi' }] }), (error) => error.status === 404);
  await assert.rejects(openai.chat.completions.create({ model: 'on-openai', messages: [{ role: 'user', content: 'Hi' }], n: 3 }),
    (error) => error.status === 400);
  await assert.rejects(anthropic.messages.create({ model: 'on-openai', messages: [{ role: 'user', content: 'Hi' }] }),
    (error) => error.status === 400 && error.error?.error?.type === 'invalid_request_error', 'max_tokens is required');
});

test('upstream failures: a 429 retried, an error quoting the provider key answered without it', async () => {
  lane.script([{ status: 429, retry_after_seconds: 0 }, { text: 'After a retry.' }]);
  const retried = await openai.chat.completions.create({ model: 'on-openai', messages: [{ role: 'user', content: 'Hi' }] });
  assert.equal(retried.choices[0].message.content, 'After a retry.');

  lane.script([{ status: 401, error: { message: 'Incorrect API key provided: {api_key}.' } }]);
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'on-openai', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const text = await response.text();
  assert.ok(response.status >= 400, text);
  assert.ok(!text.includes(providerKeys.openai), `the provider key came back: ${text}`);
  assert.ok(!text.includes(key));

  lane.script([{ text: 'Cut short here and there.', disconnect_after_chunks: 3 }, { text: 'Cut short here and there.', disconnect_after_chunks: 3 },
    { text: 'Cut short here and there.', disconnect_after_chunks: 3 }]);
  const cut = await fetch(`${gateway.url}/v1/messages`, {
    method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'on-openai', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const events = await cut.text();
  assert.ok(cut.status >= 400 || events.includes('event: error'), `a cut stream ended as if whole: ${events}`);
});
