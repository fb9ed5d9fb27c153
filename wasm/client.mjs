// createClient(): chat() and stream() over the core's session. This file is the driver the
// design calls thin: it performs what the session asks for (fetch, wait, run the caller's
// tools) and hands back what happened; retries, fallbacks, tool rounds, budgets, the ledger
// and the cache are decided in C++.
//
// Each network read crosses into Wasm once (copied into a buffer the session owns) and its
// events come back as one JSON array: one boundary crossing and one JSON.parse per read,
// however many events the read completes.

import { loaded } from './load.mjs';
import { toLlmuxError } from './errors.mjs';
import { guardStore, openIndexedDbStore } from './storage.mjs';

const fail = (what, message) => {
  throw new TypeError(`llmux ${what}: ${message}`);
};

// What Run reads of its Client, under a key no caller can type.
const internals = Symbol('llmux client internals');

// A page calling Anthropic directly must say so, or Anthropic refuses the CORS request; the
// official SDK sends the same header when it is allowed to run in a browser.
const inBrowserPage = typeof document === 'object' && typeof window === 'object';

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isStringArray = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string');

// The options JavaScript keeps; the rest goes to the core as JSON, which checks it.
const clientOnly = new Set(['fetch', 'storage', 'timeoutMs']);
const callOnly = new Set(['signal', 'tools', 'timeoutMs']);

function checkClientOptions(options) {
  if (!isObject(options)) fail('createClient', 'options must be an object');
  const { settings, fetch, storage = 'memory', timeoutMs } = options;
  if (settings !== undefined && (!isObject(settings) || !Object.values(settings).every((v) => typeof v === 'string')))
    fail('createClient', 'settings must be an object of NAME: "value" strings (OPENAI_API_KEY, ...)');
  if (fetch !== undefined && typeof fetch !== 'function') fail('createClient', 'fetch must be a function');
  if (storage !== 'memory' && storage !== 'indexeddb' && !isObject(storage))
    fail('createClient', 'storage must be "memory", "indexeddb" or a store object {get, put, remove, list}');
  if (isObject(storage)) guardStore(storage); // checks its methods now
  checkTimeout(timeoutMs, 'createClient');
  for (const key of ['model', 'user'])
    if (options[key] !== undefined && typeof options[key] !== 'string') fail('createClient', `${key} must be a string`);
  for (const key of ['fallbacks', 'budgetScopes'])
    if (options[key] !== undefined && !isStringArray(options[key]))
      fail('createClient', `${key} must be an array of strings`);
}

function checkTimeout(timeoutMs, what) {
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
    fail(what, 'timeoutMs must be a positive number of milliseconds');
}

// tools: {name: {description, parameters, execute}} or [{name, description, parameters, execute}].
function splitTools(tools, what) {
  const handlers = new Map();
  const definitions = [];
  if (tools === undefined) return { handlers, definitions };
  const entries = Array.isArray(tools) ? tools.map((tool) => [tool?.name, tool]) : isObject(tools) ? Object.entries(tools) : null;
  if (!entries) fail(what, 'tools must be an object of {name: {description, parameters, execute}} or an array');
  for (const [name, tool] of entries) {
    if (typeof name !== 'string' || !isObject(tool)) fail(what, 'each tool must be an object with a name');
    if (typeof tool.execute !== 'function') fail(what, `tool "${name}" needs an execute(args) function`);
    const definition = { name };
    if (tool.description !== undefined) definition.description = tool.description;
    if (tool.parameters !== undefined) definition.parameters = tool.parameters;
    definitions.push(definition);
    handlers.set(name, tool.execute);
  }
  return { handlers, definitions };
}

// The AbortSignal's reason, or a cancelled error.
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A client: the settings, models and storage every call of it shares. */
class Client {
  #options;
  #fetch;
  #timeoutMs;
  #core = null; // Promise of {module, binding, store}

