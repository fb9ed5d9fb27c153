// The app's settings by name (budget, gateway URL, theme, demo flags): JSON values.

import { inTransaction, requestResult } from './idb.mjs';
import { checkId, checkSettingValue } from './validation.mjs';

/** @param {{ db: IDBDatabase, feed: import('./change-feed.mjs').ChangeFeed }} context */
export function settingStore({ db, feed }) {
  return {
    /** @param {string} name @returns {Promise<unknown>} the value, or undefined when unset */
    async get(name) {
      const record = await inTransaction(db, ['settings'], 'readonly', (transaction) =>
        requestResult(transaction.objectStore('settings').get(name)));
      return record?.value;
    },

    /** @param {string} name @param {unknown} value JSON data; undefined removes the setting */
    async set(name, value) {
      checkId(name, 'a setting name');
      const checked = value === undefined ? undefined : checkSettingValue(value);
      await inTransaction(db, ['settings'], 'readwrite', (transaction) => {
        const store = transaction.objectStore('settings');
        if (checked === undefined) store.delete(name);
        else store.put({ name, value: checked });
      });
      feed.publish('settings', [name]);
    },
  };
}
