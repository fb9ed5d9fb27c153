// The idle timeouts of the HTTP exchanges in flight. In a server runtime with one event loop
// per process (Node, Bun, Deno) one timer keeps them all: a timer per exchange (setTimeout
// when it starts, clearTimeout when it ends) cost 10 to 15 µs a request in Node, whose timer
// lists are made and dropped again whenever their only timer goes. Here an exchange that ends
// only leaves the set, and the one timer is set again only when it fires or when an exchange
// is due before it. That timer never keeps a process alive (unref in Node and Bun,
// Deno.unrefTimer in Deno): a request in flight does, and a script whose requests are done
// exits at once.
//
// Elsewhere each exchange has its own timer: browsers cannot unref one, and workerd drops the
// timers a request set when that request ends, so a shared timer set by an earlier request
// could be gone.

import { serverRuntime } from './runtime.mjs';

const watched = new Set(); // the exchanges the shared timer keeps
let shared = null; // whether this runtime gets the shared timer; decided at the first watch
let timer = null;
let firesAt = Infinity;

// A timer that does not keep the process alive, or null where none can be had.
function unrefTimer(callback, ms) {
  const id = setTimeout(callback, ms);
  if (typeof id === 'object' && typeof id.unref === 'function') {
    id.unref();
    return id;
  }
  if (typeof globalThis.Deno?.unrefTimer === 'function') {
    globalThis.Deno.unrefTimer(id);
    return id;
  }
  clearTimeout(id);
  return null;
}

function arm(at) {
  if (timer !== null) clearTimeout(timer);
  firesAt = at;
  timer = unrefTimer(check, Math.max(0, at - Date.now()));
}

function check() {
  timer = null;
  firesAt = Infinity;
  const now = Date.now();
  let next = Infinity;
  for (const exchange of watched) {
    const due = exchange.lastActivity + exchange.timeoutMs;
    if (due <= now) {
      watched.delete(exchange);
      exchange.expire();
    } else if (due < next) {
      next = due;
    }
  }
  if (next !== Infinity) arm(next);
}

// The timer of one exchange, set again for what is left of its idle time when it fires.
function watchAlone(exchange) {
  const tick = () => {
    const idle = Date.now() - exchange.lastActivity;
    if (idle >= exchange.timeoutMs) exchange.expire();
    else exchange.timer = setTimeout(tick, exchange.timeoutMs - idle);
  };
  exchange.timer = setTimeout(tick, exchange.timeoutMs);
}

/**
 * Watches `exchange` until unwatch(): once nothing happened on it (its `lastActivity`, in
 * Date.now() milliseconds, which its owner moves on) for its `timeoutMs`, its `expire()` is
 * called, once.
 */
export function watch(exchange) {
  if (shared === null) {
    // Only runtimes whose event loop is the process's; there, whether a timer can be unref'd.
    const probe = serverRuntime ? unrefTimer(() => {}, 0) : null;
    if (probe !== null) clearTimeout(probe);
    shared = probe !== null;
  }
  if (!shared) return watchAlone(exchange);
  watched.add(exchange);
  const due = exchange.lastActivity + exchange.timeoutMs;
  if (due < firesAt) arm(due);
}

/** Stops watching `exchange` (its response ended, failed or was dropped). */
export function unwatch(exchange) {
  if (shared) watched.delete(exchange);
  else clearTimeout(exchange.timer);
}
