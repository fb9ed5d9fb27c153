// The scenario every runtime runs (Node, Deno, Bun, workerd, Vercel's edge-runtime, Chromium):
// plain ES2022 and web APIs only (fetch, ReadableStream, AbortController, TextEncoder), no
// imports, so that each runtime loads it as it is or bundled.
//
//   const results = await runScenario({ llmux, simUrl, lane });
//   // [{name, status: 'pass' | 'fail', message}], one per case, never throws
//
// `llmux` is the package's module namespace as the runtime loaded it; `simUrl` the provider
// simulator's origin (tests/simulator/); every case scripts its own lane (`<lane>-<case>`)
// through the simulator's control API with the runtime's own fetch, so runtimes never share
// a Step queue.

const textOf = (events) => events.filter((event) => event.type === 'text_delta').map((event) => event.text).join('');

/** Thrown by the checks below: its message is what the orchestrator reports. */
class CheckFailed extends Error {}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}
function equal(actual, expected, what) {
  check(Object.is(actual, expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// A lane of the simulator, driven over HTTP (this runtime may be another process or a page).
function simLane(simUrl, name) {
  const control = `${simUrl}/_sim/lanes/${name}`;
  const origin = `${simUrl}/lane/${name}`;
  return {
    name,
    baseUrl: (provider) => (provider === 'anthropic' ? origin : `${origin}/v1`),
    async script(steps) {
      const response = await fetch(`${control}/script`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ responses: steps }),
      });
      check(response.ok, `scripting lane ${name}: HTTP ${response.status} ${await response.text()}`);
    },
    async requests() {
      return (await fetch(`${control}/requests`)).json();
    },
  };
}

async function postJson(url, body) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

// --- cases on the API that exists today: decode, createDecoder, errorCodes, argument checks

const decodeCases = {
  async 'errorCodes lists the stable codes'({ llmux }) {
    const codes = await llmux.errorCodes();
    check(Array.isArray(codes) && codes.length >= 20, `errorCodes(): ${JSON.stringify(codes)?.slice(0, 200)}`);
    for (const code of ['auth_failed', 'rate_limited', 'overloaded', 'cancelled', 'storage'])
      check(codes.some((entry) => entry.code === code && typeof entry.number === 'number'), `errorCodes() lacks ${code}`);
  },

  async 'createDecoder decodes a stream as its chunks arrive from fetch'({ llmux, lane }) {
    const words = 'Streaming from the simulator through this runtime';
    await lane.script([{ text: words, chunk_delay_ms: 2, usage_in_last_chunk: true, usage: { input: 7, output: 6 } }]);
    const response = await postJson(`${lane.baseUrl('openai')}/chat/completions`,
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    equal(response.status, 200, 'status');
    const decoder = await llmux.createDecoder({ provider: 'openai', stream: true, status: response.status, headers: response.headers });
    const events = [];
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      events.push(...decoder.feed(value));
    }
    const { events: last, result } = decoder.finish();
    events.push(...last);
    equal(textOf(events), words, 'text of the deltas');
    equal(result.text, words, 'result.text');
    equal(result.finish, 'stop', 'result.finish');
    equal(result.usage?.input_tokens, 7, 'input tokens');
    equal(result.usage?.output_tokens, 6, 'output tokens');
    check(events.some((event) => event.type === 'finish'), 'no finish event');
  },

  async 'decode reads a whole Anthropic answer and a 429 with its retry hint'({ llmux, lane }) {
    await lane.script([{ text: 'Whole answer', usage: { input: 11, output: 2 } }, { status: 429, retry_after_seconds: 3 }]);
    const url = `${lane.baseUrl('anthropic')}/v1/messages`;
    const body = { model: 'claude-3-5-haiku-20241022', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };
    let response = await postJson(url, body);
    let result = await llmux.decode({ provider: 'anthropic', status: response.status, headers: response.headers,
      body: new Uint8Array(await response.arrayBuffer()) });
    equal(result.text, 'Whole answer', 'text');
    equal(result.usage?.input_tokens, 11, 'input tokens');
    equal(result.error, null, 'error');

    response = await postJson(url, body);
    equal(response.status, 429, 'status');
    result = await llmux.decode({ provider: 'anthropic', status: response.status, headers: response.headers, body: await response.text() });
    equal(result.error?.code, 'rate_limited', 'error.code');
    equal(result.error?.retry_after_ms, 3000, 'error.retry_after_ms');
  },

  async 'a wrong argument is a TypeError, and the module still works after it'({ llmux }) {
    for (const bad of [null, {}, { provider: 'openai', body: 42 }, { provider: 'openai', body: '', status: 42 }]) {
      let error;
      try {
        await llmux.decode(bad);
      } catch (caught) {
        error = caught;
      }
      check(error instanceof TypeError, `decode(${JSON.stringify(bad)}) gave ${error} instead of a TypeError`);
    }
    const result = await llmux.decode({ provider: 'no-such-provider', body: '{}' });
    equal(result.error?.code, 'invalid_argument', 'an unknown provider');
    equal((await llmux.decode({ provider: 'openai', body: '{"choices":[{"message":{"content":"ok"}}]}' })).text, 'ok', 'text after');
  },
};

