// The ledger shared by llmux processes (LLMUX_HOME/llmux.db): 20 `llmux chat` at once against
// one budget, a chat killed with SIGKILL mid-call, the earlier ledger files with a torn last
// line, and a --user that would forge rows in `llmux usage`. Against the provider simulator.
//
//   LLMUX_CLI=build/native/cli/llmux node --test tests/cli/ledger.test.mjs

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { runCli as run, useSimulatorAndHome } from './helpers.mjs';

const shared = useSimulatorAndHome('llmux-ledger-');

let lanes = 0;
// A fresh lane and llmux home; OpenAI's settings point at the lane.
function setup(steps = []) {
  const lane = shared.sim().lane(`ledger${++lanes}`);
  lane.script(steps);
  const home = shared.newHome(lane.name);
  const env = { ...home.env, OPENAI_API_KEY: 'sk-test-ledger-000000000000000', OPENAI_BASE_URL: lane.baseUrl('openai') };
  return { lane, env, dir: home.dir };
}

const usage = async (env, ...args) => {
  const out = await run(['usage', '--json', ...args], env);
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
};

// gpt-4o-mini ($0.15 in, $0.60 out per million) with --max-tokens 320: the session reserves
// the prompt's tokens plus 320 output tokens, about $0.000193 a call; each answer spends 5 in
// and 320 out, $0.00019275, within its estimate.
const call = ['chat', '-m', 'gpt-4o-mini', '--max-tokens', '320', '--user', 'team', 'hi'];
const answer = { text: 'ok', usage: { input: 5, output: 320 }, delay_ms: 300 };
const picodollars = (dollars) => Math.round(Number(dollars.replace('$', '')) * 1e12);

describe('llmux processes sharing one ledger', () => {
  test('20 chats at once against a $0.001 budget: never over it by more than one estimate, one record per call', async (t) => {
    const { lane, env } = setup(Array.from({ length: 20 }, () => answer));
    assert.equal((await run(['budget', 'user:team', '0.001'], env)).status, 0);

    const outs = await Promise.all(Array.from({ length: 20 }, () => run(call, env)));

    const completed = outs.filter((out) => out.status === 0);
    const refused = outs.filter((out) => /budget_exceeded/.test(out.stderr));
    assert.equal(completed.length + refused.length, 20, outs.map((out) => out.stderr).join('\n'));
    assert.ok(completed.length >= 1 && refused.length >= 1);
    // Exactly one record per call the provider answered, and one call per completed chat.
    const totals = (await usage(env)).total;
    assert.equal(lane.requests().length, completed.length);
    assert.equal(totals.requests, completed.length);
    assert.equal(totals.cost_picodollars, completed.length * 192_750_000);
    // The refusals name the estimate: spending stays within the budget plus one of them.
    const estimate = picodollars(/estimate (\$[0-9.]+)/.exec(refused[0].stderr)[1]);
    t.diagnostic(`${completed.length} completed, ${refused.length} refused; spent ${totals.cost_usd} of $0.001; estimate ${estimate / 1e12} a call; ${totals.requests} records for ${lane.requests().length} requests`);
    assert.ok(estimate >= 192_750_000 && estimate < 200_000_000, `estimate ${estimate}`);
    assert.ok(totals.cost_picodollars <= 1_000_000_000 + estimate);
    // Reservations were shared, and every answer came within its estimate: the budget itself
    // holds, and it holds exactly as many calls as fit.
    assert.ok(totals.cost_picodollars <= 1_000_000_000);
    assert.equal(completed.length, Math.floor(1_000_000_000 / estimate));
  });

  test('a chat killed with SIGKILL mid-call does not hold its reservation: the next chat runs', async () => {
    const { lane, env } = setup([{ hang: true }, answer]);
    // Room for one call at a time.
    assert.equal((await run(['budget', 'user:team', '0.0003'], env)).status, 0);
    const killed = await run(call, env, {
      onSpawn: async (child) => {
        while (lane.requests().length === 0) await sleep(20); // its call is in flight
        child.kill('SIGKILL');
      },
    });
    assert.equal(killed.signal, 'SIGKILL');
    const next = await run(call, env);
    assert.equal(next.status, 0, next.stderr);
    assert.equal(next.stdout, 'ok\n');
    assert.equal((await usage(env)).total.requests, 1);
  });

  test('the earlier ledger files are imported; a torn last line is reported, never blocking usage or chat', async () => {
    const { env } = setup([answer]);
    const records = join(env.LLMUX_HOME, 'ledger', 'records');
    mkdirSync(records, { recursive: true });
    const line = (atMs, cost) => JSON.stringify({
      at_ms: atMs, user: 'team', scopes: ['user:team'], model: 'openai-gpt-4o-mini', provider: 'openai',
      usage: { input_tokens: 100, output_tokens: 20 }, cost, outcome: 'ok',
    });
    const day = join(records, '2026-11-10.jsonl');
    // Two whole records, then a third cut short by a crash mid-append.
    const text = `${line(1794312000000, 27000000)}\n${line(1794312000001, 27000000)}\n${line(1794312000002, 27000000).slice(0, 50)}`;
    writeFileSync(day, text);
    writeFileSync(join(env.LLMUX_HOME, 'ledger', 'budgets.json'), '{"version":1,"budgets":{"user:team":5000000000}}');

    const first = await run(['usage', '--json'], env);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stderr, `llmux: warning: ${day} line 3: skipped a torn last line (50 bytes: an append cut short); the one record it held is lost\n`);
    assert.equal(JSON.parse(first.stdout).total.requests, 2);
    assert.equal(JSON.parse(first.stdout).total.cost_usd, '$0.000054');
    // Said once: the database holds the ledger now, and the file is as it was.
    const again = await run(['usage'], env);
    assert.equal(again.stderr, '');
    assert.equal(readFileSync(day, 'utf8'), text);
    const budget = await run(['budget', 'user:team'], env);
    assert.match(budget.stdout, /^user:team: \$0\.005 a month/);

    const chat = await run(call, env);
    assert.equal(chat.status, 0, chat.stderr);
    assert.equal((await usage(env)).total.requests, 3);
  });

  test('a --user with a newline or an escape code is refused, and forges no rows in usage', async () => {
    const { lane, env } = setup([answer]);
    for (const user of ['eve\nmallory          1        0        0  $0', 'eve\x1b[2J', 'eve\x9b2J']) {
      const out = await run(['chat', '-m', 'gpt-4o-mini', '--user', user, 'hi'], env);
      assert.notEqual(out.status, 0);
      assert.match(out.stderr, /control character/);
    }
    assert.equal(lane.requests().length, 0);
    assert.equal((await run(['chat', '-m', 'gpt-4o-mini', '--user', 'eve', 'hi'], env)).status, 0);
    const byUser = await usage(env, '--by', 'user');
    assert.deepEqual(byUser.groups.map((group) => group.key), ['eve']);
  });
});
