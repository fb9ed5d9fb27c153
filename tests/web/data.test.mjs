// The browser chat's data layer (web/src/data) in Chromium, on real IndexedDB: conversations,
// messages and their totals, a streamed answer saved as it arrives and when the page closes,
// two tabs writing at once, and the change events between tabs.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { assertNoProblems, openDataPage, startDataPages } from './data-pages.mjs';

const browser = await startDataPages();
const page = await openDataPage(browser);
after(() => assertNoProblems(page));

test('conversations: create, get, rename, list newest first, search titles and messages, remove with messages', async () => {
  const outcome = await page.evaluate(async () => {
    const db = await window.data.openChatDatabase('crud');
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5)); // distinct updatedAt
    const first = await db.conversations.create({ title: 'Paris trip', model: 'openai-gpt-4o-mini', tools: { calculator: true, datetime: false } });
    await tick();
    const second = await db.conversations.create({ title: 'Rust lifetimes' });
    await tick();
    const third = await db.conversations.create({ title: 'Groceries' });
    await db.messages.append(second.id, { role: 'user', content: 'Explain the BORROW checker' });
    await db.messages.append(third.id, { role: 'assistant', content: [{ type: 'text', text: 'Buy a baguette' }] });
    await tick();
    const renamed = await db.conversations.update(first.id, { title: 'Paris in May' });
    const order = (await db.conversations.list()).map((c) => c.title);
    const search = async (text) => (await db.conversations.list({ search: text })).map((c) => c.title);
    const found = {
      title: await search('paris'), messageText: await search('borrow'), parts: await search('BAGUETTE'),
      none: await search('nothing like this'), empty: (await search('')).length,
    };
    const got = await db.conversations.get(first.id);
    let badUpdate;
    try {
      await db.conversations.update(first.id, { tools: { calculator: 'yes' } });
    } catch (error) {
      badUpdate = error.code;
    }
    let missing;
    try {
      await db.conversations.update('no-such-id', { title: 'x' });
    } catch (error) {
      missing = error.code;
    }
    await db.conversations.remove(second.id);
    const afterRemove = (await db.conversations.list()).map((c) => c.title);
    const messagesLeft = (await db.messages.list(second.id)).length;
    const removedGone = (await db.conversations.get(second.id)) === undefined;
    db.close();
    return { first, renamed, got, order, found, badUpdate, missing, afterRemove, messagesLeft, removedGone };
  });
  assert.equal(outcome.first.title, 'Paris trip');
  assert.deepEqual(outcome.first.tools, { calculator: true, datetime: false });
  assert.equal(outcome.first.model, 'openai-gpt-4o-mini');
  assert.deepEqual(outcome.first.cost, { picodollars: '0' });
  assert.deepEqual(outcome.first.tokens, { input: 0, output: 0 });
  assert.match(outcome.first.id, /^[0-9a-f-]{36}$/);
  assert.equal(outcome.renamed.title, 'Paris in May');
  assert.deepEqual(outcome.got, outcome.renamed);
  assert.deepEqual(outcome.order, ['Paris in May', 'Groceries', 'Rust lifetimes']);
  assert.deepEqual(outcome.found, { title: ['Paris in May'], messageText: ['Rust lifetimes'], parts: ['Groceries'], none: [], empty: 3 });
  assert.equal(outcome.badUpdate, 'invalid');
  assert.equal(outcome.missing, 'not_found');
  assert.deepEqual(outcome.afterRemove, ['Paris in May', 'Groceries']);
  assert.equal(outcome.messagesLeft, 0);
  assert.equal(outcome.removedGone, true);
});

