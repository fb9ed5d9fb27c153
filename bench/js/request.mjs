// Per-request overhead of a small non-streamed chat, each client against the same loopback
// server answering a fixed OpenAI chat.completion:
//   fetch    raw fetch + JSON.parse of the body (the floor)
//   fetch-no-redirect  the same with redirect: 'error', as llmux asks for in Node: undici then
//            skips the copy of the request (and its body) it keeps for following redirects,
//            which is most of the difference between the two rows
//   openai   the official SDK: chat.completions.create
//   ai-sdk   the Vercel AI SDK: generateText with createOpenAI(...).chat(model)
//   llmux    client.chat({prompt}), one client for all its requests
//   llmux-fresh  the same, with a new client for each block (see below)
//
//   node --expose-gc bench/js/request.mjs [--requests 2000] [--warmup 300] [--block 50]
//                                         [--simulator] [--only llmux] [--json] [--json-out FILE]
//   LLMUX_PACKAGE_DIR=build/h-bench-wasm/wasm node --expose-gc bench/js/request.mjs
//
// The server is, by default, a dedicated node:http server in this process that answers every
// POST with the same ~600-byte completion (content-length, keep-alive), so that its cost is
// small and the same for every client; --simulator uses the provider simulator instead (one
// scripted Step per request, which adds the simulator's own work and variance). Every client
// uses Node's global fetch (undici) with keep-alive, as each does by default.
// Requests are interleaved in blocks (--block of fetch, then of openai, ai-sdk, llmux, again),
// warm-up blocks first (--warmup requests each, not counted), until --requests were timed for
// each. Each request is timed alone (performance.now() around the awaited call) and checked
// (the answer's text). Each row reports the median and mean µs per request, and the overhead:
// its median minus the fetch row's median. Because wall time on a shared, loaded machine
// includes being preempted, each row also reports the process's CPU time (user + system, all
// threads: client, server and the kernel's loopback work) per timed request, and its overhead
// over the fetch row's: the server's share is the same in every row and cancels out.
// Prints a table; asserts nothing.

import http from 'node:http';
import OpenAI from 'openai';
import { generateText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';

import { startSimulator } from '../../tests/simulator/simulator.mjs';
import { collectGarbage, emit, flag, loadLlmux, median, numberArg, packageDir, printTable } from './common.mjs';

const requests = numberArg('requests', 2000);
const warmup = numberArg('warmup', 300);
const block = numberArg('block', 50);
const useSimulator = flag('simulator');
const asJson = flag('json');
const model = 'gpt-4o-mini';
const apiKey = 'sk-bench-not-a-key';
const prompt = 'Say hello.';
const answer = 'Hello! How can I help you today?';

const completion = JSON.stringify({
  id: 'chatcmpl-bench0123456789abcdefghijklmn',
  object: 'chat.completion',
  created: 1754667600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{
    index: 0,
    message: { role: 'assistant', content: answer, refusal: null, annotations: [] },
    logprobs: null,
    finish_reason: 'stop',
  }],
  usage: {
    prompt_tokens: 11, completion_tokens: 9, total_tokens: 20,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_bench01',
});

// The server: {baseUrl(lane), before(lane, n), close()}. before() scripts n answers (simulator).
async function server() {
  if (useSimulator) {
    const sim = await startSimulator();
    const step = { text: answer, usage: { input: 11, output: 9 } };
    return {
      what: 'the provider simulator (tests/simulator), in this process',
      baseUrl: (lane) => sim.lane(lane).baseUrl('openai'),
      before: (lane, n) => {
        sim.lane(lane).reset();
        sim.lane(lane).script(Array.from({ length: n }, () => step));
      },
      close: () => sim.close(),
    };
  }
  const body = Buffer.from(completion);
  const headers = { 'content-type': 'application/json', 'content-length': body.length };
  const httpServer = http.createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  httpServer.keepAliveTimeout = 60_000;
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address();
  return {
    what: 'a dedicated node:http server in this process, answering a fixed completion',
    baseUrl: (lane) => `http://127.0.0.1:${port}/lane/${lane}/v1`,
    before: () => {},
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}

const srv = await server();
const llmux = await loadLlmux();

// The floor: one fetch and JSON.parse of its body; `init` adds to fetch's options.
function rawFetch(init) {
  return (baseUrl) => {
    const url = `${baseUrl}/chat/completions`;
    return async () => {
      const res = await fetch(url, {
        method: 'POST',
        ...init,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
      });
      if (!res.ok) throw new Error(`fetch: HTTP ${res.status}`);
      return JSON.parse(await res.text()).choices[0].message.content;
    };
  };
}

const contestants = [
  { name: 'fetch', what: 'fetch + JSON.parse(await res.text())', setup: rawFetch({}) },
  { name: 'fetch-no-redirect', what: "the same with redirect: 'error'", setup: rawFetch({ redirect: 'error' }) },
  {
    name: 'openai',
    what: 'openai chat.completions.create',
    setup(baseUrl) {
      const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0 });
      return async () => (await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] })).choices[0].message.content;
    },
  },
  {
    name: 'ai-sdk',
    what: 'ai generateText + @ai-sdk/openai .chat()',
    setup(baseUrl) {
      const provider = createOpenAI({ baseURL: baseUrl, apiKey });
      return async () => (await generateText({ model: provider.chat(model), prompt, maxRetries: 0 })).text;
    },
  },
  {
    name: 'llmux',
    what: llmux.createClient ? `client.chat() from ${packageDir}, one client for every request` : `skipped: ${llmux.reason}`,
    skip: !llmux.createClient,
    setup: llmuxSetup,
  },
  {
    // The same, with a new client (made and closed outside the timing) for each block: what
    // a request costs while the client's history (its usage ledger) is still short.
    name: 'llmux-fresh',
    what: llmux.createClient ? `client.chat(), a new client for each block of ${block}` : `skipped: ${llmux.reason}`,
    skip: !llmux.createClient,
    fresh: true,
    setup: llmuxSetup,
  },
];

