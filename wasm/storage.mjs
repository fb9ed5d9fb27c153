// Where a client keeps its ledger, its response cache and its user models: the stores behind
// createClient's `storage` option, as the core's KeyValueStore sees them (wasm/js_store.cpp).
//
// The core calls a store synchronously, so every store here holds its values in memory and
// persists them in the background. None of them throws into Wasm: a failure is returned as
// {error: message}, which the core turns into a `storage` error.

const database = 'llmux';
const table = 'store';

// A promise of what an IndexedDB request gives.
const settled = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/**
 * A store in IndexedDB (browsers, and workers that have it): every key and value is read once
 * when the client starts; each put or remove is then applied in memory at once and written
 * in its own IndexedDB transaction, in order, so that what was written survives a reload.
 * flush() resolves once every write so far is durable.
 */
export async function openIndexedDbStore(name = database) {
  const indexedDB = globalThis.indexedDB;
  if (!indexedDB) throw new TypeError('llmux createClient: storage "indexeddb" needs IndexedDB (a browser)');
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(table);
  const db = await settled(opening);
  const values = new Map();
  const [keys, all] = await Promise.all([
    settled(db.transaction(table).objectStore(table).getAllKeys()),
    settled(db.transaction(table).objectStore(table).getAll()),
  ]);
  keys.forEach((key, i) => values.set(key, all[i]));

  let failure = null; // the first write that failed: later writes report it
  const writes = new Set();
  const write = (apply) => {
    const transaction = db.transaction(table, 'readwrite');
    apply(transaction.objectStore(table));
    const done = new Promise((resolve) => {
      transaction.oncomplete = resolve;
      transaction.onerror = transaction.onabort = () => {
        failure ??= `IndexedDB: ${transaction.error?.message ?? 'the write failed'}`;
        resolve();
      };
    });
    writes.add(done);
    done.then(() => writes.delete(done));
  };

  return {
    get: (key) => values.get(key),
    // IndexedDB has no append: the joined value is written, in the background.
    append(key, value) {
      return this.put(key, (values.get(key) ?? '') + value);
    },
    put(key, value) {
      if (failure) return { error: failure };
      try {
        write((store) => store.put(value, key));
      } catch (error) {
        return { error: `IndexedDB: ${error.message}` };
      }
      values.set(key, value);
    },
    remove(key) {
      if (!values.has(key)) return false;
      try {
        write((store) => store.delete(key));
      } catch (error) {
        return { error: `IndexedDB: ${error.message}` };
      }
      values.delete(key);
      return true;
    },
    list: (prefix) => [...values.keys()].filter((key) => key.startsWith(prefix)).sort(),
    async flush() {
      while (writes.size) await Promise.all(writes);
      if (failure) throw new Error(`llmux: ${failure}`);
    },
    close: () => db.close(),
  };
}

/**
 * A store the caller wrote: {get(key), put(key, value), remove(key), list(prefix)}, all
 * synchronous, and append(key, value) if it has one (otherwise an append gets the value and
 * puts it back joined); whatever it throws becomes a storage error instead of unwinding the
 * Wasm frames that called it.
 */
export function guardStore(store) {
  for (const method of ['get', 'put', 'remove', 'list'])
    if (typeof store[method] !== 'function')
      throw new TypeError(`llmux createClient: a storage object needs a ${method}() method`);
  const guard = (method, otherwise) => (...args) => {
    try {
      return store[method] ? store[method](...args) : otherwise(...args);
    } catch (error) {
      return { error: String(error?.message ?? error) };
    }
  };
  return {
    get: guard('get'),
    put: guard('put'),
    append: guard('append', (key, value) => {
      const old = store.get(key);
      return old?.error !== undefined ? old : store.put(key, (old ?? '') + value);
    }),
    remove: guard('remove'),
    list: guard('list'),
    flush: async () => store.flush?.(),
    close: () => store.close?.(),
  };
}
