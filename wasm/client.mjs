// createClient(): chat() and stream() over the core's session. This file is the driver the
// design calls thin: it performs what the session asks for (fetch, wait, run the caller's
// tools) and hands back what happened; retries, fallbacks, tool rounds, budgets, the ledger
// and the cache are decided in C++.
//
// Each network read crosses into Wasm once (copied into the core's input buffer) and its
// events come back as one JSON array: one boundary crossing and one JSON.parse per read,
// however many events the read completes. A body that is not streamed is read whole and
// handed over with its head in one call.

import { loaded } from './load.mjs';
import { errorClasses, toLlmuxError } from './errors.mjs';
import { guardStore, openIndexedDbStore } from './storage.mjs';
import { unwatch, watch } from './watchdog.mjs';
import { nodeFetch, nodeFetchLimitMs } from './runtime.mjs';

const fail = (what, message) => {
  throw new TypeError(`llmux ${what}: ${message}`);
};

// What Run reads of its Client, under a key no caller can type.
const internals = Symbol('llmux client internals');

// A backstop for what a caller never closed: once a client, or a call (a stream left
// unfinished), is garbage-collected, the Wasm state it held is freed (a client's catalog,
// ledger and cache; a call's session, which releases the budget it held). close() and a
// call's end free it at once and unregister it: the registry only catches what they missed.
const backstop = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((held) => held.delete()) : null;

// A page's requests are CORS requests: the core's adapters add what a provider wants of them
// (Anthropic's anthropic-dangerous-direct-browser-access).
const inBrowserPage = typeof document === 'object' && typeof window === 'object';

// Redirects are not followed, as the native client does not follow them: a key sent as
// x-api-key, api-key or x-goog-api-key would go wherever the redirect points (fetch drops only
// Authorization across origins), and a 301 or 302 turns the POST into a GET. Node's own fetch
// (undici) is told to reject a redirect ('error'), which spares it a copy of every request and
// its body (about 40 µs); any other fetch is told 'manual', which hands the redirect back: an
// opaque redirect in browsers, the 3xx itself elsewhere (workerd has no 'error').
const redirectRefused = 'the server answered with a redirect, which llmux does not follow: use the URL it points to';
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// The ports the Fetch standard blocks: fetch refuses them itself, as it refuses a redirect.
const blockedPorts = new Set(('1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102 103 104 ' +
  '109 110 111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530 531 532 540 548 ' +
  '554 556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 5060 5061 6000 6566 6665 6666 ' +
  '6667 6668 6669 6679 6697 10080').split(' '));

/**
 * The kind of a failed exchange, as the session takes it (session.transportError): 'timeout',
 * 'redirect' or 'network', as the native driver's failures are Timeout and Network errors and
 * its redirects a 3xx. Told from what fetch gives, never from its message: the limit that
 * stopped the exchange; a timeout's name or undici's code for its own limits (headersTimeout,
 * bodyTimeout); and where the redirect mode was 'error' (Node's own fetch), the cause: undici
 * rejects with one that has a code (ECONNREFUSED, UND_ERR_SOCKET, ...) when the connection
 * fails, and with one that has none when the Fetch standard makes it fail, which for an
 * http(s) request to a port the standard does not block is the redirect it was told to reject.
 */
function failureKind(exchange, error) {
  if (exchange.timedOut || error?.name === 'TimeoutError') return 'timeout';
  const code = error?.cause?.code ?? error?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  if (exchange.redirect === 'error' && error instanceof TypeError && error.cause instanceof Error &&
    code === undefined && !blockedPorts.has(new URL(exchange.action.url).port)) return 'redirect';
  return 'network';
}

// What a fetch rejection says, with its cause (undici's "fetch failed" says nothing alone),
// with the request's header values and URL query taken out: a key must not reach an error.
function describeFailure(error, action) {
  let message = String(error?.message ?? error);
  const cause = error?.cause?.message ?? (typeof error?.cause === 'string' ? error.cause : '');
  if (cause && !message.includes(cause)) message += ` (${cause})`;
  const query = action.url.indexOf('?');
  if (query >= 0) message = message.split(action.url.slice(query)).join('?[redacted]');
  for (const [, value] of action.headers) {
    for (const secret of [value, value.slice(value.lastIndexOf(' ') + 1)]) // "Bearer <key>"
      if (secret.length >= 8) message = message.split(secret).join('[redacted]');
  }
  return message;
}