function llmuxSetup(baseUrl) {
  const client = llmux.createClient({ settings: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl }, model });
  const run = async () => (await client.chat({ prompt })).text;
  run.close = () => client.close();
  return run;
}

// --only a,b: just those contestants (and the floor the ratios need), e.g. to profile one.
const only = process.argv.slice(2).find((arg, i, argv) => argv[i - 1] === '--only' || arg.startsWith('--only='));
const wanted = only ? new Set([...only.replace(/^--only=/, '').split(','), 'fetch', 'fetch-no-redirect']) : null;
for (const c of contestants) if (wanted && !wanted.has(c.name)) Object.assign(c, { skip: true, what: 'skipped (--only)' });
const active = contestants.filter((c) => !c.skip);
for (const c of active) {
  c.lane = `bench-request-${c.name}`;
  c.run = c.setup(srv.baseUrl(c.lane));
  c.samples = [];
  c.cpuUs = 0;
  c.cpuRequests = 0;
}

async function runBlock(c, n, keep) {
  if (c.fresh) {
    await c.run.close?.();
    c.run = c.setup(srv.baseUrl(c.lane));
  }
  srv.before(c.lane, n);
  collectGarbage();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const text = await c.run();
    const us = (performance.now() - start) * 1000;
    if (text !== answer) throw new Error(`${c.name}: answered ${JSON.stringify(text)}`);
    if (keep) c.samples.push(us);
  }
  if (keep) {
    const cpu = process.cpuUsage(cpuStart);
    c.cpuUs += cpu.user + cpu.system;
    c.cpuRequests += n;
  }
}

if (!asJson) {
  console.log(`request: ${requests} timed requests per client (after ${warmup} warm-up), interleaved in blocks of ${block}; ` +
    `server: ${srv.what}; node ${process.version}`);
}
try {
  for (let done = 0; done < warmup; done += block) for (const c of active) await runBlock(c, Math.min(block, warmup - done), false);
  for (let done = 0; done < requests; done += block) for (const c of active) await runBlock(c, Math.min(block, requests - done), true);
} finally {
  await srv.close();
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
const base = active.find((c) => c.name === 'fetch');
const baseMedian = median(base.samples);
const noRedirect = active.find((c) => c.name === 'fetch-no-redirect');
const baseMean = mean(base.samples);
const cpuPerRequest = (c) => c.cpuUs / c.cpuRequests;
const results = contestants.map((c) => {
  if (c.skip) return { name: c.name, what: c.what, skipped: true };
  return {
    name: c.name,
    what: c.what,
    median_us: median(c.samples),
    mean_us: mean(c.samples),
    p10_us: percentile(c.samples, 0.1),
    p90_us: percentile(c.samples, 0.9),
    overhead_us: median(c.samples) - baseMedian,
    overhead_no_redirect_us: median(c.samples) - median(noRedirect.samples),
    overhead_mean_us: mean(c.samples) - baseMean,
    cpu_us: cpuPerRequest(c),
    cpu_overhead_us: cpuPerRequest(c) - cpuPerRequest(base),
  };
});
const llmuxRow = results.find((r) => r.name === 'llmux');
const llmuxFresh = results.find((r) => r.name === 'llmux-fresh');
const summary = {
  requests,
  warmup,
  block,
  server: srv.what,
  results,
  requirement: 'llmux adds <= 50 µs per request over raw fetch',
  llmux_within: llmuxRow && !llmuxRow.skipped ? llmuxRow.overhead_us <= 50 : null,
  llmux_fresh_within: llmuxFresh && !llmuxFresh.skipped ? llmuxFresh.overhead_us <= 50 : null,
};

const signed = (us) => `${us >= 0 ? '+' : ''}${us.toFixed(1)}`;
if (emit(summary)) {
  printTable(
    ['client', 'median µs', 'mean µs', 'p10 µs', 'p90 µs', 'overhead (median)', 'overhead (mean)', 'over no-redirect',
      'CPU µs', 'CPU overhead'],
    results.map((r) => (r.skipped ? [r.name, 'skipped', '', '', '', '', '', '', '', ''] : [
      r.name, r.median_us.toFixed(1), r.mean_us.toFixed(1), r.p10_us.toFixed(1), r.p90_us.toFixed(1),
      signed(r.overhead_us), signed(r.overhead_mean_us), signed(r.overhead_no_redirect_us), r.cpu_us.toFixed(1),
      signed(r.cpu_overhead_us),
    ])),
  );
  for (const r of results) console.log(`  ${r.name.padEnd(17)} ${r.what}`);
  console.log(`requirement: llmux adds <= 50 µs over raw fetch: ${summary.llmux_within === null ? 'not measured (' + llmux.reason + ')'
    : `+${llmuxRow.overhead_us.toFixed(1)} µs, ${summary.llmux_within ? 'met' : 'NOT met'}` +
      (llmuxFresh && !llmuxFresh.skipped ? `; with a new client per block +${llmuxFresh.overhead_us.toFixed(1)} µs, ${summary.llmux_fresh_within ? 'met' : 'NOT met'}` : '') +
      `; over a fetch that also refuses redirects ${signed(llmuxRow.overhead_no_redirect_us)} µs`}`);
}
