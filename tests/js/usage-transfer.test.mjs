// exportUsage() and importUsage(): a client's ledger moved to another client (another browser,
// another machine) through one document, imported twice without counting twice, and a
// document that is not a ledger export refused whole.

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

for (const build of builds) {
  describe(`usage export and import (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('the records move to another client, and a second import adds nothing', async () => {
      const lane = sim.lane(`usage-transfer-${++lanes}`);
      lane.script([{ text: 'one', usage: { input: 1000, output: 500 } }, { text: 'two', usage: { input: 10, output: 5 } }]);
      const settings = { OPENAI_API_KEY: 'sk-test-transfer-0000000000', OPENAI_BASE_URL: lane.baseUrl('openai') };
      const source = api.createClient({ settings, model: 'gpt-4o-mini', user: 'alice' });
      await source.chat({ prompt: 'first' });
      await source.chat({ prompt: 'second', user: 'bob' });
      const document = await source.exportUsage();
      assert.equal(typeof document, 'string');
      const parsed = JSON.parse(document);
      assert.equal(parsed.format, 'llmux-ledger');
      assert.equal(parsed.version, 1);
      assert.equal(parsed.records.length, 2);
      assert.ok(!document.includes('sk-test-transfer'), 'no key in the export');

      const target = api.createClient({});
      assert.deepEqual(await target.importUsage(document), { added: 2, alreadyHeld: 0 });
      assert.deepEqual(await target.usage({ by: 'user' }), await source.usage({ by: 'user' }));
      assert.equal((await target.usage({ by: 'user' })).find((row) => row.key === 'alice').cost, '0.00045');
      assert.deepEqual(await target.importUsage(document), { added: 0, alreadyHeld: 2 });
      assert.equal((await target.usage({ by: 'model' }))[0].requests, 2);

      // A time range exports only its records.
      const none = JSON.parse(await source.exportUsage({ until: new Date('2000-01-01') }));
      assert.deepEqual(none.records, []);
      await source.close();
      await target.close();
    });

    test('a document that is not a ledger export, or holds a bad record, adds nothing', async () => {
      const client = api.createClient({});
      const record = { at_ms: Date.now(), provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok', cost: 5 };
      for (const document of ['', 'null', '{"format":"llmux-chat-export","version":1}',
        JSON.stringify({ format: 'llmux-ledger', version: 1, records: [record, { ...record, cost: -1 }] }),
        JSON.stringify({ format: 'llmux-ledger', version: 1, records: [{ ...record, user: 'a\u001b[2Jb' }] })]) {
        await assert.rejects(client.importUsage(document), (error) => error instanceof TypeError && /^llmux importUsage: not a ledger export: /.test(error.message), document);
      }
      await assert.rejects(client.importUsage({ records: [] }), TypeError);
      assert.deepEqual(await client.usage(), []);
      await client.close();
    });
  });
}