// JSON has no NaN or Infinity: JSON.stringify would write null, which the core reads as "not
// given" (the provider's default, silently), so a call with one is refused.
function finiteNumbers(key, value) {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`${key || 'a number'} must be a finite number, not ${value}`);
  return value;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isStringArray = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string');

// The time limits, in ms: the call's deadline (the core decides it), the idle and the response
// limits of each exchange (this driver enforces them). Defaults: the core's (limits.hpp).
const timeLimits = ['timeoutMs', 'idleTimeoutMs', 'responseTimeoutMs'];

// The options JavaScript keeps; the rest goes to the core as JSON, which checks it.
const clientOnly = new Set(['fetch', 'storage', ...timeLimits]);
const callOnly = new Set(['signal', 'tools', ...timeLimits]);

function checkClientOptions(options) {
  if (!isObject(options)) fail('createClient', 'options must be an object');
  const { settings, fetch, storage = 'memory' } = options;
  if (settings !== undefined && (!isObject(settings) || !Object.values(settings).every((v) => typeof v === 'string')))
    fail('createClient', 'settings must be an object of NAME: "value" strings (OPENAI_API_KEY, ...)');
  if (fetch !== undefined && typeof fetch !== 'function') fail('createClient', 'fetch must be a function');
  if (storage !== 'memory' && storage !== 'indexeddb' && !isObject(storage))
    fail('createClient', 'storage must be "memory", "indexeddb" or a store object {get, put, remove, list}');
  if (isObject(storage)) guardStore(storage); // checks its methods now
  for (const key of ['model', 'user'])
    if (options[key] !== undefined && typeof options[key] !== 'string') fail('createClient', `${key} must be a string`);
  for (const key of ['fallbacks', 'budgetScopes'])
    if (options[key] !== undefined && !isStringArray(options[key]))
      fail('createClient', `${key} must be an array of strings`);
  return checkTimeouts(options, 'createClient');
}

// The time limits an options object gives, checked: {timeoutMs, ...} with undefined for unset.
function checkTimeouts(options, what) {
  const limits = {};
  for (const key of timeLimits) {
    const value = (limits[key] = options[key]);
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      fail(what, `${key} must be a positive number of milliseconds`);
  }
  return limits;
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
    // A tool without execute is the caller's to run (a gateway's): the core ends the call when
    // the model calls it, with the round's tool calls and none of them run.
    if (tool.execute !== undefined && typeof tool.execute !== 'function')
      fail(what, `tool "${name}": execute must be a function`);
    const definition = { name };
    if (tool.description !== undefined) definition.description = tool.description;
    if (tool.parameters !== undefined) definition.parameters = tool.parameters;
    if (tool.execute) handlers.set(name, tool.execute);
    else definition.hasHandler = false;
    definitions.push(definition);
  }
  return { handlers, definitions };
}

// Resolves after `ms`; rejects with the signal's reason when it aborts first.
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

/**
 * One HTTP exchange in flight, and how it stops: it times out once nothing arrived for its
 * idle limit, once its response took longer than its response limit (from its head), or at
 * the call's deadline, whichever comes first (watchdog.mjs calls expire(); each read calls
 * touch()); and it is dropped when the call ends before its body does. Stopping rejects what
 * the driver awaits of it, cancels its body's reader (fetch then drops the connection) and
 * aborts its fetch's signal.
 *
 * A fetch without a signal cannot be stopped before its response head, only left behind
 * (the call still ends on time; a response that comes later is cancelled at once), and a
 * server that never answers holds its connection, and keeps a Node process alive, until the
 * runtime gives up. So every fetch gets a signal, except where that cannot happen: Node's
 * own fetch (undici) gives up on a head after 5 minutes by itself, so there a call with no
 * signal of its own, an idle limit of 5 minutes or more (the default) and 5 minutes or more
 * to its deadline leaves the head to that limit and goes without: a signal costs undici about
 * 20 µs of wall time and 60 µs of CPU time a request (a listener, a WeakRef and a
 * FinalizationRegistry entry each). Its body is stopped by cancelling the reader, which needs
 * no signal.
 */
