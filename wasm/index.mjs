// llmux's decode API over the Wasm core: argument checks, loading, and ownership of the
// Embind handles. Nothing here decides anything about providers; the core does.
//
// The module loads once, on first use (or through `init`), and that promise is memoised;
// if the module ever aborts, every later call rejects with the abort's error.

import createLlmuxCore from './llmux-core.mjs';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

let loadOptions = {};
let modulePromise = null;
let abortError = null; // set once the module has aborted: it is unusable from then on

/**
 * Loads the module, optionally from a given source; call it before first use to choose:
 * `wasmModule` (a WebAssembly.Module, as edge runtimes import a .wasm), `wasmBinary` (the
 * bytes), or, in browsers, `locateFile(name, prefix)` (its URL). By default Node reads
 * llmux-core.wasm beside this file and browsers and workers fetch it from there. Returns the
 * memoised module promise; a load that fails rejects it, and every call after.
 */
export function init(options) {
  if (options && modulePromise) throw new Error('llmux: init(options) must come before first use');
  if (!modulePromise) {
    loadOptions = options ?? {};
    modulePromise = instantiate();
    modulePromise.catch(() => {}); // a failed load is reported to each caller, not as unhandled
  }
  return modulePromise;
}

async function instantiate() {
  const { wasmModule, wasmBinary, locateFile } = loadOptions;
  const options = {
    onAbort(what) {
      abortError = new Error(`llmux: the Wasm module aborted (${what})`);
      modulePromise = Promise.reject(abortError);
      modulePromise.catch(() => {});
    },
  };
  if (locateFile) options.locateFile = locateFile;
  if (wasmBinary) options.wasmBinary = wasmBinary;
  else if (isNode && !wasmModule) {
    // The generated loader fetch()es a file: URL under Node, which fails (TOOLCHAIN.md).
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./llmux-core.wasm', import.meta.url));
  }
  if (!wasmModule) return createLlmuxCore(options);
  // The loader cannot see a failure inside instantiateWasm: reject here ourselves.
  return new Promise((resolve, reject) => {
    options.instantiateWasm = (imports, receive) => {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance)).catch(reject);
      return {};
    };
    createLlmuxCore(options).then(resolve, reject);
  });
}

async function loaded() {
  const module = await init();
  if (abortError) throw abortError;
  return module;
}

function checkHead(options, what) {
  const fail = (message) => {
    throw new TypeError(`${what}: ${message}`);
  };
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { provider, stream = false, status = 200, headers = [], receivedAtMs = Date.now() } = options;
  if (typeof provider !== 'string') fail('provider must be a string such as "openai"');
  if (typeof stream !== 'boolean') fail('stream must be a boolean');
  if (!Number.isInteger(status) || status < 100 || status > 599)
    fail('status must be an HTTP status (an integer from 100 to 599)');
  if (!Number.isSafeInteger(receivedAtMs)) fail('receivedAtMs must be an integer (Unix epoch milliseconds)');
  return { provider, stream, status, headers: headerPairs(headers, what), receivedAtMs };
}

// [[name, value], ...] from an array of pairs, a Headers or Map, or a plain object.
function headerPairs(headers, what) {
  let pairs = null;
  if (headers !== null && typeof headers === 'object')
    pairs = typeof headers[Symbol.iterator] === 'function' ? Array.from(headers) : Object.entries(headers);
  const isPair = (pair) =>
    Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string';
  if (!pairs?.every(isPair))
    throw new TypeError(`${what}: headers must be [name, value] string pairs, a Headers or an object of strings`);
  return pairs;
}

function checkBytes(bytes, what) {
  if (typeof bytes === 'string' || bytes instanceof Uint8Array || bytes instanceof ArrayBuffer) return bytes;
  throw new TypeError(`${what} must be a Uint8Array, an ArrayBuffer or a string`);
}

/**
 * Decodes a whole response body: `{provider, stream, status, headers, body, receivedAtMs}`
 * (stream defaults to false, status to 200, receivedAtMs to now). Resolves to the plain
 * result object ({text, reasoning, tool_calls, finish_reason, finish, usage, error, ...});
 * an unknown provider gives an invalid_argument error in it. Rejects with a TypeError when
 * an argument has the wrong type.
 */
export async function decode(options) {
  const { provider, stream, status, headers, receivedAtMs } = checkHead(options, 'decode');
  const body = checkBytes(options.body, 'decode: body');
  const module = await loaded();
  return JSON.parse(module.decode(provider, stream, status, headers, body, receivedAtMs));
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { if (!abortError) handle.delete(); }) // a backstop only
  : null;

/** A streaming decoder. feed() any number of times, then finish() once; close() frees it early. */
class Decoder {
  #handle;
  constructor(handle) {
    this.#handle = handle;
    registry?.register(this, handle, this);
  }

  #live(what) {
    if (abortError) throw abortError;
    if (!this.#handle) throw new Error(`llmux decoder: ${what} after finish() or close()`);
    return this.#handle;
  }

  /** Decodes a chunk (not kept); returns the stream events it completed. */
  feed(bytes) {
    const handle = this.#live('feed()');
    return JSON.parse(handle.feed(checkBytes(bytes, 'feed: bytes')));
  }

  /** Ends the body: returns {events: the last events, result: the decoded response}; frees the decoder. */
  finish() {
    const handle = this.#live('finish()');
    try {
      return JSON.parse(handle.finish());
    } finally {
      this.close();
    }
  }

  /** Frees the decoder without finishing. Closing twice is harmless. */
  close() {
    if (!this.#handle) return;
    registry?.unregister(this);
    if (!abortError) this.#handle.delete();
    this.#handle = null;
  }
}

/**
 * Resolves to a Decoder for a response whose head is `{provider, stream, status, headers,
 * receivedAtMs}` (defaults as in decode). Rejects with a TypeError on wrong argument types.
 */
export async function createDecoder(options) {
  const { provider, stream, status, headers, receivedAtMs } = checkHead(options, 'createDecoder');
  const module = await loaded();
  return new Decoder(new module.ResponseDecoder(provider, stream, status, headers, receivedAtMs));
}

/** Resolves to the error-code table: [{number, code, message}], in number order. */
export async function errorCodes() {
  return JSON.parse((await loaded()).errorCodes());
}

/** @internal For the memory tests: the Wasm heap's size and the bytes malloc holds. */
export async function _memoryUsage() {
  const module = await loaded();
  return { heapBytes: module.HEAP8.length, mallocBytes: module.heapBytesInUse() };
}
