// No key leaks from the package, whatever the upstream echoes: every provider's wire format
// through chat() and stream(), against errors that quote the request's own key (whole, masked,
// in a header, in plain text, inside a stream), and a fetch that fails quoting the request.
// Searched: error.message, error.stack, every enumerable field of the error and its result,
// every stream event, usage(), and everything written to the store, for the key and every
// 8-byte piece of it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { keys, leakIn, misbehaviours, models, providerSettings } from '../hostile/leaks.mjs';
import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, mapStore } from './support.mjs';

let sim;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

// A store that keeps every value ever written, for the search.
function recordingStore() {
  const store = mapStore();
  const written = [];
  return {
    ...store,
    written,
    put: (key, value) => {
      store.put(key, value);
      written.push(`${key}=${value}`);
    },
  };
}

// Everything a caller can read of an error: its message and stack, and every field (the
// result of the failed call, with its partial response, usage and models tried).
const errorText = (error) => [String(error?.message), String(error?.stack), JSON.stringify(error), JSON.stringify(error?.result)].join('\n');

function assertNoLeak(what, text) {
  const leak = leakIn(text);
  assert.equal(leak, null, `${what} holds ${leak}:\n${text.slice(0, 2000)}`);
}

let lanes = 0;
for (const build of builds) {
  describe(`no key leaks from the package (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    for (const [provider, model] of Object.entries(models)) {
      for (const stream of [false, true]) {
        test(`${provider}, ${stream ? 'stream()' : 'chat()'}`, async () => {
          const lane = sim.lane(`js-leak-${++lanes}`);
          const store = recordingStore();
          const client = api.createClient({ settings: providerSettings(lane), storage: store, user: 'eve' });
          const texts = [];
          const requests = [];
          for (const misbehaviour of misbehaviours) {
            if (misbehaviour.streams && !stream) continue;
            lane.script(misbehaviour.steps);
            const call = { model, prompt: 'Say hi', retry: { initialDelayMs: 1, maxDelayMs: 2 } };
            let failure = null;
            try {
              if (stream) for await (const event of client.stream(call)) texts.push([`${misbehaviour.name}: event`, JSON.stringify(event)]);
              else texts.push([`${misbehaviour.name}: result`, JSON.stringify(await client.chat(call))]);
            } catch (error) {
              failure = error;
            }
            assert.ok(failure instanceof api.LlmuxError, `${misbehaviour.name}: ${failure}`);
            if (misbehaviour.shown) assert.match(failure.message, /\[redacted\]/, `${misbehaviour.name}: ${failure.message}`);
            texts.push([`${misbehaviour.name}: error`, errorText(failure)]);
            assert.ok(lane.pending() < misbehaviour.steps.length, `${misbehaviour.name}: no scripted answer was taken`);
          requests.push(...lane.requests());
          lane.reset();
          }
          for (const request of requests)
            assert.ok(JSON.stringify(request.headers).includes(keys[provider]), `${request.path} carried no key`);
          texts.push(['usage()', JSON.stringify(await client.usage({ by: 'user' }))]);
          await client.close();
          texts.push(['the store', store.written.join('\n')]);
          for (const [what, text] of texts) assertNoLeak(what, text);
        });
      }
    }

    test('a fetch that fails quoting the request\'s URL and headers leaks nothing', async () => {
      const lane = sim.lane(`js-leak-${++lanes}`);
      // What a proxy or a fetch polyfill might say: the whole request, key included.
      const fetch = async (url, init) => {
        const headers = JSON.stringify(Object.fromEntries(new Headers(init.headers)));
        throw new TypeError(`fetch failed for ${url} with ${headers}`, { cause: new Error(`connect refused: ${headers}`) });
      };
      const client = api.createClient({ settings: providerSettings(lane), fetch });
      for (const model of Object.values(models)) {
        const failure = await client.chat({ model, prompt: 'hi', retry: { maxRetries: 0 } }).catch((error) => error);
        assert.ok(failure instanceof api.NetworkError, String(failure));
        assertNoLeak(`${model}: network error`, errorText(failure));
      }
      await client.close();
    });
  });
}