// --- cases on the client API (createClient, LlmuxError)

/** A client on the lane: OpenAI and Anthropic both pointed at the simulator. */
function clientOn(llmux, lane, options = {}) {
  return llmux.createClient({
    settings: {
      OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai'),
      ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
    },
    model: 'gpt-4o-mini',
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50 }, // 3 attempts in all
    storage: 'memory',
    ...options,
  });
}

async function collect(iterable) {
  const events = [];
  for await (const event of iterable) events.push(event);
  return events;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new CheckFailed('expected a rejection, got a result');
}

function checkLlmuxError(llmux, error, code, what) {
  check(error instanceof llmux.LlmuxError, `${what}: not an LlmuxError: ${error?.stack ?? error}`);
  equal(error.code, code, `${what}: code`);
}

const clientCases = {
  async 'client.chat answers, with usage and cost, and records it'({ llmux, lane }) {
    await lane.script([{ text: 'Hello from the simulator', usage: { input: 12, output: 4 } }]);
    const client = clientOn(llmux, lane);
    const result = await client.chat({ prompt: 'Hi' });
    equal(result.text, 'Hello from the simulator', 'text');
    equal(result.usage?.inputTokens, 12, 'usage.inputTokens');
    equal(result.usage?.outputTokens, 4, 'usage.outputTokens');
    check(typeof result.cost?.total === 'string' && /^\d+(\.\d+)?$/.test(result.cost.total), `cost.total: ${JSON.stringify(result.cost)}`);
    check(String(result.model).includes('gpt-4o-mini'), `model: ${result.model}`);
    const [request] = await lane.requests();
    equal(request?.path, '/v1/chat/completions', 'path');
    equal(request?.body?.model, 'gpt-4o-mini', 'model sent');
    check(request?.headers?.authorization === 'Bearer sk-test', 'the OpenAI key was not sent as a bearer token');
    const usage = await client.usage();
    const records = Array.isArray(usage) ? usage : usage?.records;
    check(Array.isArray(records) && records.length === 1, `client.usage(): ${JSON.stringify(usage)?.slice(0, 300)}`);
  },

  async 'client.stream yields text deltas as they arrive, then finish and usage'({ llmux, lane }) {
    await lane.script([{ text: 'one two three four', chunk_delay_ms: 2 }]);
    const events = await collect(clientOn(llmux, lane).stream({ prompt: 'Count' }));
    const types = events.map((event) => event.type);
    equal(events.filter((event) => event.type === 'text-delta').map((event) => event.text).join(''), 'one two three four', 'text');
    check(types.includes('finish'), `no finish event: ${types}`);
    check(types.includes('usage'), `no usage event: ${types}`);
    check(types.indexOf('text-delta') < types.indexOf('finish'), `order: ${types}`);
  },

  async 'a tool runs over two rounds'({ llmux, lane }) {
    await lane.script([
      { tool_calls: [{ id: 'call_1', name: 'add', arguments: { a: 2, b: 3 } }] },
      { text: 'The sum is 5.' },
    ]);
    const calls = [];
    const result = await clientOn(llmux, lane).chat({
      prompt: 'What is 2 + 3?',
      maxRounds: 3,
      tools: {
        add: {
          description: 'Adds two numbers',
          parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
          execute: async (args) => {
            calls.push(args);
            return { sum: args.a + args.b };
          },
        },
      },
    });
    equal(result.text, 'The sum is 5.', 'text');
    equal(JSON.stringify(calls), '[{"a":2,"b":3}]', 'execute() calls');
    const called = result.toolsCalled ?? [];
    check(called.length === 1 && called[0].name === 'add' && called[0].ok === true && called[0].result === '{"sum":5}',
      `toolsCalled: ${JSON.stringify(result.toolsCalled)}`);
    const requests = await lane.requests();
    equal(requests.length, 2, 'requests');
    check(Array.isArray(requests[0].body?.tools) && requests[0].body.tools[0]?.function?.name === 'add', 'the tool was not offered');
    const toolMessage = requests[1].body?.messages?.find((message) => message.role === 'tool');
    check(toolMessage?.tool_call_id === 'call_1' && String(toolMessage.content).includes('5'),
      `second round's tool message: ${JSON.stringify(toolMessage)}`);
  },

  async 'a 429 is retried after its hint, then succeeds'({ llmux, lane }) {
    await lane.script([{ status: 429, headers: { 'retry-after-ms': '20' } }, { text: 'after the retry' }]);
    const events = await collect(clientOn(llmux, lane).stream({ prompt: 'Hi' }));
    const retry = events.find((event) => event.type === 'retry');
    check(retry, `no retry event: ${events.map((event) => event.type)}`);
    equal(events.filter((event) => event.type === 'text-delta').map((event) => event.text).join(''), 'after the retry', 'text');
    equal((await lane.requests()).length, 2, 'requests');
  },

  async 'an overloaded provider (529) falls back to the next one'({ llmux, lane }) {
    await lane.script([{ status: 529 }, { text: 'from the fallback' }]);
    const client = clientOn(llmux, lane, {
      model: 'claude-3-5-haiku-20241022', fallbacks: ['gpt-4o-mini'], retry: { maxRetries: 0 },
    });
    const result = await client.chat({ prompt: 'Hi' });
    equal(result.text, 'from the fallback', 'text');
    check(String(result.model).includes('gpt-4o-mini'), `model: ${result.model}`);
    const requests = await lane.requests();
    equal(requests.map((request) => request.format).join(','), 'anthropic,openai', 'providers asked');
    // A page must tell Anthropic it calls from a browser (CORS); servers and workers do not.
    const inPage = typeof document === 'object' && typeof window === 'object';
    equal(requests[0].headers['anthropic-dangerous-direct-browser-access'], inPage ? 'true' : undefined,
      'the browser-access header');
  },

  async 'aborting mid-stream rejects with code cancelled'({ llmux, lane }) {
    await lane.script([{ text: 'a b c d e f g h i j k l m n o p', chunk_delay_ms: 100 }]);
    const controller = new AbortController();
    const seen = [];
    const error = await rejection((async () => {
      for await (const event of clientOn(llmux, lane).stream({ prompt: 'Hi', signal: controller.signal })) {
        seen.push(event.type);
        if (event.type === 'text-delta') controller.abort();
      }
    })());
    checkLlmuxError(llmux, error, 'cancelled', 'abort');
    check(seen.filter((type) => type === 'text-delta').length < 16, `the stream ran to its end: ${seen}`);
  },

  async 'a stalled server, before its head or mid-stream, rejects with code timeout'({ llmux, lane }) {
    await lane.script([{ hang: true }, { text: 'a b c d', chunk_delay_ms: 3000 }, { text: 'after' }]);
    const client = clientOn(llmux, lane, { retry: { maxRetries: 0 }, timeoutMs: 300 });
    checkLlmuxError(llmux, await rejection(client.chat({ prompt: 'Hi' })), 'timeout', 'a server that never answers');
    const seen = [];
    const error = await rejection((async () => {
      for await (const event of client.stream({ prompt: 'Hi' })) seen.push(event.type);
    })());
    checkLlmuxError(llmux, error, 'timeout', 'a stream that stalls');
    check(!seen.includes('done'), `the stalled stream ended: ${seen}`);
    equal((await client.chat({ prompt: 'Hi' })).text, 'after', 'the call after the timeouts');
  },

  async 'a redirect is not followed: it rejects with code bad_response, asked once'({ llmux, lane }) {
    // Followed, the redirect would get the second answer; retried, the same.
    await lane.script([
      { raw: { status: 307, headers: { location: `${lane.baseUrl('openai')}/chat/completions` } } },
      { text: 'followed the redirect' },
    ]);
    const error = await rejection(clientOn(llmux, lane).chat({ prompt: 'Hi' }));
    checkLlmuxError(llmux, error, 'bad_response', 'a 307');
    equal((await lane.requests()).length, 1, 'requests');
  },

  async 'a 401 rejects with code auth_failed'({ llmux, lane }) {
    await lane.script([{ status: 401 }]);
    const error = await rejection(clientOn(llmux, lane).chat({ prompt: 'Hi' }));
    checkLlmuxError(llmux, error, 'auth_failed', '401');
    equal(error.status, 401, 'status');
    check(!String(error.message).includes('sk-test'), 'the error message holds the API key');
  },
};

/** Runs every case; never throws. */
export async function runScenario({ llmux, simUrl, lane = 'rt' }) {
  const results = [];
  let index = 0;
  for (const [name, run] of Object.entries({ ...decodeCases, ...clientCases })) {
    index += 1;
    try {
      await run({ llmux, lane: simLane(simUrl, `${lane}-${index}`) });
      results.push({ name, status: 'pass' });
    } catch (error) {
      const message = error instanceof CheckFailed ? error.message : `${error?.name}: ${error?.message}\n${error?.stack ?? ''}`;
      results.push({ name, status: 'fail', message });
    }
  }
  return results;
}
