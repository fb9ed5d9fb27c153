// The key vault: provider keys are stored only sealed with AES-GCM under one data key.
//
// Theory of operation. The data key lives in the `vault` store as the record 'dataKey', in
// one of two forms:
//   device      {kind: 'device', keyId, key}: a CryptoKey made non-extractable by
//               generateKey and stored as it is (IndexedDB keeps CryptoKeys by structured
//               clone). Script can use it but never read its bytes, in this page or any other.
//   passphrase  {kind: 'passphrase', keyId, salt, iterations, wrapped}: the key's bytes
//               wrapped (AES-KW) under a key derived from the passphrase (PBKDF2, SHA-256,
//               600,000 iterations, a random 16-byte salt). The key is generated extractable
//               only to be wrapped, then dropped; unlock() unwraps it as non-extractable and
//               keeps it in this page's memory until lock() or the page goes away.
// Changing the form (setting, changing or removing the passphrase) makes a new data key and
// seals every sealed value again in the same transaction that stores the new record, so a
// sealed value always opens with the stored key. keyId names the key; another tab that
// changed it is noticed on the next encrypt or decrypt, which reads the record first.
//
// Nothing here puts a key, a passphrase or a plaintext in an error message or the console.

import { DataError } from './errors.mjs';
import { inTransaction, requestResult } from './idb.mjs';
import { sealedFields } from './schema.mjs';

const recordName = 'dataKey';
const passphraseIterations = 600000; // OWASP's figure for PBKDF2-HMAC-SHA256 (2023)
const dataKeyAlgorithm = { name: 'AES-GCM', length: 256 };
const ivBytes = 12; // AES-GCM's 96-bit nonce, fresh for every seal

/**
 * @typedef {{ iv: Uint8Array, data: ArrayBuffer, keyId: string }} Sealed
 * @typedef {object} Vault
 * @property {(text: string) => Promise<Sealed>} encrypt
 * @property {(sealed: Sealed) => Promise<string>} decrypt
 * @property {boolean} locked true while a passphrase protects the key and unlock() was not called
 * @property {boolean} hasPassphrase
 * @property {(passphrase: string | null) => Promise<void>} setPassphrase
 * @property {(passphrase: string) => Promise<boolean>} unlock
 * @property {() => void} lock
 */

/**
 * Opens the vault kept in `db` (the `llmux-chat` IDBDatabase, or a ChatDatabase: its own
 * vault), making the device key the first time.
 * @param {IDBDatabase | { vault: Vault }} db
 * @param {{ onResealed?: (store: string, ids: string[]) => void }} [options] told which sealed
 *   records a passphrase change rewrote (the ChatDatabase tells the other tabs)
 * @returns {Promise<Vault>}
 */
export async function openVault(db, { onResealed } = {}) {
  if (!(db instanceof IDBDatabase)) return db.vault;
  const vault = new KeyVault(db, onResealed);
  await vault.load();
  return vault;
}

class KeyVault {
  constructor(db, onResealed) {
    this.db = db;
    this.onResealed = onResealed ?? (() => {});
    this.record = undefined;
    /** @type {CryptoKey | undefined} the usable data key; absent while locked */
    this.key = undefined;
  }

  get locked() {
    return this.key === undefined;
  }

  get hasPassphrase() {
    return this.record?.kind === 'passphrase';
  }

  /** Reads the stored record, storing a new device key when there is none. */
  async load() {
    let record = await this.storedRecord();
    if (!record) {
      const candidate = { name: recordName, kind: 'device', keyId: crypto.randomUUID(), key: await newDeviceKey() };
      // Two tabs opening at once: the first record written wins, the other tab reads it.
      record = await inTransaction(this.db, ['vault'], 'readwrite', async (transaction) => {
        const store = transaction.objectStore('vault');
        const existing = await requestResult(store.get(recordName));
        if (existing) return existing;
        store.put(candidate);
        return candidate;
      });
    }
    this.adopt(record);
  }

  adopt(record) {
    if (record.keyId === this.record?.keyId) return;
    this.record = record;
    this.key = record.kind === 'device' ? record.key : undefined;
  }

  storedRecord() {
    return inTransaction(this.db, ['vault'], 'readonly', (transaction) =>
      requestResult(transaction.objectStore('vault').get(recordName)));
  }

  /** The key to use now: the stored one (another tab may have changed it), unless locked. */
  async currentKey() {
    this.adopt(await this.storedRecord());
    if (this.locked) throw new DataError('vault_locked', 'the key vault is locked: unlock it with its passphrase');
    return this.key;
  }

  /** @param {string} text @returns {Promise<Sealed>} */
  async encrypt(text) {
    if (typeof text !== 'string') throw new DataError('invalid', 'only text can be sealed');
    const key = await this.currentKey();
    return seal(key, this.record.keyId, text);
  }

  /** @param {Sealed} sealed @returns {Promise<string>} */
  async decrypt(sealed) {
    const key = await this.currentKey();
    if (sealed?.keyId !== undefined && sealed.keyId !== this.record.keyId)
      throw new DataError('vault_failed', 'this value was sealed under another key');
    return open(key, sealed);
  }

