// createClient() end to end under Node: the Wasm session driven by client.mjs over real fetch
// to the provider simulator on loopback. Every behaviour the session has (tools over several
// rounds, retries, fallback, abort, errors, the ledger, budgets, the cache, routing, user
// models) is checked through the JavaScript API, for the debug and the release build.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, mapStore } from './support.mjs';

let sim;
let lanes = 0;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

// A fresh lane and settings pointing every provider llmux tests at it.
function setup(steps = []) {
  const lane = sim.lane(`client-${++lanes}`);
  lane.script(steps);
  const settings = {
    OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: lane.baseUrl('openai'),
    ANTHROPIC_API_KEY: 'test-anthropic', ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
    GEMINI_API_KEY: 'test-gemini', GEMINI_BASE_URL: lane.baseUrl('gemini'),
    OLLAMA_BASE_URL: lane.baseUrl('ollama'),
    COHERE_API_KEY: 'test-cohere', COHERE_BASE_URL: lane.baseUrl('cohere'),
  };
  return { lane, settings };
}

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20 };

// Node's global fetch, wrapped to note whether each call gave it an AbortSignal (a client
// without a fetch of its own calls the global one); restore() puts it back.
function spyOnSignals() {
  const signals = [];
  const nodeFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    signals.push(init.signal !== undefined);
    return nodeFetch(url, init);
  };
  return { signals, restore: () => void (globalThis.fetch = nodeFetch) };
}

const addTool = {
  description: 'Adds two numbers',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  execute: ({ a, b }) => a + b,
};

