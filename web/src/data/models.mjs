// The user's own models (the seed's llm_models: name, provider, model id, base URL, key,
// enabled, temperature, max tokens, prices). A key is sealed by the vault before it reaches
// IndexedDB and kept only as `sealedKey`; list() and get() say hasKey instead, and key(id)
// opens it only when a call is about to be made.

import { DataError } from './errors.mjs';
import { inTransaction, requestResult } from './idb.mjs';
import { checkId, checkModelFields, checkText } from './validation.mjs';

/**
 * @typedef {object} UserModel
 * @property {string} id
 * @property {string} name
 * @property {string} provider 'openai', 'anthropic', 'ollama', ...
 * @property {string} model the provider's model id
 * @property {string | null} baseUrl
 * @property {boolean} enabled
 * @property {number | null} temperature
 * @property {number | null} maxTokens
 * @property {string | null} inputPrice USD per million input tokens, a decimal text
 * @property {string | null} outputPrice USD per million output tokens
 * @property {number} createdAt
 * @property {number} updatedAt
 * @property {boolean} hasKey whether a key is stored (never the key)
 */

const maxKeyChars = 10000;

/** A stored model as the app sees it: without its sealed key. */
export function publicModel(record) {
  const { sealedKey, ...fields } = record;
  return { ...fields, hasKey: Boolean(sealedKey) };
}

/** @param {{ db: IDBDatabase, feed: import('./change-feed.mjs').ChangeFeed, vault: import('./vault.mjs').Vault }} context */
export function modelStore({ db, feed, vault }) {
  return {
    /** @returns {Promise<UserModel[]>} by name */
    async list() {
      const records = await inTransaction(db, ['models'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('models').getAll()));
      return records.map(publicModel).sort((a, b) => a.name.localeCompare(b.name));
    },

    /** @param {string} id @returns {Promise<UserModel | undefined>} */
    async get(id) {
      const record = await inTransaction(db, ['models'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('models').get(id)));
      return record && publicModel(record);
    },

    /**
     * Adds or changes a model. `apiKey`: a text is sealed and stored, null removes the stored
     * key, absent (or '', a key field left blank in a form) keeps it.
     * @param {Partial<UserModel> & { apiKey?: string | null }} model
     * @returns {Promise<UserModel>}
     */
    async put(model) {
      if (!model || typeof model !== 'object') throw new DataError('invalid', 'a model must be an object');
      const id = model.id === undefined ? crypto.randomUUID() : checkId(model.id, 'a model id');
      const fields = checkModelFields(model);
      let sealedKey;
      if (typeof model.apiKey === 'string' && model.apiKey.length > 0) {
        sealedKey = await vault.encrypt(checkText(model.apiKey, 'a key', maxKeyChars));
      } else if (model.apiKey !== undefined && model.apiKey !== null && model.apiKey !== '') {
        throw new DataError('invalid', 'a key must be a text (or null to remove it)');
      }
      const stored = await inTransaction(db, ['models'], 'readwrite', async (transaction) => {
        const store = transaction.objectStore('models');
        const existing = await requestResult(store.get(id));
        const now = Date.now();
        const record = {
          name: '', provider: '', model: '', baseUrl: null, enabled: true, temperature: null, maxTokens: null,
          inputPrice: null, outputPrice: null, createdAt: now, ...existing, ...fields, id, updatedAt: now,
        };
        if (!record.name || !record.provider || !record.model) throw new DataError('invalid', 'a model needs a name, a provider and a model id');
        if (sealedKey) record.sealedKey = sealedKey;
        else if (model.apiKey === null) delete record.sealedKey;
        store.put(record);
        return record;
      });
      feed.publish('models', [id]);
      return publicModel(stored);
    },

    /**
     * The model's key in clear, or null when it has none: only to make a call with. Fails
     * with vault_locked while a passphrase locks the keys.
     * @param {string} id
     * @returns {Promise<string | null>}
     */
    async key(id) {
      const record = await inTransaction(db, ['models'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('models').get(id)));
      if (!record) throw new DataError('not_found', `no model ${id}`);
      return record.sealedKey ? vault.decrypt(record.sealedKey) : null;
    },

    /** @param {string} id */
    async remove(id) {
      await inTransaction(db, ['models'], 'readwrite', (transaction) => {
        transaction.objectStore('models').delete(id);
      });
      feed.publish('models', [id]);
    },
  };
}