test('messages: append in order, update, removeAfter; costs and tokens add to the conversation exactly', async () => {
  const outcome = await page.evaluate(async () => {
    const db = await window.data.openChatDatabase('messages');
    const conversation = await db.conversations.create({ title: 'Totals' });
    const question = await db.messages.append(conversation.id, { role: 'user', content: 'What is 6 * 7?' });
    const answer = await db.messages.append(conversation.id, { role: 'assistant', content: '', status: 'streaming', model: 'sim' });
    // More picodollars than a double holds exactly: the totals must be integers, not floats.
    await db.messages.update(answer.id, {
      content: '42', status: 'done', usage: { inputTokens: 12, outputTokens: 3 },
      cost: { total: '9007.199254740993', totalPicodollars: '9007199254740993' },
    });
    const toolAnswer = await db.messages.append(conversation.id, {
      role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '6*7' } }],
      usage: { inputTokens: 5, outputTokens: 1 }, cost: { totalPicodollars: '7' },
    });
    const toolResult = await db.messages.append(conversation.id, { role: 'tool', toolCallId: 'call_1', content: '42' });
    // A cost corrected by a later update replaces what the message added before.
    await db.messages.update(toolAnswer.id, { cost: { totalPicodollars: '10' } });
    const totals = await db.conversations.get(conversation.id);
    const listed = await db.messages.list(conversation.id);
    const removed = await db.messages.removeAfter(conversation.id, answer.id);
    const afterRemove = await db.messages.list(conversation.id);
    const totalsAfterRemove = await db.conversations.get(conversation.id);
    const failures = {};
    for (const [name, call] of Object.entries({
      role: () => db.messages.append(conversation.id, { role: 'robot', content: 'x' }),
      status: () => db.messages.update(question.id, { status: 'finished' }),
      cost: () => db.messages.update(question.id, { cost: { totalPicodollars: 1.5 } }),
      usage: () => db.messages.update(question.id, { usage: { inputTokens: -1 } }),
      noConversation: () => db.messages.append('missing', { role: 'user', content: 'x' }),
      noMessage: () => db.messages.update('missing', { content: 'x' }),
      otherConversation: () => db.messages.removeAfter('missing', question.id),
    })) {
      try {
        await call();
        failures[name] = 'accepted';
      } catch (error) {
        failures[name] = error.code;
      }
    }
    db.close();
    return { question, answer, toolResult, totals, listed, removed, ids: { toolAnswer: toolAnswer.id, toolResult: toolResult.id }, afterRemove, totalsAfterRemove, failures };
  });
  const { listed } = outcome;
  assert.deepEqual(listed.map((m) => [m.role, m.seq, m.status]), [['user', 1, 'done'], ['assistant', 2, 'done'], ['assistant', 3, 'done'], ['tool', 4, 'done']]);
  assert.equal(listed[0].content, 'What is 6 * 7?');
  assert.equal(listed[1].content, '42');
  assert.equal(listed[1].model, 'sim');
  assert.deepEqual(listed[1].usage, { inputTokens: 12, outputTokens: 3 });
  assert.equal(listed[1].cost.totalPicodollars, '9007199254740993');
  assert.deepEqual(listed[2].toolCalls, [{ id: 'call_1', name: 'calculator', arguments: { expression: '6*7' } }]);
  assert.equal(listed[3].toolCallId, 'call_1');
  assert.ok(listed.every((m) => m.conversationId === outcome.question.conversationId));
  assert.equal(new Set(listed.map((m) => m.id)).size, 4);
  assert.deepEqual(outcome.totals.cost, { picodollars: '9007199254741003' });
  assert.deepEqual(outcome.totals.tokens, { input: 17, output: 4 });
  assert.deepEqual(new Set(outcome.removed), new Set([outcome.ids.toolAnswer, outcome.ids.toolResult]));
  assert.deepEqual(outcome.afterRemove.map((m) => m.seq), [1, 2]);
  assert.deepEqual(outcome.totalsAfterRemove.cost, { picodollars: '9007199254741003' }, 'what was spent stays spent');
  assert.deepEqual(outcome.failures, {
    role: 'invalid', status: 'invalid', cost: 'invalid', usage: 'invalid', noConversation: 'not_found', noMessage: 'not_found',
    otherConversation: 'not_found',
  });
});

