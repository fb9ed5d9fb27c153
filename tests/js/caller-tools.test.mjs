// Tools without execute: the caller's to run (a gateway hands them back to its own client, as
// the AI SDK does). The call ends when the model calls one, with the round's tool calls and
// finishReason 'tool_calls', none of them run, even beside tools that have an execute.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startSimulator } from '../simulator/simulator.mjs';
import { builds, loadBuild } from './support.mjs';

let sim;
before(async () => {
  sim = await startSimulator();
});
after(() => sim.close());

for (const build of builds) {
  describe(`tools without execute (${build.name})`, () => {
    let api;
    before(async () => {
      api = await loadBuild(build);
    });

    const setup = (name, steps) => {
      const lane = sim.lane(`caller-tools-${name}-${build.name}`);
      lane.script(steps);
      const client = api.createClient({ settings: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: lane.baseUrl('openai') }, model: 'gpt-4o-mini' });
      return { lane, client };
    };

    test('a call of one ends the call with the tool calls, whole and streamed', async () => {
      for (const stream of [false, true]) {
        const { lane, client } = setup(`alone-${stream}`, [{ tool_calls: [{ name: 'lookup', arguments: { q: 'cats' } }] }]);
        const tools = { lookup: { description: 'Looks things up', parameters: { type: 'object' } } };
        let result;
        if (stream) {
          const events = [];
          for await (const event of client.stream({ prompt: 'Find cats', tools })) events.push(event);
          assert.ok(events.some((event) => event.type === 'tool-call' && event.name === 'lookup'));
          result = events.at(-1).result;
        } else {
          result = await client.chat({ prompt: 'Find cats', tools });
        }
        assert.equal(result.finishReason, 'tool_calls');
        assert.deepEqual(result.toolCalls.map((call) => [call.name, call.arguments]), [['lookup', { q: 'cats' }]]);
        assert.equal(result.toolsCalled.length, 0);
        assert.equal(result.toolRounds, 0);
        assert.equal(lane.requests().length, 1);
        assert.equal(lane.requests()[0].body.tools[0].function.name, 'lookup');
        await client.close();
      }
    });

    test('a round mixing tools with and without execute runs none of them', async () => {
      const { lane, client } = setup('mixed', [{ tool_calls: [{ name: 'add', arguments: { a: 1, b: 2 } }, { name: 'lookup', arguments: { q: 'x' } }] }]);
      let ran = 0;
      const result = await client.chat({
        prompt: 'Go',
        tools: { add: { execute: ({ a, b }) => { ran += 1; return a + b; } }, lookup: {} },
      });
      assert.equal(ran, 0);
      assert.equal(result.toolCalls.length, 2);
      assert.equal(result.finishReason, 'tool_calls');
      assert.equal(lane.requests().length, 1);
      await client.close();
    });

    test('an execute that is not a function is refused', async () => {
      const { client } = setup('refused', []);
      await assert.rejects(client.chat({ prompt: 'x', tools: { add: { execute: 'add' } } }), /execute must be a function/);
      await client.close();
    });
  });
}