for (const build of builds) {
  describe(`client (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('chat: the answer, summed usage, exact cost and the model that served it', async () => {
      const { lane, settings } = setup([{ text: 'Hello there', usage: { input: 1000, output: 500 } }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const result = await client.chat({ prompt: 'Hi', system: 'Be brief', maxTokens: 50 });
      assert.equal(result.text, 'Hello there');
      assert.equal(result.model, 'openai-gpt-4o-mini');
      assert.equal(result.finishReason, 'stop');
      assert.deepEqual([result.usage.inputTokens, result.usage.outputTokens], [1000, 500]);
      assert.equal(result.cost.total, '0.00045');
      assert.equal(result.cost.totalPicodollars, '450000000');
      assert.deepEqual(result.messages.map((m) => m.role), ['user', 'assistant']);
      const [request] = lane.requests();
      assert.equal(request.body.model, 'gpt-4o-mini');
      assert.equal(request.body.max_completion_tokens ?? request.body.max_tokens, 50);
      assert.equal(request.headers.authorization, 'Bearer sk-test-openai');
      await client.close();
    });

    for (const [provider, model] of [['anthropic', 'anthropic-claude-3-5-sonnet-20241022'], ['gemini', 'gemini-2.0-flash'],
      ['ollama', 'ollama/llama3.1:8b'], ['cohere', 'command-r-plus-08-2024']]) {
      test(`stream from ${provider}: text deltas in order, then done with the result`, async () => {
        const { settings } = setup([{ text: 'one two three four', ...(provider === 'anthropic' ? { reasoning: 'let me think' } : {}) }]);
        const client = api.createClient({ settings, model });
        const stream = client.stream({ prompt: 'count' });
        const types = [];
        let text = '';
        for await (const event of stream) {
          types.push(event.type);
          if (event.type === 'text-delta') text += event.text;
        }
        assert.equal(text, 'one two three four');
        assert.equal(types[0], 'round-start');
        assert.equal(types.at(-1), 'done');
        assert.ok(types.filter((type) => type === 'text-delta').length >= 4);
        const result = await stream.result;
        assert.equal(result.text, text);
        if (provider === 'anthropic') assert.equal(result.reasoning, 'let me think');
        await client.close();
      });
    }

    test('tools over two rounds, parallel calls, a failing tool reported back to the model', async () => {
      const { lane, settings } = setup([
        { tool_calls: [{ name: 'add', arguments: { a: 2, b: 3 } }, { name: 'explode', arguments: {} }] },
        { tool_calls: [{ name: 'add', arguments: { a: 5, b: 10 } }] },
        { text: 'The answer is 15' },
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const seen = [];
      const result = await client.chat({
        prompt: 'add things',
        tools: {
          add: { ...addTool, execute: async (args, context) => { seen.push([args, context.round]); return addTool.execute(args); } },
          explode: { description: 'fails', execute: () => { throw new Error('kaboom'); } },
        },
      });
      assert.equal(result.text, 'The answer is 15');
      assert.deepEqual(seen, [[{ a: 2, b: 3 }, 1], [{ a: 5, b: 10 }, 2]]);
      assert.equal(result.toolRounds, 2);
      assert.deepEqual(result.toolsCalled.map((t) => [t.name, t.ok, t.ok ? t.result : t.error]),
        [['add', true, '5'], ['explode', false, 'kaboom'], ['add', true, '15']]);
      assert.equal(result.usage.inputTokens, 30); // summed over three model calls
      const second = lane.requests()[1].body.messages;
      const results = second.filter((m) => m.role === 'tool').map((m) => m.content);
      assert.equal(results.length, 2);
      assert.ok(results[1].includes('kaboom'));
      await client.close();
    });

    test('by default a model asking for tools every time gets 3 tool rounds, then a last call that forbids tools', async () => {
      // No maxRounds: the seed's "max 3 rounds of tool calling". The model asks for a tool in
      // every answer it may; the 4th request says tool_choice "none", and its answer is final.
      const ask = (a, b, input) => ({ tool_calls: [{ name: 'add', arguments: { a, b } }], usage: { input, output: 10 } });
      const { lane, settings } = setup([
        ask(1, 2, 100), ask(3, 4, 110), ask(5, 6, 120),
        { text: 'Done adding.', usage: { input: 130, output: 5 } },
        ask(7, 8, 140), // never asked for: a 5th call would take it
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const rounds = [];
      const result = await client.chat({
        prompt: 'keep adding',
        tools: { add: { ...addTool, execute: (args, context) => { rounds.push(context.round); return addTool.execute(args); } } },
      });
      assert.equal(result.text, 'Done adding.');
      assert.equal(result.toolRounds, 3);
      assert.deepEqual(rounds, [1, 2, 3]);
      assert.deepEqual(result.toolsCalled.map((t) => t.result), ['3', '7', '11']);
      const requests = lane.requests();
      assert.equal(requests.length, 4);
      assert.equal(lane.pending(), 1);
      assert.deepEqual(requests.map((r) => r.body.tool_choice), [undefined, undefined, undefined, 'none']);
      for (const request of requests) assert.deepEqual(request.body.tools.map((t) => t.function.name), ['add']);
      assert.deepEqual(requests[3].body.messages.filter((m) => m.role === 'tool').map((m) => m.content), ['3', '7', '11']);
      // Usage and cost over all four calls: 460 input and 35 output tokens at $0.15 and $0.60 a million.
      assert.deepEqual([result.usage.inputTokens, result.usage.outputTokens], [460, 35]);
      assert.equal(result.cost.total, '0.00009');
      await client.close();
    });

    test('the tool calls of one round run at the same time', async () => {
      // Each tool waits until the other has started: run one after the other, the first would
      // wait for a start that never comes and fail after its 10 s, and so would the test.
      const { settings } = setup([
        { tool_calls: [{ name: 'left', arguments: {} }, { name: 'right', arguments: {} }] },
        { text: 'both ran' },
      ]);
      const started = new Set();
      const waiters = [];
      const rendezvous = (name, other) => {
        started.add(name);
        for (const wake of waiters.splice(0)) wake();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${name}: ${other} never started while ${name} ran`)), 10_000);
          const check = () => {
            if (!started.has(other)) return void waiters.push(check);
            clearTimeout(timer);
            resolve(`${name} met ${other}`);
          };
          check();
        });
      };
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const result = await client.chat({
        prompt: 'meet',
        tools: {
          left: { description: 'meets right', execute: () => rendezvous('left', 'right') },
          right: { description: 'meets left', execute: () => rendezvous('right', 'left') },
        },
      });
      assert.deepEqual(result.toolsCalled.map((t) => [t.name, t.ok, t.ok ? t.result : t.error]),
        [['left', true, 'left met right'], ['right', true, 'right met left']]);
      assert.equal(result.text, 'both ran');
      await client.close();
    });

    test('arguments that break the schema go back to the model, not to the tool', async () => {
      const { settings } = setup([
        { tool_calls: [{ name: 'add', arguments: { a: 'two' } }] },
        { text: 'sorry' },
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      let ran = false;
      const result = await client.chat({ prompt: 'x', tools: { add: { ...addTool, execute: () => { ran = true; } } } });
      assert.equal(ran, false);
      assert.equal(result.toolsCalled[0].ok, false);
      await client.close();
    });

    test('a 429 with Retry-After is retried, with a retry event', async () => {
      const { lane, settings } = setup([{ status: 429, headers: { 'retry-after-ms': '30' } }, { text: 'after the wait' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: fastRetry });
      const events = [];
      for await (const event of client.stream({ prompt: 'x' })) events.push(event);
      const retry = events.find((event) => event.type === 'retry');
      assert.equal(retry.error.code, 'rate_limited');
      assert.equal(retry.error.retryAfterMs, 30);
      assert.equal(events.at(-1).result.text, 'after the wait');
      assert.equal(lane.requests().length, 2);
      await client.close();
    });

    test('overloaded Anthropic falls back to OpenAI', async () => {
      const { settings } = setup([{ status: 529 }, { status: 529 }, { text: 'from openai' }]);
      const client = api.createClient({
        settings, model: 'anthropic-claude-3-5-sonnet-20241022', fallbacks: ['gpt-4o-mini'], retry: { ...fastRetry, maxRetries: 1 },
      });
      const events = [];
      for await (const event of client.stream({ prompt: 'x' })) events.push(event);
      const fallback = events.find((event) => event.type === 'fallback');
      assert.equal(fallback.error.code, 'overloaded');
      assert.equal(fallback.model, 'openai-gpt-4o-mini');
      const result = await client.chat({ prompt: 'again', model: 'gpt-4o-mini' }).catch((error) => error);
      assert.ok(result instanceof api.ServerError); // the lane has no step left: the simulator's 500
      assert.equal(events.at(-1).result.model, 'openai-gpt-4o-mini');
      assert.deepEqual(events.at(-1).result.modelsTried.map((m) => [m.model, m.attempts]),
        [['anthropic-claude-3-5-sonnet-20241022', 2], ['openai-gpt-4o-mini', 1]]);
      await client.close();
    });

    test('aborting mid-stream cancels the call: CancelledError with the text so far', async () => {
      const { settings } = setup([{ text: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), chunk_delay_ms: 15 }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const controller = new AbortController();
      let deltas = 0;
      await assert.rejects(async () => {
        for await (const event of client.stream({ prompt: 'x', signal: controller.signal })) {
          if (event.type === 'text-delta' && ++deltas === 3) controller.abort();
        }
      }, (error) => error instanceof api.CancelledError && error.code === 'cancelled' && error.result.text.startsWith('w0 w1 w2'));
      assert.ok(deltas >= 3 && deltas < 40);
      // The stream was cut before the provider reported usage: nothing known is charged.
      assert.deepEqual(await client.usage(), []);
      await client.close();
    });

    test('errors are LlmuxError subclasses with the stable code, status and provider message', async () => {
      const { settings } = setup([
        { status: 401 },
        { status: 400, error: { message: 'max_tokens is too large', code: 'invalid_value' } },
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const unauthorised = await client.chat({ prompt: 'x' }).catch((error) => error);
      assert.ok(unauthorised instanceof api.AuthenticationError);
      assert.ok(unauthorised instanceof api.LlmuxError);
      assert.equal(unauthorised.code, 'auth_failed');
      assert.equal(unauthorised.status, 401);
      assert.equal(unauthorised.number, 1);
      assert.ok(!JSON.stringify(unauthorised).includes('sk-test-openai'), 'the key is nowhere in the error');
      const invalid = await client.chat({ prompt: 'x' }).catch((error) => error);
      assert.equal(invalid.code, 'invalid_request');
      assert.equal(invalid.message, 'max_tokens is too large');
      await client.close();
    });

    test('bad bytes from a provider are a BadResponseError, whole or streamed, and the module lives on', async () => {
      const { settings } = setup([
        { raw: { headers: { 'content-type': 'application/json' }, body: '{"choices": [{"message": {"content": 7' } },
        { raw: { headers: { 'content-type': 'text/event-stream' }, body: ['data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n', 'data: {not json\n\n', 'data: \u00ff\ufffe\n\n'] } },
        { raw: { headers: { 'content-type': 'text/event-stream' }, body: ['data: {"choices":[{"delta":{"content":"ok"}}]}\n\n'] } },
        { text: 'still alive' },
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: { maxRetries: 0 } });
      await assert.rejects(client.chat({ prompt: 'x' }), (error) => error instanceof api.BadResponseError);
      await assert.rejects(async () => { for await (const _ of client.stream({ prompt: 'x' })); },
        (error) => error instanceof api.BadResponseError && error.result.text === 'Hi');
      // A stream that ends without its end marker or finish reason is cut, not a clean answer.
      await assert.rejects(async () => { for await (const _ of client.stream({ prompt: 'x' })); }, api.LlmuxError);
      assert.equal((await client.chat({ prompt: 'x' })).text, 'still alive');
      await client.close();
    });

    test('a refused connection is a NetworkError; a stalled server a TimeoutError', async () => {
      const { settings } = setup([{ hang: true }]);
      const closed = api.createClient({ settings: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
        model: 'gpt-4o-mini', retry: { maxRetries: 0 } });
      await assert.rejects(closed.chat({ prompt: 'x' }), (error) => error instanceof api.NetworkError);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: { maxRetries: 0 }, timeoutMs: 100 });
      await assert.rejects(client.chat({ prompt: 'x' }), (error) => error instanceof api.TimeoutError);
      await closed.close();
      await client.close();
    });

    test('a redirect is not followed: a BadResponseError, asked once; a failure says its cause and never a key', async () => {
      const { lane, settings } = setup();
      lane.script([
        { raw: { status: 307, headers: { location: `${lane.baseUrl('openai')}/chat/completions` } } },
        { text: 'followed the redirect' },
      ]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: fastRetry });
      await assert.rejects(client.chat({ prompt: 'x' }), (error) => error instanceof api.BadResponseError &&
        /does not follow/.test(error.message) && /redirect/.test(error.message));
      assert.equal(lane.requests().length, 1);
      await client.close();
      // A fetch whose error holds the key (a runtime may quote the request): scrubbed, cause kept.
      const leaky = api.createClient({
        settings: { OPENAI_API_KEY: 'sk-test-leaky-key', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1?key=query-secret' },
        model: 'gpt-4o-mini', retry: { maxRetries: 0 },
        fetch: (url, init) => Promise.reject(new TypeError('fetch failed', {
          cause: new Error(`connect ECONNREFUSED for ${url} with ${new Headers(init.headers).get('authorization')} and sk-test-leaky-key`),
        })),
      });
      await assert.rejects(leaky.chat({ prompt: 'x' }), (error) => error instanceof api.NetworkError &&
        /^fetch failed \(connect ECONNREFUSED for http:\/\/127\.0\.0\.1:9\/v1\?\[redacted\] with \[redacted\] and \[redacted\]\)$/.test(error.message) &&
        !/leaky|query-secret/.test(JSON.stringify(error.result)));
      await leaky.close();
    });

    test('Node\'s fetch gets an AbortSignal unless it gives up on a head itself first; its own timeouts are TimeoutErrors', async () => {
      const { settings } = setup(Array.from({ length: 4 }, () => ({ text: 'ok' })));
      const { signals, restore } = spyOnSignals();
      try {
        const defaults = api.createClient({ settings, model: 'gpt-4o-mini' }); // timeoutMs 10 minutes
        assert.equal((await defaults.chat({ prompt: 'x' })).text, 'ok');
        assert.equal((await defaults.chat({ prompt: 'x', signal: new AbortController().signal })).text, 'ok');
        assert.equal((await defaults.chat({ prompt: 'x', timeoutMs: 299_999 })).text, 'ok');
        const streamed = [];
        for await (const event of defaults.stream({ prompt: 'x' })) streamed.push(event.type);
        assert.ok(streamed.includes('done'));
        await defaults.close();
      } finally {
        restore();
      }
      assert.deepEqual(signals, [false, true, true, false]);
      // undici's own limits (headersTimeout, bodyTimeout) end a call as llmux's timeout does.
      const limited = api.createClient({
        settings, model: 'gpt-4o-mini', retry: { maxRetries: 0 },
        fetch: () => Promise.reject(new TypeError('fetch failed', {
          cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
        })),
      });
      await assert.rejects(limited.chat({ prompt: 'x' }), (error) => error instanceof api.TimeoutError &&
        error.message === 'fetch failed (Headers Timeout Error)');
      await limited.close();
    });

    test('without a signal on its fetch, a stream dropped midway still closes its connection', async () => {
      // A server that streams until its client goes: it resolves `closed` when the socket does.
      let closed;
      const gone = new Promise((resolve) => (closed = resolve));
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          let i = 0;
          const chunk = () => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"w${i++} "}}]}\n\n`;
          const timer = setInterval(() => res.write(chunk()), 10);
          res.on('close', () => {
            clearInterval(timer);
            closed();
          });
        });
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { signals, restore } = spyOnSignals();
      try {
        const client = api.createClient({
          settings: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `http://127.0.0.1:${server.address().port}/v1` },
          model: 'gpt-4o-mini',
        });
        let deltas = 0;
        for await (const event of client.stream({ prompt: 'x' })) if (event.type === 'text-delta' && ++deltas === 3) break;
        assert.deepEqual(signals, [false]);
        // A bound far above the milliseconds the close takes, so that a connection left open
        // fails the test (and the server is closed below) instead of hanging the suite.
        let bound;
        const outcome = await Promise.race([
          gone.then(() => 'closed'),
          new Promise((resolve) => (bound = setTimeout(resolve, 5000, 'still open'))),
        ]);
        clearTimeout(bound);
        assert.equal(outcome, 'closed', 'the dropped stream kept its connection');
        await client.close();
      } finally {
        restore();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    test('wrong arguments are TypeErrors that say what is wrong, and the module lives on', async () => {
      assert.throws(() => api.createClient({ settings: { OPENAI_API_KEY: 42 } }), TypeError);
      assert.throws(() => api.createClient({ fetch: 'no' }), /fetch must be a function/);
      assert.throws(() => api.createClient('gpt-4o-mini'), /options must be an object/);
      const { settings } = setup([{ text: 'still alive' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      await assert.rejects(client.chat('hello'), /the call must be an object/);
      await assert.rejects(client.chat({ prompt: 42 }), /prompt: must be a string/);
      await assert.rejects(client.chat({}), /needs a prompt or at least one message/);
      await assert.rejects(client.chat({ prompt: 'x', temprature: 1 }), /temprature: is not an option/);
      await assert.rejects(client.chat({ messages: [{ role: 'robot', content: 'x' }] }), /messages\[0\]\.role/);
      await assert.rejects(client.chat({ prompt: 'x', maxTokens: -1 }), TypeError);
      await assert.rejects(client.chat({ prompt: 'x', tools: { add: { execute: 'add' } } }), /execute must be a function/);
      await assert.rejects(client.chat({ prompt: 'x', signal: 'stop' }), /signal must be an AbortSignal/);
      await assert.rejects(client.chat({ prompt: 'x', model: 'no-such-model-xyz' }), (error) => error.code === 'unknown_model');
      assert.equal((await client.chat({ prompt: 'x' })).text, 'still alive');
      await client.close();
    });

    test('the conversation goes on from result.messages', async () => {
      const { lane, settings } = setup([{ tool_calls: [{ name: 'add', arguments: { a: 1, b: 1 } }] }, { text: '2' }, { text: 'and 3' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const first = await client.chat({ prompt: 'one plus one', tools: { add: addTool } });
      const second = await client.chat({ messages: [...first.messages, { role: 'user', content: 'and plus one?' }] });
      assert.equal(second.text, 'and 3');
      const sent = lane.requests()[2].body.messages;
      assert.deepEqual(sent.map((m) => m.role), ['user', 'assistant', 'tool', 'assistant', 'user']);
      assert.equal(sent[1].tool_calls[0].function.name, 'add');
      await client.close();
    });

    test('budgets: a call over the monthly budget is refused before any request', async () => {
      const { lane, settings } = setup([{ text: 'first', usage: { input: 1000, output: 500 } }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', user: 'alice', budgetScopes: ['user:alice'] });
      await client.setBudget('user:alice', '0.0006');
      assert.equal((await client.chat({ prompt: 'x', maxTokens: 500 })).text, 'first');
      assert.deepEqual(await client.budget('user:alice'), { limit: '0.0006', spent: '0.00045' });
      await assert.rejects(client.chat({ prompt: 'x', maxTokens: 500 }), (error) => error instanceof api.BudgetExceededError);
      assert.equal(lane.requests().length, 1);
      const [byUser] = await client.usage({ by: 'user' });
      assert.deepEqual([byUser.key, byUser.requests, byUser.cost], ['alice', 1, '0.00045']);
      await assert.rejects(client.setBudget('user:alice', 'lots'), TypeError);
      await client.close();
    });

    test('the response cache answers the same call again without a request', async () => {
      const { lane, settings } = setup([{ text: 'cached answer' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      const first = await client.chat({ prompt: 'same', cacheTtlMs: 60_000 });
      const second = await client.chat({ prompt: 'same', cacheTtlMs: 60_000 });
      assert.equal(second.text, 'cached answer');
      assert.equal([first.fromCache, second.fromCache].join(), 'false,true');
      assert.equal(lane.requests().length, 1);
      await client.close();
    });

    test('cost(): exact dollars for a usage at a model\'s prices, null without prices', async () => {
      const client = api.createClient({});
      const cost = await client.cost('gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 500, cachedInputTokens: 200_000 });
      assert.deepEqual([cost.input, cost.cachedInput, cost.output, cost.total], ['0.12', '0.015', '0.0003', '0.1353']);
      assert.equal((await client.cost('ollama/llama3.1:8b', { inputTokens: 10, outputTokens: 10 })).total, '0'); // local: free
      assert.equal(await client.cost('huggingface-gpt2', { inputTokens: 10, outputTokens: 10 }), null); // a router: unknown
      await assert.rejects(client.cost('gpt-4o-mini', { inputTokens: -1 }), TypeError);
      await assert.rejects(client.cost('gpt-4o-mini', { inputTokkens: 1 }), /not a token count/);
      await assert.rejects(client.cost('no-such-model-xyz', { inputTokens: 1 }), (error) => error.code === 'unknown_model');
      await client.close();
    });

    test('routing: a task picks its chain from the routing table', async () => {
      const { lane, settings } = setup([{ text: 'routed' }]);
      const client = api.createClient({ settings, routes: { routes: { coding: ['openai-gpt-5-chat', 'gpt-4o-mini'] } } });
      const result = await client.chat({ prompt: 'x', task: 'coding' });
      assert.equal(result.model, 'openai-gpt-5-chat');
      assert.equal(lane.requests()[0].body.model, 'gpt-5-chat-latest');
      await assert.rejects(client.chat({ prompt: 'x', task: 'poetry' }), (error) => error.code === 'invalid_argument');
      await client.close();
    });

    test('user models: a custom endpoint added at run time serves calls and is in the catalog', async () => {
      const { lane } = setup([{ text: 'from my checkpoint' }]);
      const client = api.createClient({});
      await client.addModels([{
        id: 'my-checkpoint', name: 'My checkpoint', provider: 'local', model: 'org/ckpt-7b', base_url: lane.baseUrl('local'),
        context: 8192, max_output: 1024, features: ['streaming'],
      }]);
      const models = await client.models();
      assert.ok(models.some((model) => model.id === 'my-checkpoint'));
      assert.ok(models.some((model) => model.id === 'openai-gpt-4o-mini'));
      const result = await client.chat({ prompt: 'x', model: 'my-checkpoint' });
      assert.equal(result.text, 'from my checkpoint');
      assert.equal(result.cost, null); // no prices: unknown, never zero
      assert.equal(lane.requests()[0].body.model, 'org/ckpt-7b');
      const resolved = await client.resolve('my-checkpoint');
      assert.equal(resolved.ready, true);
      assert.ok(!('apiKey' in resolved));
      await client.close();
    });

    test('a store object keeps the ledger, budgets and user models for the next client', async () => {
      const { lane, settings } = setup([{ text: 'one', usage: { input: 100, output: 10 } }, { text: 'two' }]);
      const store = mapStore();
      const { values } = store;
      const first = api.createClient({ settings, model: 'gpt-4o-mini', storage: store });
      await first.addModels([{ id: 'kept-model', provider: 'local', model: 'm', base_url: lane.baseUrl('local'), context: 4096, max_output: 512 }]);
      await first.setBudget('user:bob', '3');
      await first.chat({ prompt: 'x', user: 'bob' });
      await first.close();
      assert.ok([...values.keys()].some((key) => key.startsWith('ledger/records/')));
      const second = api.createClient({ settings, storage: store });
      assert.deepEqual((await second.usage({ by: 'user' })).map((row) => [row.key, row.requests, row.inputTokens]), [['bob', 1, 100]]);
      assert.equal((await second.budget('user:bob')).limit, '3');
      assert.equal((await second.chat({ prompt: 'y', model: 'kept-model' })).text, 'two');
      await second.close();
    });

    test('a store that throws is a storage error for the caller, never an abort', async () => {
      const { settings } = setup([{ text: 'answer' }]);
      const broken = {
        get: () => undefined,
        put: () => { throw new Error('disk full'); },
        remove: () => false,
        list: () => [],
      };
      const client = api.createClient({ settings, model: 'gpt-4o-mini', storage: broken });
      await assert.rejects(client.setBudget('user:x', '1'), (error) => error instanceof api.StorageError && /disk full/.test(error.message));
      // The answer still arrives: the money is spent, and the ledger keeps it in memory; the
      // result says its usage was not stored.
      const result = await client.chat({ prompt: 'x' });
      assert.equal(result.text, 'answer');
      assert.equal(result.warnings.length, 1);
      assert.match(result.warnings[0], /^the ledger did not store this call's usage \(storage\): .*disk full/);
      assert.throws(() => api.createClient({ storage: { get() {} } }), /needs a put\(\) method/);
      assert.throws(() => api.createClient({ storage: 'disk' }), TypeError);
      await client.close();
    });

    test('a custom fetch gets every request; a consumer that stops early cancels the call', async () => {
      const { settings } = setup([{ text: 'a b c d e f g h', chunk_delay_ms: 5 }]);
      const urls = [];
      const client = api.createClient({ settings, model: 'gpt-4o-mini', fetch: (url, init) => { urls.push(url); return fetch(url, init); } });
      for await (const event of client.stream({ prompt: 'x' })) if (event.type === 'text-delta') break;
      assert.equal(urls.length, 1);
      assert.match(urls[0], /\/chat\/completions$/);
      await client.close();
    });
  });
}
