// `llmux/serve` (wasm/serve.mjs, llmux-serve.wasm): a gateway in miniature, built from the
// package as edge/ builds it, between the official SDKs and the provider simulator. The SDK's
// own fetch is pointed at a function that parses its request with the serve module, makes the
// call with the package's client against the simulator in the *other* provider's format, and
// answers with what the serve module writes: the SDK reads it as it reads the real API.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, root } from './support.mjs';

let sim;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

for (const build of builds) {
  describe(`llmux/serve (${build.name})`, () => {
    let api;
    let serve;
    before(async () => {
      api = await loadBuild(build);
      serve = await import(resolve(root, build.dir, 'wasm/serve.mjs'));
    });

    // The gateway: `format` is the API its callers speak; `upstream` the client that serves it.
    const gateway = (format, client) => async (url, init) => {
      const parse = format === 'openai' ? serve.parseOpenAIRequest : serve.parseAnthropicRequest;
      const parsed = await parse(init.body);
      if (!parsed.ok) return new Response(parsed.body, { status: parsed.status, headers: { 'content-type': 'application/json' } });
      const { call, includeUsage } = parsed;
      const identity = { id: format === 'openai' ? 'chatcmpl-gw1' : 'msg_gw1', model: call.model, created: 1700000000 };
      call.model = format === 'openai' ? 'anthropic-claude-sonnet-4.5' : 'gpt-4o-mini';
      const error = format === 'openai' ? serve.openAIError : serve.anthropicError;
      if (!call.stream) {
        try {
          const written = await (format === 'openai' ? serve.openAIResponse : serve.anthropicResponse)(await client.chat(call), identity);
          return new Response(written.body, { status: written.status, headers: { 'content-type': 'application/json' } });
        } catch (failure) {
          const written = await error(failure);
          return new Response(written.body, { status: written.status, headers: { 'content-type': 'application/json' } });
        }
      }
      const encoder = format === 'openai' ? await serve.openAIStream({ ...identity, includeUsage }) : await serve.anthropicStream(identity);
      let sse = '';
      try {
        const batch = [];
        for await (const event of client.stream(call)) batch.push(event);
        sse += encoder.write(batch);
        sse += encoder.finish();
      } catch (failure) {
        sse += encoder.fail(failure);
      }
      return new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };

    const clients = (name) => {
      const lane = sim.lane(`serve-${name}-${build.name}`);
      const client = api.createClient({
        settings: {
          OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai'),
          ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
        },
        retry: { maxRetries: 0 },
      });
      return { lane, client };
    };

    test('the openai SDK, whole: a call served by Claude comes back as a chat.completion with its tool calls', async () => {
      const { lane, client } = clients('openai-whole');
      lane.script([{ text: 'Checking.', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Rome' } }] }]);
      const openai = new OpenAI({ apiKey: 'gw-key', baseURL: 'http://127.0.0.1:9/v1', fetch: gateway('openai', client), maxRetries: 0 });
      const completion = await openai.chat.completions.create({
        model: 'my-claude', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in Paris and Rome?' }],
        tools: [weatherTool], temperature: 0.2, max_completion_tokens: 300,
      });
      assert.equal(completion.object, 'chat.completion');
      assert.equal(completion.model, 'my-claude');
      const { message, finish_reason: finish } = completion.choices[0];
      assert.equal(finish, 'tool_calls');
      assert.equal(message.content, 'Checking.');
      assert.deepEqual(message.tool_calls.map((c) => [c.function.name, JSON.parse(c.function.arguments)]),
        [['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Rome' }]]);
      assert.ok(completion.usage.prompt_tokens > 0);
      // Upstream it went out in Anthropic's format, the tool not run by the gateway.
      const sent = lane.requests();
      assert.equal(sent.length, 1);
      assert.equal(sent[0].format, 'anthropic');
      assert.equal(sent[0].body.system, 'Be brief.');
      assert.equal(sent[0].body.max_tokens, 300);
      assert.equal(sent[0].body.tools[0].name, 'get_weather');
      await client.close();
    });

    test('the openai SDK, streamed with usage: the stream helper assembles the answer and its tool calls', async () => {
      const { lane, client } = clients('openai-stream');
      lane.script([{ text: 'Let me look that up.', tool_calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }]);
      const openai = new OpenAI({ apiKey: 'gw-key', baseURL: 'http://127.0.0.1:9/v1', fetch: gateway('openai', client), maxRetries: 0 });
      const stream = openai.chat.completions.stream({
        model: 'my-claude', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [weatherTool],
        stream_options: { include_usage: true },
      });
      const chunks = [];
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const final = await stream.finalChatCompletion();
      const { message, finish_reason: finish } = final.choices[0];
      assert.equal(finish, 'tool_calls');
      assert.equal(message.content, 'Let me look that up.');
      assert.equal(message.tool_calls[0].function.name, 'get_weather');
      assert.deepEqual(JSON.parse(message.tool_calls[0].function.arguments), { city: 'Oslo' });
      assert.deepEqual(chunks.at(-1).choices, []); // the usage chunk
      assert.ok(chunks.at(-1).usage.completion_tokens > 0);
      assert.ok(chunks.every((chunk) => chunk.id === 'chatcmpl-gw1' && chunk.object === 'chat.completion.chunk'));
      assert.equal(lane.requests()[0].format, 'anthropic');
      await client.close();
    });

    test('the Anthropic SDK, whole and streamed: a call served by an OpenAI model comes back as a message', async () => {
      const { lane, client } = clients('anthropic');
      lane.script([
        { text: 'Sunny.', tool_calls: [{ name: 'get_weather', arguments: { city: 'Nice' } }] },
        { text: 'It is sunny in Nice.' },
      ]);
      const anthropic = new Anthropic({ apiKey: 'gw-key', baseURL: 'http://127.0.0.1:9', fetch: gateway('anthropic', client), maxRetries: 0 });
      const tools = [{ name: 'get_weather', description: 'The weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
      const message = await anthropic.messages.create({
        model: 'my-gpt', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Weather in Nice?' }], tools,
      });
      assert.equal(message.type, 'message');
      assert.equal(message.model, 'my-gpt');
      assert.equal(message.stop_reason, 'tool_use');
      assert.deepEqual(message.content.map((block) => block.type), ['text', 'tool_use']);
      const call = message.content[1];
      assert.deepEqual(call.input, { city: 'Nice' });
      // The caller runs the tool and sends the result back, streamed this time.
      const stream = anthropic.messages.stream({
        model: 'my-gpt', max_tokens: 200, tools,
        messages: [{ role: 'user', content: 'Weather in Nice?' }, { role: 'assistant', content: message.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '24 C, sunny' }] }],
      });
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(final.content[0].text, 'It is sunny in Nice.');
      assert.ok(final.usage.output_tokens > 0);
      const second = lane.requests()[1];
      assert.equal(second.format, 'openai');
      const result = second.body.messages.find((m) => m.role === 'tool');
      assert.equal(result.tool_call_id, call.id);
      assert.equal(result.content, '24 C, sunny');
      await client.close();
    });

    test('bad requests and upstream failures reach each SDK as its own error class and status', async () => {
      const { client } = clients('errors');
      const openai = new OpenAI({ apiKey: 'gw-key', baseURL: 'http://127.0.0.1:9/v1', fetch: gateway('openai', client), maxRetries: 0 });
      await assert.rejects(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], n: 3 }),
        (error) => error instanceof OpenAI.BadRequestError && error.param === 'n' && /one choice/.test(error.message));
      const anthropic = new Anthropic({ apiKey: 'gw-key', baseURL: 'http://127.0.0.1:9', fetch: gateway('anthropic', client), maxRetries: 0 });
      await assert.rejects(anthropic.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], top_q: 1 }),
        (error) => error instanceof Anthropic.BadRequestError && /top_q/.test(error.message));
      const overloaded = await serve.anthropicError({ code: 'overloaded', message: 'busy' });
      assert.equal(overloaded.status, 529);
      assert.deepEqual(JSON.parse(overloaded.body), { type: 'error', error: { type: 'overloaded_error', message: 'busy' } });
      const limited = await serve.openAIError(new api.LlmuxError({ code: 'rate_limited', message: 'slow down', param: null }));
      assert.equal(limited.status, 429);
      assert.equal(JSON.parse(limited.body).error.message, 'slow down');
      await client.close();
    });

    test('stream encoders: any batching of the events gives the same bytes; an error ends the stream', async () => {
      const events = [
        { type: 'round-start', round: 1, model: 'x' },
        { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' },
        { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
        { type: 'tool-call-delta', index: 0, text: '{"a":' }, { type: 'tool-call-delta', index: 0, text: '1}' },
        { type: 'tool-call', index: 0, id: 'call_1', name: 'f', arguments: { a: 1 }, argumentsText: '{"a":1}' },
        { type: 'finish', finishReason: 'tool_calls', finishReasonRaw: 'tool_calls' },
        { type: 'usage', usage: { inputTokens: 5, outputTokens: 7 } },
      ];
      for (const make of [() => serve.openAIStream({ id: 'c', model: 'm', includeUsage: true }), () => serve.anthropicStream({ id: 'm1', model: 'm' })]) {
        const whole = await make();
        const expected = whole.write(events) + whole.finish();
        for (let cut = 0; cut <= events.length; cut++) {
          const encoder = await make();
          assert.equal(encoder.write(events.slice(0, cut)) + encoder.write(JSON.stringify(events.slice(cut))) + encoder.finish(), expected);
          assert.equal(encoder.finish(), ''); // over, and freed
        }
        const failing = await make();
        const text = failing.write(events.slice(0, 3)) + failing.fail(new api.LlmuxError({ code: 'overloaded', message: 'busy' }));
        assert.match(text, /busy/);
        assert.doesNotMatch(text, /\[DONE\]|message_stop/);
        failing.close();
      }
      const openai = await serve.openAIStream({ id: 'c', model: 'm', includeUsage: true });
      const sse = openai.write(events) + openai.finish();
      assert.match(sse, /"tool_calls":\[\{"index":0,"id":"call_1","type":"function","function":\{"name":"f","arguments":""\}\}\]/);
      assert.match(sse, /"choices":\[\],"usage":\{"prompt_tokens":5,"completion_tokens":7\}/);
      assert.ok(sse.endsWith('data: [DONE]\n\n'));
    });

    test('hostile input is a 400 or an error event, never an abort', async () => {
      for (const body of ['', '{', '[]', 'null', '{"model":1}', '['.repeat(100_000), '{"model":"m","messages":[{"role":"user","content":"\ud800"}]}']) {
        for (const parse of [serve.parseOpenAIRequest, serve.parseAnthropicRequest]) {
          const parsed = await parse(body);
          assert.equal(parsed.ok, body.includes('\ud800') && parse === serve.parseOpenAIRequest, body.slice(0, 40));
          if (!parsed.ok) assert.equal(parsed.status, 400);
        }
      }
      const encoder = await serve.openAIStream({});
      assert.match(encoder.write('not json'), /"error"/);
      assert.equal(encoder.write([{ type: 'text-delta', text: 'late' }]), ''); // the stream is over
      encoder.close();
      const written = await serve.openAIResponse('{"text": 5}', {});
      assert.equal(written.status, 400);
      // The module still answers.
      assert.equal((await serve.parseOpenAIRequest('{"model":"m","messages":[{"role":"user","content":"hi"}]}')).ok, true);
    });

    test('the serve module imports a part of what core.mjs gives; the core holds none of it', async () => {
      const dir = resolve(root, build.dir, 'wasm');
      const compile = async (file) => WebAssembly.compile(readFileSync(resolve(dir, file)));
      const core = WebAssembly.Module.imports(await compile('llmux-core.wasm')).map(({ module, name }) => `${module}.${name}`);
      for (const { module, name } of WebAssembly.Module.imports(await compile('llmux-serve.wasm'))) assert.ok(core.includes(`${module}.${name}`), name);
      const coreExports = WebAssembly.Module.exports(await compile('llmux-core.wasm')).map((e) => e.name);
      assert.ok(!coreExports.some((name) => name.includes('chunk_writer') || name.includes('parse_openai')));
    });
  });
}