class Exchange {
  timedOut = null; // what the limit that ended it says
  redirect = 'manual'; // fetch's redirect mode: 'error' for Node's own fetch
  stopped = false;
  complete = false; // its body was read to the end
  reader = null;
  onAbort = null;
  ending = 'the call\'s deadline (timeoutMs) passed during the exchange'; // what endsAt is
  #reject = null;

  constructor(action, limits, controller) {
    this.action = action;
    this.idleMs = limits.idleTimeoutMs;
    this.responseMs = limits.responseTimeoutMs;
    this.endsAt = action.deadlineMs || Infinity;
    this.controller = controller;
    this.touch();
  }

  /**
   * Something arrived: the idle clock starts again. `timeoutMs`, what the watchdog reads, is
   * how long after `lastActivity` the exchange expires: at its idle limit, or sooner at endsAt.
   */
  touch(now = Date.now()) {
    this.lastActivity = now;
    this.timeoutMs = Math.min(this.idleMs, this.endsAt - now);
  }

  /** The head arrived: the response limit starts, and may fall due before the deadline. */
  started(now = Date.now()) {
    this.touch(now);
    if (now + this.responseMs < this.endsAt) {
      this.endsAt = now + this.responseMs;
      this.ending = `response timeout: the response took longer than ${this.responseMs} ms (responseTimeoutMs)`;
      this.touch(now);
      unwatch(this); // watched again at its sooner time
      watch(this);
    }
  }

  /** Settles as `promise` does, or rejects once the exchange has stopped (at once if it has). */
  until(promise) {
    return new Promise((resolve, reject) => {
      promise.then(resolve, reject); // handled even when it rejects after a stop
      if (this.stopped) reject(new Error('llmux: the exchange was stopped'));
      else this.#reject = reject;
    });
  }

  expire() {
    this.timedOut = Date.now() < this.endsAt
      ? `idle timeout: nothing from the server for ${this.idleMs} ms (idleTimeoutMs)` : this.ending;
    this.stop();
  }

  stop(reason) {
    if (this.stopped) return;
    this.stopped = true;
    this.controller?.abort(reason);
    this.reader?.cancel().catch(() => {});
    this.#reject?.(reason ?? new Error('llmux: the exchange was stopped'));
  }
}

/** A client: the settings, models and storage every call of it shares. */
class Client {
  #options;
  #fetch;
  #timeouts;
  #core = null; // Promise of {core, binding, store}
  // What changed this client's state in memory since createClient (added models, budgets):
  // made again with it in a new core after an abort, when there is no store to read it from.
  #changes = [];

