// The directory: one Durable Object for the whole gateway holding who its users are, their
// gateway keys (hashed: gateway-keys.mjs) and the shared models every user may call. Each
// request asks it who a key belongs to; everything else of a user's lives in that user's own
// object (user-account.mjs). Methods the admin API calls answer {value} or {refused}
// (refusal.mjs).

import { DurableObject } from 'cloudflare:workers';
import { createClient } from 'llmux';

import { gatewayConfig } from './config.mjs';
import { sameDigest } from './gateway-keys.mjs';
import { InvalidModelError } from './model-record.mjs';
import { modelTable } from './model-table.mjs';
import { addToCatalog } from './model-template.mjs';
import { Refusal, asAnswer } from './refusal.mjs';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkName(name) {
  if (typeof name !== 'string' || !name || name.length > 200) throw new Refusal(400, 'name must be 1 to 200 characters');
}

function checkTeam(team) {
  if (team !== null && (typeof team !== 'string' || !idPattern.test(team))) throw new Refusal(400, 'team must be null or 1 to 64 letters, digits and . _ -');
}

export class Directory extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS gateway_keys (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, hash TEXT NOT NULL, prefix TEXT NOT NULL,
        label TEXT, created_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS gateway_keys_by_user ON gateway_keys (user_id);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  }

  async #shared() {
    this.sharedModels ??= modelTable(this.sql, 'shared', await gatewayConfig(this.env).vault);
    return this.sharedModels;
  }

  #sharedVersion() {
    return Number(this.sql.exec("SELECT value FROM meta WHERE key = 'shared_version'").toArray()[0]?.value ?? 0);
  }

  #bumpSharedVersion() {
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('shared_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      String(this.#sharedVersion() + 1));
  }

  #user(id) {
    return this.sql.exec('SELECT id, name, team, created_at FROM users WHERE id = ?', id).toArray()[0] ?? null;
  }

  #existingUser(id) {
    const user = this.#user(id);
    if (!user) throw new Refusal(404, `no user ${id}`);
    return user;
  }

  /** The user a key belongs to, by the key's id and hash: {userId, sharedVersion}, or null. */
  authenticate(keyId, hash) {
    const row = this.sql.exec('SELECT user_id, hash FROM gateway_keys WHERE id = ?', keyId).toArray()[0];
    // A hash is compared even when the id is unknown, so that both cases take the same time.
    const matches = sameDigest(row?.hash ?? '0'.repeat(64), hash);
    return row && matches ? { userId: row.user_id, sharedVersion: this.#sharedVersion() } : null;
  }

  // ---- users ---------------------------------------------------------------------------

  createUser({ id, name, team = null } = {}) {
    return asAnswer(() => {
      if (typeof id !== 'string' || !idPattern.test(id)) throw new Refusal(400, 'id must be 1 to 64 letters, digits and . _ -');
      checkName(name);
      checkTeam(team);
      if (this.#user(id)) throw new Refusal(409, `a user ${id} exists`);
      this.sql.exec('INSERT INTO users (id, name, team, created_at) VALUES (?, ?, ?, ?)', id, name, team, new Date().toISOString());
      return this.#user(id);
    });
  }

  getUser(id) {
    return asAnswer(() => this.#existingUser(id));
  }

  listUsers() {
    return this.sql.exec('SELECT id, name, team, created_at FROM users ORDER BY id').toArray();
  }

  updateUser(id, { name, team } = {}) {
    return asAnswer(() => {
      this.#existingUser(id);
      if (name !== undefined) checkName(name);
      if (team !== undefined) checkTeam(team);
      if (name !== undefined) this.sql.exec('UPDATE users SET name = ? WHERE id = ?', name, id);
      if (team !== undefined) this.sql.exec('UPDATE users SET team = ? WHERE id = ?', team, id);
      return this.#user(id);
    });
  }

  /** Removes a user and their keys. */
  removeUser(id) {
    return asAnswer(() => {
      this.#existingUser(id);
      this.sql.exec('DELETE FROM gateway_keys WHERE user_id = ?', id);
      this.sql.exec('DELETE FROM users WHERE id = ?', id);
      return { removed: id };
    });
  }

  // ---- gateway keys ----------------------------------------------------------------------

  /** Stores a key made by the worker: its id, prefix and hash (the key itself never comes here). */
  addKey(userId, { id, prefix, hash, label = null }) {
    return asAnswer(() => {
      this.#existingUser(userId);
      if (label !== null && (typeof label !== 'string' || label.length > 200)) throw new Refusal(400, 'label must be up to 200 characters');
      const createdAt = new Date().toISOString();
      this.sql.exec('INSERT INTO gateway_keys (id, user_id, hash, prefix, label, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        id, userId, hash, prefix, label, createdAt);
      return { id, prefix, label, created_at: createdAt };
    });
  }

  listKeys(userId) {
    return asAnswer(() => {
      this.#existingUser(userId);
      return this.sql.exec('SELECT id, prefix, label, created_at FROM gateway_keys WHERE user_id = ? ORDER BY created_at, id', userId).toArray();
    });
  }

  removeKey(userId, keyId) {
    return asAnswer(() => {
      if (this.sql.exec('DELETE FROM gateway_keys WHERE id = ? AND user_id = ?', keyId, userId).rowsWritten === 0)
        throw new Refusal(404, `user ${userId} has no key ${keyId}`);
      return { removed: keyId };
    });
  }

  // ---- shared models ---------------------------------------------------------------------

  async listShared() {
    return (await this.#shared()).describe('shared');
  }

  async saveShared(input, create) {
    const table = await this.#shared();
    // One save at a time (its key is sealed between its check and its write); a refusal is
    // returned, not thrown, from inside: a throw there would reset the object.
    return this.ctx.blockConcurrencyWhile(() => asAnswer(async () => {
      if (!create && !table.get(input?.name)) throw new Refusal(404, `no shared model ${input?.name}`);
      const saved = await table.save(input, { policy: gatewayConfig(this.env).policy, create, scope: 'shared', check: async (model) => {
        // A catalog of its own, only to check that the package takes the model.
        this.catalog ??= createClient({});
        const problem = await addToCatalog(this.catalog, model);
        if (problem) throw new InvalidModelError(problem);
      } });
      this.#bumpSharedVersion();
      return saved;
    }));
  }

  async removeShared(name) {
    const table = await this.#shared();
    return asAnswer(() => {
      if (!table.remove(name)) throw new Refusal(404, `no shared model ${name}`);
      this.#bumpSharedVersion();
      return { removed: name };
    });
  }

  /** The shared models with their keys opened, for a user's object to call them: {version, models}. */
  async sharedForCalls() {
    const table = await this.#shared();
    const version = this.#sharedVersion();
    const models = [];
    for (const row of table.all()) models.push({ ...row, api_key_sealed: null, key: await table.keyOf(row) });
    return { version, models };
  }

  /** Re-seals the shared models' keys sealed under an old secret; how many. */
  async resealShared() {
    return (await this.#shared()).reseal();
  }
}
