// The package's body limits against the simulator's huge bodies and gzip bombs: the driver
// counts a whole body's bytes as the reader yields them and stops at its limit, the core holds
// a stream to its own. Each call ends with a BadResponseError naming the limit and the next
// call on the same client succeeds, in a process of its own (hostile-child.mjs) whose peak
// resident size, its own figure, stays under 256 MB.

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

const gigabyte = 1024 ** 3;
const cases = [
  ['a 1 GB answer', { body_bytes: gigabyte }, false,
    'the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)'],
  ['a 1 GB error body', { status: 500, body_bytes: gigabyte }, false,
    'the response is too large: an error body is longer than max_error_body_bytes (1 MiB)'],
  ['a 1 GB stream (one line)', { body_bytes: gigabyte }, true, 'an event stream line is longer than 16777216 bytes'],
  ['a gzip bomb (counted as it inflates)', { text: 'boom', gzip_bomb: 500 * 1024 ** 2 }, false,
    'the response is too large: a whole answer is longer than max_response_body_bytes (32 MiB)'],
  // 500 MB of newlines, blank lines between events: only the stream's total limit stops them.
  ['a streamed gzip bomb', { text: 'boom', gzip_bomb: 500 * 1024 ** 2 }, true,
    'the response is too large: a stream is longer than max_stream_body_bytes (64 MiB)'],
];

for (const build of builds) {
  describe(`body limits (${build.name})`, { timeout: 300_000 }, () => {
    // The debug build (-O0, SAFE_HEAP) frames 64 MiB of blank lines in minutes, not seconds.
    const run = build.name === 'debug' ? cases.slice(0, -1) : cases;
    let child;
    before(async () => {
      const steps = run.map(([, hostile, stream]) => {
        const lane = sim.lane(`limits-${++lanes}`);
        lane.script([hostile, { text: 'fine again' }]);
        return { baseUrl: lane.baseUrl('openai'), stream };
      });
      const { stdout } = await promisify(execFile)(process.execPath,
        [resolve(root, 'tests/js/hostile-child.mjs'), resolve(root, build.dir, 'wasm'), JSON.stringify(steps)]);
      child = JSON.parse(stdout);
    });

    run.forEach(([what, , , message], i) => {
      test(`${what}: bad_response naming its limit, and the next call answers`, () => {
        const { error, next } = child.outcomes[i];
        assert.deepEqual(error, { name: 'BadResponseError', code: 'bad_response', message });
        assert.equal(next, 'fine again');
      });
    });

    test('the process never held 256 MB', (t) => {
      t.diagnostic(`peak resident size ${(child.maxRssBytes / 1024 ** 2).toFixed(1)} MiB`);
      assert.ok(child.maxRssBytes > 0);
      assert.ok(child.maxRssBytes < 256 * 1024 ** 2);
    });
  });
}
