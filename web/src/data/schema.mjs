// The `llmux-chat` IndexedDB database: its stores, indexes and version. The package's own
// ledger, cache and user models of the client live in its `llmux` database (storage:
// 'indexeddb'); nothing here duplicates them.
//
//   conversations  keyPath id; index updatedAt (the list, newest first)
//   messages       keyPath id; index conversationSeq [conversationId, seq] (a conversation's
//                  messages in order, and its highest seq when appending)
//   models         keyPath id; the user's models, each key only as `sealedKey` (the vault's
//                  {iv, data, keyId})
//   settings       keyPath name; {name, value}
//   vault          keyPath name; the record 'dataKey' (see vault.mjs)

import { openIndexedDb } from './idb.mjs';

export const defaultDatabaseName = 'llmux-chat';
export const schemaVersion = 1;

export const storeNames = /** @type {const} */ (['conversations', 'messages', 'models', 'settings', 'vault']);

/** Where sealed values live, so that the vault can seal them again under a new key. */
export const sealedFields = /** @type {const} */ ([{ store: 'models', field: 'sealedKey' }]);

/** Opens database `name`, creating its stores the first time. */
export function openSchema(name) {
  return openIndexedDb(name, schemaVersion, (db, oldVersion) => {
    if (oldVersion < 1) {
      db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      db.createObjectStore('messages', { keyPath: 'id' }).createIndex('conversationSeq', ['conversationId', 'seq']);
      db.createObjectStore('models', { keyPath: 'id' });
      db.createObjectStore('settings', { keyPath: 'name' });
      db.createObjectStore('vault', { keyPath: 'name' });
    }
  });
}

/** The key range of one conversation's messages in the conversationSeq index. */
export function conversationMessages(conversationId) {
  return IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]);
}