  /** @param {string} passphrase @returns {Promise<boolean>} false for a wrong passphrase */
  async unlock(passphrase) {
    this.adopt(await this.storedRecord());
    if (this.record.kind !== 'passphrase') return true;
    try {
      const wrappingKey = await deriveWrappingKey(passphrase, this.record.salt, this.record.iterations);
      this.key = await unwrapDataKey(this.record.wrapped, wrappingKey);
      return true;
    } catch {
      return false; // AES-KW's integrity check failed: not the passphrase that wrapped it
    }
  }

  lock() {
    if (this.record?.kind === 'passphrase') this.key = undefined;
  }

  /**
   * Protects the keys with `passphrase`, or with none (null): the data key is replaced and
   * every sealed value sealed again under the new one. The vault must be unlocked.
   * @param {string | null} passphrase
   */
  async setPassphrase(passphrase) {
    if (passphrase !== null && (typeof passphrase !== 'string' || passphrase.length === 0))
      throw new DataError('invalid', 'a passphrase is a non-empty text (or null to remove it)');
    const oldKey = await this.currentKey();
    const oldRecord = this.record;
    const { record, key } = passphrase === null ? await newDeviceRecord() : await newPassphraseRecord(passphrase);
    // WebCrypto cannot run inside a transaction, so the values are opened and sealed again
    // first; the transaction then writes them only if no one changed them meanwhile.
    let resealed;
    for (let attempt = 0; ; attempt++) {
      const sealedNow = await this.readSealed();
      resealed = [];
      for (const { store, field, id, sealed } of sealedNow) {
        resealed.push({ store, field, id, after: await seal(key, record.keyId, await open(oldKey, sealed)) });
      }
      const written = await inTransaction(this.db, ['vault', ...sealedStores()], 'readwrite', async (transaction) => {
        const current = await requestResult(transaction.objectStore('vault').get(recordName));
        if (current?.keyId !== oldRecord.keyId) throw new DataError('vault_failed', 'the key vault was changed in another tab: try again');
        if (!sameSealed(await readSealedIn(transaction), sealedNow)) return false;
        for (const { store, field, id, after } of resealed) {
          const value = await requestResult(transaction.objectStore(store).get(id));
          transaction.objectStore(store).put({ ...value, [field]: after });
        }
        transaction.objectStore('vault').put(record);
        return true;
      });
      if (written) break;
      if (attempt >= 3) throw new DataError('vault_failed', 'keys kept changing while the vault was being rekeyed: try again');
    }
    this.record = record;
    this.key = key;
    for (const store of sealedStores()) {
      this.onResealed(store, resealed.filter((value) => value.store === store).map((value) => value.id));
    }
    this.onResealed('vault', [recordName]);
  }

  readSealed() {
    return inTransaction(this.db, sealedStores(), 'readonly', readSealedIn);
  }
}

function sealedStores() {
  return [...new Set(sealedFields.map((sealed) => sealed.store))];
}

/** Every sealed value of the database: {store, field, id, sealed}. */
async function readSealedIn(transaction) {
  const found = [];
  for (const { store, field } of sealedFields) {
    for (const value of await requestResult(transaction.objectStore(store).getAll())) {
      if (value[field]) found.push({ store, field, id: value.id, sealed: value[field] });
    }
  }
  return found;
}

function sameSealed(a, b) {
  const ivText = (iv) => Array.from(new Uint8Array(iv.buffer ?? iv)).join(',');
  return a.length === b.length && a.every((item, i) =>
    item.store === b[i].store && item.id === b[i].id && ivText(item.sealed.iv) === ivText(b[i].sealed.iv));
}

function newDeviceKey() {
  return crypto.subtle.generateKey(dataKeyAlgorithm, false, ['encrypt', 'decrypt']);
}

async function newDeviceRecord() {
  const key = await newDeviceKey();
  return { key, record: { name: recordName, kind: 'device', keyId: crypto.randomUUID(), key } };
}

async function newPassphraseRecord(passphrase) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const wrappingKey = await deriveWrappingKey(passphrase, salt, passphraseIterations);
  const exportable = await crypto.subtle.generateKey(dataKeyAlgorithm, true, ['encrypt', 'decrypt']);
  const wrapped = await crypto.subtle.wrapKey('raw', exportable, wrappingKey, 'AES-KW');
  const key = await unwrapDataKey(wrapped, wrappingKey);
  return {
    key,
    record: { name: recordName, kind: 'passphrase', keyId: crypto.randomUUID(), salt, iterations: passphraseIterations, wrapped },
  };
}

async function deriveWrappingKey(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

function unwrapDataKey(wrapped, wrappingKey) {
  return crypto.subtle.unwrapKey('raw', wrapped, wrappingKey, 'AES-KW', dataKeyAlgorithm, false, ['encrypt', 'decrypt']);
}

async function seal(key, keyId, text) {
  const iv = crypto.getRandomValues(new Uint8Array(ivBytes));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
  return { iv, data, keyId };
}

async function open(key, sealed) {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.data);
    return new TextDecoder().decode(plain);
  } catch {
    throw new DataError('vault_failed', 'a sealed key could not be opened (damaged, or sealed under another key)');
  }
}
