// decode() and createDecoder(): provider response bytes to neutral values, through the core.
// Only argument checks and the ownership of the core's handles live here.

import { headersText } from './core.mjs';
import { loaded } from './load.mjs';

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
  return { provider, stream, status, headers: headersText(headerPairs(headers, what)), receivedAtMs };
}

// [[name, value], ...] from an array of pairs, a Headers or Map, or a plain object. No name or
// value holds a NUL, which HTTP forbids and the core's header text uses as its separator.
function headerPairs(headers, what) {
  let pairs = null;
  if (headers !== null && typeof headers === 'object')
    pairs = typeof headers[Symbol.iterator] === 'function' ? Array.from(headers) : Object.entries(headers);
  const isText = (text) => typeof text === 'string' && !text.includes('\0');
  const isPair = (pair) => Array.isArray(pair) && pair.length === 2 && isText(pair[0]) && isText(pair[1]);
  if (!pairs?.every(isPair))
    throw new TypeError(`${what}: headers must be [name, value] string pairs, a Headers or an object of strings`);
  return pairs;
}

function checkBytes(bytes, what) {
  if (typeof bytes === 'string' || bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
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
  ? new FinalizationRegistry((handle) => handle.delete()) // a backstop only
  : null;

/** A streaming decoder. feed() any number of times, then finish() once; close() frees it early. */
class Decoder {
  #handle;
  constructor(handle) {
    this.#handle = handle;
    registry?.register(this, handle, this);
  }

  #live(what) {
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
    this.#handle.delete(); // nothing, in an instance that has aborted
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
  return { heapBytes: module.heapBytes(), mallocBytes: module.heapBytesInUse() };
}
