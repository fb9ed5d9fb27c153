// Users apart, budgets held, records kept, in workerd: user A cannot list, call or read
// anything of user B's; a burst of 200 concurrent calls against a small budget never spends
// above it and leaves every call it admitted in the ledger; a restart of workerd loses none
// of it.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { addModel, addUser, call, startGateway, useSimulator } from './support.mjs';

const sim = await useSimulator();
const gateway = await startGateway();
after(() => gateway.stop());

const chat = (key, model, extra = {}) => call(gateway, '/v1/chat/completions', {
  key, method: 'POST', body: { model, messages: [{ role: 'user', content: 'Hi' }], ...extra },
});

const keys = { ann: await addUser(gateway, 'ann'), ben: await addUser(gateway, 'ben') };
const lanes = { ann: sim.lane('ann'), ben: sim.lane('ben') };
for (const user of ['ann', 'ben']) {
  // The same name in both: each user's resolves to their own endpoint and key.
  await addModel(gateway, user, { name: 'mine', provider: 'openai', model_id: 'gpt-4o-mini', base_url: lanes[user].baseUrl('openai'),
    api_key: `sk-proj-${user}-key-000000` });
}
await addModel(gateway, 'ann', { name: 'ann-only', provider: 'openai', model_id: 'gpt-4o-mini', base_url: lanes.ann.baseUrl('openai'),
  api_key: 'sk-proj-ann-only-key-111' });
await addModel(gateway, null, { name: 'everyone', provider: 'openai', model_id: 'gpt-4o-mini', base_url: sim.lane('shared').baseUrl('openai'),
  api_key: 'sk-proj-shared-key-2222' });

test('each user lists their own models and the shared ones, and no one else\'s', async () => {
  for (const [user, expected] of [['ann', ['ann-only', 'everyone', 'mine']], ['ben', ['everyone', 'mine']]]) {
    const models = await (await call(gateway, '/v1/models', { key: keys[user] })).json();
    assert.deepEqual(models.data.map((model) => model.id), expected, user);
  }
});

test('a user\'s call runs on their own model with their own key; another user\'s model is not found', async () => {
  for (const user of ['ann', 'ben']) {
    lanes[user].script([{ text: `for ${user}` }]);
    const answer = await (await chat(keys[user], 'mine')).json();
    assert.equal(answer.choices[0].message.content, `for ${user}`);
    assert.equal(lanes[user].requests().at(-1).headers.authorization, `Bearer sk-proj-${user}-key-000000`);
  }
  const before = lanes.ann.requests().length;
  const refused = await chat(keys.ben, 'ann-only');
  assert.equal(refused.status, 404);
  assert.ok(!(await refused.text()).includes('sk-proj'));
  assert.equal(lanes.ann.requests().length, before, 'ben\'s call reached ann\'s endpoint');
  assert.equal((await call(gateway, '/admin/users/ann/models', { key: keys.ben })).status, 401, 'a gateway key opens no admin route');
});

test('each user\'s usage holds their own calls only', async () => {
  sim.lane('shared').script([{ text: 'shared', usage: { input: 7, output: 3 } }]);
  assert.equal((await chat(keys.ann, 'everyone')).status, 200);
  const ann = await (await call(gateway, '/v1/usage', { key: keys.ann })).json();
  const ben = await (await call(gateway, '/v1/usage', { key: keys.ben })).json();
  assert.equal(ann.user, 'ann');
  assert.deepEqual(ann.days.map((row) => [row.model, row.requests]).sort(), [['everyone', 1], ['mine', 1]]);
  assert.deepEqual(ben.days.map((row) => [row.model, row.requests]), [['mine', 1]]);
  assert.equal(ann.total.requests, 2);
  assert.equal(ann.total.input_tokens, 17);
});

test('200 concurrent calls against a small budget: never above it, every admitted call in the ledger, all kept across a restart',
  { timeout: 60000 }, async (t) => {
    const key = await addUser(gateway, 'cat');
    const lane = sim.lane('burst');
    // A thousandth of a dollar a token: the simulator's 10 + 10 tokens cost 0.02 a call, and
    // at most 20 output tokens (max_tokens) the worst case is a little more.
    await addModel(gateway, 'cat', { name: 'metered', provider: 'openai', model_id: 'gpt-4o-mini', base_url: lane.baseUrl('openai'),
      api_key: 'sk-proj-cat-key-3333', prices: { input: 1000, output: 1000 } });
    assert.equal((await gateway.admin('PUT', '/users/cat/budget', { monthly_usd: '0.5' })).status, 200);
    lane.script(Array.from({ length: 200 }, (_, i) => ({ text: `answer ${i}` })));

    const answers = await Promise.all(Array.from({ length: 200 }, async () => {
      // Naming another user changes nothing: the call is charged to the key's owner.
      const response = await chat(key, 'metered', { max_tokens: 20, user: 'somebody-else' });
      return { status: response.status, body: await response.json() };
    }));
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    assert.ok(admitted.length >= 5, `only ${admitted.length} admitted`);
    assert.ok(refused.length >= 100, `only ${refused.length} refused`);
    for (const { status, body } of refused) {
      assert.equal(status, 429, JSON.stringify(body));
      assert.match(body.error.message, /budget/i);
    }
    assert.equal(lane.requests().length, admitted.length, 'a refused call reached the upstream');

    const budget = (await gateway.admin('GET', '/users/cat/budget')).body;
    t.diagnostic(`${admitted.length} admitted, ${refused.length} refused, ${budget.spent_usd} of ${budget.monthly_usd} spent`);
    assert.equal(budget.monthly_usd, '0.5');
    const spent = Number(budget.spent_usd);
    assert.ok(spent <= 0.5, `spent ${budget.spent_usd}, over the budget`);
    assert.equal(budget.spent_usd, String(admitted.length * 2 / 100), 'exactly 0.02 a call');
    const usage = await (await call(gateway, '/v1/usage', { key })).json();
    assert.equal(usage.total.requests, admitted.length, 'an admitted call is missing from the ledger');

    await gateway.restart();
    assert.deepEqual((await gateway.admin('GET', '/users/cat/budget')).body, budget);
    assert.deepEqual(await (await call(gateway, '/v1/usage', { key })).json(), usage);
    lane.script([{ text: 'after the restart' }]);
    const next = await chat(key, 'metered', { max_tokens: 20 });
    const spentAfter = (await gateway.admin('GET', '/users/cat/budget')).body.spent_usd;
    assert.equal(spentAfter, next.status === 200 ? String((admitted.length + 1) * 2 / 100) : budget.spent_usd, `${next.status}`);
    assert.ok(Number(spentAfter) <= 0.5, 'the budget holds after the restart');
  });
