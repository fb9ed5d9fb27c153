// The admin API in workerd: its token, users, gateway keys shown once, models checked against
// the allow-list and the catalog, budgets, shared models.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { addModel, addUser, call, startGateway, useSimulator } from './support.mjs';

const sim = await useSimulator();
const gateway = await startGateway();
after(() => gateway.stop());

const simBase = (provider) => sim.lane('admin').baseUrl(provider);

test('the admin API wants its token', async () => {
  for (const token of ['', 'wrong-token-0123456789', 'test-admin-token-012345678']) {
    const { status, body } = await gateway.admin('GET', '/users', undefined, token);
    assert.equal(status, 401);
    assert.equal(body.error.type, 'invalid_request_error');
    assert.ok(!JSON.stringify(body).includes(token) || token === '', 'the answer echoes the token');
  }
  const gatewayKey = await addUser(gateway, 'not-admin');
  const response = await fetch(`${gateway.url}/admin/users`, { headers: { authorization: `Bearer ${gatewayKey}` } });
  assert.equal(response.status, 401, 'a user\'s gateway key is not the admin token');
});

test('users: add, list, change, refuse bad ids and duplicates, remove', async () => {
  assert.equal((await gateway.admin('POST', '/users', { id: 'carol', name: 'Carol', team: 'research' })).status, 201);
  assert.equal((await gateway.admin('POST', '/users', { id: 'carol', name: 'Carol again' })).status, 409);
  for (const bad of [{ id: '../x', name: 'x' }, { id: 'ok', name: '' }, { id: 'ok', name: 'x', team: 'a b' }, { name: 'x' }]) {
    const { status, body } = await gateway.admin('POST', '/users', bad);
    assert.equal(status, 400, JSON.stringify(bad));
    assert.ok(body.error.message);
  }
  const listed = await gateway.admin('GET', '/users');
  assert.ok(listed.body.users.some((user) => user.id === 'carol' && user.team === 'research'));
  const changed = await gateway.admin('PATCH', '/users/carol', { name: 'Carol C.', team: null });
  assert.deepEqual([changed.status, changed.body.name, changed.body.team], [200, 'Carol C.', null]);
  const one = await gateway.admin('GET', '/users/carol');
  assert.deepEqual(one.body.budget, { monthly_usd: null, spent_usd: '0' });
  assert.equal((await gateway.admin('DELETE', '/users/carol')).status, 200);
  assert.equal((await gateway.admin('GET', '/users/carol')).status, 404);
  assert.equal((await gateway.admin('GET', '/users/nobody/models')).status, 404);
});

test('a gateway key is shown once; afterwards only its prefix; revoked, it stops working', async () => {
  await gateway.admin('POST', '/users', { id: 'dave', name: 'Dave' });
  const made = await gateway.admin('POST', '/users/dave/keys', { label: 'laptop' });
  assert.equal(made.status, 201);
  assert.match(made.body.key, /^llmux-[a-z0-9]{12}-[a-z0-9]{40}$/);
  assert.equal(made.body.prefix, made.body.key.slice(0, 18));
  const listed = await gateway.admin('GET', '/users/dave/keys');
  assert.equal(listed.body.length, 1);
  assert.equal(listed.body[0].prefix, made.body.prefix);
  assert.ok(!JSON.stringify(listed.body).includes(made.body.key.slice(19)), 'the listing holds the secret part');

  assert.equal((await call(gateway, '/v1/models', { key: made.body.key })).status, 200);
  assert.equal((await gateway.admin('DELETE', `/users/dave/keys/${made.body.id}`)).status, 200);
  assert.equal((await call(gateway, '/v1/models', { key: made.body.key })).status, 401);
  assert.equal((await gateway.admin('DELETE', `/users/dave/keys/${made.body.id}`)).status, 404);
});

