// The chat: conversations on the side (new, search, rename, delete), the open conversation's
// messages, the model picker and tool switches, and the composer (Send, Stop). The answer's
// Markdown is drawn at most once per animation frame, however many deltas arrive in it.
import { h, fill, announce } from './dom.mjs';
import { messageView } from './message-view.mjs';
import { formatCost, formatCount } from './format.mjs';
import { streamAnswer, historyOf, generateTitle } from '../chat/answer.mjs';

const untitled = 'New chat';

/** @param {import('../app.mjs').App} app */
export function createChatView(app) {
  let conversation = null; // the open one, or null for a new chat not yet sent
  let messages = [];
  let running = null; // {controller, message} while an answer streams
  let search = '';

  const list = h('ul', { class: 'conversation-list', aria: { label: 'Conversations' } });
  const searchBox = h('input', { type: 'search', id: 'conversation-search', placeholder: 'Search conversations',
    aria: { label: 'Search conversations' }, oninput: () => { search = searchBox.value; refreshList(); } });
  const sidebar = h('nav', { class: 'sidebar', id: 'conversations', aria: { label: 'Conversations' } },
    h('button', { type: 'button', class: 'primary new-chat', onclick: () => openConversation(null) }, '+ New chat'),
    searchBox, list);

  const picker = h('select', { id: 'model-picker', onchange: () => pickModel(picker.value) });
  const calculator = h('input', { type: 'checkbox', id: 'tool-calculator', onchange: () => setTools() });
  const datetime = h('input', { type: 'checkbox', id: 'tool-datetime', onchange: () => setTools() });
  const totals = h('p', { class: 'totals', aria: { live: 'polite' } });
  // On a phone the list is folded away behind this button (styles.css shows it there only).
  const listToggle = h('button', { type: 'button', class: 'ghost list-toggle', aria: { expanded: 'false', controls: 'conversations' },
    onclick: () => showList(listToggle.getAttribute('aria-expanded') !== 'true') }, 'Conversations');
  const toolbar = h('div', { class: 'toolbar' }, listToggle,
    h('label', { for: 'model-picker', class: 'picker-label' }, 'Model'), picker,
    h('fieldset', { class: 'tool-switches' }, h('legend', {}, 'Tools'),
      h('label', {}, calculator, ' Calculator'), h('label', {}, datetime, ' Date & time')),
    totals);

  const log = h('div', { class: 'messages', role: 'log', aria: { label: 'Messages' }, tabindex: '0' });
  const empty = h('div', { class: 'empty' }, h('h2', {}, 'What shall we talk about?'),
    h('p', {}, 'Pick a model, type below, and press Enter. Shift+Enter makes a new line.'));
  const input = h('textarea', { id: 'composer-input', rows: '2', placeholder: 'Message', aria: { label: 'Message' },
    onkeydown: (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        composer.requestSubmit();
      }
    } });
  const send = h('button', { type: 'submit', class: 'primary', id: 'send' }, 'Send');
  const stop = h('button', { type: 'button', id: 'stop', hidden: true, onclick: () => running?.controller.abort() }, 'Stop');
  const composer = h('form', { class: 'composer', onsubmit: (event) => { event.preventDefault(); submit(); } },
    input, h('div', { class: 'composer-buttons' }, stop, send));

  const main = h('section', { class: 'chat-main', aria: { label: 'Chat' } }, toolbar, log, composer);
  const element = h('div', { class: 'chat-view' }, sidebar, main);

  const actions = {
    canEdit: (message) => message.role === 'user' && !running,
    canRegenerate: (message) => message.role === 'assistant' && !running && message === messages.at(-1),
    edit: (message) => editMessage(message),
    regenerate: (message) => regenerate(message),
    labelOf: (id) => app.labelOf(id),
    isLive: (message) => running?.message?.id === message.id,
  };
  const views = new Map(); // message id → element

  // ---- the conversation list ---------------------------------------------------------------
  function showList(open) {
    listToggle.setAttribute('aria-expanded', String(open));
    element.classList.toggle('list-open', open);
    if (open) searchBox.focus();
  }

  async function refreshList() {
    const conversations = await app.db.conversations.list(search ? { search } : {});
    fill(list, conversations.map((item) => h('li', { class: item.id === conversation?.id ? 'current' : '' },
      h('button', { type: 'button', class: 'conversation', aria: { current: item.id === conversation?.id ? 'page' : 'false' },
        onclick: () => openConversation(item.id) },
      h('span', { class: 'title' }, item.title || untitled),
      h('span', { class: 'sub' }, `${formatCost(item.cost?.picodollars ?? '0')} · ${formatCount((item.tokens?.input ?? 0) + (item.tokens?.output ?? 0))} tokens`)),
      h('span', { class: 'row-actions' },
        h('button', { type: 'button', class: 'ghost small', aria: { label: `Rename ${item.title || untitled}` },
          onclick: () => rename(item) }, 'Rename'),
        h('button', { type: 'button', class: 'ghost small danger', aria: { label: `Delete ${item.title || untitled}` },
          onclick: () => remove(item) }, 'Delete')))));
    if (!conversations.length) list.append(h('li', { class: 'none' }, search ? 'No conversation matches.' : 'No conversations yet.'));
  }

  async function rename(item) {
    const title = prompt('Rename the conversation', item.title || untitled);
    if (title === null || !title.trim()) return;
    await app.db.conversations.update(item.id, { title: title.trim() });
    if (conversation?.id === item.id) conversation.title = title.trim();
    await refreshList();
  }

  async function remove(item) {
    if (!confirm(`Delete "${item.title || untitled}" and its messages?`)) return;
    await app.db.conversations.remove(item.id);
    if (conversation?.id === item.id) await openConversation(null);
    else await refreshList();
    announce('Conversation deleted');
  }

  // ---- the open conversation --------------------------------------------------------------
  async function openConversation(id) {
    if (running) running.controller.abort();
    showList(false);
    conversation = id ? await app.db.conversations.get(id) : null;
    messages = conversation ? await app.db.messages.list(conversation.id) : [];
    const tools = conversation?.tools ?? app.defaultTools();
    calculator.checked = !!tools.calculator;
    datetime.checked = !!tools.datetime;
    if (conversation?.model && app.entry(conversation.model)) picker.value = conversation.model;
    drawMessages();
    await refreshList();
    app.setTitle(conversation?.title);
    input.focus();
  }

  function drawMessages() {
    views.clear();
    fill(log, messages.length ? messages.map((message) => {
      const view = messageView(message, actions);
      views.set(message.id, view);
      return view;
    }) : empty);
    drawTotals();
    log.scrollTop = log.scrollHeight;
  }

  function drawTotals() {
    if (!conversation) return fill(totals);
    fill(totals, `This conversation: ${formatCount(conversation.tokens?.input ?? 0)} in · ` +
      `${formatCount(conversation.tokens?.output ?? 0)} out · ${formatCost(conversation.cost?.picodollars ?? '0')}`);
  }

  function refreshPicker() {
    const entries = app.entries();
    const previous = picker.value;
    const groups = new Map();
    for (const entry of entries) {
      if (!groups.has(entry.group)) groups.set(entry.group, h('optgroup', { label: entry.group }));
      groups.get(entry.group).append(h('option', { value: entry.id }, entry.label + (entry.local ? ' · local' : '')));
    }
    fill(picker, [...groups.values()]);
    if (!entries.length) picker.append(h('option', { value: '' }, 'No model: add one on the Models page'));
    picker.value = entries.some((entry) => entry.id === previous) ? previous
      : entries.some((entry) => entry.id === app.settings.lastModel) ? app.settings.lastModel : entries[0]?.id ?? '';
  }

  async function pickModel(id) {
    await app.db.settings.set('lastModel', id);
    app.settings.lastModel = id;
    if (conversation) await app.db.conversations.update(conversation.id, { model: id });
  }

  async function setTools() {
    const tools = { calculator: calculator.checked, datetime: datetime.checked };
    if (conversation) {
      conversation.tools = tools;
      await app.db.conversations.update(conversation.id, { tools });
    } else {
      await app.db.settings.set('defaultTools', tools);
      app.settings.defaultTools = tools;
    }
  }

  // ---- sending --------------------------------------------------------------------------
  async function submit() {
    const text = input.value.trim();
    if (!text || running) return;
    const entry = app.entry(picker.value);
    if (!entry) return app.toast('Add a model on the Models page first.');
    input.value = '';
    running = { controller: new AbortController(), message: null }; // a second Enter now sends nothing
    try {
      if (!conversation) {
        conversation = await app.db.conversations.create({ title: untitled, model: entry.id,
          tools: { calculator: calculator.checked, datetime: datetime.checked } });
      }
      messages.push(await app.db.messages.append(conversation.id, { role: 'user', content: text, status: 'done' }));
    } catch (error) {
      running = null;
      input.value = text; // not sent: the text stays to send again
      return app.toast(`Not sent: ${error.message}`);
    }
    await answer(entry);
  }

  async function answer(entry) {
    running ??= { controller: new AbortController(), message: null };
    const { controller } = running;
    const message = await app.db.messages.append(conversation.id,
      { role: 'assistant', content: '', status: 'streaming', model: entry.id });
    running.message = message;
    messages.push(message);
    drawMessages();
    stop.hidden = false;
    send.disabled = true;
    log.setAttribute('aria-busy', 'true');
    const view = views.get(message.id);
    let frame = 0;
    const redraw = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        view.update(message);
        if (log.scrollHeight - log.scrollTop - log.clientHeight < 120) log.scrollTop = log.scrollHeight;
      });
    };
    const owner = conversation;
    try {
      await streamAnswer({ db: app.db, entry, context: app.callContext(), history: historyOf(messages.slice(0, -1)),
        tools: owner.tools ?? { calculator: calculator.checked, datetime: datetime.checked }, message,
        signal: controller.signal, onChange: redraw });
    } finally {
      running = null;
      stop.hidden = true;
      send.disabled = false;
      log.removeAttribute('aria-busy');
    }
    cancelAnimationFrame(frame);
    if (conversation !== owner) return; // the user moved on; the message is saved
    conversation = await app.db.conversations.get(owner.id);
    view.update(message);
    drawMessages();
    announce(message.status === 'done' ? 'Answer complete' : message.error ?? `Answer ${message.status}`);
    if (message.status === 'done' && (!conversation.title || conversation.title === untitled)) {
      const question = messages.find((item) => item.role === 'user')?.content ?? '';
      const title = await generateTitle({ entry, context: app.callContext(), question, answer: message.content });
      if (title) {
        await app.db.conversations.update(owner.id, { title });
        if (conversation?.id === owner.id) {
          conversation.title = title;
          app.setTitle(title);
        }
      }
    }
    await refreshList();
  }

  async function regenerate(message) {
    const entry = app.entry(picker.value);
    if (!entry || running) return;
    const index = messages.indexOf(message);
    const before = messages[index - 1];
    if (!before) return;
    await app.db.messages.removeAfter(conversation.id, before.id);
    messages = messages.slice(0, index);
    await answer(entry);
  }

  function editMessage(message) {
    const view = views.get(message.id);
    const area = h('textarea', { class: 'edit-input', rows: '3', aria: { label: 'Edit your message' } });
    area.value = message.content;
    const cancel = () => view.update(message);
    const save = async () => {
      const text = area.value.trim();
      const entry = app.entry(picker.value);
      if (!text || !entry || running) return;
      await app.db.messages.update(message.id, { content: text });
      message.content = text;
      await app.db.messages.removeAfter(conversation.id, message.id);
      messages = messages.slice(0, messages.indexOf(message) + 1);
      drawMessages();
      await answer(entry);
    };
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') cancel();
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); save(); }
    });
    view.querySelector('.body').replaceChildren(area,
      h('div', { class: 'edit-buttons' },
        h('button', { type: 'button', class: 'primary', onclick: save }, 'Save and resend'),
        h('button', { type: 'button', class: 'ghost', onclick: cancel }, 'Cancel')));
    area.focus();
  }

  // Another tab changed something: show it, unless this tab is writing that conversation now.
  async function onOtherTab({ store }) {
    if (store === 'models' || store === 'settings') return;
    await refreshList();
    if (conversation && !running) {
      conversation = await app.db.conversations.get(conversation.id);
      if (!conversation) return openConversation(null);
      messages = await app.db.messages.list(conversation.id);
      drawMessages();
    }
  }

  return {
    element,
    refreshPicker,
    onOtherTab,
    openConversation,
    async show() {
      refreshPicker();
      if (!conversation) {
        const tools = app.defaultTools();
        calculator.checked = !!tools.calculator;
        datetime.checked = !!tools.datetime;
      }
      await refreshList();
      input.focus();
    },
    get busy() { return !!running; },
  };
}
