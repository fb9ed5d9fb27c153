// The `models` table of a Durable Object's SQLite: a user's own models in their object, the
// shared ones in the directory. Provider keys are stored sealed (key-vault.mjs), bound to the
// table's owner and the model's name, and re-sealed under the current secret when read under
// an old one, so that rotating the secret needs no downtime.

import { checkModel, describeModel } from './model-record.mjs';
import { Refusal } from './refusal.mjs';

const jsonColumns = ['defaults', 'prices', 'features'];

/** The table in `sql` (made if missing), owned by `owner` ("user:alice" or "shared"). */
export function modelTable(sql, owner, vault) {
  sql.exec(`CREATE TABLE IF NOT EXISTS models (
    name TEXT PRIMARY KEY, provider TEXT NOT NULL, model_id TEXT NOT NULL, base_url TEXT, api_key_sealed TEXT,
    enabled INTEGER NOT NULL, defaults TEXT NOT NULL, prices TEXT, context INTEGER, max_output INTEGER, features TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
  const context = (name) => `${owner}/model/${name}`;
  const fromRow = (row) => {
    const model = { ...row, enabled: row.enabled === 1 };
    for (const column of jsonColumns) model[column] = row[column] === null ? null : JSON.parse(row[column]);
    return model;
  };
  const read = (name) => {
    const rows = sql.exec('SELECT * FROM models WHERE name = ?', name).toArray();
    return rows.length ? fromRow(rows[0]) : null;
  };

  return {
    /** Every row, by name. */
    all: () => sql.exec('SELECT * FROM models ORDER BY name').toArray().map(fromRow),
    get: read,
    /** What the admin API shows: every row, without keys. */
    describe: (scope) => sql.exec('SELECT * FROM models ORDER BY name').toArray().map((row) => describeModel(fromRow(row), scope)),

    /**
     * Adds (`create`) or changes a model; throws a Refusal (InvalidModelError for a bad field).
     * `check(model)` may refuse the checked row before it is written. Returns its description.
     */
    async save(input, { policy, create, scope, check }) {
      const existing = create ? null : read(input?.name);
      if (create && input && read(input.name)) throw new Refusal(409, `a model named ${input.name} exists: change it with PATCH`);
      const model = checkModel(input, existing, policy);
      await check(model);
      let sealed = existing?.api_key_sealed ?? null;
      if (model.api_key === null) sealed = null;
      else if (model.api_key !== undefined) sealed = await vault.seal(model.api_key, context(model.name));
      const now = new Date().toISOString();
      sql.exec(`INSERT INTO models (name, provider, model_id, base_url, api_key_sealed, enabled, defaults, prices, context,
          max_output, features, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET provider = excluded.provider, model_id = excluded.model_id, base_url = excluded.base_url,
          api_key_sealed = excluded.api_key_sealed, enabled = excluded.enabled, defaults = excluded.defaults,
          prices = excluded.prices, context = excluded.context, max_output = excluded.max_output, features = excluded.features,
          updated_at = excluded.updated_at`,
      model.name, model.provider, model.model_id, model.base_url, sealed, model.enabled ? 1 : 0, JSON.stringify(model.defaults),
      model.prices && JSON.stringify(model.prices), model.context, model.max_output, model.features && JSON.stringify(model.features),
      existing?.created_at ?? now, now);
      return describeModel(read(model.name), scope);
    },

    /** Removes a model; whether it was there. */
    remove: (name) => sql.exec('DELETE FROM models WHERE name = ?', name).rowsWritten > 0,

    /** A row's provider key, opened (re-sealed under the current secret if an old one sealed it); null when it has none. */
    async keyOf(row) {
      if (!row.api_key_sealed) return null;
      const key = await vault.open(row.api_key_sealed, context(row.name));
      if (vault.secretIdOf(row.api_key_sealed) !== vault.currentId) {
        const resealed = await vault.seal(key, context(row.name));
        sql.exec('UPDATE models SET api_key_sealed = ? WHERE name = ? AND api_key_sealed = ?', resealed, row.name, row.api_key_sealed);
      }
      return key;
    },

    /** Re-seals every key sealed under an old secret; how many it re-sealed. */
    async reseal() {
      let count = 0;
      for (const row of sql.exec('SELECT * FROM models WHERE api_key_sealed IS NOT NULL').toArray()) {
        if (vault.secretIdOf(row.api_key_sealed) === vault.currentId) continue;
        await this.keyOf(row);
        count++;
      }
      return count;
    },
  };
}
