// The Models page in Chromium: a model added with its key is called with that key (and the
// prices given), the key is never shown again nor stored or exported in clear, "test
// connection" tells success from a refused key, Anthropic gets its browser-access header, and
// disabling or deleting a model takes it out of the picker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openApp, send, lastAnswer, assertNoProblems, showPage, reloadApp } from './app-harness.mjs';

const { sim, origin, context } = await startApp();
const secret = 'sk-live-SECRET-1234567890';

async function addModel(page, fields) {
  await showPage(page, origin, '#models');
  await page.click('button:has-text("Clear form")');
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'provider') await page.selectOption('#model-provider', value);
    else await page.fill(`#model-${name}`, value);
  }
  await page.click('button:has-text("Save model")');
  await page.waitForSelector(`.model-row:has-text("${fields.name}")`);
}

/** Every record of every store of the app's database, and localStorage, as text. */
async function everythingStored(page) {
  return page.evaluate(async () => {
    const dump = [JSON.stringify({ ...localStorage })];
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of db.objectStoreNames) {
        const records = await new Promise((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
        });
        dump.push(JSON.stringify(records, (key, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value)
          ? new TextDecoder('latin1').decode(value) : value)));
      }
      db.close();
    }
    return dump.join('\n');
  });
}

test('a model added with its key answers with that key and its prices; the key is kept only encrypted', async () => {
  const lane = sim.lane('own');
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'My GPT', provider: 'openai', model: 'gpt-4.1-mini', baseUrl: lane.baseUrl('openai'),
    apiKey: secret, inputPrice: '2.50', outputPrice: '10', temperature: '0.3', maxTokens: '300' });
  const row = page.locator('.model-row', { hasText: 'My GPT' });
  assert.match(await row.innerText(), /key stored/);
  assert.equal(await page.inputValue('#model-apiKey'), '');
  assert.equal(await page.locator(`text=${secret}`).count(), 0);

  await showPage(page, origin, '#chat');
  await page.selectOption('#model-picker', { label: 'My GPT · local' });
  lane.script([{ text: 'Answered with your key.', usage: { input: 1000, output: 100 } }, { text: 'Key check' }]);
  await send(page, 'Hello');
  const answer = await lastAnswer(page);
  // 1000 × $2.50/M + 100 × $10/M = $0.0035, at the prices typed in.
  assert.match(await answer.locator('.meta').innerText(), /My GPT · 1,000 in · 100 out · \$0\.0035/);
  const [request] = lane.requests();
  assert.equal(request.headers.authorization, `Bearer ${secret}`);
  assert.equal(request.body.model, 'gpt-4.1-mini');
  assert.equal(request.body.temperature, 0.3);
  assert.equal(request.body.max_tokens ?? request.body.max_completion_tokens, 300);

  const stored = await everythingStored(page);
  assert.ok(stored.includes('gpt-4.1-mini')); // the dump does hold the models
  assert.ok(!stored.includes(secret) && !stored.includes(secret.slice(8)), 'the key is stored in clear');

  await showPage(page, origin, '#usage');
  const download = page.waitForEvent('download');
  await page.click('#export');
  const file = await (await download).createReadStream();
  let text = '';
  for await (const chunk of file) text += chunk;
  const exported = JSON.parse(text);
  assert.ok(exported.models.some((model) => model.name === 'My GPT'));
  assert.ok(!text.includes(secret) && !text.includes(secret.slice(8)), 'the export holds the key');
  assertNoProblems(page);
  await page.close();
});

test('test connection says when a model answers and when its key is refused', async () => {
  const lane = sim.lane('probe');
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'Probe', provider: 'openai', model: 'gpt-4o-mini', baseUrl: lane.baseUrl('openai'), apiKey: 'sk-probe-1' });
  const row = page.locator('.model-row', { hasText: 'Probe' });
  lane.script([{ text: 'OK' }]);
  await row.locator('button:has-text("Test connection")').click();
  await row.locator('.test-output:has-text("Connected")').waitFor();
  lane.script([{ status: 401, error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }]);
  await row.locator('button:has-text("Test connection")').click();
  await row.locator('.test-output:has-text("auth_failed")').waitFor();
  assert.doesNotMatch(await row.innerText(), /sk-probe-1/);
  await page.close();
});

test('an Anthropic model is called from the page with its direct-browser-access header', async () => {
  const lane = sim.lane('claude');
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'Claude here', provider: 'anthropic', model: 'claude-3-5-haiku-20241022',
    baseUrl: lane.baseUrl('anthropic'), apiKey: 'sk-ant-test-1' });
  await showPage(page, origin, '#chat');
  await page.selectOption('#model-picker', { label: 'Claude here · local' });
  lane.script([{ text: 'Hello from Claude.' }, { text: 'Claude hello' }]);
  await send(page, 'Hi Claude');
  await lastAnswer(page);
  const [request] = lane.requests();
  assert.equal(request.headers['anthropic-dangerous-direct-browser-access'], 'true');
  assert.equal(request.headers['x-api-key'], 'sk-ant-test-1');
  await page.close();
});

