// Every model id of the seed product's document, typed as it is there, priced through the
// package: client.cost() for each of the 29 rows, and a chat's result (against the provider
// simulator) for each row the document prices, with the document's figures.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { listedDifferences, seedRows } from './seed-document.mjs';
import { builds, loadBuild } from './support.mjs';

const rows = seedRows();
const usage = { inputTokens: 1000, outputTokens: 500 };

let sim;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

test('the document has 29 model rows, 13 of them priced', () => {
  assert.equal(rows.length, 29);
  assert.equal(rows.filter((row) => row.cost !== null).length, 13);
});

for (const build of builds) {
  describe(`the seed document's models (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('client.cost() prices 1,000 in and 500 out as the document does, for every row', async () => {
      const client = api.createClient({});
      const priceDifferences = listedDifferences('price');
      const idDifferences = listedDifferences('id');
      try {
        for (const row of rows) {
          let cost;
          try {
            cost = await client.cost(row.id, usage);
          } catch (error) {
            // Only a name docs/models.md lists as differing may fail to name one model.
            assert.ok(idDifferences.has(row.id), `${row.id}: ${error.message}`);
            assert.equal(error.code, 'unknown_model', row.id);
            continue;
          }
          if (row.cost !== null) assert.equal(cost?.totalPicodollars, String(row.cost), row.id);
          else if (!priceDifferences.has(row.id)) assert.equal(cost, null, `${row.id}: the document gives no price`);
          else assert.notEqual(cost, null, `${row.id}: docs/models.md says llmux prices it`);
        }
      } finally {
        client.close();
      }
    });

    test("a chat's result costs what the document says, for every priced row", async () => {
      for (const row of rows.filter((candidate) => candidate.cost !== null)) {
        const lane = sim.lane(`seed-${build.name}-${row.id.replace(/[^A-Za-z0-9._-]/g, '_')}`);
        lane.script([{ text: 'ok', usage: { input: 1000, output: 500 } }]);
        const client = api.createClient({
          settings: {
            OPENAI_API_KEY: 'sk-test-seed', OPENAI_BASE_URL: lane.baseUrl('openai'),
            ANTHROPIC_API_KEY: 'test-seed', ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
            OLLAMA_BASE_URL: lane.baseUrl('ollama'),
          },
        });
        try {
          const result = await client.chat({ model: row.id, prompt: 'Hi' });
          assert.deepEqual([result.usage.inputTokens, result.usage.outputTokens], [1000, 500], row.id);
          assert.equal(result.cost?.totalPicodollars, String(row.cost), row.id);
          assert.equal(lane.requests().length, 1, row.id);
        } finally {
          client.close();
        }
      }
    });
  });
}
