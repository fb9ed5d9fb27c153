// The browser chat's conversations, in Chromium against the provider simulator: an answer
// streams in as Markdown, a hostile answer stays inert, Stop keeps the part received, tools run
// over several rounds, regenerate and edit-and-resend replace the answer, and a reload (or a
// closed tab) finds the conversation with its title, cost and what was received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, openApp, send, lastAnswer, assertNoProblems, reloadApp } from './app-harness.mjs';

const { demo, origin, context } = await startApp();

test('an answer streams in as Markdown with a highlighted code block, then shows its tokens and exact cost', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([
    { text: 'Here is **bold** and a list:\n\n- one\n- two\n\n```python\nprint("hi")\n```\n', chunk_size: 4, chunk_delay_ms: 40,
      usage: { input: 1200, output: 345 } },
    { text: 'Bold lists in Python', usage: { input: 50, output: 5 } },
  ]);
  await send(page, 'Show me some Markdown');
  // Part of the answer is on the page while the rest is still on its way.
  await page.waitForFunction(() => {
    const answer = document.querySelector('.message.assistant[data-status="streaming"] .body');
    return answer && answer.textContent.length > 0 && !answer.textContent.includes('two');
  });
  const answer = await lastAnswer(page);
  assert.equal(await answer.locator('.body strong').innerText(), 'bold');
  assert.equal(await answer.locator('.body li').count(), 2);
  await page.waitForSelector('.message.assistant pre code.hljs .hljs-built_in');
  // gpt-4o-mini's prices for the demo: 1200 × $0.15/M + 345 × $0.60/M = $0.000387 exactly.
  assert.match(await answer.locator('.meta').innerText(), /1,200 in · 345 out · \$0\.000387/);
  const request = demo.requests()[0];
  assert.equal(request.stream, true);
  assert.deepEqual(request.body.messages.at(-1), { role: 'user', content: 'Show me some Markdown' });
  assertNoProblems(page);
  await page.close();
});

test('a hostile answer renders inert: no script runs, no handler or javascript: link reaches the page', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  const hostile = [
    'Look: <script>window.__pwned = "script"</script>',
    '<img src=x onerror="window.__pwned = \'img\'">',
    '<a href="javascript:window.__pwned=\'link\'">click me</a> and [also me](javascript:window.__pwned=1)',
    '<svg onload="window.__pwned=\'svg\'"><circle r=1></circle></svg>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<div onmouseover="window.__pwned=\'hover\'" style="position:fixed;inset:0">cover</div>',
    '<form action="https://evil.example"><button formaction="javascript:alert(1)">go</button></form>',
    '[a fine link](https://example.com/docs)',
  ].join('\n\n');
  demo.script([{ text: hostile, chunk_size: 7 }, { text: 'Hostile' }]);
  await send(page, 'be hostile');
  const answer = await lastAnswer(page);
  await answer.locator('.body').hover();
  await answer.locator('.body a', { hasText: 'click me' }).click().catch(() => {});
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  const found = await page.evaluate(() => {
    const body = document.querySelector('.message.assistant .body');
    const elements = [...body.querySelectorAll('*')];
    return {
      handlers: elements.flatMap((element) => [...element.attributes].filter((attribute) => /^on/i.test(attribute.name))
        .map((attribute) => `${element.tagName} ${attribute.name}`)),
      javascriptUrls: elements.filter((element) => /^\s*javascript:/i.test(element.getAttribute('href') ?? element.getAttribute('src') ?? '')).length,
      forbidden: elements.filter((element) => ['SCRIPT', 'IMG', 'SVG', 'IFRAME', 'FORM', 'BUTTON', 'STYLE'].includes(element.tagName.toUpperCase())).length,
      styled: elements.filter((element) => element.hasAttribute('style')).length,
      links: [...body.querySelectorAll('a[href]')].map((link) => [link.getAttribute('href'), link.rel]),
    };
  });
  assert.deepEqual(found.handlers, []);
  assert.equal(found.javascriptUrls, 0);
  assert.equal(found.forbidden, 0);
  assert.equal(found.styled, 0);
  assert.deepEqual(found.links, [['https://example.com/docs', 'noopener noreferrer nofollow']]);
  // The text of the answer is still there for the reader.
  assert.match(await answer.locator('.body').innerText(), /Look:[\s\S]*click me[\s\S]*a fine link/);
  await page.close();
});

test('Stop ends the answer mid-stream and keeps the part received', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  const words = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');
  demo.script([{ text: words, chunk_delay_ms: 30 }]);
  await send(page, 'Talk for a long time');
  await page.waitForFunction(() => /word5\b/.test(document.querySelector('.message.assistant .body')?.textContent ?? ''));
  await page.click('#stop');
  const answer = await lastAnswer(page, ['stopped']);
  const text = await answer.locator('.body').innerText();
  assert.match(text, /^word0 word1/);
  assert.doesNotMatch(text, /word199/);
  assert.match(await answer.locator('.meta').innerText(), /stopped/);
  // Saved as stopped, with what was shown.
  const saved = await page.evaluate(async () => {
    const app = globalThis.llmuxChat;
    const [conversation] = await app.db.conversations.list();
    return (await app.db.messages.list(conversation.id)).at(-1);
  });
  assert.equal(saved.status, 'stopped');
  assert.equal(saved.content.trim(), text.trim());
  assert.equal(await page.isHidden('#stop'), true);
  assert.equal(await page.isEnabled('#send'), true);
  await page.close();
});

