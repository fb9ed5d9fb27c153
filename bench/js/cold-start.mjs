// Cold start: from loading a client's package to its first request built (the moment its
// `fetch` is called with the request), in Node and in workerd. Prints medians; asserts nothing.
//
//   node bench/js/cold-start.mjs [--samples 15] [--workerd-samples 9] [--no-workerd] [--json] [--json-out FILE]
//   LLMUX_PACKAGE_DIR=build/h-bench-wasm/wasm node bench/js/cold-start.mjs
//
// Node: a fresh process per sample (bench/js/cold-start-child.mjs), the clients interleaved
// (none, llmux, openai, ai-sdk, none, ...). Inside it: dynamic import of the package, create
// the client with a custom `fetch`, first chat(); the custom fetch records when it is called
// (then answers a fixed completion). `none` is the bare process, for the spawn cost. Node's
// own fetch (undici) is loaded before the clock starts in every child (see the child).
//
// workerd: a fresh `workerd serve` per sample, with a generated capnp config and a worker
// that imports the client statically and, on each request, creates the client with a custom
// fetch and calls chat(). workerd listens before it has evaluated the worker (a worker whose
// top level spins for 3 s is "ready" after 20 ms and answers its first request 3.5 s later), so
// the modules' evaluation and the .wasm's compilation land in the first request. Inside
// workerd the clocks read 0 at the top level (no time outside a request) and step by 1 ms, so
// the worker reports only its first request's start to its fetch call (Date.now()); outside,
// this script measures spawn to ready (the port accepts a connection), the first request's
// round trip (module evaluation + first chat), and a second (warm) one; spawn→1st answer is
// the whole cold start. Workers: `trivial` (no package, the runtime's own cost), `llmux` (the
// payload's .mjs files and llmux-core.wasm as modules, init({wasmModule}) before first use)
// and `openai` (the SDK bundled by esbuild into one module).

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { emit, flag, loadLlmux, median, numberArg, packageDir, packageEntry, printTable, root } from './common.mjs';

const samples = numberArg('samples', 15);
const workerdSamples = numberArg('workerd-samples', 9);
const asJson = flag('json');
const llmux = await loadLlmux();
const log = (...args) => { if (!asJson) console.log(...args); };

// ---------------------------------------------------------------------------------------
// Node

function nodeSample(which) {
  return new Promise((resolve, reject) => {
    const args = [join(root, 'bench/js/cold-start-child.mjs'), which];
    if (which === 'llmux') args.push(pathToFileURL(packageEntry).href);
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (data) => { out += data; });
    child.stderr.on('data', (data) => { err += data; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`cold-start child ${which} exited ${code}: ${err.trim()}`));
      const sample = JSON.parse(out);
      sample.spawn_to_fetch_ms = sample.fetch_epoch_ms - spawnedAt;
      resolve(sample);
    });
  });
}

const nodeClients = ['none', 'llmux', 'openai', 'ai-sdk'].filter((which) => which !== 'llmux' || llmux.createClient);
const nodeRuns = Object.fromEntries(nodeClients.map((which) => [which, []]));
log(`cold start in Node ${process.version}: ${samples} fresh processes per client, interleaved` +
  (llmux.createClient ? '' : ` (llmux skipped: ${llmux.reason})`));
for (const which of nodeClients) await nodeSample(which); // warms the disk cache, not counted
for (let i = 0; i < samples; i++) for (const which of nodeClients) nodeRuns[which].push(await nodeSample(which));