test('models: added with a key that is never shown, changed, refused when wrong, removed', async () => {
  await gateway.admin('POST', '/users', { id: 'erin', name: 'Erin' });
  const model = await addModel(gateway, 'erin', {
    name: 'fast', provider: 'openai', model_id: 'gpt-4o-mini', base_url: simBase('openai'), api_key: 'sk-erin-secret-0001',
    defaults: { temperature: 0.2, max_tokens: 50 },
  });
  assert.equal(model.has_api_key, true);
  assert.ok(!JSON.stringify(model).includes('sk-erin-secret-0001'));
  const listed = await gateway.admin('GET', '/users/erin/models');
  assert.deepEqual(listed.body.models.map((row) => row.name), ['fast']);
  assert.ok(!JSON.stringify(listed.body).includes('sk-erin'), 'the listing holds the key');

  const changed = await gateway.admin('PATCH', '/users/erin/models/fast', { enabled: false, api_key: null });
  assert.deepEqual([changed.status, changed.body.enabled, changed.body.has_api_key], [200, false, false]);
  assert.equal((await gateway.admin('PATCH', '/users/erin/models/none', { enabled: false })).status, 404);

  const refusals = [
    [{ name: 'fast', provider: 'openai', model_id: 'gpt-4o-mini' }, 409], // exists
    [{ name: 'x', provider: 'nobody', model_id: 'm' }, 400],
    [{ name: 'x', provider: 'openai' }, 400],
    [{ name: 'x', provider: 'openai', model_id: 'm', base_url: 'http://169.254.169.254/v1' }, 400], // off the allow-list
    [{ name: 'x', provider: 'openai', model_id: 'm', base_url: 'https://evil.example/v1' }, 400],
    [{ name: 'x', provider: 'openai', model_id: 'gpt-4o-mini', defaults: { temperature: 9 } }, 400],
    [{ name: 'x', provider: 'openai', model_id: 'gpt-4o-mini', colour: 'red' }, 400],
    [{ name: 'x', provider: 'vllm', model_id: 'my-checkpoint', base_url: simBase('vllm') }, 400], // no limits: the catalog does not know it
  ];
  for (const [input, status] of refusals) {
    const answer = await gateway.admin('POST', '/users/erin/models', input);
    assert.equal(answer.status, status, `${JSON.stringify(input)}: ${JSON.stringify(answer.body)}`);
  }
  await addModel(gateway, 'erin', {
    name: 'mine', provider: 'vllm', model_id: 'my-checkpoint', base_url: simBase('vllm'), context: 8192, max_output: 1024,
    prices: { input: 1, output: 2 },
  });
  assert.equal((await gateway.admin('DELETE', '/users/erin/models/mine')).status, 200);
  assert.equal((await gateway.admin('DELETE', '/users/erin/models/mine')).status, 404);
});

test('budgets: set, read, refused when not dollars, removed', async () => {
  await gateway.admin('POST', '/users', { id: 'frank', name: 'Frank' });
  const set = await gateway.admin('PUT', '/users/frank/budget', { monthly_usd: '2.50' });
  assert.deepEqual(set, { status: 200, body: { monthly_usd: '2.5', spent_usd: '0' } });
  for (const bad of [{ monthly_usd: 2.5 }, { monthly_usd: '-1' }, { monthly_usd: 'lots' }, {}])
    assert.equal((await gateway.admin('PUT', '/users/frank/budget', bad)).status, 400, JSON.stringify(bad));
  assert.deepEqual((await gateway.admin('PUT', '/users/frank/budget', { monthly_usd: null })).body, { monthly_usd: null, spent_usd: '0' });
});

test('shared models: every user sees them, a user\'s own model of the same name hides one', async () => {
  const key = await addUser(gateway, 'gina');
  await addModel(gateway, null, { name: 'team-claude', provider: 'anthropic', model_id: 'claude-sonnet-4-5', base_url: simBase('anthropic'),
    api_key: 'sk-ant-shared-0002' });
  await addModel(gateway, null, { name: 'team-gpt', provider: 'openai', model_id: 'gpt-4o-mini', base_url: simBase('openai') });
  await addModel(gateway, 'gina', { name: 'team-gpt', provider: 'openai', model_id: 'gpt-4-turbo', base_url: simBase('openai') });
  const models = await (await call(gateway, '/v1/models', { key })).json();
  assert.deepEqual(models.data.map((model) => [model.id, model.owned_by]), [['team-claude', 'shared'], ['team-gpt', 'user']]);
  const shared = await gateway.admin('GET', '/models');
  assert.deepEqual(shared.body.models.map((model) => model.name), ['team-claude', 'team-gpt']);
  assert.ok(!JSON.stringify(shared.body).includes('sk-ant-shared'));

  assert.equal((await gateway.admin('DELETE', '/models/team-claude')).status, 200);
  const after = await (await call(gateway, '/v1/models', { key, headers: { 'anthropic-version': '2023-06-01' } })).json();
  assert.deepEqual(after.data.map((model) => model.id), ['team-gpt'], 'a removed shared model is gone from the listing');
  assert.equal(after.data[0].type, 'model', 'Anthropic\'s shape when the caller speaks it');
});
