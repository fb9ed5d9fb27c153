// The ledger's day files grow by append through a store object: a store with append(key,
// value) gets each record's line alone, one without gets the day back joined (the package
// reads it and puts it back), and both hold the same bytes, which a new client loads. An
// append that fails or throws is a storage error, never an abort.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { builds, loadBuild, mapStore } from './support.mjs';

// 2026-11-10T12:00:00Z, then a record every 7.2 minutes: 100 records on Nov 10, 200 on Nov 11.
const start = 1794312000000;
const document = JSON.stringify({
  format: 'llmux-ledger',
  version: 1,
  records: Array.from({ length: 300 }, (_, i) => ({
    at_ms: start + i * 432000, user: 'alice', provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok', cost: 5,
  })),
});
const days = ['ledger/records/2026-11-10.jsonl', 'ledger/records/2026-11-11.jsonl'];

// A Map store that counts the writes of each day file; with `append`, it has one.
function countingStore({ append }) {
  const store = mapStore();
  const calls = { put: 0, append: 0 };
  const put = store.put;
  store.put = (key, value) => {
    if (key.startsWith('ledger/records/')) calls.put++;
    return put(key, value);
  };
  if (append)
    store.append = (key, value) => {
      calls.append++;
      store.values.set(key, (store.values.get(key) ?? '') + value);
    };
  return { store, calls };
}

for (const build of builds) {
  describe(`a store's append (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('with append, a record is one append; without, one put; the same bytes either way', async () => {
      const appending = countingStore({ append: true });
      const putting = countingStore({ append: false });
      for (const { store } of [appending, putting]) {
        const client = api.createClient({ storage: store });
        assert.deepEqual(await client.importUsage(document), { added: 300, alreadyHeld: 0 });
        await client.close();
      }
      assert.deepEqual(appending.calls, { put: 2, append: 298 }, 'a put for each day, then appends');
      assert.deepEqual(putting.calls, { put: 300, append: 0 });
      assert.deepEqual([...appending.store.values.keys()].sort(), days);
      for (const [day, lines] of [[days[0], 100], [days[1], 200]]) {
        assert.equal(appending.store.values.get(day), putting.store.values.get(day), day);
        assert.equal(appending.store.values.get(day).split('\n').length, lines + 1, `${day}: ${lines} lines`);
      }
      const reopened = api.createClient({ storage: appending.store });
      const [row] = await reopened.usage({ by: 'user', since: new Date(start), until: new Date(start + 2 * 86400000) });
      assert.equal(row.requests, 300);
      assert.deepEqual(await reopened.importUsage(document), { added: 0, alreadyHeld: 300 });
      await reopened.close();
    });

    test('an append that fails or throws is a storage error, and the next record writes the day whole', async () => {
      for (const failure of [() => ({ error: 'disk full' }), () => { throw new Error('disk full'); }]) {
        const { store, calls } = countingStore({ append: true });
        const client = api.createClient({ storage: store });
        const records = JSON.parse(document).records;
        const one = (i) => JSON.stringify({ format: 'llmux-ledger', version: 1, records: [records[i]] });
        await client.importUsage(one(0));
        const append = store.append;
        store.append = failure;
        await assert.rejects(client.importUsage(one(1)), (error) => error instanceof api.StorageError && /disk full/.test(error.message));
        store.append = append;
        await client.importUsage(one(2));
        assert.deepEqual(calls, { put: 2, append: 0 });
        assert.equal(store.values.get(days[0]).split('\n').length, 4, 'the three records, each on its line');
        await client.close();
      }
    });
  });
}
