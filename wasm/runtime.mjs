// What the driver needs to know of the runtime it runs in, decided once when it loads.

/**
 * Whether this is a server runtime whose event loop is the process's own (Node, Bun, Deno),
 * not a page, a web worker or an edge isolate. workerd with nodejs_compat has a `process`
 * too, so it is told apart by its user agent.
 */
export const serverRuntime =
  (typeof globalThis.process?.versions?.node === 'string' || typeof globalThis.Deno === 'object') &&
  globalThis.navigator?.userAgent !== 'Cloudflare-Workers';

/**
 * Whether this is Node, whose global fetch (undici) gives up by itself on a response head
 * that does not come (headersTimeout) and on a body that stays silent (bodyTimeout), each
 * after `nodeFetchLimitMs` unless the process set another dispatcher (or replaced fetch).
 */
export const nodeFetch = serverRuntime && typeof globalThis.process?.versions?.undici === 'string';
export const nodeFetchLimitMs = 300_000;
