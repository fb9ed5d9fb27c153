// The package's KeyValueStore (wasm/index.d.ts) over a Durable Object's SQLite: the core calls
// it synchronously, and `ctx.storage.sql` is synchronous, so each put is a row written at once
// inside the object's single thread. The ledger's reservations and records therefore see
// every concurrent request of the object in order, and a write is durable before the response
// that follows it leaves (the object's output gate holds responses until writes commit).
//
// Append-only files (keys ending in .jsonl: the ledger's day files, which the core writes whole
// again with each new record) are kept as their first value plus the parts added since, one
// row each: a record costs one short row, not a rewrite of the day, and a busy day never meets
// the 2 MB a row may hold on Cloudflare.

const appendable = (key) => key.endsWith('.jsonl');

/** The store, in tables `kv` and `kv_parts` of `storage` (a DurableObjectStorage with SQL), made if missing. */
export function sqlKeyValueStore(storage) {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS kv_parts (key TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID`);
  const failure = (error) => ({ error: `Durable Object storage: ${error.message}` });
  const files = new Map(); // an append-only key's whole value and its parts' count, as last read or written

  const read = (key) => {
    const rows = sql.exec('SELECT value FROM kv WHERE key = ?', key).toArray();
    if (!rows.length) return undefined;
    if (!appendable(key)) return rows[0].value;
    let value = rows[0].value;
    let parts = 0;
    for (const part of sql.exec('SELECT value FROM kv_parts WHERE key = ? ORDER BY seq', key)) {
      value += part.value;
      parts++;
    }
    files.set(key, { value, parts });
    return value;
  };

  return {
    get(key) {
      try {
        return appendable(key) && files.has(key) ? files.get(key).value : read(key);
      } catch (error) {
        return failure(error);
      }
    },
    put(key, value) {
      try {
        if (appendable(key)) {
          const file = files.get(key) ?? (read(key) === undefined ? null : files.get(key));
          if (file && value.length > file.value.length && value.startsWith(file.value)) {
            sql.exec('INSERT INTO kv_parts (key, seq, value) VALUES (?, ?, ?)', key, file.parts + 1, value.slice(file.value.length));
            files.set(key, { value, parts: file.parts + 1 });
            return;
          }
          sql.exec('DELETE FROM kv_parts WHERE key = ?', key);
          files.set(key, { value, parts: 0 });
        }
        sql.exec('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
      } catch (error) {
        files.delete(key); // read again from what was committed
        return failure(error);
      }
    },
    remove(key) {
      try {
        files.delete(key);
        sql.exec('DELETE FROM kv_parts WHERE key = ?', key);
        return sql.exec('DELETE FROM kv WHERE key = ?', key).rowsWritten > 0;
      } catch (error) {
        return failure(error);
      }
    },
    list(prefix) {
      // Keys are compared as bytes (SQLite's BINARY collation); the range starts at the prefix
      // and the loop stops at the first key past it.
      try {
        const keys = [];
        for (const { key } of sql.exec('SELECT key FROM kv WHERE key >= ? ORDER BY key', prefix)) {
          if (!key.startsWith(prefix)) break;
          keys.push(key);
        }
        return keys;
      } catch (error) {
        return failure(error);
      }
    },
    flush: () => storage.sync?.() ?? Promise.resolve(),
  };
}
