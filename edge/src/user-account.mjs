// A user's Durable Object: their models (the product's llm_models rows, keys sealed), their
// budget and their ledger, and the client their calls run through. The object is single-
// threaded and its SQLite synchronous, so the package's ledger runs inside it as it runs in
// one process: every concurrent call of the user reserves its worst-case cost before it is
// sent and settles what it spent, in order, and nothing a call records is lost (a write is
// durable before the response after it leaves). One client per object, made on first use
// and kept across requests; models reach it through addModels when they change.

import { DurableObject } from 'cloudflare:workers';
import { createClient } from 'llmux';

import { serveChat } from './chat.mjs';
import { gatewayConfig } from './config.mjs';
import { InvalidModelError } from './model-record.mjs';
import { modelTable } from './model-table.mjs';
import { addToCatalog } from './model-template.mjs';
import { Refusal, asAnswer } from './refusal.mjs';
import { secretScrubber } from './secret-scrubber.mjs';
import { sqlKeyValueStore } from './sql-store.mjs';
import { placeholderSettings, upstreamFetch } from './upstream-fetch.mjs';
import { usageByDayAndModel } from './usage-report.mjs';

const dollarsPattern = /^\d{1,9}(\.\d{1,12})?$/;

export class UserAccount extends DurableObject {
  #models = null; // the user's model table
  #client = null;
  #userId = null;
  #ownVersion = 0; // bumped by every change to the user's models
  #synced = null; // {own, shared}: the versions the client's models and keys were made from
  #shared = { version: -1, models: [] }; // the directory's shared models, keys opened
  #callable = new Map(); // model name → {row, scope, key, refusal}: what this user may call now, its provider key
  #scrub = (text) => text; // takes the callable models' keys out of relayed errors

  async #table() {
    this.#models ??= modelTable(this.ctx.storage.sql, `user:${this.#userId}`, await gatewayConfig(this.env).vault);
    return this.#models;
  }

  #open(userId) {
    if (this.#userId !== null && this.#userId !== userId) throw new Error('a user object was addressed with another user id');
    this.#userId = userId;
    if (!this.#client) {
      const { policy } = gatewayConfig(this.env);
      this.#client = createClient({
        storage: sqlKeyValueStore(this.ctx.storage),
        settings: placeholderSettings(),
        fetch: upstreamFetch(policy),
        user: userId,
      });
    }
    return this.#client;
  }

  /**
   * Brings the client's models and their keys up to date with the user's rows and the
   * directory's shared models (`sharedVersion`, which the worker learnt with the key).
   */
  async #sync(userId, sharedVersion) {
    const client = this.#open(userId);
    if (sharedVersion !== this.#shared.version) {
      const directory = this.env.DIRECTORY.get(this.env.DIRECTORY.idFromName('directory'));
      this.#shared = await directory.sharedForCalls();
    }
    if (this.#synced?.own === this.#ownVersion && this.#synced?.shared === this.#shared.version) return client;
    const synced = { own: this.#ownVersion, shared: this.#shared.version };
    const table = await this.#table();
    const callable = new Map();
    for (const row of this.#shared.models) callable.set(row.name, { row, scope: 'shared', key: row.key });
    // A user's model hides a shared one of its name.
    for (const row of table.all()) callable.set(row.name, { row, scope: 'user', key: await table.keyOf(row) });
    for (const [name, entry] of callable) {
      // A row the catalog refuses (a shared one saved before a change of the core) is not callable.
      if (!entry.row.enabled || (await addToCatalog(client, entry.row))) {
        callable.delete(name);
        continue;
      }
      // Nor is one whose upstream the allow-list no longer admits (the settings changed since
      // it was saved): the caller is told so rather than sent to the fetch's refusal.
      entry.refusal = gatewayConfig(this.env).policy.check((await client.resolve(name)).baseUrl);
    }
    // Only the newest sync is kept when two ran at once.
    if (synced.own === this.#ownVersion && synced.shared === this.#shared.version) {
      this.#callable = callable;
      this.#scrub = secretScrubber([...callable.values()].map(({ key }) => key));
      this.#synced = synced;
    }
    return client;
  }

  // ---- what the user's requests call ---------------------------------------------------

  /** POST /v1/chat/completions ('openai') or /v1/messages ('anthropic'), its body `text`: the Response. */
  async chat(userId, sharedVersion, dialect, text) {
    const client = await this.#sync(userId, sharedVersion);
    return serveChat({ client, userId, callable: this.#callable, scrub: this.#scrub }, dialect, text);
  }

  /** The models the user may call, for GET /v1/models: [{name, scope, created_at, provider}]. */
  async callableModels(userId, sharedVersion) {
    await this.#sync(userId, sharedVersion);
    return [...this.#callable.values()].map(({ row, scope }) => ({ name: row.name, scope, created_at: row.created_at }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The user's usage, for GET /v1/usage. */
  async usage(userId, range) {
    return usageByDayAndModel(this.#open(userId), range);
  }

  // ---- the admin API ---------------------------------------------------------------------

  async listModels(userId) {
    this.#open(userId);
    return (await this.#table()).describe('user');
  }

  async saveModel(userId, input, create) {
    this.#open(userId);
    const table = await this.#table();
    return this.ctx.blockConcurrencyWhile(() => asAnswer(async () => {
      if (!create && !table.get(input?.name)) throw new Refusal(404, `user ${userId} has no model ${input?.name}`);
      const saved = await table.save(input, { policy: gatewayConfig(this.env).policy, create, scope: 'user', check: async (model) => {
        const problem = await addToCatalog(this.#client, model);
        if (problem) throw new InvalidModelError(problem);
      } });
      this.#ownVersion++;
      return saved;
    }));
  }

  async removeModel(userId, name) {
    this.#open(userId);
    const table = await this.#table();
    return asAnswer(() => {
      if (!table.remove(name)) throw new Refusal(404, `user ${userId} has no model ${name}`);
      this.#ownVersion++;
      return { removed: name };
    });
  }

  /** Sets the user's monthly budget in dollars ("12.50"), or removes it (null). */
  async setBudget(userId, dollars) {
    const client = this.#open(userId);
    return asAnswer(async () => {
      if (dollars !== null && (typeof dollars !== 'string' || !dollarsPattern.test(dollars)))
        throw new Refusal(400, 'monthly_usd must be a decimal string of dollars ("12.50") or null');
      await client.setBudget(`user:${userId}`, dollars);
      return this.#budget(client, userId);
    });
  }

  async budget(userId) {
    return this.#budget(this.#open(userId), userId);
  }

  async #budget(client, userId) {
    const { limit, spent } = await client.budget(`user:${userId}`);
    return { monthly_usd: limit, spent_usd: spent };
  }

  /** Re-seals the user's keys sealed under an old secret; how many. */
  async reseal(userId) {
    this.#open(userId);
    return (await this.#table()).reseal();
  }

  /** Forgets everything of the user's: their models, ledger and budget (the user was removed). */
  async erase() {
    await this.#client?.close().catch(() => {});
    this.#client = null;
    this.#models = null;
    this.#synced = null;
    this.#callable = new Map();
    await this.ctx.storage.deleteAll();
  }
}
