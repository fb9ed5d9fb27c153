// However a body's bytes are split across feed() calls, the decoder gives the same events
// and the same result as when it is fed whole; and the result equals what decode() gives.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { builds, decodeInChunks, fixtures, headOf, loadBuild, seededRandom } from './support.mjs';

// Which single cuts to try: the cost grows with the square of a fixture's size. The release
// build is cut at every byte of every fixture under 8 KB. The debug build (-O0, SAFE_HEAP)
// decodes some 50 times slower, so it is cut at every byte under 1 KB and at every 23rd byte
// from there to 8 KB (its memory checks are the point there; the split logic is the same
// C++, and the native conformance suite cuts every fixture at every byte under ASan too).
// Together they take about a minute for the 40-odd fixtures of five wire formats.
const singleCuts = {
  release: [{ below: 8 * 1024, every: 1 }],
  debug: [{ below: 1024, every: 1 }, { below: 8 * 1024, every: 23 }],
};

// Random multi-way splits per fixture: fewer for the slow debug build.
const randomRounds = { release: 50, debug: 10 };

// One JSON text per event, then the result: a difference shows as a readable diff.
const logOf = ({ events, result }) => [...events.map((event) => JSON.stringify(event)), JSON.stringify(result)].join('\n');

for (const build of builds) {
  describe(`splits (${build.name})`, () => {
    for (const f of fixtures) {
      test(`${f.path}: fed whole, the events build what decode() returns`, async () => {
        const api = await loadBuild(build);
        const whole = await decodeInChunks(api, headOf(f), f.bytes, []);
        assert.deepEqual(whole.result, await api.decode({ ...headOf(f), body: f.bytes }));
        if (f.stream && f.status === 200) assert.ok(whole.events.length > 0, 'a stream gives events');
      });

      const cuts = singleCuts[build.name].find(({ below }) => f.bytes.length < below);
      if (cuts) {
        test(`${f.path}: split at every ${cuts.every === 1 ? '' : `${cuts.every}th `}byte`, async () => {
          const api = await loadBuild(build);
          const whole = logOf(await decodeInChunks(api, headOf(f), f.bytes, []));
          for (let cut = 1; cut < f.bytes.length; cut += cuts.every) {
            const split = logOf(await decodeInChunks(api, headOf(f), f.bytes, [cut]));
            if (split !== whole) assert.equal(split, whole, `split at byte ${cut}`);
          }
        });
      }

      test(`${f.path}: fixed chunk sizes and random multi-way splits`, async () => {
        const api = await loadBuild(build);
        const size = f.bytes.length;
        const whole = logOf(await decodeInChunks(api, headOf(f), f.bytes, []));
        for (const chunk of [1, 2, 3, 5, 7, 13, 64, 1000, 1024]) {
          const cuts = [];
          for (let at = chunk; at < size; at += chunk) cuts.push(at);
          assert.equal(logOf(await decodeInChunks(api, headOf(f), f.bytes, cuts)), whole, `chunks of ${chunk}`);
        }
        const random = seededRandom(20261125);
        for (let round = 0; round < randomRounds[build.name]; ++round) {
          const pieces = 2 + Math.floor(random() * 39);
          const cuts = [...new Set(Array.from({ length: pieces }, () => 1 + Math.floor(random() * (size - 1))))]
            .sort((a, b) => a - b);
          assert.equal(logOf(await decodeInChunks(api, headOf(f), f.bytes, cuts)), whole,
            `random round ${round}: cuts ${cuts.join(',')}`);
        }
      });
    }
  });
}
