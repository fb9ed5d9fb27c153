// Concurrent calls in one process against one budget and one ledger, as the CLI's processes
// share one database (tests/cli/ledger.test.mjs): the package's calls run at once on one Wasm
// instance, each reserving its estimate before it sends, so a budget holds under load and
// every completed call leaves exactly one record.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild, mapStore } from './support.mjs';

let sim;
let lanes = 0;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

// gpt-4o-mini ($0.15 in, $0.60 out per million) with maxTokens 320: each call reserves its
// prompt's tokens plus 320 output tokens, about $0.000193; each answer spends 5 in and 320 out,
// $0.00019275, within its estimate. The answers are slow, so all 20 calls are in flight at once.
const answer = { text: 'ok', usage: { input: 5, output: 320 }, delay_ms: 300 };
const perCall = 192_750_000n; // picodollars

for (const build of builds) {
  describe(`20 concurrent chat() calls (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    for (const storage of ['memory', 'a store object']) {
      test(`against a $0.001 budget (${storage}): never over it, one record per completed call`, async (t) => {
        const lane = sim.lane(`concurrency-${++lanes}`);
        lane.script(Array.from({ length: 20 }, () => answer));
        const store = storage === 'memory' ? undefined : mapStore();
        const client = api.createClient({
          settings: { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: lane.baseUrl('openai') },
          model: 'gpt-4o-mini', user: 'team', storage: store,
        });
        await client.setBudget('user:team', '0.001');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () => client.chat({ prompt: 'hi', maxTokens: 320 })));

        const completed = outcomes.filter((o) => o.status === 'fulfilled');
        const refused = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof api.BudgetExceededError);
        assert.equal(completed.length + refused.length, 20,
          outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.message).join('\n'));
        assert.ok(completed.length >= 1 && refused.length >= 1);
        for (const o of completed) assert.equal(o.value.cost.totalPicodollars, String(perCall));

        // One request per completed call, one record per request.
        assert.equal(lane.requests().length, completed.length);
        const [total] = await client.usage({ by: 'user' });
        assert.equal(total.key, 'team');
        assert.equal(total.requests, completed.length);
        const spent = BigInt(Math.round(Number(total.cost) * 1e12));
        assert.equal(spent, BigInt(completed.length) * perCall);

        // The refusals name the estimate: spending stays within the budget plus one of them,
        // and with every answer inside its estimate, within the budget itself, as many calls
        // as fit.
        const estimate = BigInt(Math.round(Number(/estimate \$([0-9.]+)/.exec(refused[0].reason.message)[1]) * 1e12));
        t.diagnostic(`${completed.length} completed, ${refused.length} refused; spent $${total.cost} of $0.001; estimate $${Number(estimate) / 1e12} a call`);
        assert.ok(estimate >= perCall && estimate < 200_000_000n, `estimate ${estimate}`);
        assert.ok(spent <= 1_000_000_000n + estimate);
        assert.ok(spent <= 1_000_000_000n);
        assert.equal(BigInt(completed.length), 1_000_000_000n / estimate);
        assert.deepEqual(await client.budget('user:team'), { limit: '0.001', spent: total.cost });

        // What the store holds is what the next client reads back: the same records.
        await client.close();
        if (store) {
          const next = api.createClient({ storage: store });
          assert.equal((await next.usage({ by: 'user' }))[0].requests, completed.length);
          await next.close();
        }
      });
    }
  });
}