  constructor(options) {
    checkClientOptions(options);
    this.#options = options;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.#timeoutMs = options.timeoutMs ?? 600_000;
  }

  #ready() {
    this.#core ??= (async () => {
      const module = await loaded();
      const { storage = 'memory' } = this.#options;
      const store = storage === 'memory' ? undefined
        : storage === 'indexeddb' ? await openIndexedDbStore() : guardStore(storage);
      const binding = new module.Client();
      const coreOptions = {};
      for (const [key, value] of Object.entries(this.#options))
        if (!clientOnly.has(key) && value !== undefined) coreOptions[key] = value;
      const error = binding.configure(JSON.stringify(coreOptions), store);
      if (error) {
        binding.delete();
        store?.close();
        const parsed = JSON.parse(error);
        if (parsed.code === 'invalid_argument') throw new TypeError(`llmux createClient: ${parsed.message}`);
        throw toLlmuxError(parsed);
      }
      return { module, binding, store };
    })();
    return this.#core;
  }

  /** One call, whole: resolves to the result once every round is done. */
  async chat(call) {
    const run = new Run(this, call, false, 'chat');
    for await (const _ of run.events()); // no events are encoded for chat()
    return run.result;
  }

  /** One call, streamed: an async iterable of events, and `result`, a promise of the result. */
  stream(call) {
    const run = new Run(this, call, true, 'stream');
    const iterator = run.events();
    let settle;
    const result = new Promise((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => {}); // the iterator throws the same error: not an unhandled rejection
    return {
      result,
      async *[Symbol.asyncIterator]() {
        try {
          for await (const event of iterator) yield event;
          settle.resolve(run.result);
        } catch (error) {
          settle.reject(error);
          throw error;
        }
      },
    };
  }

  /** The catalog: every model template, built-in and added ones, in the catalog's form. */
  async models() {
    const { binding } = await this.#ready();
    return JSON.parse(binding.models()).models;
  }

  /** Adds models (custom endpoints, deployed checkpoints) in the catalog's form. */
  async addModels(models) {
    if (!Array.isArray(models)) fail('addModels', 'models must be an array of model templates');
    const { binding } = await this.#ready();
    const error = binding.addModels(JSON.stringify({ models }));
    if (error) throw new TypeError(`llmux addModels: ${JSON.parse(error).message}`);
  }

  /** What a model name resolves to with this client's settings (without any API key). */
  async resolve(name = '') {
    if (typeof name !== 'string') fail('resolve', 'name must be a string');
    const { binding } = await this.#ready();
    const resolved = JSON.parse(binding.resolve(name));
    if (resolved.error) throw toLlmuxError(resolved.error);
    return resolved;
  }

  /** Ledger totals: {by: 'model' | 'user' | 'provider' | 'scope' | 'day' | 'week' | 'month', since, until, user}. */
  async usage({ by = 'model', since = 0, until = 8.64e15, user = '' } = {}) {
    const ms = (value, name) => {
      const time = value instanceof Date ? value.getTime() : value;
      if (!Number.isFinite(time)) fail('usage', `${name} must be a Date or milliseconds`);
      return time;
    };
    if (typeof by !== 'string' || typeof user !== 'string') fail('usage', 'by and user must be strings');
    const { binding } = await this.#ready();
    const totals = JSON.parse(binding.usage(by, ms(since, 'since'), ms(until, 'until'), user));
    if (totals.error) throw new TypeError(`llmux usage: ${totals.error.message}`);
    return totals;
  }

  /** Sets a scope's monthly budget in dollars ("5", "12.50"), or removes it with null. */
  async setBudget(scope, dollars) {
    if (typeof scope !== 'string') fail('setBudget', 'scope must be a string ("user:alice")');
    if (dollars !== null && typeof dollars !== 'string')
      fail('setBudget', 'dollars must be a decimal string ("12.50") or null');
    const { binding } = await this.#ready();
    const error = binding.setBudget(scope, dollars ?? '');
    if (error) {
      const parsed = JSON.parse(error);
      if (parsed.code === 'invalid_argument') throw new TypeError(`llmux setBudget: ${parsed.message}`);
      throw toLlmuxError(parsed);
    }
  }

  /** A scope's monthly budget and what it spent this month: {limit: dollars | null, spent: dollars}. */
  async budget(scope) {
    if (typeof scope !== 'string') fail('budget', 'scope must be a string');
    const { binding } = await this.#ready();
    return JSON.parse(binding.budget(scope, Date.now()));
  }

  /** Empties the response cache. */
  async clearCache() {
    (await this.#ready()).binding.clearCache();
  }

  /** Resolves once everything stored so far (ledger, cache, user models) is durable. */
  async flush() {
    await (await this.#ready()).store?.flush();
  }

  /** Writes what is pending to storage and frees the client's memory in the Wasm heap. Calls after close() fail. */
  async close() {
    if (!this.#core) return;
    const core = this.#core;
    this.#core = Promise.reject(new Error('llmux: the client is closed'));
    this.#core.catch(() => {});
    const { binding, store } = await core.catch(() => ({})); // a client that never started holds nothing
    binding?.delete();
    try {
      await store?.flush();
    } finally {
      store?.close();
    }
  }

  // For Run: the loaded core, the fetch to use and the default timeout.
  [internals]() {
    return { ready: () => this.#ready(), fetch: this.#fetch, timeoutMs: this.#timeoutMs };
  }
}

/** One chat call being driven: the session in the core and what JavaScript does for it. */
class Run {
  result = null;
  #client;
  #call;
  #streaming;
  #signal;
  #handlers;
  #definitions;
  #timeoutMs;

  constructor(client, call, streaming, what) {
    if (!isObject(call)) fail(what, 'the call must be an object ({prompt} or {messages})');
    const { signal, timeoutMs } = call;
    if (signal !== undefined && !(signal && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function'))
      fail(what, 'signal must be an AbortSignal');
    checkTimeout(timeoutMs, what);
    const { handlers, definitions } = splitTools(call.tools, what);
    this.#client = client[internals]();
    this.#call = call;
    this.#streaming = streaming;
    this.#signal = signal;
    this.#handlers = handlers;
    this.#definitions = definitions;
    this.#timeoutMs = timeoutMs ?? this.#client.timeoutMs;
    this.what = what;
  }

  async *events() {
    const { module, binding } = await this.#client.ready();
    const spec = {};
    for (const [key, value] of Object.entries(this.#call))
      if (!callOnly.has(key) && value !== undefined) spec[key] = value;
    if (this.#definitions.length) spec.tools = this.#definitions;
    if (this.#streaming) spec.stream = true;
    let text;
    try {
      text = JSON.stringify(spec);
    } catch (error) {
      fail(this.what, `the call cannot be sent as JSON: ${error.message}`);
    }
    const session = new module.Session(binding, text, this.#streaming, Date.now());
    try {
      const setupError = session.setupError();
      if (setupError) {
        const error = JSON.parse(setupError);
        if (error.argument) fail(this.what, error.message);
        throw toLlmuxError(error, null);
      }
      yield* this.#drive(module, session);
    } finally {
      // A consumer that stops iterating early cancels the call: its usage so far is recorded.
      if (!session.finished()) session.cancel(Date.now());
      session.delete();
    }
  }

  async *#drive(module, session) {
    const signal = this.#signal;
    const cancelled = () => signal?.aborted;
    for (;;) {
      if (cancelled()) session.cancel(Date.now());
      const { events, action } = JSON.parse(session.step(Date.now()));
      for (const event of events) yield event;
      switch (action.kind) {
        case 'send':
          yield* this.#send(module, session, action);
          break;
        case 'wait':
          try {
            await sleep(action.untilMs - Date.now(), signal);
          } catch {
            session.cancel(Date.now());
            break;
          }
          yield* this.#parse(session.timer(Date.now()));
          break;
        case 'tools':
          await this.#runTools(session, action.calls);
          yield* this.#parse(session.toolsDone(Date.now()));
          break;
        case 'done':
          this.result = JSON.parse(session.result());
          if (this.#streaming) yield { type: 'done', result: this.result };
          return;
        case 'fail': {
          const result = JSON.parse(session.result());
          throw toLlmuxError(result.error, result);
        }
        default:
          // Idle with nothing in flight would be a bug of the session: end it rather than spin.
          session.cancel(Date.now());
      }
    }
  }

  *#parse(json) {
    if (json.length > 2) yield* JSON.parse(json);
  }

  // One HTTP exchange: the request the session built, its head and its body as it arrives.
  async *#send(module, session, action) {
    const controller = new AbortController();
    const signal = this.#signal;
    const onAbort = () => controller.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
    };
    // What a failed exchange becomes: a cancel, a timeout or a network error for the session.
    const failed = (error) => {
      if (signal?.aborted) return session.cancel(Date.now());
      if (timedOut)
        return session.transportError('timeout', `no answer within ${this.#timeoutMs} ms`, Date.now());
      return session.transportError('network', String(error?.message ?? error), Date.now());
    };
    let reader = null;
    try {
      arm();
      let response;
      try {
        const headers = inBrowserPage && action.headers.some(([name]) => name === 'anthropic-version')
          ? [...action.headers, ['anthropic-dangerous-direct-browser-access', 'true']] : action.headers;
        response = await this.#client.fetch(action.url, {
          method: action.method,
          headers,
          body: action.method === 'GET' ? undefined : action.body,
          signal: controller.signal,
        });
      } catch (error) {
        yield* this.#parse(failed(error));
        return;
      }
      yield* this.#parse(session.head(response.status, Array.from(response.headers), Date.now()));
      if (session.finished()) return;
      try {
        if (response.body?.getReader) {
          reader = response.body.getReader();
          for (;;) {
            arm();
            const { done, value } = await reader.read();
            if (done) break;
            const at = session.bodyBuffer(value.length);
            module.HEAPU8.set(value, at); // HEAPU8 read after bodyBuffer: the heap may have grown
            yield* this.#parse(session.body(value.length, Date.now()));
            if (session.finished()) return; // the session decided mid-body: drop the rest
          }
        } else {
          const bytes = new Uint8Array(await response.arrayBuffer());
          const at = session.bodyBuffer(bytes.length);
          module.HEAPU8.set(bytes, at);
          yield* this.#parse(session.body(bytes.length, Date.now()));
        }
      } catch (error) {
        yield* this.#parse(failed(error));
        return;
      }
      yield* this.#parse(session.end(Date.now()));
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (reader) reader.cancel().catch(() => {});
      else if (!controller.signal.aborted && session.finished()) controller.abort();
    }
  }

  // Runs the calls the model asked for, all at once; a throw or a rejection is a failed tool.
  async #runTools(session, calls) {
    await Promise.all(
      calls.map(async (call) => {
        const started = Date.now();
        let ok = true;
        let content;
        try {
          const execute = this.#handlers.get(call.name);
          if (!execute) throw new Error(`no tool named ${call.name}`);
          const args = call.argumentsText ? JSON.parse(call.argumentsText) : {};
          const output = await execute(args, { toolCallId: call.id, round: call.round, signal: this.#signal });
          content = typeof output === 'string' ? output : JSON.stringify(output ?? null);
        } catch (error) {
          ok = false;
          content = String(error?.message ?? error);
        }
        session.toolOutput(call.id, ok, content, Date.now() - started);
      }),
    );
  }
}

/** A client for every provider; see README for the options. */
export function createClient(options = {}) {
  return new Client(options);
}
