// The tool-round limit as the product promises it ("max 3 rounds of tool calling"), through
// `llmux chat --tools calculator` with no --max-rounds, against the provider simulator.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/rounds.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { root } from '../js/support.mjs';
import { startSimulator } from '../simulator/simulator.mjs';

const cli = resolve(root, process.env.LLMUX_CLI || 'build/native/cli/llmux');
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the native CLI first`);

let sim;
let home;
before(async () => {
  sim = await startSimulator();
  home = mkdtempSync(join(tmpdir(), 'llmux-rounds-'));
});
after(async () => {
  await sim.close();
  rmSync(home, { recursive: true, force: true });
});

test('with no --max-rounds a model asking for the calculator every time gets 3 tool rounds, then a last call without tools', async () => {
  const lane = sim.lane('rounds');
  const ask = (expression, input) => ({
    tool_calls: [{ name: 'calculator', arguments: { expression } }], usage: { input, output: 10 },
  });
  lane.script([
    ask('1299 * 12 * 0.8', 100), ask('0.1 + 0.2', 110), ask('7 / 2', 120),
    { text: 'The totals are 12470.4, 0.3 and 3.5.', usage: { input: 130, output: 12 } },
    ask('1 + 1', 140), // never asked for: a 5th call would take it
  ]);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    LLMUX_HOME: join(home, 'data'),
    LLMUX_MODELS_FILE: join(home, 'models.json'),
    OPENAI_API_KEY: 'sk-test-rounds-000000000000',
    OPENAI_BASE_URL: lane.baseUrl('openai'),
  };
  // execFile waits without blocking the event loop, where the simulator runs.
  const { stdout, stderr } = await promisify(execFile)(
    cli, ['chat', '-m', 'gpt-4o-mini', '--tools', 'calculator', 'Compute three totals.'], { env });

  assert.equal(stdout, 'The totals are 12470.4, 0.3 and 3.5.\n');
  // The calculator answered each round, in decimal.
  assert.deepEqual(stderr.match(/\[tool calculator\] .*/g), [
    '[tool calculator] {"expression":"1299 * 12 * 0.8"} -> {"expression":"1299 * 12 * 0.8","result":12470.4}',
    '[tool calculator] {"expression":"0.1 + 0.2"} -> {"expression":"0.1 + 0.2","result":0.3}',
    '[tool calculator] {"expression":"7 / 2"} -> {"expression":"7 / 2","result":3.5}',
  ]);
  // Four calls: three that may use tools, then one that forbids them (tool_choice "none").
  const requests = lane.requests();
  assert.equal(requests.length, 4);
  assert.equal(lane.pending(), 1);
  assert.deepEqual(requests.map((request) => request.body.tool_choice), [undefined, undefined, undefined, 'none']);
  for (const request of requests) assert.deepEqual(request.body.tools.map((tool) => tool.function.name), ['calculator']);
  assert.equal(requests[3].body.messages.filter((message) => message.role === 'tool').length, 3);
  // Usage summed over the four calls: 460 input and 42 output tokens, at $0.15 and $0.60 a million.
  assert.equal(stderr.trimEnd().split('\n').at(-1),
    '[openai-gpt-4o-mini] 460 input + 42 output tokens, cost $0.0000942, 4 calls, 3 tool rounds');
});
