// The browser chat's data: conversations, messages, the user's models (their keys sealed by
// the vault), settings; export and import; changes made by other tabs. One IndexedDB database
// (`llmux-chat`, see schema.mjs), one BroadcastChannel of the same name.

import { ChangeFeed } from './change-feed.mjs';
import { conversationStore } from './conversations.mjs';
import { messageStore } from './messages.mjs';
import { modelStore } from './models.mjs';
import { defaultDatabaseName, openSchema } from './schema.mjs';
import { settingStore } from './settings.mjs';
import { exportAll, importAll } from './transfer.mjs';
import { openVault } from './vault.mjs';

export { DataError } from './errors.mjs';
export { saveStreamedAnswer } from './streamed-answer.mjs';

/**
 * @typedef {object} ChatDatabase
 * @property {ReturnType<typeof conversationStore>} conversations
 * @property {ReturnType<typeof messageStore>} messages
 * @property {ReturnType<typeof modelStore>} models
 * @property {ReturnType<typeof settingStore>} settings
 * @property {import('./vault.mjs').Vault} vault the key vault (lock, unlock, passphrase)
 * @property {(extra?: { usage?: object[] }) => Promise<object>} exportAll
 * @property {(file: unknown) => Promise<object>} importAll
 * @property {(callback: (change: import('./change-feed.mjs').Change) => void) => () => void} onChange
 *   called when another tab changed something; returns a function that stops it
 * @property {() => void} close
 */

/**
 * Opens (creating it the first time) the chat's database.
 * @param {string} [name]
 * @returns {Promise<ChatDatabase>}
 */
export async function openChatDatabase(name = defaultDatabaseName) {
  const db = await openSchema(name);
  const feed = new ChangeFeed(name);
  // A newer version of the app, open in another tab, needs this connection closed to upgrade.
  db.onversionchange = () => db.close();
  const vault = await openVault(db, { onResealed: (store, ids) => feed.publish(store, ids) });
  const context = { db, feed, vault };
  return {
    conversations: conversationStore(context),
    messages: messageStore(context),
    models: modelStore(context),
    settings: settingStore(context),
    vault,
    async exportAll(extra) {
      return exportAll(db, extra);
    },
    async importAll(file) {
      const result = await importAll(db, file);
      for (const [store, ids] of Object.entries(result.ids)) feed.publish(store, ids);
      return result;
    },
    onChange(callback) {
      return feed.subscribe(callback);
    },
    close() {
      feed.close();
      db.close();
    },
  };
}
