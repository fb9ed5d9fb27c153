// The package's KeyValueStore (wasm/index.d.ts) over a Durable Object's SQLite: the core calls
// it synchronously, and `ctx.storage.sql` is synchronous, so each put is a row written at once
// inside the object's single thread. The ledger's reservations and records therefore see
// every concurrent request of the object in order, and a write is durable before the response
// that follows it leaves (the object's output gate holds responses until writes commit).

/** The store, in table `kv` of `storage` (a DurableObjectStorage with SQL), made if missing. */
export function sqlKeyValueStore(storage) {
  const sql = storage.sql;
  sql.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
  const failure = (error) => ({ error: `Durable Object storage: ${error.message}` });
  return {
    get(key) {
      try {
        const rows = sql.exec('SELECT value FROM kv WHERE key = ?', key).toArray();
        return rows.length ? rows[0].value : undefined;
      } catch (error) {
        return failure(error);
      }
    },
    put(key, value) {
      try {
        sql.exec('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
      } catch (error) {
        return failure(error);
      }
    },
    remove(key) {
      try {
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
