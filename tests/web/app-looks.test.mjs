// The browser chat's accessibility and looks, in Chromium: axe-core finds no serious or
// critical violation on the chat, models and usage pages (light and dark); a whole chat is
// held with the keyboard alone, with a visible focus; nothing scrolls sideways at 375 px; and
// screenshots of the three pages at 1280 and 375 px, light and dark, are written to
// docs/screenshots/ (docs/browser-chat.md shows them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../runtimes/support.mjs';
import { startApp, openApp, send, lastAnswer, assertNoProblems, showPage } from './app-harness.mjs';

const { demo, origin, context } = await startApp();
const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const screenshots = join(root, 'docs/screenshots');
const views = ['chat', 'models', 'usage'];

/** A conversation worth looking at: Markdown, code, a tool call, costs; a model; some usage. */
async function furnish(page) {
  await page.evaluate(async () => {
    await globalThis.llmuxChat.db.models.put({ id: 'shot-gpt', name: 'GPT-4o mini (mine)', provider: 'openai',
      model: 'gpt-4o-mini', apiKey: 'sk-screenshot-only', enabled: true, inputPrice: '0.15', outputPrice: '0.60' });
    await globalThis.llmuxChat.db.models.put({ id: 'shot-llama', name: 'Llama 3.1 at home', provider: 'ollama',
      model: 'llama3.1:8b', baseUrl: 'http://127.0.0.1:11434', enabled: true });
    await globalThis.llmuxChat.reloadModels();
  });
  await page.check('#tool-calculator');
  demo.script([
    { tool_calls: [{ name: 'calculator', arguments: { expression: '1299 * 12 * 0.8' } }], usage: { input: 310, output: 24 } },
    { text: 'With the 20% discount, a year of the plan costs **12,470.40**.\n\n| | per month | per year |\n|---|---:|---:|\n' +
      '| list price | 1,299.00 | 15,588.00 |\n| with 20% off | 1,039.20 | 12,470.40 |\n\nTo check it yourself:\n\n' +
      '```python\nmonthly = 1299\nprint(monthly * 12 * 0.8)  # 12470.4\n```\n', chunk_size: 12, usage: { input: 356, output: 92 } },
    { text: 'Yearly plan with discount', usage: { input: 60, output: 6 } },
  ]);
  await send(page, 'What does a year of the 1299/month plan cost with 20% off?');
  await lastAnswer(page);
  await page.waitForSelector('.conversation .title:has-text("Yearly plan")');
}

async function show(page, view) {
  await showPage(page, origin, `#${view}`);
  if (view === 'chat') {
    if (await page.isVisible('.list-toggle')) await page.click('.list-toggle'); // a phone folds the list away
    await page.click('.conversation:has-text("Yearly plan")');
    await page.waitForSelector('.message.assistant pre code.hljs');
  }
  if (view === 'usage') await page.waitForSelector('.chart canvas');
}

async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation on any page, light or dark; screenshots are taken', async () => {
  mkdirSync(screenshots, { recursive: true });
  const page = await openApp(context, origin);
  await furnish(page);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 800 });
      for (const view of views) {
        await show(page, view);
        if (width === 1280) assert.deepEqual(await seriousViolations(page), [], `${view}, ${scheme}`);
        // Nothing wider than the screen: no sideways scrolling on a phone.
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${view} scrolls sideways at ${width} px`);
        await page.screenshot({ path: join(screenshots, `${view}-${width}-${scheme}.png`) });
      }
    }
  }
  // At 375 px the composer is on screen and usable.
  await show(page, 'chat');
  assert.equal(await page.isVisible('#composer-input'), true);
  const box = await page.locator('#composer-input').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375 && box.y + box.height <= 812);
  assertNoProblems(page);
  await page.close();
});

/** Presses Tab until the focused element matches `selector` (at most 60 times). */
async function tabTo(page, selector) {
  for (let presses = 0; presses < 60; presses += 1) {
    if (await page.evaluate((query) => document.activeElement?.matches(query), selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

test('a whole chat with the keyboard alone: model picked, message sent, pages switched, focus always visible', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  await page.emulateMedia({ colorScheme: 'light' });
  // The composer has the focus when the page opens.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-input');
  await tabTo(page, '#model-picker');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  await page.keyboard.type('Demo'); // a closed select picks by typing
  assert.equal(await page.inputValue('#model-picker'), 'demo');
  await tabTo(page, '#composer-input');
  demo.script([{ text: 'Typed, sent and answered without a mouse.' }, { text: 'Keyboard only' }]);
  await page.keyboard.type('Hello from the keyboard');
  await page.keyboard.press('Enter');
  await lastAnswer(page);
  await page.waitForSelector('.conversation .title:has-text("Keyboard only")');

  await tabTo(page, '.main-nav a[href="#models"]');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#model-name');
  await tabTo(page, '#model-name');
  await page.keyboard.type('Typed model');
  await tabTo(page, '#model-model');
  await page.keyboard.type('gpt-4o-mini');
  await tabTo(page, '#model-apiKey');
  await page.keyboard.type('sk-typed-1');
  await tabTo(page, '.model-form button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.model-row:has-text("Typed model")');

  await tabTo(page, '.main-nav a[href="#chat"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.conversation:has-text("Keyboard only")');
  await tabTo(page, '.conversation');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.message.assistant');
  assert.match(await page.locator('.message.assistant .body').innerText(), /without a mouse/);
  await page.close();
});
