// The FinalizationRegistry backstop (wasm/client.mjs): a client never closed, and a stream
// never finished, free their state in the Wasm heap once garbage-collected. In a process of
// its own run with --expose-gc (backstop-child.mjs), which counts malloc's bytes: held while
// they live, given back after a collection.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, root } from './support.mjs';

let sim;
let lanes = 0;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

for (const build of builds) {
  describe(`backstop (${build.name})`, () => {
    test('clients never closed and streams never finished are freed once collected', async () => {
      const lane = sim.lane(`backstop-${++lanes}`);
      // Enough answers for every stream the child starts (2 to warm up, 5 dropped).
      lane.script(Array.from({ length: 7 }, () => ({ text: 'Hello there, in a few words' })));
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc',
        resolve(root, 'tests/js/backstop-child.mjs'), resolve(root, build.dir, 'wasm'), lane.baseUrl('openai')]);
      const bytes = JSON.parse(stdout);
      const report = JSON.stringify(bytes);
      // Held while they live: each client's catalog alone is tens of kilobytes. Given back, to
      // within a few bytes of the core's own buffers (the input buffer's size moves).
      assert.ok(bytes.clientsHeld > bytes.before + 10 * 10_000, report);
      assert.ok(Math.abs(bytes.clientsCollected - bytes.before) < 1024, `the clients were freed: ${report}`);
      assert.ok(bytes.streamsHeld > bytes.before + 5 * 10_000, report);
      assert.ok(Math.abs(bytes.streamsCollected - bytes.before) < 1024, `the streams and their clients were freed: ${report}`);
    });
  });
}