const pick = (runs, key) => median(runs.map((run) => run[key]));
const nodeResults = nodeClients.map((which) => ({
  client: which,
  import_ms: pick(nodeRuns[which], 'import_ms'),
  create_ms: pick(nodeRuns[which], 'create_ms'),
  fetch_ms: pick(nodeRuns[which], 'fetch_ms'),
  done_ms: pick(nodeRuns[which], 'done_ms'),
  process_start_ms: pick(nodeRuns[which], 'script_ms'),
  spawn_to_fetch_ms: pick(nodeRuns[which], 'spawn_to_fetch_ms'),
}));
if (!asJson) {
  printTable(
    ['client', 'import ms', 'create ms', 'import→fetch ms', 'import→answer ms', 'node start ms', 'spawn→fetch ms'],
    nodeResults.map((r) => [r.client, r.import_ms.toFixed(1), r.create_ms.toFixed(2), r.fetch_ms.toFixed(1),
      r.done_ms.toFixed(1), r.process_start_ms.toFixed(1), r.spawn_to_fetch_ms.toFixed(1)]),
  );
  console.log('  (medians; import→fetch is the cold start: import, create, first chat() until fetch is called;\n' +
    '   node start: process start to the child script\'s first line; spawn→fetch: from the parent\'s spawn())');
}

// ---------------------------------------------------------------------------------------
// workerd

const workerdBin = join(root, 'node_modules/.bin/workerd');
let workerdResults = null;
let workerdNote = null;
if (flag('no-workerd')) workerdNote = 'skipped (--no-workerd)';
else if (!existsSync(workerdBin)) workerdNote = `skipped: no ${workerdBin}`;
else workerdResults = await benchWorkerd();

