// Streaming throughput: a 20,000-chunk OpenAI Chat Completions stream from the provider
// simulator, consumed by
//   floor     fetch + eventsource-parser (createParser) + JSON.parse of each chunk, joining
//             delta.content: what any JavaScript client must at least do
//   openai    the official SDK: chat.completions.create({stream: true}), for await
//   ai-sdk    the Vercel AI SDK: streamText with createOpenAI(...).chat(model), textStream
//   llmux     client.stream({prompt}), for await, joining the text-delta events
// and, as a reference outside the ratios, `transport`: fetch and read the bytes, nothing more
// (the server's and the HTTP stack's share of every other row).
//
//   node --expose-gc bench/js/stream.mjs [--chunks 20000] [--warmup 2] [--rounds 7]
//                                        [--sim-process] [--only llmux,openai] [--json] [--json-out FILE]
//   LLMUX_PACKAGE_DIR=build/h-bench-wasm/wasm node --expose-gc bench/js/stream.mjs
//
// Rounds are interleaved (transport, floor, openai, ai-sdk, llmux, transport, floor, ...):
// the warm-up rounds first (not counted), then the measured ones; each row reports the median
// round. A run is timed from the call that sends the request to the end of the stream, and
// checked: the text must equal the scripted one, else the benchmark stops.
//
// The simulator answers with a `raw` Step whose body is the prebuilt list of SSE events, one
// write each (role chunk, 20,000 one-word content chunks of ~150 bytes as OpenAI sends them,
// finish chunk, usage chunk, [DONE]), so the server only writes. By default it runs in this
// process, and its work then adds the same time to every row (see the transport row);
// --sim-process runs it as a child process (tests/simulator/main.mjs) on the other core, which
// leaves only the client's work in this process (then the wall time of the faster rows is
// bounded by the server's writing, and the CPU columns are the fairer comparison).
// Besides wall time, each row reports this process's CPU time (user + system) per chunk: on a
// shared machine, being preempted inflates wall time but not CPU time.
// Prints a table; asserts nothing. --json prints one JSON object instead; --json-out FILE
// also writes it to FILE.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { streamText } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';

import { startSimulator } from '../../tests/simulator/simulator.mjs';
import { collectGarbage, emit, flag, loadLlmux, median, numberArg, packageDir, printTable, root } from './common.mjs';

const chunkCount = numberArg('chunks', 20000);
const warmupRounds = numberArg('warmup', 2);
const measuredRounds = numberArg('rounds', 7);
const asJson = flag('json');
const model = 'gpt-4o-mini';
const apiKey = 'sk-bench-not-a-key';
const prompt = 'Write a very long answer.';

// The scripted answer: chunkCount words, the first bare and each next one with its space,
// so that the text is exactly the concatenation of the content deltas.
const vocabulary = ['the', 'stream', 'of', 'tokens', 'arrives', 'one', 'word', 'at', 'a', 'time', 'from', 'model'];
const words = Array.from({ length: chunkCount }, (_, i) => `${i ? ' ' : ''}${vocabulary[i % vocabulary.length]}${i}`);
const expectedText = words.join('');

const id = 'chatcmpl-bench0123456789abcdefghijklmn';
const created = 1754667600;
const chunkJson = (choices, extra = {}) =>
  `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: `${model}-2024-07-18`, system_fingerprint: 'fp_bench01', choices, ...extra })}\n\n`;
const delta = (fields, finish = null) => chunkJson([{ index: 0, delta: fields, logprobs: null, finish_reason: finish }]);
const sseEvents = [
  delta({ role: 'assistant', content: '', refusal: null }),
  ...words.map((word) => delta({ content: word })),
  delta({}, 'stop'),
  chunkJson([], { usage: { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount } }),
  'data: [DONE]\n\n',
];
const streamBytes = sseEvents.reduce((sum, event) => sum + Buffer.byteLength(event), 0);
const step = { raw: { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, body: sseEvents } };

