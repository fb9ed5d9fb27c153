// The package's time limits against the simulator's slow drips and silences: timeoutMs is the
// call's deadline for chat() and stream() alike (the core decides it), idleTimeoutMs and
// responseTimeoutMs end one exchange (the driver does). Tests set short limits and assert that
// a call ended and how, never how long it took.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild } from './support.mjs';

let sim;
let lanes = 0;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

function setup(steps) {
  const lane = sim.lane(`timeouts-${++lanes}`);
  lane.script(steps);
  return { lane, settings: { OPENAI_API_KEY: 'sk-test-timeouts', OPENAI_BASE_URL: lane.baseUrl('openai') } };
}

const drip = { text: 'a slow answer', drip: { every_ms: 100 } };
const drain = async (stream) => {
  for await (const _ of stream);
};

for (const build of builds) {
  describe(`time limits (${build.name})`, { timeout: 60_000 }, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    for (const [what, call] of [['chat()', (client, options) => client.chat(options)],
      ['stream()', (client, options) => drain(client.stream(options))]]) {
      test(`${what}: a slow drip ends at timeoutMs with a TimeoutError`, async () => {
        const { settings } = setup([drip]);
        const client = api.createClient({ settings, model: 'gpt-4o-mini' });
        await assert.rejects(call(client, { prompt: 'hi', timeoutMs: 1500 }), (error) => error instanceof api.TimeoutError &&
          error.code === 'timeout' && /^the call did not finish within its timeout of 1500 ms/.test(error.message));
        await client.close();
      });

      test(`${what}: a drip from the status line ends at the client's timeoutMs`, async () => {
        const { settings } = setup([{ ...drip, drip: { every_ms: 100, from: 'head' } }]);
        const client = api.createClient({ settings, model: 'gpt-4o-mini', timeoutMs: 1500 });
        await assert.rejects(call(client, { prompt: 'hi' }), (error) => error instanceof api.TimeoutError &&
          /within its timeout of 1500 ms/.test(error.message));
        await client.close();
      });
    }

    test('a silent server ends at timeoutMs, its retries included', async () => {
      const { lane, settings } = setup([{ hang: true }, { hang: true }, { hang: true }, { hang: true }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: { maxRetries: 3, initialDelayMs: 10 } });
      await assert.rejects(client.chat({ prompt: 'hi', timeoutMs: 1000, idleTimeoutMs: 400 }), (error) =>
        error instanceof api.TimeoutError &&
        /^the call did not finish within its timeout of 1000 ms \(the last attempt: .+\)$/.test(error.message) &&
        error.result.modelsTried[0].attempts >= 2);
      assert.ok(lane.requests().length <= 3, `${lane.requests().length} requests`);
      await client.close();
    });

    test('idleTimeoutMs ends a silent exchange, and the retry answers', async () => {
      const { settings } = setup([{ text: 'one two three', silence_after_chunks: 2 }, { text: 'the retry answered' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', idleTimeoutMs: 300, retry: { initialDelayMs: 10 } });
      assert.equal((await client.chat({ prompt: 'hi' })).text, 'the retry answered');
      // Streamed, the silence comes after text was delivered: no retry, the text so far kept.
      const { settings: again } = setup([{ text: 'one two three', silence_after_chunks: 3 }]);
      const streaming = api.createClient({ settings: again, model: 'gpt-4o-mini', idleTimeoutMs: 300 });
      await assert.rejects(drain(streaming.stream({ prompt: 'hi' })), (error) => error instanceof api.TimeoutError &&
        /^idle timeout: nothing from the server for 300 ms \(idleTimeoutMs\)$/.test(error.message) && error.result.text === 'one two');
      await client.close();
      await streaming.close();
    });

    test('responseTimeoutMs ends a response that drips past it', async () => {
      const { settings } = setup([drip]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', retry: { maxRetries: 0 } });
      await assert.rejects(client.chat({ prompt: 'hi', responseTimeoutMs: 500 }), (error) => error instanceof api.TimeoutError &&
        error.message === 'response timeout: the response took longer than 500 ms (responseTimeoutMs)');
      await client.close();
    });

    test('time limits must be positive numbers of milliseconds', async () => {
      for (const key of ['timeoutMs', 'idleTimeoutMs', 'responseTimeoutMs']) {
        assert.throws(() => api.createClient({ [key]: 0 }), new RegExp(`^TypeError: llmux createClient: ${key} must be a positive number`));
        const client = api.createClient({});
        assert.throws(() => client.stream({ prompt: 'x', [key]: Number.NaN }), new RegExp(`llmux stream: ${key} must be`));
        await assert.rejects(client.chat({ prompt: 'x', [key]: -1 }), new RegExp(`llmux chat: ${key} must be`));
      }
    });
  });
}
