// The package against bad input and hostile usage, as the CLI is (tests/cli/bad-input.test.mjs):
// one meaning of `user` (charged to user:<id>), numbers refused as the CLI refuses them, and
// usage no tokenizer produced recorded as unknown with a warning.

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

function setup(steps = []) {
  const lane = sim.lane(`hostile-input-${++lanes}`);
  lane.script(steps);
  return { lane, settings: { OPENAI_API_KEY: 'sk-test-openai', OPENAI_BASE_URL: lane.baseUrl('openai') } };
}

for (const build of builds) {
  describe(`the package against bad input (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    test('user: "eve" is charged to user:eve, so a budget there holds (as llmux chat --user eve)', async () => {
      const { lane, settings } = setup([{ text: 'first', usage: { input: 1000, output: 500 } }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', user: 'eve' });
      await client.setBudget('user:eve', '0.0006');
      assert.equal((await client.chat({ prompt: 'x', maxTokens: 500 })).text, 'first');
      assert.deepEqual(await client.budget('user:eve'), { limit: '0.0006', spent: '0.00045' });
      await assert.rejects(client.chat({ prompt: 'x', maxTokens: 500 }), (error) => error instanceof api.BudgetExceededError);
      assert.equal(lane.requests().length, 1);
      await client.close();
    });

    test('a call\'s own user is charged to its scope, beside the client\'s budget scopes', async () => {
      const { lane, settings } = setup([{ text: 'ok', usage: { input: 1000, output: 500 } }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini', budgetScopes: ['project:acme'] });
      await client.setBudget('user:mallory', '0.000001');
      assert.equal((await client.chat({ prompt: 'x', user: 'dave' })).text, 'ok');
      assert.equal((await client.budget('user:dave')).spent, '0.00045');
      assert.equal((await client.budget('project:acme')).spent, '0.00045');
      await assert.rejects(client.chat({ prompt: 'x', user: 'mallory' }), (error) => error instanceof api.BudgetExceededError);
      assert.equal(lane.requests().length, 1);
      await client.close();
    });

    test('numbers: a temperature out of 0 to 2 or not finite, a top_p out of 0 to 1 and maxTokens 0 are refused before sending', async () => {
      const { lane, settings } = setup();
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      for (const [call, message] of [
        [{ temperature: -1 }, 'temperature must be a number from 0 to 2, not -1'],
        [{ temperature: 2.5 }, 'temperature must be a number from 0 to 2, not 2.5'],
        [{ topP: 1.5 }, 'top_p must be a number from 0 to 1, not 1.5'],
      ]) {
        const failure = await client.chat({ prompt: 'x', ...call }).catch((error) => error);
        assert.ok(failure instanceof api.InvalidArgumentError, `${JSON.stringify(call)}: ${failure}`);
        assert.equal(failure.message, message);
      }
      // JSON has no NaN or Infinity (they would go out as null, "not given"): refused first.
      for (const [call, message] of [
        [{ temperature: NaN }, 'llmux chat: the call cannot be sent as JSON: temperature must be a finite number, not NaN'],
        [{ temperature: Infinity }, 'llmux chat: the call cannot be sent as JSON: temperature must be a finite number, not Infinity'],
        [{ topP: -Infinity }, 'llmux chat: the call cannot be sent as JSON: topP must be a finite number, not -Infinity'],
        [{ maxTokens: 0 }, 'llmux chat: maxTokens: must be an integer from 1 to 9223372036854775807'],
      ])
        await assert.rejects(client.chat({ prompt: 'x', ...call }), (error) => error instanceof TypeError && error.message === message, message);
      assert.equal(lane.requests().length, 0);
      await client.close();
    });

    for (const stream of [false, true]) {
      test(`usage no tokenizer produced is unknown, with warnings; the answer stands (${stream ? 'stream()' : 'chat()'})`, async () => {
        const { settings } = setup([{ text: 'still here', hostile_usage: { input: -5, output: 2 ** 62, cached: 1.5, reasoning: '12' } }]);
        const client = api.createClient({ settings, model: 'gpt-4o-mini' });
        let result;
        if (stream) {
          const call = client.stream({ prompt: 'x' });
          for await (const event of call) void event;
          result = await call.result;
        } else {
          result = await client.chat({ prompt: 'x' });
        }
        assert.equal(result.text, 'still here');
        assert.deepEqual(result.usage, {});
        assert.equal(result.cost, null);
        const said = (key, value) => `the provider reported ${key} = ${value}, which is not a token count: recorded as unknown`;
        assert.deepEqual(result.warnings, [
          said('prompt_tokens', '-5'), said('completion_tokens', '4611686018427388000'), said('total_tokens', '-5'),
          said('cached_tokens', '1.5'), said('reasoning_tokens', '"12"'),
        ]);
        const [total] = await client.usage();
        assert.deepEqual([total.requests, total.requestsWithoutCost], [1, 1]);
        await client.close();
      });
    }

    test('a well-behaved answer has no warnings', async () => {
      const { settings } = setup([{ text: 'fine' }]);
      const client = api.createClient({ settings, model: 'gpt-4o-mini' });
      assert.deepEqual((await client.chat({ prompt: 'x' })).warnings, []);
      await client.close();
    });
  });
}