for (const given of ['message', 'id']) {
  test(`a streamed answer is saved as it arrives, and a page closed mid-answer keeps what it had received (saver given the ${given})`, async () => {
    const writer = await openDataPage(browser);
    const ids = await writer.evaluate(async (given) => {
      const db = await window.data.openChatDatabase('streaming');
      const conversation = await db.conversations.create({ title: 'Closed mid-answer' });
      const answer = await db.messages.append(conversation.id, { role: 'assistant', content: '', status: 'streaming' });
      // An interval no test waits out: only the first delta (written at once) and the page's
      // going away can write.
      const saver = window.data.saveStreamedAnswer(db.messages, given === 'id' ? answer.id : answer, { intervalMs: 3600000 });
      saver.push({ content: 'The first' });
      await new Promise((resolve) => setTimeout(resolve, 200)); // the first write lands
      const afterFirst = (await db.messages.list(conversation.id))[0].content;
      saver.push({ content: 'The first words of the answer' });
      saver.push({ content: 'The first words of the answer, and more' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const coalesced = (await db.messages.list(conversation.id))[0].content; // held until the interval ends
      return { conversation: conversation.id, answer: answer.id, afterFirst, coalesced };
    }, given);
    assert.equal(ids.afterFirst, 'The first');
    assert.equal(ids.coalesced, 'The first');
    await writer.close(); // pagehide, then the page is gone
    const reader = await openDataPage(browser);
    const saved = await reader.evaluate(async (conversationId) => {
      const db = await window.data.openChatDatabase('streaming');
      const messages = await db.messages.list(conversationId);
      // The answer goes on in another page and finishes: the last write wins, the totals count.
      const saver = window.data.saveStreamedAnswer(db.messages, messages[0], { intervalMs: 0 });
      saver.push({ content: 'The whole answer' });
      await saver.finish({ status: 'done', usage: { inputTokens: 3, outputTokens: 4 }, cost: { totalPicodollars: '250' } });
      const finished = await db.messages.list(conversationId);
      const conversation = await db.conversations.get(conversationId);
      db.close();
      return { before: messages, finished, conversation };
    }, ids.conversation);
    await reader.close();
    assert.equal(saved.before.length, 1);
    assert.equal(saved.before[0].id, ids.answer);
    assert.equal(saved.before[0].content, 'The first words of the answer, and more');
    assert.equal(saved.before[0].status, 'streaming');
    assert.equal(saved.finished[0].content, 'The whole answer');
    assert.equal(saved.finished[0].status, 'done');
    assert.deepEqual(saved.conversation.cost, { picodollars: '250' });
    assert.deepEqual(saved.conversation.tokens, { input: 3, output: 4 });
  });
}

test('two tabs appending to one conversation at once: every message, no duplicate, seq strictly increasing', async () => {
  const perTab = 40;
  // One round: both tabs wait for one signal, then queue all their appends at once. Every round
  // must keep every message once, in seq order; and the test needs a round in which the two
  // tabs' writes did interleave (else it proves nothing about two tabs). Whether they do is the
  // browser's scheduling: on a loaded machine one tab may finish before the other starts, so
  // a round without interleaving is run again, up to five times.
  const round = async (name) => {
    const [first, second] = [await openDataPage(browser), await openDataPage(browser)];
    const conversationId = await first.evaluate(async (database) => {
      const db = await window.data.openChatDatabase(database);
      return (await db.conversations.create({ title: 'Shared' })).id;
    }, name);
    const append = (tab, label) => tab.evaluate(async ([database, id, count, prefix]) => {
      const db = await window.data.openChatDatabase(database);
      const go = new BroadcastChannel(`go-${database}`);
      await new Promise((resolve) => {
        go.onmessage = resolve;
        window.readyToGo = true;
      });
      await Promise.all(Array.from({ length: count }, (_, i) => db.messages.append(id, { role: 'user', content: `${prefix}${i}` })));
      db.close();
    }, [name, conversationId, perTab, label]);
    const appended = Promise.all([append(first, 'a'), append(second, 'b')]);
    await first.waitForFunction(() => window.readyToGo === true);
    await second.waitForFunction(() => window.readyToGo === true);
    const starter = await openDataPage(browser);
    await starter.evaluate((database) => new BroadcastChannel(`go-${database}`).postMessage('go'), name);
    await appended;
    const messages = await starter.evaluate(async ([database, id]) => (await window.data.openChatDatabase(database)).messages.list(id),
      [name, conversationId]);
    await Promise.all([first.close(), second.close(), starter.close()]);
    const contents = messages.map((m) => m.content);
    assert.equal(messages.length, 2 * perTab);
    assert.equal(new Set(messages.map((m) => m.id)).size, 2 * perTab, 'duplicate ids');
    assert.deepEqual([...contents].sort(), [...Array.from({ length: perTab }, (_, i) => `a${i}`), ...Array.from({ length: perTab }, (_, i) => `b${i}`)].sort());
    assert.deepEqual(messages.map((m) => m.seq), Array.from({ length: 2 * perTab }, (_, i) => i + 1));
    return contents;
  };
  let contents;
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    contents = await round(`two-tabs-${attempt}`);
    const switches = contents.slice(1).filter((content, i) => content[0] !== contents[i][0]).length;
    if (switches >= 2) return;
  }
  assert.fail(`in five rounds the two tabs' appends never interleaved: ${contents.join(' ')}`);
});

test('onChange: a tab hears what another tab changed, not its own changes', async () => {
  const [writer, listener] = [await openDataPage(browser), await openDataPage(browser)];
  await listener.evaluate(async () => {
    window.db = await window.data.openChatDatabase('changes');
    window.changes = [];
    window.db.onChange((change) => window.changes.push(change));
  });
  const written = await writer.evaluate(async () => {
    const db = await window.data.openChatDatabase('changes');
    const own = [];
    db.onChange((change) => own.push(change));
    const conversation = await db.conversations.create({ title: 'Heard' });
    const message = await db.messages.append(conversation.id, { role: 'user', content: 'hello' });
    const model = await db.models.put({ name: 'Local', provider: 'ollama', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434' });
    await db.settings.set('theme', 'dark');
    await new Promise((resolve) => setTimeout(resolve, 100)); // a channel delivers in a task
    return { conversation: conversation.id, message: message.id, model: model.id, own };
  });
  await listener.waitForFunction(() => window.changes.some((change) => change.store === 'settings'), null, { timeout: 10000 });
  const changes = await listener.evaluate(() => window.changes);
  await Promise.all([writer.close(), listener.close()]);
  assert.deepEqual(written.own, [], 'a tab was told of its own change');
  const has = (store, id) => changes.some((change) => change.store === store && change.ids.includes(id));
  assert.ok(has('conversations', written.conversation), JSON.stringify(changes));
  assert.ok(has('messages', written.message), JSON.stringify(changes));
  assert.ok(has('models', written.model), JSON.stringify(changes));
  assert.ok(has('settings', 'theme'), JSON.stringify(changes));
});
