// Every model id of the seed product's document, typed as it is there, priced by `llmux cost`
// and by `llmux chat` against the provider simulator, with the document's figures; and the
// product's default settings (LLM_PROVIDER with no _MODEL) as `llmux resolve` shows them.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { listedDifferences, seedRows } from '../js/seed-document.mjs';
import { root } from '../js/support.mjs';
import { startSimulator } from '../simulator/simulator.mjs';

const cli = resolve(root, process.env.LLMUX_CLI || 'build/native/cli/llmux');
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the native CLI first`);

const rows = seedRows();
let sim;
let home;
before(async () => {
  sim = await startSimulator();
  home = mkdtempSync(join(tmpdir(), 'llmux-seed-'));
});
after(async () => {
  await sim.close();
  rmSync(home, { recursive: true, force: true });
});

// Runs the CLI without blocking the event loop (the simulator lives in this process).
function run(args, env = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cli, args, { env: { PATH: process.env.PATH, HOME: home, LLMUX_HOME: join(home, 'data'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

// "$0.00045" as picodollars (450000000n).
function picodollars(usd) {
  const [whole, fraction = ''] = usd.replace(/^\$/, '').split('.');
  return BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, '0'));
}

test('llmux cost prices 1,000 in and 500 out as the document does, for every row', async () => {
  assert.equal(rows.length, 29);
  const priceDifferences = listedDifferences('price');
  const idDifferences = listedDifferences('id');
  for (const row of rows) {
    const { status, stdout, stderr } = await run(['cost', '-m', row.id, '--input', '1000', '--output', '500']);
    if (status !== 0 && /unknown_model/.test(stderr)) {
      assert.ok(idDifferences.has(row.id), `${row.id}: ${stderr}`); // only a listed name may be refused
      continue;
    }
    const unknown = status !== 0 && /is unknown/.test(stderr);
    if (row.cost !== null) {
      assert.equal(status, 0, `${row.id}: ${stderr}`);
      assert.equal(picodollars(stdout.split('\n')[0]), row.cost, `${row.id}: ${stdout}`);
    } else {
      assert.equal(unknown, !priceDifferences.has(row.id), `${row.id}: ${stdout}${stderr}`);
    }
  }
});

test("llmux chat's last line costs what the document says, for every priced row", async () => {
  for (const row of rows.filter((candidate) => candidate.cost !== null)) {
    const lane = sim.lane(`cli-seed-${row.id.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    lane.script([{ text: 'ok', usage: { input: 1000, output: 500 } }]);
    const { status, stdout, stderr } = await run(['chat', '-m', row.id, '--no-ledger', 'Hi'], {
      OPENAI_API_KEY: 'sk-test-seed', OPENAI_BASE_URL: lane.baseUrl('openai'),
      ANTHROPIC_API_KEY: 'test-seed', ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
      OLLAMA_BASE_URL: lane.baseUrl('ollama'),
    });
    assert.equal(status, 0, `${row.id}: ${stderr}`);
    assert.equal(stdout.trim(), 'ok');
    const cost = /1,?000 input \+ 500 output tokens, cost (\$[0-9.]+)/.exec(stderr);
    assert.ok(cost, `${row.id}: ${stderr}`);
    assert.equal(picodollars(cost[1]), row.cost, `${row.id}: ${stderr}`);
  }
});

test('an unset _MODEL means the document\'s default model; an unset LLM_PROVIDER is refused', async () => {
  for (const [provider, id] of [['openai', 'openai-gpt-4o-mini'], ['anthropic', 'anthropic-claude-3-5-sonnet-20241022'],
    ['ollama', 'ollama-llama3.1-8b']]) {
    // It resolves (and, without a key, says what is missing: exit status 1 for a cloud model).
    const { stdout, stderr } = await run(['resolve'], { LLM_PROVIDER: provider });
    assert.match(stdout, new RegExp(`\\b${id.replace(/\./g, '\\.')}\\b`), `${provider}: ${stdout}${stderr}`);
  }
  const { status, stderr } = await run(['resolve']);
  assert.notEqual(status, 0);
  assert.match(stderr, /LLM_PROVIDER is not set/);
  assert.match(stderr, /does not pick a provider for you/);
});
