// The examples in examples/js/, run as a user would run them (copied out of the repository
// beside an "installed" llmux), against the provider simulator:
//   node/chat.mjs          node, settings from the environment
//   browser/               Chromium, unbundled (its import map) and bundled by esbuild
//   edge-worker/           workerd from its config.capnp, and Vercel's edge-runtime

import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  checkPackage, cleanEnv, edgeRuntime, edgeScript, esbuild, fakeInstall, launchChromium, newPage, packageDir, root,
  serveStatic, startProcess, startWorkerd, tempDir, useSimulator,
} from './support.mjs';

const examples = join(root, 'examples/js');
const sim = await useSimulator();
checkPackage();
const dir = tempDir('examples');
fakeInstall(dir);
cpSync(examples, join(dir, 'examples'), { recursive: true });

let lanes = 0;
const freshLane = (steps) => {
  const lane = sim.lane(`example-${++lanes}`);
  lane.script(steps);
  return lane;
};

// --- browser/: set up before the first test (no awaits between tests)

async function browserExample() {
  const app = join(dir, 'examples/browser');
  // Bundled as main.mjs's comment says: esbuild, then index.html and the .wasm beside the bundle.
  const { build } = await esbuild();
  await build({
    entryPoints: [join(app, 'main.mjs')], outfile: join(dir, 'public/main.mjs'), bundle: true, format: 'esm',
    logLevel: 'error',
  });
  cpSync(join(app, 'index.html'), join(dir, 'public/index.html'));
  cpSync(join(packageDir, 'llmux-core.wasm'), join(dir, 'public/llmux-core.wasm'));
  // Each on an origin of its own: each has its own IndexedDB, so its own ledger.
  const origins = {
    unbundled: await serveStatic({ '/node_modules/': join(dir, 'node_modules'), '/': app }),
    bundled: await serveStatic({ '/': join(dir, 'public') }),
  };
  return { origins, context: await launchChromium() };
}

const browser = await browserExample();

// --- node/

test('node/chat.mjs streams an answer after a tool round, then usage and cost', { timeout: 30000 }, async () => {
  const lane = freshLane([
    { tool_calls: [{ name: 'multiply', arguments: { a: 1299, b: 12 } }] },
    { text: 'A year costs 15588.', usage: { input: 30, output: 6 } },
  ]);
  const run = startProcess(process.execPath, ['chat.mjs', 'What does a year of the 1299/month plan cost?'], {
    cwd: join(dir, 'examples/node'),
    env: cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai') }),
  });
  const { code, stdout, stderr } = await run.exited;
  assert.equal(code, 0, stderr);
  assert.equal(stdout, 'A year costs 15588.\n');
  assert.match(stderr, /\[tool multiply\] \{"a":1299,"b":12\} -> \{"product":15588\}/);
  assert.match(stderr, /\[openai-gpt-4o-mini\] 40 input \+ 16 output tokens, cost \$\d/); // both rounds (10 + 10 by default)
  const requests = lane.requests();
  assert.equal(requests.length, 2);
  assert.ok(requests[0].headers.authorization === 'Bearer sk-test', 'the key from the environment was not sent');
});

test('node/chat.mjs reports a 401 by its code, without the key', { timeout: 30000 }, async () => {
  const lane = freshLane([{ status: 401 }]);
  const run = startProcess(process.execPath, ['chat.mjs', 'Hi'], {
    cwd: join(dir, 'examples/node'),
    env: cleanEnv({ OPENAI_API_KEY: 'sk-test-secret', OPENAI_BASE_URL: lane.baseUrl('openai') }),
  });
  const { code, stdout, stderr } = await run.exited;
  assert.equal(code, 1);
  assert.match(stderr, /llmux: auth_failed \(HTTP 401\)/);
  assert.ok(!`${stdout}${stderr}`.includes('sk-test-secret'), 'the key was printed');
});

// --- browser/

