// Promises over IndexedDB's requests and transactions, the little the data layer needs.
// (The `idb` package does this and more, but it would need a bundler or an import map to load,
// and these modules run in a page as they are.)
//
// Awaiting a request's promise inside a transaction keeps it alive: the promise settles in the
// microtask checkpoint of the request's success event, while the transaction is still active.
// Awaiting anything else (WebCrypto, a timer) lets the transaction commit, so a transaction's
// body awaits only its own requests.

import { DataError } from './errors.mjs';

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function requestResult(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
  });
}

/**
 * Runs `body(transaction)` in a new transaction over `storeNames`, and resolves to its result
 * once the transaction has committed (for a write, once it is durable: 'strict' durability
 * has the browser flush it to disk before `complete`). The transaction is created before this
 * function returns, so a call made from a `pagehide` handler is already queued when the page
 * goes away. A body that throws aborts the transaction and nothing of it is written.
 *
 * @template T
 * @param {IDBDatabase} db
 * @param {string[]} storeNames
 * @param {'readonly'|'readwrite'} mode
 * @param {(transaction: IDBTransaction) => Promise<T> | T} body
 * @returns {Promise<T>}
 */
export async function inTransaction(db, storeNames, mode, body) {
  let transaction;
  try {
    transaction = db.transaction(storeNames, mode, mode === 'readwrite' ? { durability: 'strict' } : undefined);
  } catch (error) {
    throw storageError(error); // closed: another tab upgraded the database, or close() was called
  }
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(undefined);
    transaction.onabort = () => reject(storageError(transaction.error));
  });
  done.catch(() => {}); // when the body fails, its own error is the one reported
  let result;
  try {
    result = await body(transaction);
  } catch (error) {
    try {
      transaction.abort();
    } catch {
      // already aborted by the failed request
    }
    throw error;
  }
  await done;
  return result;
}

/** The records of `index` (or a store) within `range`, in key order or reversed. */
export function cursorValues(source, range, direction = 'next') {
  return new Promise((resolve, reject) => {
    const values = [];
    const request = source.openCursor(range, direction);
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve(values);
      values.push(cursor.value);
      cursor.continue();
    };
    request.onerror = () => reject(storageError(request.error));
  });
}

/** The first record of `source` within `range` in `direction`, or undefined. */
export function firstValue(source, range, direction = 'next') {
  return requestResult(source.openCursor(range, direction)).then((cursor) => cursor?.value);
}

/**
 * Opens (and creates or upgrades) database `name` at `version`; `upgrade(db, oldVersion,
 * transaction)` makes the stores. Another tab holding an older version is asked to close
 * (its `versionchange` handler does).
 */
export function openIndexedDb(name, version, upgrade) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageError(request.error));
    request.onblocked = () => {
      // Resolves once the other tab closes its connection; nothing to do but wait.
    };
  });
}

function storageError(cause) {
  if (cause instanceof DataError) return cause;
  const error = new DataError('storage', `IndexedDB failed: ${cause?.name ?? 'unknown error'}${cause?.message ? `: ${cause.message}` : ''}`);
  error.cause = cause;
  return error;
}
