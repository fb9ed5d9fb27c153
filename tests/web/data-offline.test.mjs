// The browser chat's service worker (web/sw.mjs) in Chromium, a real worker over a loopback
// server: the app shell and the .wasm precached and served offline, provider calls (another
// origin, or not a GET) never intercepted nor cached, and a new build's precache list
// installing a new version that takes over on the next load, deleting the old cache and
// keeping the data.

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { checkPackage, launchChromium, newPage, packageDir, root, serveStatic, tempDir, useSimulator } from '../runtimes/support.mjs';

checkPackage();
const sim = await useSimulator();
const lane = sim.lane('service-worker');
lane.setModels(['sim-model']);
const app = tempDir('web-sw');

/** Writes the app shell of version `version` as a build would: its files and precache.mjs. */
function buildApp(version) {
  writeFileSync(join(app, 'index.html'), `<!doctype html><meta charset="utf-8"><title>chat ${version}</title>
<link rel="stylesheet" href="./app.css"><h1 id="version">App ${version}</h1><script type="module" src="./app.js"></script>`);
  writeFileSync(join(app, 'app.css'), `h1 { color: rgb(1, 2, ${version === 'v1' ? 3 : 4}); }`);
  writeFileSync(join(app, 'app.js'), `
window.appVersion = ${JSON.stringify(version)};
window.registered = navigator.serviceWorker.register('./sw.mjs', { type: 'module' });
window.wasmBytes = async () => {
  const response = await fetch('./llmux-core.wasm');
  const module = await WebAssembly.compileStreaming(response);
  return { exports: WebAssembly.Module.exports(module).length, bytes: Number(response.headers.get('content-length') ?? 0) };
};`);
  copyFileSync(join(root, 'web/sw.mjs'), join(app, 'sw.mjs'));
  copyFileSync(join(packageDir, 'llmux-core.wasm'), join(app, 'llmux-core.wasm'));
  writeFileSync(join(app, 'precache.mjs'), `export const version = ${JSON.stringify(version)};
export const files = ['./', './index.html', './app.js', './app.css', './llmux-core.wasm'];
export const networkFirst = ['./config.json'];
`);
}

buildApp('v1');
let configServed = 0;
const origin = await serveStatic({ '/': app }, {
  get '/'() {
    // The folder's index.html, as a server gives it (the test opens /index.html: serveStatic
    // types a response by its path's extension, and '/' has none).
    return readFileSync(join(app, 'index.html'), 'utf8');
  },
  get '/config.json'() {
    configServed++;
    return JSON.stringify({ simulator: sim.url, served: configServed });
  },
  '/not-listed.txt': 'not in the precache list',
});
const context = await launchChromium();
const page = await newPage(context, origin);

/** Every response the page got, with whether the service worker gave it. */
const responses = [];
page.on('response', (response) => responses.push({ url: response.url(), method: response.request().method(), fromServiceWorker: response.fromServiceWorker() }));
const servedBy = (path) => responses.filter((response) => response.url === `${origin}${path}`).map((response) => response.fromServiceWorker);

/** Resolves once `check()` holds, asking every 100 ms for up to 20 s. */
async function until(check, what) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`never: ${what}`);
}

/**
 * Reloads the page offline. Chromium's offline emulation reports the navigation's request to
 * the network as aborted even though the worker answers it (the tests assert what loaded), so
 * that one report is not a problem of the page.
 */
async function reloadOffline() {
  await page.reload();
  await page.waitForFunction(() => window.appVersion !== undefined, null, { timeout: 15000 });
  page.problems = page.problems.filter((problem) => problem !== `failed: ${origin}/index.html net::ERR_ABORTED`);
}

const cacheContents = () => page.evaluate(async () => {
  const contents = {};
  for (const name of await caches.keys()) {
    contents[name] = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname).sort();
  }
  return contents;
});

test('installed: the app shell and the .wasm precached under a versioned cache, the page controlled', async () => {
  await page.goto(`${origin}/index.html`);
  await page.evaluate(() => window.registered);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
  assert.deepEqual(await cacheContents(), { 'llmux-chat-v1': ['/', '/app.css', '/app.js', '/index.html', '/llmux-core.wasm'] });
  assert.deepEqual(page.problems, []);
});