  constructor(options) {
    this.#timeouts = checkClientOptions(options);
    this.#options = options;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /**
   * The client's state in the live core. Once that core has aborted (load.mjs), the state is
   * made again in a new one, from the options and the same store: with a store (IndexedDB, or
   * the caller's) nothing is lost; in memory, the ledger's records and the cache are, as on a
   * restart of the process, while added models and budgets are set again.
   */
  #ready() {
    const ready = (this.#core ??= this.#open());
    return ready.then((state) => {
      if (!state.core.aborted) return state;
      if (this.#core === ready) this.#core = this.#open(state.store);
      return this.#core;
    });
  }

  async #open(store) {
    const core = await loaded();
    const { storage = 'memory' } = this.#options;
    store ??= storage === 'memory' ? undefined
      : storage === 'indexeddb' ? await openIndexedDbStore() : guardStore(storage);
    const binding = new core.Client();
    const coreOptions = {};
    for (const [key, value] of Object.entries(this.#options))
      if (!clientOnly.has(key) && value !== undefined) coreOptions[key] = value;
    const error = binding.configure(JSON.stringify(coreOptions), store, inBrowserPage);
    if (error) {
      binding.delete();
      store?.close();
      const parsed = JSON.parse(error);
      if (parsed.code === 'invalid_argument') throw new TypeError(`llmux createClient: ${parsed.message}`);
      throw toLlmuxError(parsed);
    }
    if (!store) for (const [method, ...args] of this.#changes) binding[method](...args);
    backstop?.unregister(this); // the binding of an aborted core, which holds nothing
    backstop?.register(this, binding, this);
    return { core, binding, store };
  }

  /** One call, whole: resolves to the result once every round is done. */
  async chat(call) {
    return new Run(this, call, false, 'chat').run();
  }

  /**
   * One call, streamed: an async iterable of events (iterate it once), and `result`, a
   * promise of the result once the events are consumed.
   */
  stream(call) {
    return new Run(this, call, true, 'stream');
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
    const text = JSON.stringify({ models });
    const error = binding.addModels(text);
    if (error) throw new TypeError(`llmux addModels: ${JSON.parse(error).message}`);
    this.#changes.push(['addModels', text]);
  }

  /** What a model name resolves to with this client's settings (without any API key). */
  async resolve(name = '') {
    if (typeof name !== 'string') fail('resolve', 'name must be a string');
    const { binding } = await this.#ready();
    const resolved = JSON.parse(binding.resolve(name));
    if (resolved.error) throw toLlmuxError(resolved.error);
    return resolved;
  }

  /**
   * The exact cost of a usage ({inputTokens, outputTokens, cachedInputTokens, ...}) at the
   * prices of a model: {input, cachedInput, cacheWrite, output, total} in dollars, or null
   * when the model has no prices.
   */
  async cost(model, usage) {
    if (typeof model !== 'string') fail('cost', 'model must be a string');
    if (!isObject(usage)) fail('cost', 'usage must be an object {inputTokens, outputTokens, ...}');
    const { binding } = await this.#ready();
    const answer = JSON.parse(binding.cost(model, JSON.stringify(usage)));
    if (answer.error) {
      if (answer.error.code === 'invalid_argument') throw new TypeError(`llmux cost: ${answer.error.message}`);
      throw toLlmuxError(answer.error);
    }
    return answer.cost;
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

  /**
   * The ledger's records from `since` to `until` as one JSON document ({"format":
   * "llmux-ledger", "version": 1, "records": [...]}), for importUsage on another machine.
   */
  async exportUsage({ since = 0, until = 8.64e15 } = {}) {
    const from = since instanceof Date ? since.getTime() : since;
    const to = until instanceof Date ? until.getTime() : until;
    if (!Number.isFinite(from) || !Number.isFinite(to)) fail('exportUsage', 'since and until must be Dates or milliseconds');
    const { binding } = await this.#ready();
    const document = binding.exportUsage(from, to);
    if (document.startsWith('{"error"')) throw toLlmuxError(JSON.parse(document).error);
    return document;
  }

  /**
   * Adds the records of an exportUsage document; those this ledger holds already are not
   * added again. Resolves to {added, alreadyHeld}; a document that is not a ledger export, or
   * holds a bad record, adds nothing and rejects with a TypeError saying why.
   */
  async importUsage(document) {
    if (typeof document !== 'string') fail('importUsage', 'the document must be the text exportUsage gave');
    const { binding } = await this.#ready();
    const answer = JSON.parse(binding.importUsage(document));
    if (answer.error) {
      if (answer.error.code === 'invalid_argument') throw new TypeError(`llmux importUsage: ${answer.error.message}`);
      throw toLlmuxError(answer.error);
    }
    this.#changes.push(['importUsage', document]);
    return answer;
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
    this.#changes.push(['setBudget', scope, dollars ?? '']);
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
    backstop?.unregister(this);
    binding?.delete();
    try {
      await store?.flush();
    } finally {
      store?.close();
    }
  }

  // For Run: the loaded core, the fetch to use and the client's time limits.
  [internals]() {
    return {
      ready: () => this.#ready(), fetch: this.#fetch, ownFetch: this.#options.fetch !== undefined, timeouts: this.#timeouts,
    };
  }
}

/**
 * One chat call being driven: the session in the core and what JavaScript does for it. For
 * stream() it is also the async iterator of the events: next() hands out events of the batch
 * the last network read produced, and only when none is left does it drive the session on.
 * No async generator sits in between: each event costs one resolved promise.
 */
class Run {
  /** A promise of the result, settled when the call ends (stream(): `await stream.result`). */
  result;
  #settle;
  #client;
  #call;
  #streaming;
  #signal;
  #handlers;
  #definitions;
  #timeouts; // {timeoutMs, idleTimeoutMs, responseTimeoutMs}
  #what;
  #core = null; // core.mjs's binding of the module
  #session = null; // the core's session while the call runs
  #ended = false;
  #events = []; // the batch being handed out
  #next = 0;
  #pulling = null;
  #exchange = null; // the HTTP exchange whose body is being read
  #answering = false; // an answer is being handed to the core

  constructor(client, call, streaming, what) {
    if (!isObject(call)) fail(what, 'the call must be an object ({prompt} or {messages})');
    const { signal } = call;
    if (signal !== undefined && !(signal && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function'))
      fail(what, 'signal must be an AbortSignal');
    const timeouts = checkTimeouts(call, what);
    const { handlers, definitions } = splitTools(call.tools, what);
    this.#client = client[internals]();
    this.#call = call;
    this.#streaming = streaming;
    this.#signal = signal;
    this.#handlers = handlers;
    this.#definitions = definitions;
    this.#timeouts = timeouts;
    this.#what = what;
    this.result = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
    this.result.catch(() => {}); // the iterator throws the same error: not an unhandled rejection
  }

  /** chat(): drives the call to its end. */
  async run() {
    try {
      while (!this.#ended) await this.#advance();
    } catch (error) {
      throw this.#end(error);
    }
    return this.result;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this.#next < this.#events.length) return Promise.resolve({ value: this.#events[this.#next++], done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    // Calls that do not wait for each other queue up rather than drive the session twice.
    this.#pulling = (this.#pulling ?? Promise.resolve()).then(() => this.#pull());
    return this.#pulling;
  }

  async #pull() {
    while (this.#next >= this.#events.length && !this.#ended) {
      try {
        await this.#advance();
      } catch (error) {
        throw this.#end(error);
      }
    }
    if (this.#next < this.#events.length) return { value: this.#events[this.#next++], done: false };
    return { value: undefined, done: true };
  }

  /** A consumer that stops early (break out of for await) cancels the call. */
  return() {
    this.#close();
    return Promise.resolve({ value: undefined, done: true });
  }

  // The call ends with what `error` says; returns the error to throw. A Wasm abort in this
  // call's core becomes a typed error: bad_response when the module aborted on an answer
  // being handed over (too large for its memory), internal otherwise (a bug, or another
  // call's abort). The module is made again for the next call (load.mjs).
  #end(error) {
    if (error?.llmuxAbort) {
      const answer = error.llmuxAbort === 'here' && this.#answering;
      const code = answer ? 'bad_response' : 'internal';
      error = toLlmuxError({
        code, number: Object.keys(errorClasses).indexOf(code) + 1, origin: answer ? 'decoder' : 'session', status: 0,
        message: `${error.message}${answer ? ' on the answer' : ' during the call'}; it starts again for the next call`,
        providerType: null, providerCode: null, param: null, hint: null, requestId: null, retryAfterMs: null, inStream: false,
      });
    }
    this.#close(error);
    return error;
  }

  // Ends the call: a session still running is cancelled (its usage so far is recorded), the
  // exchange dropped and the session freed.
  #close(error = new Error('llmux: the stream was closed before the call ended')) {
    const session = this.#session;
    this.#closeExchange();
    if (session) {
      this.#session = null;
      if (!this.#core.aborted) session.cancel(Date.now()); // nothing, once finished
      backstop?.unregister(this);
      session.delete();
    }
    if (!this.#ended) {
      this.#ended = true;
      this.#settle.reject(error);
    }
    this.#events = [];
    this.#next = 0;
  }

  // The events of a JSON array the session returned, appended to the batch.
  #take(json) {
    if (json.length <= 2) return; // "[]"
    const events = JSON.parse(json);
    if (this.#next >= this.#events.length) {
      this.#events = events;
      this.#next = 0;
    } else {
      this.#events.push(...events);
    }
  }

  async #start() {
    const { core, binding } = await this.#client.ready();
    this.#core = core;
    const spec = {};
    for (const [key, value] of Object.entries(this.#call))
      if (!callOnly.has(key) && value !== undefined) spec[key] = value;
    if (this.#definitions.length) spec.tools = this.#definitions;
    if (this.#streaming) spec.stream = true;
    let text;
    try {
      text = JSON.stringify(spec, finiteNumbers);
    } catch (error) {
      fail(this.#what, `the call cannot be sent as JSON: ${error.message}`);
    }
    const timeouts = this.#timeouts;
    for (const key of timeLimits) timeouts[key] ??= this.#client.timeouts[key] ?? core.limits[key];
    const session = new core.Session(binding, text, this.#streaming, Date.now(), timeouts.timeoutMs);
    const setupError = session.setupError();
    if (setupError) {
      session.delete();
      const error = JSON.parse(setupError);
      if (error.argument) fail(this.#what, error.message);
      throw toLlmuxError(error, null);
    }
    this.#session = session;
    backstop?.register(this, session, this);
  }

  // Drives the session until it has produced events or ended: at most one network read.
  async #advance() {
    if (!this.#session) await this.#start();
    const session = this.#session;
    if (this.#exchange) return this.#read();
    if (this.#signal?.aborted) session.cancel(Date.now());
    const [stepText, body] = session.step(Date.now());
    const step = JSON.parse(stepText);
    if (step.events.length) {
      this.#events = step.events;
      this.#next = 0;
    }
    const action = step.action;
    switch (action.kind) {
      case 'send':
        return this.#send(action, body);
      case 'wait':
        try {
          await sleep(action.untilMs - Date.now(), this.#signal);
        } catch {
          this.#take(session.cancel(Date.now()));
          return;
        }
        return this.#take(session.timer(Date.now()));
      case 'tools':
        await this.#runTools(action.calls);
        return this.#take(session.toolsDone(Date.now()));
      case 'done': {
        const { result } = action;
        this.#finish();
        this.#settle.resolve(result);
        if (this.#streaming) this.#events.push({ type: 'done', result });
        return;
      }
      case 'fail': {
        const { result } = action;
        const error = toLlmuxError(result.error, result);
        this.#finish();
        this.#settle.reject(error);
        throw error;
      }
      default:
        // Idle with nothing in flight would be a bug of the session: end it rather than spin.
        session.cancel(Date.now());
    }
  }

  #finish() {
    this.#ended = true;
    this.#closeExchange();
    backstop?.unregister(this);
    this.#session.delete();
    this.#session = null;
  }

  // What a failed exchange becomes for the session: a cancel, or a transport failure of its
  // kind (a timeout, a redirect refused, a network error).
  #failed(exchange, error) {
    const session = this.#session;
    this.#closeExchange();
    if (!session) return; // the call was closed while the exchange was pending
    if (this.#signal?.aborted) return this.#take(session.cancel(Date.now()));
    const kind = failureKind(exchange, error);
    const message = exchange.timedOut ?? describeFailure(error, exchange.action);
    this.#take(session.transportError(kind, kind === 'redirect' ? `${redirectRefused} (${message})` : message, Date.now()));
  }

  // Sends the request the session built. A streamed body is read by #read, one network read
  // per #advance; any other is read whole here and handed over with its head in one call.
  async #send(action, body) {
    const session = this.#session;
    const signal = this.#signal;
    const headLimited = nodeFetch && !this.#client.ownFetch && this.#timeouts.idleTimeoutMs >= nodeFetchLimitMs &&
      (action.deadlineMs || Infinity) - Date.now() >= nodeFetchLimitMs;
    const exchange = new Exchange(action, this.#timeouts, signal || !headLimited ? new AbortController() : null);
    if (nodeFetch && !this.#client.ownFetch) exchange.redirect = 'error';
    this.#exchange = exchange;
    watch(exchange);
    if (signal) {
      exchange.onAbort = () => exchange.stop(signal.reason);
      signal.addEventListener('abort', exchange.onAbort, { once: true });
    }
    let response;
    let pending;
    try {
      pending = this.#client.fetch(action.url, {
        method: action.method,
        headers: action.headers,
        body: action.method === 'GET' ? undefined : body,
        redirect: exchange.redirect,
        signal: exchange.controller?.signal,
      });
      response = await exchange.until(pending);
    } catch (error) {
      // A fetch left behind answers, if ever, into a body that is cancelled at once.
      if (exchange.stopped) Promise.resolve(pending).then((late) => late?.body?.cancel?.().catch(() => {}), () => {});
      return this.#failed(exchange, error);
    }
    exchange.started();
    if (response.type === 'opaqueredirect' || redirectStatuses.has(response.status)) {
      this.#closeExchange();
      response.body?.cancel().catch(() => {});
      if (this.#session) this.#take(session.transportError('redirect', redirectRefused, Date.now()));
      return;
    }
    const headers = this.#core.responseHeadersText(response.headers);
    const reader = response.body?.getReader ? response.body.getReader() : null;
    exchange.reader = reader;
    if (action.stream && reader) {
      this.#hand(() => session.head(response.status, headers, Date.now()));
      return;
    }
    // Read whole before it is handed over, so held to its limit here: counted as it comes.
    const { limits } = this.#core;
    const limit = response.ok ? limits.maxResponseBodyBytes : limits.maxErrorBodyBytes;
    const chunks = [];
    let received = 0;
    try {
      if (reader) {
        for (let chunk; received <= limit && !(chunk = await exchange.until(reader.read())).done;) {
          exchange.touch();
          chunks.push(chunk.value);
          received += chunk.value.length;
        }
      } else if (response.body !== null) {
        chunks.push(new Uint8Array(await exchange.until(response.arrayBuffer())));
        received = chunks[0].length;
      }
    } catch (error) {
      return this.#failed(exchange, error);
    }
    if (!this.#session) return; // closed while the body was read
    if (received > limit) {
      this.#closeExchange(); // cancels the reader: nothing more is read
      return this.#hand(() => session.tooLarge(response.status, Date.now()));
    }
    exchange.complete = true;
    this.#closeExchange();
    this.#hand(() => session.response(response.status, headers, chunks, Date.now()));
  }

  // Hands (part of) an answer to the core and takes the events it caused; drops the exchange
  // once the session no longer wants the rest of its body.
  #hand(handOver) {
    this.#answering = true;
    const events = handOver();
    this.#answering = false;
    this.#take(events);
    if (this.#exchange && !this.#session.awaiting()) this.#closeExchange();
  }

  async #read() {
    const exchange = this.#exchange;
    let chunk;
    try {
      chunk = await exchange.until(exchange.reader.read());
    } catch (error) {
      return this.#failed(exchange, error);
    }
    if (!this.#session) return; // closed while the read was pending
    exchange.touch();
    if (chunk.done) {
      exchange.complete = true;
      this.#closeExchange();
      return this.#hand(() => this.#session.end(Date.now()));
    }
    // One network read into the session: one call, one JSON.parse.
    this.#hand(() => this.#session.body(chunk.value, Date.now()));
  }

  // The exchange is over: done with, or dropped (which stops it when its body is not all read).
  #closeExchange() {
    const exchange = this.#exchange;
    if (!exchange) return;
    this.#exchange = null;
    unwatch(exchange);
    if (exchange.onAbort) this.#signal.removeEventListener('abort', exchange.onAbort);
    if (!exchange.complete) exchange.stop();
  }

  // Runs the calls the model asked for, all at once; a throw or a rejection is a failed tool.
  async #runTools(calls) {
    const outputs = await Promise.all(
      calls.map(async (call) => {
        const started = Date.now();
        try {
          const execute = this.#handlers.get(call.name);
          if (!execute) throw new Error(`no tool named ${call.name}`);
          const args = call.argumentsText ? JSON.parse(call.argumentsText) : {};
          const output = await execute(args, { toolCallId: call.id, round: call.round, signal: this.#signal });
          return [call.id, true, typeof output === 'string' ? output : JSON.stringify(output ?? null), Date.now() - started];
        } catch (error) {
          return [call.id, false, String(error?.message ?? error), Date.now() - started];
        }
      }),
    );
    if (!this.#session) return; // closed while the tools ran
    for (const [id, ok, content, duration] of outputs) this.#session.toolOutput(id, ok, content, duration);
  }
}

/** A client for every provider; see docs/javascript-api.md for the options. */
export function createClient(options = {}) {
  return new Client(options);
}