test('tools run over several rounds and show inline, each with its arguments and result', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  await page.check('#tool-calculator');
  await page.check('#tool-datetime');
  demo.script([
    { tool_calls: [{ name: 'calculator', arguments: { expression: '1299 * 12' } }] },
    { tool_calls: [{ name: 'calculator', arguments: { expression: '15588 * 0.8' } },
      { name: 'datetime', arguments: { operation: 'weekday', time: '2026-11-25' } }] },
    { text: 'A year costs **12470.4** with the discount.' },
    { text: 'Yearly plan cost' },
  ]);
  await send(page, 'What does a year of the 1299/month plan cost with 20% off?');
  const answer = await lastAnswer(page);
  const calls = answer.locator('.tool-call');
  assert.equal(await calls.count(), 3);
  await calls.nth(0).locator('summary').click();
  assert.match(await calls.nth(0).innerText(), /calculator[\s\S]*1299 \* 12[\s\S]*done[\s\S]*15588/);
  await calls.nth(1).locator('summary').click();
  assert.match(await calls.nth(1).innerText(), /15588 \* 0\.8[\s\S]*12470\.4/);
  await calls.nth(2).locator('summary').click();
  assert.match(await calls.nth(2).innerText(), /datetime[\s\S]*2026-11-25[\s\S]*Wednesday/);
  assert.match(await answer.locator('.body').innerText(), /A year costs 12470\.4/);
  // What went back to the model: the core's calculator's results (exact in decimal), and the
  // tools offered.
  const requests = demo.requests();
  assert.equal(requests.length, 4); // three rounds and the title
  assert.deepEqual(requests[0].body.tools.map((tool) => tool.function.name).sort(), ['calculator', 'datetime']);
  const toolMessages = requests[2].body.messages.filter((message) => message.role === 'tool').map((message) => message.content);
  assert.deepEqual(toolMessages.slice(0, 2), ['{"expression":"1299 * 12","result":15588}',
    '{"expression":"15588 * 0.8","result":12470.4}']);
  // Switched off for the conversation: the next call offers no tools.
  await page.uncheck('#tool-calculator');
  await page.uncheck('#tool-datetime');
  demo.script([{ text: 'No tools now.' }]);
  await send(page, 'And without tools?');
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
  assert.equal(demo.requests().at(-1).body.tools, undefined);
  assertNoProblems(page);
  await page.close();
});

test('regenerate replaces the last answer; edit and resend replaces the question and what followed', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([{ text: 'First answer.' }, { text: 'Title one' }, { text: 'Second answer.' }, { text: 'Third answer.' }]);
  await send(page, 'Question one');
  await lastAnswer(page);
  await page.waitForFunction(() => document.title.startsWith('Title one'));
  await page.click('.message.assistant button:has-text("Regenerate")');
  await page.waitForFunction(() => document.querySelector('.message.assistant .body')?.textContent.includes('Second answer.'));
  assert.equal(await page.locator('.message').count(), 2);
  // The regenerated call sent the same conversation, without the replaced answer.
  assert.deepEqual(demo.requests()[2].body.messages.map((message) => message.content), ['Question one']);

  await page.click('.message.user button:has-text("Edit")');
  await page.fill('.edit-input', 'Question one, edited');
  await page.click('button:has-text("Save and resend")');
  await page.waitForFunction(() => document.querySelector('.message.assistant .body')?.textContent.includes('Third answer.'));
  assert.equal(await page.locator('.message').count(), 2);
  assert.equal(await page.locator('.message.user .body').innerText(), 'Question one, edited');
  assert.deepEqual(demo.requests()[3].body.messages.map((message) => message.content), ['Question one, edited']);
  await reloadApp(page);
  await page.click('.conversation:has-text("Title one")');
  await page.waitForSelector('.message.assistant');
  assert.deepEqual(await page.locator('.message .body').allInnerTexts(), ['Question one, edited', 'Third answer.']);
  await page.close();
});

