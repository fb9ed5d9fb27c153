// The browser chat offline, in Chromium with a real service worker: after
// context.setOffline(true) a reload still opens the app (from the worker's cache) with its
// history; a local model still answers; a cloud model fails at once with an "offline" message
// and no request.
//
// Chromium's offline emulation also cuts loopback, which a real offline machine keeps (Ollama
// on 127.0.0.1 answers with the Wi-Fi off). So while offline, the page's requests to the
// simulator (the "local" model's server) are handed to it by the test, through Playwright's
// routing: the page still sends them with fetch and reads the simulator's own bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openApp, send, lastAnswer, reloadApp } from './app-harness.mjs';

const { sim, demo, origin, context } = await startApp();

test('offline, the app opens with its history, a local model answers and a cloud model fails at once', async () => {
  const page = await openApp(context, origin);
  // Controlled by the service worker, which has cached the app (and, through it, config.json).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await reloadApp(page);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller !== null), true);

  const local = sim.lane('ollama-here');
  await page.evaluate(async ({ localUrl }) => {
    const { db } = globalThis.llmuxChat;
    await db.models.put({ id: 'local-llama', name: 'Llama at home', provider: 'ollama', model: 'llama3.1:8b', baseUrl: localUrl, enabled: true });
    await db.models.put({ id: 'cloud-gpt', name: 'Cloud GPT', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-cloud-1', enabled: true });
  }, { localUrl: local.baseUrl('ollama') });
  demo.script([{ text: 'Written while online.' }, { text: 'Before going offline' }]);
  await send(page, 'Hello while online');
  await page.waitForSelector('.conversation .title:has-text("Before going offline")');

  await context.setOffline(true);
  const simOrigin = new URL(sim.url).origin;
  await context.route(`${simOrigin}/**`, async (route) => {
    const request = route.request();
    const response = await fetch(request.url(), { method: request.method(), headers: request.headers(),
      body: request.method() === 'GET' ? undefined : request.postDataBuffer() });
    await route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers),
      body: Buffer.from(await response.arrayBuffer()) });
  });
  const cloudRequests = [];
  page.on('request', (request) => { if (!request.url().startsWith(origin) && !request.url().startsWith(simOrigin)) cloudRequests.push(request.url()); });
  try {
    await reloadApp(page);
    assert.equal(await page.isVisible('#network-state'), true);
    await page.click('.conversation:has-text("Before going offline")');
    await page.waitForSelector('.message.assistant');
    assert.deepEqual(await page.locator('.message .body').allInnerTexts(), ['Hello while online', 'Written while online.']);

    await page.selectOption('#model-picker', { label: 'Llama at home · local' });
    local.script([{ text: 'Still here, **offline**.' }]);
    await send(page, 'Are you there?');
    await page.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
    assert.equal(await page.locator('.message.assistant .body').last().innerText(), 'Still here, offline.');
    assert.equal(local.requests()[0].path, '/api/chat');

    await page.selectOption('#model-picker', { label: 'Cloud GPT' });
    await send(page, 'And you, cloud?');
    const failed = await lastAnswer(page, ['error']);
    assert.match(await failed.locator('div.error').innerText(), /^offline: Cloud GPT is a cloud model and this browser is offline/);
    assert.deepEqual(cloudRequests, []); // failed at once: nothing was sent, nothing waited for
  } finally {
    await context.unroute(`${simOrigin}/**`);
    await context.setOffline(false);
  }
  await page.close();
});

test('the service worker serves the app and the .wasm from its cache, not the network', async () => {
  const page = await openApp(context, origin);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  try {
    const fromWorker = [];
    page.on('response', (response) => { if (response.fromServiceWorker()) fromWorker.push(new URL(response.url()).pathname); });
    await reloadApp(page);
    for (const path of ['/index.html', '/app.js', '/app.css', '/llmux-core.wasm']) assert.ok(fromWorker.includes(path), `${path} not from the worker: ${fromWorker}`);
  } finally {
    await context.setOffline(false);
  }
  await page.close();
});