for (const variant of ['unbundled', 'bundled']) {
  test(`browser/ (${variant}) streams the answer into the page and shows the usage`, { timeout: 30000 }, async () => {
    const lane = freshLane([{ text: 'Hello from the simulator, in a page.', usage: { input: 8, output: 7 }, chunk_delay_ms: 2 }]);
    const query = new URLSearchParams({ provider: 'openai', baseUrl: lane.baseUrl('openai'), model: 'gpt-4o-mini' });
    const origin = browser.origins[variant];
    const page = await newPage(browser.context, origin);
    try {
      await page.goto(`${origin}/index.html?${query}`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
      await page.fill('input[name=apiKey]', 'sk-test');
      await page.fill('textarea[name=prompt]', 'Hi');
      await page.click('button[type=submit]');
      await page.waitForFunction(() => !['', 'asking…'].includes(document.querySelector('#status').textContent), null, { timeout: 15000 });
      assert.equal(await page.textContent('#answer'), 'Hello from the simulator, in a page.');
      assert.match(await page.textContent('#status'), /openai-gpt-4o-mini: 1 calls, 8 \+ 7 tokens, \$\d/);
      assert.equal(lane.requests()[0]?.headers.authorization, 'Bearer sk-test', 'the key typed in was not sent');
      assert.deepEqual(page.problems, [], 'the page reported errors');
    } finally {
      await page.close();
    }
  });
}

test('browser/: Stop cancels the answer mid-stream', { timeout: 30000 }, async () => {
  const lane = freshLane([{ text: 'one two three four five six seven eight nine ten', chunk_delay_ms: 150 }]);
  const query = new URLSearchParams({ provider: 'openai', baseUrl: lane.baseUrl('openai'), model: 'gpt-4o-mini' });
  const origin = browser.origins.unbundled;
  const page = await newPage(browser.context, origin);
  try {
    await page.goto(`${origin}/index.html?${query}`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
    await page.fill('input[name=apiKey]', 'sk-test');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#answer').textContent.length > 0, null, { timeout: 15000 });
    await page.click('#stop');
    await page.waitForFunction(() => /^cancelled: /.test(document.querySelector('#status').textContent), null, { timeout: 15000 });
    assert.notEqual(await page.textContent('#answer'), 'one two three four five six seven eight nine ten');
    assert.deepEqual(page.problems, [], 'the page reported errors');
  } finally {
    await page.close();
  }
});

// --- edge-worker/

const edgeApp = join(dir, 'examples/edge-worker');
let edgeBuilt = null;
/** Builds edge-worker/ as config.capnp's comment says, once. */
function buildEdgeWorker() {
  edgeBuilt ??= esbuild().then(({ build }) => build({
    entryPoints: [join(edgeApp, 'worker.mjs')], outdir: join(edgeApp, 'out'), bundle: true, format: 'esm',
    conditions: ['workerd', 'worker'], loader: { '.wasm': 'copy' }, assetNames: '[name]', logLevel: 'error',
  }));
  return edgeBuilt;
}

test('edge-worker/ in workerd, from its config.capnp', { timeout: 60000 }, async (t) => {
  await buildEdgeWorker();
  const lane = freshLane([
    { text: 'Streamed through workerd.', chunk_delay_ms: 2 },
    { status: 401 },
  ]);
  const { ports, workerd } = await startWorkerd(edgeApp, ['http'], {
    args: ['--socket-addr=http=127.0.0.1:0'],
    env: cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai') }),
  });
  try {
    const url = `http://127.0.0.1:${ports.http}/`;
    const post = (body) => fetch(url, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(20000) });
    let response = await post({ prompt: 'Hi' });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'Streamed through workerd.');
    response = await post({ prompt: 'Hi' });
    assert.equal(response.status, 401);
    const body = await response.json();
    assert.equal(body.error.code, 'auth_failed');
    assert.ok(!JSON.stringify(body).includes('sk-test'), 'the key is in the answer');
    assert.equal((await post({})).status, 400);
  } catch (error) {
    t.diagnostic(`workerd's stderr:\n${(await workerd.kill()).stderr}`);
    throw error;
  } finally {
    await workerd.kill();
  }
});

test('edge-worker/ in edge-runtime (Vercel)', { timeout: 60000 }, async () => {
  const lane = freshLane([{ text: 'Streamed through the edge runtime.', chunk_delay_ms: 2 }]);
  const runtime = await edgeRuntime(await edgeScript(edgeApp, 'worker.mjs'),
    { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai') });
  const response = await runtime.dispatchFetch('http://edge.invalid/', { method: 'POST', body: JSON.stringify({ prompt: 'Hi' }) });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'Streamed through the edge runtime.');
  assert.equal(lane.requests()[0]?.body?.model, 'gpt-4o-mini');
});