test('after a reload the conversation is listed with its generated title and exact cost, and opens with its messages', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([
    { text: 'The capital of France is Paris.', usage: { input: 100000, output: 20000 } },
    { text: '"Capital of France."', usage: { input: 80, output: 6 } },
  ]);
  await send(page, 'Capital of France?');
  await lastAnswer(page);
  await page.waitForSelector('.conversation .title:has-text("Capital of France")');
  // The title came from a short, cheap call: a small maxTokens, the question in its prompt.
  const titleCall = demo.requests()[1].body;
  assert.ok(titleCall.max_tokens <= 20 || titleCall.max_completion_tokens <= 20);
  assert.match(JSON.stringify(titleCall.messages), /Capital of France\?/);

  await reloadApp(page);
  const item = page.locator('.conversation', { hasText: 'Capital of France' });
  // 100000 × $0.15/M + 20000 × $0.60/M = $0.027: the answer's cost (the title's is in the ledger).
  assert.match(await item.innerText(), /\$0\.027 · 120,000 tokens/);
  await item.click();
  await page.waitForSelector('.message.assistant');
  assert.deepEqual(await page.locator('.message .body').allInnerTexts(), ['Capital of France?', 'The capital of France is Paris.']);
  assert.match(await page.locator('.totals').innerText(), /100,000 in · 20,000 out · \$0\.027/);
  assert.match(await page.locator('.message.assistant .meta').innerText(), /\$0\.027/);
  await page.close();
});

test('a tab closed mid-answer leaves the part received, found on the next visit', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  const words = Array.from({ length: 300 }, (_, index) => `part${index}`).join(' ');
  demo.script([{ text: words, chunk_delay_ms: 25 }]);
  await send(page, 'A long answer, please');
  await page.waitForFunction(() => /part20\b/.test(document.querySelector('.message.assistant .body')?.textContent ?? ''));
  const shown = await page.locator('.message.assistant .body').innerText();
  await page.close({ runBeforeUnload: true });

  const again = await openApp(context, origin);
  await again.click('.conversation:has-text("New chat")');
  await again.waitForSelector('.message.assistant');
  const saved = await again.locator('.message.assistant .body').innerText();
  assert.match(saved, /^part0 part1 part2/);
  // At least what was on the screen when the tab closed (less at most the last ~100 ms).
  const savedWords = saved.trim().split(/\s+/).length;
  assert.ok(savedWords >= shown.trim().split(/\s+/).length - 8, `saved ${savedWords} words, shown ${shown.split(/\s+/).length}`);
  assert.ok(savedWords < 300);
  // Not streaming any more: said to have been interrupted, and it can be regenerated.
  assert.match(await again.locator('.message.assistant .meta').innerText(), /interrupted/);
  assert.equal(await again.locator('.message.assistant button:has-text("Regenerate")').count(), 1);
  await again.close();
});

test('conversations can be searched, renamed and deleted', async () => {
  demo.reset();
  const page = await openApp(context, origin);
  demo.script([{ text: 'Bananas are berries.' }, { text: 'Banana facts' }]);
  await send(page, 'Tell me about bananas');
  await page.waitForSelector('.conversation .title:has-text("Banana facts")');
  await page.fill('#conversation-search', 'berries'); // message text matches too
  await page.waitForFunction(() => [...document.querySelectorAll('.conversation .title')].map((title) => title.textContent).join() === 'Banana facts');
  await page.fill('#conversation-search', 'no such words anywhere');
  await page.waitForSelector('.conversation-list .none');
  await page.fill('#conversation-search', '');
  await page.waitForSelector('.conversation .title:has-text("Banana facts")');

  page.once('dialog', (dialog) => dialog.accept('All about bananas'));
  await page.click('button[aria-label="Rename Banana facts"]');
  await page.waitForSelector('.conversation .title:has-text("All about bananas")');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('button[aria-label="Delete All about bananas"]');
  await page.waitForFunction(() => ![...document.querySelectorAll('.conversation .title')].some((title) => title.textContent.includes('bananas')));
  const left = await page.evaluate(async () => (await globalThis.llmuxChat.db.conversations.list({ search: 'bananas' })).length);
  assert.equal(left, 0);
  await page.close();
});

test('two tabs: what one writes shows in the other without a reload', async () => {
  demo.reset();
  const first = await openApp(context, origin);
  const second = await openApp(context, origin);
  demo.script([{ text: 'Answered in the first tab.' }, { text: 'Shared between tabs' }]);
  await send(first, 'Written in the first tab');
  await lastAnswer(first);
  await second.waitForSelector('.conversation .title:has-text("Shared between tabs")');
  await second.click('.conversation:has-text("Shared between tabs")');
  await second.waitForSelector('.message.assistant');
  await first.click('.conversation:has-text("Shared between tabs")');
  demo.script([{ text: 'Answered in the second tab.' }]);
  await send(second, 'Written in the second tab');
  await second.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
  await first.waitForFunction(() => document.querySelectorAll('.message.assistant[data-status="done"]').length === 2);
  const expected = ['Written in the first tab', 'Answered in the first tab.', 'Written in the second tab', 'Answered in the second tab.'];
  // textContent: a tab in the background is not laid out, and its innerText varies with that.
  const texts = async (page) => (await page.locator('.message .body').allTextContents()).map((text) => text.trim());
  assert.deepEqual(await texts(first), expected);
  assert.deepEqual(await texts(second), expected);
  await first.close();
  await second.close();
});