test('a disabled model leaves the picker, an enabled one comes back, a deleted one is gone', async () => {
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'Switchable', provider: 'ollama', model: 'llama3.1:8b', baseUrl: 'http://127.0.0.1:9' });
  const options = () => page.evaluate(() => [...document.querySelectorAll('#model-picker option')].map((option) => option.textContent));
  const pickerHas = async (label) => {
    await showPage(page, origin, '#chat');
    return (await options()).some((option) => option.startsWith(label));
  };
  assert.equal(await pickerHas('Switchable · local'), true);
  await showPage(page, origin, '#models');
  await page.click('button[aria-label="Disable Switchable"]');
  await page.waitForSelector('.model-row.disabled:has-text("Switchable")');
  assert.equal(await pickerHas('Switchable'), false);
  await showPage(page, origin, '#models');
  await page.click('button[aria-label="Enable Switchable"]');
  await page.waitForSelector('.model-row:not(.disabled):has-text("Switchable")');
  assert.equal(await pickerHas('Switchable'), true);
  await showPage(page, origin, '#models');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('button[aria-label="Delete Switchable"]');
  await page.waitForFunction(() => !document.querySelector('.model-list').textContent.includes('Switchable'));
  assert.equal(await pickerHas('Switchable'), false);
  await page.close();
});

test('with a passphrase, keys stay locked after a reload until it is typed; a wrong one does not open them', async () => {
  const lane = sim.lane('locked');
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'Locked GPT', provider: 'openai', model: 'gpt-4o-mini', baseUrl: lane.baseUrl('openai'), apiKey: 'sk-locked-1' });
  await page.fill('#passphrase', 'correct horse battery staple');
  await page.click('button:has-text("Set passphrase")');
  await page.waitForSelector('#passphrase-state:has-text("unlocked in this tab")');

  await showPage(page, origin, '#chat');
  await reloadApp(page);
  await page.selectOption('#model-picker', { label: 'Locked GPT · local' });
  await send(page, 'Are my keys locked?');
  const refused = await lastAnswer(page, ['error']);
  assert.match(await refused.locator('div.error').innerText(), /keys are locked: unlock them with your passphrase on the Models page/);
  assert.equal(lane.requests().length, 0);

  await showPage(page, origin, '#models');
  await page.waitForSelector('#passphrase-state:has-text("Keys are locked")');
  await page.fill('#passphrase', 'wrong guess');
  await page.click('button:has-text("Unlock")');
  await page.waitForSelector('#passphrase-state:has-text("not the passphrase")');
  await page.fill('#passphrase', 'correct horse battery staple');
  await page.click('button:has-text("Unlock")');
  await page.waitForSelector('#passphrase-state:has-text("unlocked in this tab")');

  await showPage(page, origin, '#chat');
  await page.selectOption('#model-picker', { label: 'Locked GPT · local' });
  lane.script([{ text: 'Unlocked.' }, { text: 'Unlocked' }]);
  await send(page, 'And now?');
  await page.waitForFunction(() => document.querySelector('.message.assistant:last-of-type')?.dataset.status === 'done');
  assert.equal(lane.requests()[0].headers.authorization, 'Bearer sk-locked-1');
  // Back to no passphrase, for the other tests of this file.
  await showPage(page, origin, '#models');
  await page.click('button:has-text("Remove passphrase")');
  await page.waitForSelector('#passphrase-state:has-text("cannot export")');
  await page.close();
});

test('a gateway URL carries the calls of cloud models that have no base URL of their own', async () => {
  const gateway = sim.lane('gateway');
  const page = await openApp(context, origin, '#models');
  await addModel(page, { name: 'Via gateway', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-gw-1' });
  await page.fill('#gateway-url', gateway.baseUrl('openai'));
  await page.click('button:has-text("Save gateway")');
  await showPage(page, origin, '#chat');
  await reloadApp(page);
  await page.selectOption('#model-picker', { label: 'Via gateway' });
  gateway.script([{ text: 'Through the gateway.' }, { text: 'Gateway' }]);
  await send(page, 'Which way?');
  await lastAnswer(page);
  assert.equal(gateway.requests()[0].path, '/v1/chat/completions');
  assert.equal(gateway.requests()[0].headers.authorization, 'Bearer sk-gw-1');
  await page.close();
});