// The simulator, here or in a child process; `prepare(lane)` scripts one answer on a lane.
async function simulator() {
  if (!flag('sim-process')) {
    const sim = await startSimulator();
    return {
      where: 'in-process',
      baseUrl: (lane) => sim.lane(lane).baseUrl('openai'),
      prepare: async (lane) => {
        sim.lane(lane).reset();
        sim.lane(lane).script([step]);
      },
      close: () => sim.close(),
    };
  }
  const child = spawn(process.execPath, [`${root}/tests/simulator/main.mjs`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const url = /listening (\S+)/.exec(line)[1];
  const body = JSON.stringify({ responses: [step] });
  return {
    where: 'child process',
    baseUrl: (lane) => `${url}/lane/${lane}/v1`,
    prepare: async (lane) => {
      await (await fetch(`${url}/_sim/lanes/${lane}/reset`, { method: 'POST' })).arrayBuffer();
      const res = await fetch(`${url}/_sim/lanes/${lane}/script`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!res.ok) throw new Error(`scripting the simulator failed: ${await res.text()}`);
    },
    close: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

const sim = await simulator();
const llmux = await loadLlmux();

// Each contestant: run() consumes one stream and resolves to {text, chunks}.
const chatBody = (baseUrl) => ({
  url: `${baseUrl}/chat/completions`,
  init: {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], stream: true }),
  },
});

const contestants = [
  {
    name: 'transport',
    reference: true,
    what: 'fetch, read the body bytes (no parsing)',
    setup(baseUrl) {
      const { url, init } = chatBody(baseUrl);
      return async () => {
        const res = await fetch(url, init);
        const reader = res.body.getReader();
        let bytes = 0;
        let reads = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.length;
          ++reads;
        }
        if (bytes !== streamBytes) throw new Error(`transport: ${bytes} bytes, expected ${streamBytes}`);
        return { text: expectedText, chunks: chunkCount, reads };
      };
    },
  },
  {
    name: 'floor',
    what: 'fetch + eventsource-parser createParser + JSON.parse',
    setup(baseUrl) {
      const { url, init } = chatBody(baseUrl);
      return async () => {
        const res = await fetch(url, init);
        let text = '';
        let chunks = 0;
        let done = false;
        const parser = createParser({
          onEvent(event) {
            if (event.data === '[DONE]') {
              done = true;
              return;
            }
            const content = JSON.parse(event.data).choices[0]?.delta?.content;
            if (content) {
              text += content;
              ++chunks;
            }
          },
        });
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        for (;;) {
          const { done: end, value } = await reader.read();
          if (end) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        if (!done) throw new Error('floor: no [DONE]');
        return { text, chunks };
      };
    },
  },
  {
    name: 'openai',
    what: `openai ${await version('openai')} chat.completions.create({stream: true})`,
    setup(baseUrl) {
      const client = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0 });
      return async () => {
        const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], stream: true });
        let text = '';
        let chunks = 0;
        for await (const chunk of stream) {
          const content = chunk.choices[0]?.delta?.content;
          if (content) {
            text += content;
            ++chunks;
          }
        }
        return { text, chunks };
      };
    },
  },
  {
    name: 'ai-sdk',
    what: `ai ${await version('ai')} streamText + @ai-sdk/openai ${await version('@ai-sdk/openai')} .chat(), textStream`,
    setup(baseUrl) {
      const provider = createOpenAI({ baseURL: baseUrl, apiKey });
      return async () => {
        let failure = null;
        const result = streamText({
          model: provider.chat(model), prompt, maxRetries: 0, onError: ({ error }) => { failure = error; },
        });
        let text = '';
        let chunks = 0;
        for await (const piece of result.textStream) {
          text += piece;
          ++chunks;
        }
        if (failure) throw failure;
        return { text, chunks };
      };
    },
  },
  {
    name: 'llmux',
    what: llmux.createClient ? `client.stream() from ${packageDir}` : `skipped: ${llmux.reason}`,
    skip: !llmux.createClient,
    setup(baseUrl) {
      const client = llmux.createClient({ settings: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl }, model });
      return async () => {
        let text = '';
        let chunks = 0;
        for await (const event of client.stream({ prompt })) {
          if (event.type === 'text-delta') {
            text += event.text;
            ++chunks;
          } else if (event.type === 'error') {
            throw new Error(`llmux: ${JSON.stringify(event)}`);
          }
        }
        return { text, chunks };
      };
    },
  },
];

async function version(name) {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(`${root}/node_modules/${name}/package.json`, 'utf8')).version;
}

// --only a,b: just those contestants (and the floor the ratios need), e.g. to profile one.
const only = process.argv.slice(2).find((arg, i, argv) => argv[i - 1] === '--only' || arg.startsWith('--only='));
const wanted = only ? new Set([...only.replace(/^--only=/, '').split(','), 'transport', 'floor']) : null;
for (const c of contestants) if (wanted && !wanted.has(c.name)) Object.assign(c, { skip: true, what: 'skipped (--only)' });
const active = contestants.filter((c) => !c.skip);
for (const c of active) {
  c.lane = `bench-stream-${c.name}`;
  c.run = c.setup(sim.baseUrl(c.lane));
  c.samples = [];
  c.cpuSamples = [];
}

