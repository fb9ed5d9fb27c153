// web/serve.mjs, the README's main command's last step, as a process: it prints its URL, serves
// the built app, and its demo model (the provider simulator behind /demo/v1) answers in
// Markdown, calls the calculator when asked to compute and the tool is on, and writes a title.
// Keys of its environment reach the page only with --offer-env-keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { cleanEnv, launchChromium, newPage, startProcess } from '../runtimes/support.mjs';
import { lastAnswer, send, assertNoProblems } from './app-harness.mjs';

const context = await launchChromium();
const secret = 'sk-env-SECRET-1234567890';

/** Starts web/serve.mjs with `args`; resolves to its URL once it prints it. */
async function serve(args) {
  let announce;
  const url = new Promise((resolve) => { announce = resolve; });
  const server = startProcess(process.execPath, ['web/serve.mjs', '--port', '0', ...args], {
    env: cleanEnv({ OPENAI_API_KEY: secret }), timeoutMs: 120000,
    onLine: (line) => { const found = /is at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line); if (found) announce(found[1]); },
  });
  const exited = server.exited.then((exit) => { throw new Error(`web/serve.mjs exited: ${exit.stderr}`); });
  return { url: await Promise.race([url, exited]), server };
}

test('the served app answers with its demo model: Markdown, the calculator, a title; no key is offered', async () => {
  const { url, server } = await serve([]);
  const page = await newPage(context, url.slice(0, -1));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.inputValue('#model-picker'), 'demo');
  await send(page, 'Hello there');
  const answer = await lastAnswer(page);
  assert.match(await answer.locator('.body strong').first().innerText(), /demo model/);
  await page.waitForSelector('.conversation .title:has-text("Hello there")');

  await page.check('#tool-calculator');
  await send(page, 'What is 1299 × 12 × 0.8?');
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
  const second = page.locator('.message.assistant').last();
  assert.match(await second.locator('.tool-call').innerText(), /calculator/);
  assert.match(await second.locator('.body').innerText(), /12470\.4/);

  const config = await (await fetch(`${url}config.json`)).text();
  assert.ok(!config.includes(secret));
  assert.equal((await fetch(`${url}env-keys.json`)).status, 404);
  assertNoProblems(page);
  await page.close();
  server.child.kill('SIGINT');
  assert.equal((await server.exited).code, 0);
});

test('with --offer-env-keys the environment\'s keys reach the page (and only then)', async () => {
  const { url, server } = await serve(['--offer-env-keys']);
  const keys = await (await fetch(`${url}env-keys.json`)).json();
  assert.deepEqual(keys, { OPENAI_API_KEY: secret });
  // Asked under another site's name (a DNS-rebinding page), the server answers nothing.
  for (const host of ['attacker.example', `attacker.example:${new URL(url).port}`, `127.0.0.1.attacker.example:${new URL(url).port}`]) {
    const answer = await new Promise((resolve, reject) => {
      httpRequest(`${url}env-keys.json`, { headers: { host } }, (response) => {
        let body = '';
        response.on('data', (chunk) => { body += chunk; });
        response.on('end', () => resolve({ status: response.statusCode, body }));
      }).on('error', reject).end();
    });
    assert.equal(answer.status, 403, host);
    assert.ok(!answer.body.includes(secret), host);
  }
  const page = await newPage(context, url.slice(0, -1));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  // The catalog's OpenAI models are offered now that a key is at hand.
  const labels = await page.evaluate(() => [...document.querySelectorAll('#model-picker option')].map((option) => option.textContent));
  assert.ok(labels.some((label) => /GPT-4o Mini/i.test(label)), labels.join(', '));
  await page.close();
  server.child.kill('SIGINT');
  await server.exited;
});
