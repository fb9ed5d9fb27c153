// The browser chat's figures, in Debian's Chromium (playwright-core), on the app web/serve.mjs
// serves (build it first: scripts/build-web.sh). Asserts nothing; not part of the tests.
//
//   scripts/build-web.sh && node bench/web/app.mjs [--loads N]
//
// 1. Transfer size: every file the page fetches on its first load (its own origin), gzipped
//    (-9, as a static host would send them), with and without the .wasm; and the chunks it
//    loads later (highlight.js with the first code block, uPlot on the usage page).
// 2. Time to interactive: navigation start to the composer taking input (the app's
//    'llmux-chat-ready' mark, set once its data, catalog and page are up), median of N loads,
//    cold (a fresh profile: no HTTP or service-worker cache) and warm (the worker's cache).
// 3. Token to paint: for each streamed chunk of an answer, the delay from the moment the
//    package reads it from the fetch body to the frame that shows it: the page wraps fetch so
//    that each body chunk is timestamped as it is read, and a MutationObserver sees the
//    chunk's word appear in the answer (drawn in a requestAnimationFrame callback) and queues
//    a task, which runs once that frame is painted. The answer comes from the provider
//    simulator, one word per chunk, 40 ms apart.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, root } from '../../tests/runtimes/support.mjs';
import { startSimulator } from '../../tests/simulator/simulator.mjs';

const loads = Number(process.argv[process.argv.indexOf('--loads') + 1]) || 7;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function startServer() {
  const server = spawn(process.execPath, ['web/serve.mjs', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (text) => { const found = /is at (\S+)/.exec(text); if (found) resolve(found[1]); });
    server.once('exit', (code) => reject(new Error(`web/serve.mjs exited with ${code}`)));
  });
  return { url, stop: () => server.kill('SIGINT') };
}