async function benchWorkerd() {
  const completion = JSON.stringify({
    id: 'chatcmpl-cold', object: 'chat.completion', created: 1754667600, model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  });
  // What every worker shares: the custom fetch and the answer with the timings.
  const common = `
const completion = ${JSON.stringify(completion)};
const baseUrl = 'http://127.0.0.1:9/v1';
const apiKey = 'sk-bench-not-a-key';
let requests = 0;
async function handle(firstChat) {
  const n = ++requests;
  const startedAt = Date.now();
  let fetchAt = null;
  const customFetch = async () => {
    fetchAt ??= Date.now();
    return new Response(completion, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const text = await firstChat(customFetch);
  const doneAt = Date.now();
  return Response.json({ n, text, request_to_fetch_ms: fetchAt - startedAt, request_to_answer_ms: doneAt - startedAt });
}
`;
  const work = mkdtempSync(join(tmpdir(), 'llmux-cold-workerd-'));
  const workers = {};
  workers.trivial = {
    modules: [['worker.mjs', 'esModule']],
    source: `${common}
export default { fetch: () => handle(async (customFetch) => {
  const res = await customFetch(baseUrl + '/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }) });
  return (await res.json()).choices[0].message.content;
}) };
`,
  };
  if (llmux.createClient) {
    const payload = readdirSync(packageDir).filter((name) => /\.(mjs|wasm)$/.test(name));
    workers.llmux = {
      payload,
      modules: [['worker.mjs', 'esModule'], ...payload.map((name) => [name, name.endsWith('.wasm') ? 'wasm' : 'esModule'])],
      source: `${common}
import * as llmux from './index.mjs';
import wasmModule from './llmux-core.wasm';
let initialised = false;
export default { fetch: () => handle(async (customFetch) => {
  if (!initialised && typeof llmux.init === 'function') llmux.init({ wasmModule, locateFile: (name) => name });
  initialised = true;
  const client = llmux.createClient({ settings: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl }, model: 'gpt-4o-mini', fetch: customFetch });
  return (await client.chat({ prompt: 'Hi' })).text;
}) };
`,
    };
  }
  {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      stdin: { contents: "export { default } from 'openai';", resolveDir: root },
      bundle: true, format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'silent',
    });
    workers.openai = {
      modules: [['worker.mjs', 'esModule'], ['openai.mjs', 'esModule']],
      files: { 'openai.mjs': result.outputFiles[0].text },
      source: `${common}
import OpenAI from './openai.mjs';
export default { fetch: () => handle(async (customFetch) => {
  const client = new OpenAI({ apiKey, baseURL: baseUrl, fetch: customFetch, maxRetries: 0 });
  return (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })).choices[0].message.content;
}) };
`,
    };
  }

  for (const [name, worker] of Object.entries(workers)) {
    const dir = join(work, name);
    worker.dir = dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'worker.mjs'), worker.source);
    for (const file of worker.payload ?? []) copyFileSync(join(packageDir, file), join(dir, file));
    for (const [file, text] of Object.entries(worker.files ?? {})) writeFileSync(join(dir, file), text);
    const modules = worker.modules.map(([module, kind]) => `(name = "${module}", ${kind} = embed "${module}")`).join(',\n    ');
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules}
  ],
  compatibilityDate = "2024-09-23",
);
`);
  }

  const freePort = () => new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  const connects = (port) => new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
  const timedGet = async (port) => {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const body = await res.json();
    const ms = performance.now() - start;
    if (body.text !== 'Hello!') throw new Error(`workerd answered ${JSON.stringify(body)}`);
    return { ms, ...body };
  };

  async function workerdSample(name) {
    const { dir } = workers[name];
    const port = await freePort();
    const spawnedAt = performance.now();
    const child = spawn(workerdBin, ['serve', join(dir, 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (data) => { err += data; });
    let exited = null;
    child.once('exit', (code) => { exited = code; });
    try {
      while (!(await connects(port))) {
        if (exited !== null) throw new Error(`workerd (${name}) exited ${exited}: ${err.trim()}`);
        if (performance.now() - spawnedAt > 30_000) throw new Error(`workerd (${name}) not ready after 30 s: ${err.trim()}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const readyMs = performance.now() - spawnedAt;
      const first = await timedGet(port);
      const second = await timedGet(port);
      return {
        ready_ms: readyMs,
        first_ms: first.ms,
        second_ms: second.ms,
        first_request_to_fetch_ms: first.request_to_fetch_ms,
        second_request_to_fetch_ms: second.request_to_fetch_ms,
        spawn_to_first_answer_ms: readyMs + first.ms,
      };
    } finally {
      child.kill('SIGTERM');
      if (exited === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  }

  const names = Object.keys(workers);
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  log();
  log(`cold start in workerd (${workerdBin}): ${workerdSamples} fresh processes per worker, interleaved`);
  try {
    for (const name of names) await workerdSample(name); // not counted
    for (let i = 0; i < workerdSamples; i++) for (const name of names) runs[name].push(await workerdSample(name));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const results = names.map((name) => ({
    worker: name,
    ready_ms: pick(runs[name], 'ready_ms'),
    first_ms: pick(runs[name], 'first_ms'),
    second_ms: pick(runs[name], 'second_ms'),
    first_request_to_fetch_ms: pick(runs[name], 'first_request_to_fetch_ms'),
    second_request_to_fetch_ms: pick(runs[name], 'second_request_to_fetch_ms'),
    spawn_to_first_answer_ms: pick(runs[name], 'spawn_to_first_answer_ms'),
  }));
  if (!asJson) {
    printTable(
      ['worker', 'spawn→ready ms', '1st request ms', '2nd request ms', 'in-worker 1st req→fetch ms', '2nd req→fetch ms', 'spawn→1st answer ms'],
      results.map((r) => [r.worker, r.ready_ms.toFixed(1), r.first_ms.toFixed(1), r.second_ms.toFixed(1),
        r.first_request_to_fetch_ms.toFixed(0), r.second_request_to_fetch_ms.toFixed(0), r.spawn_to_first_answer_ms.toFixed(1)]),
    );
    console.log('  (medians; workerd listens before evaluating the worker: module evaluation and .wasm compilation land in\n' +
      '   the 1st request; request times are round trips seen from this process; in-worker times step by 1 ms)');
  }
  return results;
}

const summary = { samples, workerd_samples: workerdSamples, node: nodeResults, workerd: workerdResults, workerd_note: workerdNote,
  llmux: llmux.createClient ? packageDir : llmux.reason };
if (emit(summary) && workerdNote) {
  console.log(`workerd: ${workerdNote}`);
}
