// The Usage page in Chromium: spending by model and by day from the package's ledger, in exact
// dollars; a monthly budget that refuses a call before any request; and export then import
// bringing a deleted conversation back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { startApp, openApp, send, lastAnswer, assertNoProblems, showPage } from './app-harness.mjs';
import { launchChromium } from '../runtimes/support.mjs';

const { demo, origin, context } = await startApp();

async function showUsage(page) {
  await showPage(page, origin, '#usage');
  await page.waitForSelector('.usage-table tbody tr');
}

test('the usage page shows spending by model and by day, exactly, with a chart', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([
    { text: 'One.', usage: { input: 10000, output: 1000 } }, { text: 'Counting', usage: { input: 100, output: 4 } },
    { text: 'Two.', usage: { input: 20000, output: 3000 } },
  ]);
  await send(page, 'Say one');
  await lastAnswer(page);
  await page.waitForSelector('.conversation .title:has-text("Counting")');
  await send(page, 'Say two');
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
  await showUsage(page);
  // Three calls: (10000 + 100 + 20000) × $0.15/M + (1000 + 4 + 3000) × $0.60/M = $0.0069174.
  const row = page.locator('.usage-table tbody tr', { hasText: 'Demo model' });
  assert.match(await row.innerText(), /Demo model \(simulator\)\s+3\s+30,100 \/ 4,004\s+\$0\.0069174/);
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await page.locator('.chart + table').innerText(), new RegExp(`${today}\\s+\\$0\\.0069174`));
  assert.equal(await page.locator('.chart canvas').count(), 1);
  assertNoProblems(page);
  await page.close();
});

test('a monthly budget refuses a call that could pass it, before any request, and says so', async () => {
  demo.reset();
  const page = await openApp(context, origin, '#usage');
  await page.fill('#budget', '0.0001');
  await page.click('button:has-text("Save budget")');
  await page.waitForSelector('#budget-state:has-text("of $0.0001")');
  await showPage(page, origin, '#chat');
  demo.script([{ text: 'should not be asked' }]);
  await send(page, 'Anything');
  const answer = await lastAnswer(page, ['error']);
  assert.match(await answer.locator('div.error').innerText(), /^Budget reached: .*Raise the monthly budget on the Usage page/);
  assert.equal(demo.requests().length, 0);
  // Removed, the same question is answered.
  await showPage(page, origin, '#usage');
  await page.waitForSelector('#budget-state');
  await page.fill('#budget', '');
  await page.click('button:has-text("Save budget")');
  await page.waitForSelector('#budget-state:has-text("no budget set")');
  await showPage(page, origin, '#chat');
  await send(page, 'Anything');
  assert.match(await (await lastAnswer(page)).locator('.body').innerText(), /should not be asked/);
  // The first request of all is this answer's (the title's may follow).
  assert.equal(demo.requests()[0].body.messages.at(-1).content, 'Anything');
  await page.close();
});

test('an exported file brings a deleted conversation back when imported', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([{ text: 'Kept for later.' }, { text: 'Worth keeping' }]);
  await send(page, 'Remember this');
  await page.waitForSelector('.conversation .title:has-text("Worth keeping")');
  await showUsage(page);
  const download = page.waitForEvent('download');
  await page.click('#export');
  const file = await (await download).path();

  await showPage(page, origin, '#chat');
  await page.waitForSelector('.conversation .title:has-text("Worth keeping")');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('button[aria-label="Delete Worth keeping"]');
  await page.waitForFunction(() => !document.querySelector('.conversation-list').textContent.includes('Worth keeping'));

  await showUsage(page);
  await page.setInputFiles('#import-file', file);
  await page.waitForSelector('.transfer-state:has-text("Imported")');
  await showPage(page, origin, '#chat');
  await page.click('.conversation:has-text("Worth keeping")');
  await page.waitForSelector('.message.assistant');
  assert.deepEqual(await page.locator('.message .body').allInnerTexts(), ['Remember this', 'Kept for later.']);

  // A file that is not ours is refused with a message, and changes nothing.
  await showUsage(page);
  await page.setInputFiles('#import-file', { name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.waitForSelector('.transfer-state:has-text("Not imported")');
  await page.close();
});

test('an exported file restores the spending in another browser, once however often it is imported', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([{ text: 'Paid for.', usage: { input: 30000, output: 2000 } }, { text: 'Spending moved' }]);
  await send(page, 'Count this');
  await page.waitForSelector('.conversation .title:has-text("Spending moved")');
  await showUsage(page);
  const before = await page.locator('.usage-table tbody').innerText();
  const download = page.waitForEvent('download');
  await page.click('#export');
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(exported.usage.length >= 2, 'the ledger records are in the file');
  assert.ok(exported.usage.every((record) => Number.isSafeInteger(record.at_ms) && record.provider === 'openai'));
  await page.close();

  // Another browser profile, empty: the import brings the conversations and the spending.
  const elsewhere = await launchChromium();
  const other = await openApp(elsewhere, origin, '#usage');
  for (let time = 1; time <= 2; time += 1) {
    await other.setInputFiles('#import-file', file);
    await other.waitForSelector(`.transfer-state:has-text("${time === 1 ? exported.usage.length : 0} usage records")`);
  }
  await other.waitForSelector('.usage-table tbody tr');
  assert.equal(await other.locator('.usage-table tbody').innerText(), before);
  await other.close();
  await elsewhere.close();
});
