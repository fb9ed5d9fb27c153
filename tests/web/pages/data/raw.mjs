// Reads everything the origin stores, raw: every IndexedDB database, store and record (keys
// and values), localStorage and sessionStorage, as one text. Binary values are spelled out
// byte by byte (as Latin-1 and as UTF-8 text) and CryptoKeys by their properties, so that a
// secret held in any form a store can keep shows in the text.

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function spelled(key, value) {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { bytesLatin1: String.fromCharCode(...bytes), bytesUtf8: new TextDecoder().decode(bytes) };
  }
  if (value instanceof CryptoKey) {
    return { cryptoKey: { type: value.type, extractable: value.extractable, algorithm: value.algorithm, usages: value.usages } };
  }
  return value;
}

export async function rawContents() {
  const records = [];
  for (const { name } of await indexedDB.databases()) {
    const db = await result(indexedDB.open(name));
    for (const storeName of db.objectStoreNames) {
      const store = db.transaction(storeName).objectStore(storeName);
      const [keys, values] = await Promise.all([result(store.getAllKeys()), result(store.getAll())]);
      records.push({ database: name, store: storeName, keys, values });
    }
    db.close();
  }
  records.push({ localStorage: { ...localStorage }, sessionStorage: { ...sessionStorage } });
  return JSON.stringify(records, spelled);
}

/** One record as IndexedDB holds it (CryptoKeys and binary values as they are). */
export async function storedRecord(database, store, key) {
  const db = await result(indexedDB.open(database));
  try {
    return await result(db.transaction(store).objectStore(store).get(key));
  } finally {
    db.close();
  }
}