async function browser() {
  const profile = mkdtempSync(join(tmpdir(), 'llmux-bench-web-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: chromiumArgs });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

async function readyAt(page) {
  await page.waitForSelector('html[data-ready="true"]');
  return page.evaluate(() => performance.getEntriesByName('llmux-chat-ready')[0].startTime);
}

async function transferSizes(url) {
  const { context, close } = await browser();
  const page = await context.newPage();
  const files = new Set();
  page.on('request', (request) => { if (request.url().startsWith(url)) files.add(new URL(request.url()).pathname); });
  await page.goto(url);
  await readyAt(page);
  const first = [...files];
  await page.goto(`${url}#usage`);
  await page.waitForSelector('.chart canvas');
  await close();
  const later = [...files].filter((file) => !first.includes(file));
  const size = (file) => gzipSync(readFileSync(join(root, 'web/dist', file === '/' ? 'index.html' : file)), { level: 9 }).length;
  const firstFiles = first.filter((file) => !file.endsWith('.json')); // config.json is the server's, a few bytes
  const total = firstFiles.reduce((sum, file) => sum + size(file), 0);
  const wasm = firstFiles.filter((file) => file.endsWith('.wasm')).reduce((sum, file) => sum + size(file), 0);
  console.log('\nTransfer size, gzipped (-9), first load:');
  for (const file of firstFiles) console.log(`  ${file.padEnd(36)} ${kb(size(file)).padStart(10)}`);
  console.log(`  ${'total'.padEnd(36)} ${kb(total).padStart(10)}   without the .wasm: ${kb(total - wasm)}`);
  console.log('Loaded when first needed:');
  for (const file of later.filter((name) => !name.endsWith('.json') && !name.endsWith('.mjs'))) console.log(`  ${file.padEnd(36)} ${kb(size(file)).padStart(10)}`);
  return { total, withoutWasm: total - wasm };
}

async function timeToInteractive(url) {
  const cold = [];
  for (let run = 0; run < loads; run += 1) {
    const { context, close } = await browser();
    const page = await context.newPage();
    await page.goto(url);
    cold.push(await readyAt(page));
    await close();
  }
  const warm = [];
  const { context, close } = await browser();
  const page = await context.newPage();
  await page.goto(url);
  await readyAt(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  for (let run = 0; run < loads; run += 1) {
    await page.reload();
    warm.push(await readyAt(page));
  }
  await close();
  console.log(`\nTime to interactive (navigation start to the composer usable), median of ${loads}:`);
  console.log(`  cold (fresh profile)          ${median(cold).toFixed(0)} ms   (all: ${cold.map((t) => t.toFixed(0)).join(', ')})`);
  console.log(`  warm (service worker cache)   ${median(warm).toFixed(0)} ms   (all: ${warm.map((t) => t.toFixed(0)).join(', ')})`);
  return { cold: median(cold), warm: median(warm) };
}

/** In the page: timestamps each chunk of a fetch body as it is read, and each frame's text. */
function instrument() {
  const chunks = [];
  const frames = [];
  globalThis.__bench = { chunks, frames };
  const decoder = new TextDecoder();
  const original = globalThis.fetch;
  globalThis.fetch = async (...args) => {
    const response = await original(...args);
    if (!response.body || !String(args[0]).includes('/chat/completions')) return response;
    const timed = response.body.pipeThrough(new TransformStream({
      transform(chunk, controller) {
        const words = decoder.decode(chunk, { stream: true }).match(/t\d{3}/g) ?? [];
        for (const word of words) chunks.push({ word, at: performance.now() });
        controller.enqueue(chunk);
      },
    }));
    return new Response(timed, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const seen = new Set();
  // The app draws the answer in a requestAnimationFrame callback; the frame is painted right
  // after that frame's callbacks, so a task queued when the answer changes runs after the paint.
  const watch = () => {
    const answers = document.querySelectorAll('.message.assistant .body');
    const text = answers[answers.length - 1]?.textContent ?? '';
    const fresh = (text.match(/t\d{3}/g) ?? []).filter((word) => !seen.has(word));
    if (!fresh.length) return;
    for (const word of fresh) seen.add(word);
    setTimeout(() => { const at = performance.now(); for (const word of fresh) frames.push({ word, at }); }, 0);
  };
  addEventListener('DOMContentLoaded', () => {
    new MutationObserver(watch).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}

async function tokenToPaint(url) {
  const simulator = await startSimulator();
  const lane = simulator.lane('bench');
  const { context, close } = await browser();
  await context.addInitScript(instrument);
  const page = await context.newPage();
  await page.goto(url);
  await readyAt(page);
  await page.evaluate(async (baseUrl) => {
    await globalThis.llmuxChat.db.models.put({ id: 'bench', name: 'Bench model', provider: 'openai', model: 'gpt-4o-mini',
      baseUrl, apiKey: 'sk-bench', enabled: true });
    await globalThis.llmuxChat.reloadModels();
  }, lane.baseUrl('openai'));
  await page.selectOption('#model-picker', 'user-bench');
  const words = Array.from({ length: 120 }, (_, index) => `t${String(index).padStart(3, '0')}`);
  lane.script([{ text: words.join(' '), chunk_delay_ms: 40 }, { text: 'Bench' }]);
  await page.fill('#composer-input', 'Stream, please');
  await page.press('#composer-input', 'Enter');
  await page.waitForSelector('.message.assistant[data-status="done"]');
  const { chunks, frames } = await page.evaluate(() => globalThis.__bench);
  await close();
  await simulator.close();
  const painted = new Map(frames.map((frame) => [frame.word, frame.at]));
  const delays = chunks.filter((chunk) => painted.has(chunk.word)).map((chunk) => painted.get(chunk.word) - chunk.at);
  const first = delays[0];
  const sorted = [...delays].sort((a, b) => a - b);
  console.log(`\nToken to paint (body chunk read by the package → frame painted), ${delays.length} chunks:`);
  console.log(`  first token ${first.toFixed(1)} ms; median ${median(delays).toFixed(1)} ms; p95 ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms; max ${sorted.at(-1).toFixed(1)} ms`);
  return { first, median: median(delays) };
}

const server = await startServer();
try {
  await transferSizes(server.url);
  await timeToInteractive(server.url);
  await tokenToPaint(server.url);
} finally {
  server.stop();
}
