// The browser chat: one static page on the npm package. This file starts it: opens the data
// layer (web/src/data), reads config.json (what web/serve.mjs offers: the demo model, keys the
// user chose to pass), reads the package's catalog, and switches between the three pages
// (#chat, #models, #usage). Nothing here talks to a server of ours: calls go from the page to
// the providers (or a gateway the user set).
import { openChatDatabase } from './data/database.mjs';
import { h } from './ui/dom.mjs';
import { createChatView } from './ui/chat-view.mjs';
import { createModelsView } from './ui/models-view.mjs';
import { createUsageView } from './ui/usage-view.mjs';
import { ledgerClient, pickerEntries } from './chat/models.mjs';

/**
 * @typedef {object} App What the pages share.
 * @property {Awaited<ReturnType<typeof openChatDatabase>>} db
 * @property {object[]} userModels  the data layer's models (keys never in clear)
 * @property {Record<string, any>} settings
 */

// config.json: {demo: {baseUrl}, envKeys}. Keys of the server's environment come from
// env-keys.json, only when web/serve.mjs was told to offer them (--offer-env-keys); they live
// in this page's memory (never stored) and the service worker does not cache them.
async function readConfig() {
  const read = async (path) => {
    try {
      const response = await fetch(path, { cache: 'no-store' });
      return response.ok ? await response.json() : {};
    } catch {
      return {}; // offline, or served without one
    }
  };
  const config = await read('./config.json');
  if (config.envKeys) config.settings = await read('./env-keys.json');
  return config;
}

function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const toggle = document.getElementById('theme-toggle');
  const dark = theme === 'dark' || (theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  toggle.setAttribute('aria-pressed', String(dark));
  toggle.textContent = dark ? '☀ Light' : '☾ Dark';
}

function showNetworkState() {
  document.getElementById('network-state').hidden = navigator.onLine;
}

async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('./sw.mjs', { type: 'module' });
  } catch (error) {
    console.warn('the offline cache is not available:', error.message);
  }
}

async function main() {
  const [config, db] = await Promise.all([readConfig(), openChatDatabase()]);
  const settings = {};
  for (const name of ['theme', 'lastModel', 'defaultTools', 'gatewayUrl']) settings[name] = await db.settings.get(name);
  applyTheme(settings.theme);

  const catalogClient = ledgerClient();
  const catalog = await catalogClient.models();
  await catalogClient.close();

  /** @type {App} */
  const app = {
    db, config, settings, catalog, userModels: await db.models.list(),
    entries: () => pickerEntries({ catalog, userModels: app.userModels, config }),
    entry: (id) => app.entries().find((entry) => entry.id === id),
    labelOf: (id) => app.entries().find((entry) => entry.id === id)?.label ?? catalog.find((model) => model.id === id)?.name ?? id,
    defaultTools: () => settings.defaultTools ?? { calculator: true, datetime: true },
    callContext: () => ({ db, config, userModels: app.userModels, gatewayUrl: settings.gatewayUrl }),
    async reloadModels() {
      app.userModels = await db.models.list();
      chat.refreshPicker();
      models.refresh();
    },
    setTitle: (title) => { document.title = title ? `${title} · llmux chat` : 'llmux chat'; },
    toast(text) {
      const toast = document.getElementById('toast');
      toast.textContent = text;
      toast.hidden = false;
      clearTimeout(toast.timer);
      toast.timer = setTimeout(() => { toast.hidden = true; }, 5000);
    },
  };

  const chat = createChatView(app);
  const models = createModelsView(app);
  const usage = createUsageView(app);
  const pages = { chat, models, usage };
  const outlet = document.getElementById('page');

  async function route() {
    const name = location.hash.slice(1) in pages ? location.hash.slice(1) : 'chat';
    for (const link of document.querySelectorAll('.main-nav a'))
      link.setAttribute('aria-current', link.getAttribute('href') === `#${name}` ? 'page' : 'false');
    outlet.replaceChildren(pages[name].element);
    outlet.dataset.page = name;
    await pages[name].show();
  }
  addEventListener('hashchange', route);

  document.getElementById('theme-toggle').addEventListener('click', async () => {
    const dark = document.getElementById('theme-toggle').getAttribute('aria-pressed') === 'true';
    settings.theme = dark ? 'light' : 'dark';
    applyTheme(settings.theme);
    await db.settings.set('theme', settings.theme);
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(settings.theme));
  addEventListener('online', showNetworkState);
  addEventListener('offline', showNetworkState);
  showNetworkState();

  db.onChange(async (change) => {
    if (change.store === 'models') await app.reloadModels();
    else if (change.store === 'settings') Object.assign(settings, { gatewayUrl: await db.settings.get('gatewayUrl') });
    else await chat.onOtherTab(change);
  });

  chat.refreshPicker();
  await route();
  registerServiceWorker();
  globalThis.llmuxChat = app; // for the browser tests and the curious
  performance.mark('llmux-chat-ready'); // the composer takes input from here (bench/web measures it)
  document.documentElement.dataset.ready = 'true';
}

main().catch((error) => {
  document.getElementById('page').replaceChildren(h('div', { class: 'card error', role: 'alert' },
    h('h2', {}, 'The chat could not start'), h('p', {}, String(error?.message ?? error))));
  throw error;
});
