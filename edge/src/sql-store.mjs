// The package's KeyValueStore (wasm/index.d.ts) over a Durable Object's SQLite: the core calls
// it synchronously, and `ctx.storage.sql` is synchronous, so each put is a row written at once
// inside the object's single thread. The ledger's reservations and records therefore see
// every concurrent request of the object in order, and a write is durable before the response
// that follows it leaves (the object's output gate holds responses until writes commit).
//
// A value that grows by append (the ledger's day files: the core appends each call's record to
// its day) is kept as its first value plus the parts added since, one row each: a record
// costs one short row, not a rewrite of the day, and a busy day never meets the 2 MB a row
// may hold on Cloudflare. A put replaces the value and its parts.

/** The store, in tables `kv` and `kv_parts` of `storage` (a DurableObjectStorage with SQL), made if missing. */
export function sqlKeyValueStore(storage) {
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS kv_parts (key TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, seq)) WITHOUT ROWID`);
  const failure = (error) => ({ error: `Durable Object storage: ${error.message}` });
  const put = (key, value) => {
    sql.exec('DELETE FROM kv_parts WHERE key = ?', key);
    sql.exec('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  };

  return {
    get(key) {
      try {
        // The value then its parts in order: one query, whether the value has parts or not.
        const rows = sql.exec(`SELECT value FROM (SELECT 0 AS seq, value FROM kv WHERE key = ?1
          UNION ALL SELECT seq, value FROM kv_parts WHERE key = ?1) ORDER BY seq`, key).toArray();
        return rows.length ? rows.map((row) => row.value).join('') : undefined;
      } catch (error) {
        return failure(error);
      }
    },
    put(key, value) {
      try {
        put(key, value);
      } catch (error) {
        return failure(error);
      }
    },
    append(key, value) {
      try {
        if (!sql.exec('SELECT 1 FROM kv WHERE key = ?', key).toArray().length) return put(key, value);
        sql.exec('INSERT INTO kv_parts (key, seq, value) SELECT ?1, coalesce(max(seq), 0) + 1, ?2 FROM kv_parts WHERE key = ?1', key, value);
      } catch (error) {
        return failure(error);
      }
    },
    remove(key) {
      try {
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