test('provider calls and other requests pass by: other origins and non-GET requests are neither served nor cached by the worker', async () => {
  lane.script([{ text: 'Not cached' }]);
  responses.length = 0;
  const outcome = await page.evaluate(async (base) => {
    const models = await (await fetch(`${base}/models`)).json();
    const chat = await (await fetch(`${base}/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim-model', messages: [{ role: 'user', content: 'hi' }] }),
    })).json();
    const post = (await fetch('./index.html', { method: 'POST', body: 'x' })).status;
    const notListed = await (await fetch('./not-listed.txt')).text();
    const config = await (await fetch('./config.json')).json();
    return { models: models.data.map((model) => model.id), answer: chat.choices[0].message.content, post, notListed, config };
  }, lane.baseUrl('openai'));
  assert.deepEqual(outcome.models, ['sim-model']);
  assert.equal(outcome.answer, 'Not cached');
  assert.equal(outcome.notListed, 'not in the precache list');
  assert.equal(outcome.config.simulator, sim.url);
  const byWorker = responses.filter((response) => response.fromServiceWorker).map((response) => `${response.method} ${response.url}`);
  assert.deepEqual(byWorker, [`GET ${origin}/config.json`], 'only the listed network-first file goes through the worker');
  assert.equal(lane.requests().length, 2, 'both provider requests reached the provider');
  assert.deepEqual(await cacheContents(), { 'llmux-chat-v1': ['/', '/app.css', '/app.js', '/config.json', '/index.html', '/llmux-core.wasm'] });
});

test('offline: a reload opens the app and its .wasm from the cache; a provider call fails at once', async () => {
  await context.setOffline(true);
  try {
    responses.length = 0;
    await reloadOffline();
    const outcome = await page.evaluate(async (base) => {
      let provider;
      try {
        await fetch(`${base}/chat/completions`, { method: 'POST', body: '{}' });
        provider = 'answered';
      } catch (error) {
        provider = error.name;
      }
      return {
        version: window.appVersion, heading: document.getElementById('version').textContent,
        color: getComputedStyle(document.getElementById('version')).color, wasm: await window.wasmBytes(),
        config: await (await fetch('./config.json')).json(), provider, online: navigator.onLine,
      };
    }, lane.baseUrl('openai'));
    assert.equal(outcome.online, false);
    assert.equal(outcome.version, 'v1');
    assert.equal(outcome.heading, 'App v1');
    assert.equal(outcome.color, 'rgb(1, 2, 3)');
    assert.ok(outcome.wasm.exports > 10, `the .wasm compiled: ${JSON.stringify(outcome.wasm)}`);
    assert.equal(outcome.config.simulator, sim.url, 'the network-first file from the cache');
    assert.equal(outcome.provider, 'TypeError');
    assert.equal(lane.requests().length, 2, 'no request reached the provider offline');
    for (const path of ['/index.html', '/app.js', '/app.css', '/llmux-core.wasm']) assert.deepEqual(servedBy(path), [true], path);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.setOffline(false);
  }
});

test('a new build installs a new version: it takes over on the next load, deletes the old cache, and the data stays', async () => {
  await page.evaluate(async () => {
    localStorage.setItem('kept', 'across the update');
    const request = indexedDB.open('kept-data', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('notes');
    const db = await new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
    const transaction = db.transaction('notes', 'readwrite');
    transaction.objectStore('notes').put('written by v1', 'note');
    await new Promise((resolve) => { transaction.oncomplete = resolve; });
    db.close();
  });
  buildApp('v2');
  // The browser checks the worker and its imports on navigation: the new precache.mjs is a new version.
  await page.reload();
  await until(async () => JSON.stringify(await page.evaluate(() => caches.keys())) === '["llmux-chat-v2"]', 'only the new cache is left');
  await page.reload();
  await page.waitForFunction(() => window.appVersion !== undefined, null, { timeout: 15000 });
  const online = await page.evaluate(() => ({ version: window.appVersion, heading: document.getElementById('version').textContent }));
  assert.deepEqual(online, { version: 'v2', heading: 'App v2' });
  await context.setOffline(true);
  try {
    await reloadOffline();
    const offline = await page.evaluate(async () => {
      const request = indexedDB.open('kept-data', 1);
      const db = await new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
      const get = db.transaction('notes').objectStore('notes').get('note');
      const note = await new Promise((resolve) => { get.onsuccess = () => resolve(get.result); });
      db.close();
      return {
        version: window.appVersion, color: getComputedStyle(document.getElementById('version')).color,
        note, kept: localStorage.getItem('kept'), caches: await caches.keys(),
      };
    });
    assert.deepEqual(offline, { version: 'v2', color: 'rgb(1, 2, 4)', note: 'written by v1', kept: 'across the update', caches: ['llmux-chat-v2'] });
  } finally {
    await context.setOffline(false);
  }
  assert.deepEqual(page.problems, []);
});
