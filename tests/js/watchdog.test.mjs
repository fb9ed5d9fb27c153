// The idle timeouts of the exchanges in flight (wasm/watchdog.mjs), as Node runs them: one
// shared timer for all. Each exchange expires once, never before its idle time has passed
// since its last activity, and never once unwatched. (Only lower bounds on the times: a
// loaded machine may run the timer late.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { builds, root } from './support.mjs';

const { unwatch, watch } = await import(new URL(`${builds[0].dir}/wasm/watchdog.mjs`, `file://${root}/`).href);

function exchange(name, timeoutMs, expired) {
  const started = Date.now();
  return { name, timeoutMs, lastActivity: started, started, expire: () => expired.push([name, Date.now() - started]) };
}

test('exchanges expire once each, not before they fall due, and never once unwatched', async () => {
  const expired = [];
  const slow = exchange('slow', 300, expired);
  const fast = exchange('fast', 60, expired);
  const dropped = exchange('dropped', 30, expired);
  const busy = exchange('busy', 120, expired);
  watch(slow); // arms the shared timer for 300 ms ...
  watch(fast); // ... which an earlier exchange brings forward
  watch(dropped);
  watch(busy);
  unwatch(dropped);
  // Activity postpones: busy is read from every 40 ms for 200 ms, then goes quiet.
  for (let i = 0; i < 5; i++) {
    await sleep(40);
    busy.lastActivity = Date.now();
  }
  const quietFrom = busy.lastActivity - busy.started;
  await sleep(400);
  assert.deepEqual(expired.map(([name]) => name).sort(), ['busy', 'fast', 'slow']);
  const at = Object.fromEntries(expired);
  assert.ok(at.fast >= 60, `fast expired after ${at.fast} ms`);
  assert.ok(at.slow >= 300, `slow expired after ${at.slow} ms`);
  assert.ok(at.busy >= quietFrom + 120, `busy expired ${at.busy - quietFrom} ms after its last read`);
  unwatch(fast); // after expiry: harmless
});