async function runOnce(c) {
  await sim.prepare(c.lane);
  collectGarbage();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { text, chunks, reads } = await c.run();
  const ms = performance.now() - start;
  if (reads) (c.reads ??= []).push(reads);
  const cpu = process.cpuUsage(cpuStart);
  if (text !== expectedText) {
    throw new Error(`${c.name}: the text differs from the scripted one (${text.length} characters, expected ${expectedText.length})`);
  }
  if (chunks < chunkCount * 0.99) throw new Error(`${c.name}: ${chunks} text pieces for ${chunkCount} chunks`);
  c.pieces = chunks;
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (!asJson) {
  console.log(`stream: ${chunkCount} OpenAI chunks (${(streamBytes / 1e6).toFixed(2)} MB), simulator ${sim.where}, ` +
    `${warmupRounds} warm-up + ${measuredRounds} measured interleaved rounds, node ${process.version}` +
    (globalThis.gc ? ', gc between runs' : ''));
}
try {
  for (let round = 0; round < warmupRounds + measuredRounds; round++) {
    for (const c of active) {
      const { ms, cpuMs } = await runOnce(c);
      if (round >= warmupRounds) {
        c.samples.push(ms);
        c.cpuSamples.push(cpuMs);
      }
    }
  }
} finally {
  await sim.close();
}

const inProcess = sim.where === 'in-process';
const floor = active.find((c) => c.name === 'floor');
const transport = active.find((c) => c.name === 'transport');
const floorMs = median(floor.samples);
const floorCpuMs = median(floor.cpuSamples);
const transportCpuMs = median(transport.cpuSamples);
const results = contestants.map((c) => {
  if (c.skip) return { name: c.name, what: c.what, skipped: true };
  const ms = median(c.samples);
  const cpuMs = median(c.cpuSamples);
  const row = {
    name: c.name,
    what: c.what,
    reference: Boolean(c.reference),
    ms,
    min_ms: Math.min(...c.samples),
    max_ms: Math.max(...c.samples),
    us_per_chunk: (ms * 1000) / chunkCount,
    ratio_to_floor: ms / floorMs,
    cpu_ms: cpuMs,
    cpu_us_per_chunk: (cpuMs * 1000) / chunkCount,
    cpu_ratio_to_floor: cpuMs / floorCpuMs,
    pieces: c.pieces,
    ...(c.reads ? { reads: median(c.reads) } : {}),
    samples_ms: c.samples,
    cpu_samples_ms: c.cpuSamples,
  };
  // In-process, this process's CPU time includes the server's writes; the transport row's
  // CPU time is that plus reading the bytes, so the difference is the client's own parsing.
  if (inProcess && !c.reference) row.client_cpu_ratio_to_floor = (cpuMs - transportCpuMs) / (floorCpuMs - transportCpuMs);
  return row;
});
const llmuxRow = results.find((r) => r.name === 'llmux');
const summary = {
  chunks: chunkCount,
  bytes: streamBytes,
  simulator: sim.where,
  warmup_rounds: warmupRounds,
  rounds: measuredRounds,
  results,
  requirement: 'llmux <= 2x the floor per chunk',
  llmux_within: llmuxRow && !llmuxRow.skipped ? llmuxRow.ratio_to_floor <= 2 : null,
};

if (emit(summary)) {
  printTable(
    ['contestant', 'median ms', 'min ms', 'max ms', 'µs/chunk', 'x floor', 'CPU µs/chunk', 'x floor (CPU)',
      ...(inProcess ? ['x floor (CPU - transport)'] : [])],
    results.map((r) => (r.skipped ? [r.name, 'skipped', '', '', '', '', '', '', ...(inProcess ? [''] : [])] : [
      r.name, r.ms.toFixed(1), r.min_ms.toFixed(1), r.max_ms.toFixed(1), r.us_per_chunk.toFixed(2), r.ratio_to_floor.toFixed(2),
      r.cpu_us_per_chunk.toFixed(2), r.cpu_ratio_to_floor.toFixed(2),
      ...(inProcess ? [r.reference ? '' : r.client_cpu_ratio_to_floor.toFixed(2)] : []),
    ])),
  );
  console.log(inProcess
    ? '  (CPU: this process\'s user + system time, server writes included; "- transport" leaves the client\'s own parsing)'
    : '  (CPU: this process\'s user + system time: the client\'s work alone, the simulator runs in its own process)');
  for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.what}${r.reads ? ` (median ${r.reads} reads, ${Math.round(streamBytes / r.reads)} bytes each)` : ''}`);
  console.log(`requirement: llmux <= 2x the floor per chunk: ${summary.llmux_within === null ? 'not measured (' + llmux.reason + ')'
    : `${llmuxRow.ratio_to_floor.toFixed(2)}x, ${summary.llmux_within ? 'met' : 'NOT met'}`}`);
}
