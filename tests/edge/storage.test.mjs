// What the gateway keeps on disk (workerd's Durable Objects: SQLite files under its data
// folder): no provider key, gateway key or admin token in clear in any file, the sealed rows
// read raw; everything back after workerd is killed and started again; provider keys re-sealed
// when the secret is rotated.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { bin } from '../runtimes/support.mjs';
import { adminToken, addModel, addUser, call, secrets, startGateway, useSimulator } from './support.mjs';

const sim = await useSimulator();
const gateway = await startGateway();
after(() => gateway.stop());

const providerKeys = { own: 'sk-proj-AtRestOwnKey0123456789', shared: 'sk-ant-AtRestSharedKey987654321' };
const key = await addUser(gateway, 'sam');
await addModel(gateway, 'sam', { name: 'own', provider: 'openai', model_id: 'gpt-4o-mini', base_url: sim.lane('s').baseUrl('openai'),
  api_key: providerKeys.own });
await addModel(gateway, null, { name: 'team', provider: 'anthropic', model_id: 'claude-sonnet-4-5', base_url: sim.lane('s').baseUrl('anthropic'),
  api_key: providerKeys.shared });
assert.equal((await gateway.admin('PUT', '/users/sam/budget', { monthly_usd: '3.25' })).status, 200);

/** Every file under the data folder (databases, their WAL and shared-memory files). */
function dataFiles(dir = gateway.dataDir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? dataFiles(join(dir, name)) : [join(dir, name)]));
}

/** The rows of `query` in every object's database, read with bun's SQLite (raw, outside workerd). */
function rawRows(query) {
  const databases = dataFiles().filter((file) => file.endsWith('.sqlite') && !file.endsWith('metadata.sqlite'));
  const script = `import { Database } from 'bun:sqlite';
const rows = [];
for (const file of JSON.parse(process.argv[1])) {
  const db = new Database(file);
  const found = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'models'").all();
  if (found.length) rows.push(...db.query(process.argv[2]).all());
  db.close();
}
console.log(JSON.stringify(rows));`;
  const run = spawnSync(bin('bun'), ['-e', script, JSON.stringify(databases), query], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('no file of the data folder holds a provider key, a gateway key or the admin token in clear', async () => {
  sim.lane('s').script([{ text: 'Stored?' }]);
  const answer = await call(gateway, '/v1/chat/completions', { key, method: 'POST', body: { model: 'own', messages: [{ role: 'user', content: 'Hi' }] } });
  assert.equal(answer.status, 200, 'a call, so that the ledger and the client have written too');
  assert.equal(sim.lane('s').requests().at(-1).headers.authorization, `Bearer ${providerKeys.own}`);
  const files = dataFiles();
  assert.ok(files.some((file) => file.endsWith('.sqlite')), `no databases in ${gateway.dataDir}`);
  const secretsInClear = [providerKeys.own, providerKeys.shared, key, key.slice(19), adminToken];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secretsInClear) assert.ok(!bytes.includes(secret), `${file} holds a secret in clear`);
  }
  const rows = rawRows('SELECT name, api_key_sealed FROM models').sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(rows.map((row) => row.name), ['own', 'team']);
  for (const row of rows) assert.match(row.api_key_sealed, /^v1\.k1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
});

test('workerd killed and started again: users, keys, models, shared models, budgets and the ledger are all there', async () => {
  await gateway.restart();
  const models = await (await call(gateway, '/v1/models', { key })).json();
  assert.deepEqual(models.data.map((model) => model.id), ['own', 'team']);
  // The call made before the restart, at gpt-4o-mini's catalog prices: 10 input and 10 output tokens.
  assert.deepEqual((await gateway.admin('GET', '/users/sam/budget')).body, { monthly_usd: '3.25', spent_usd: '0.0000075' });
  const usage = await (await call(gateway, '/v1/usage', { key })).json();
  assert.deepEqual([usage.total.requests, usage.total.cost_usd, usage.days[0].model], [1, '0.0000075', 'own']);
  assert.deepEqual((await gateway.admin('GET', '/users/sam/keys')).body.map((row) => row.prefix), [key.slice(0, 18)]);
  assert.deepEqual((await gateway.admin('GET', '/users/sam/models')).body.models.map((row) => [row.name, row.has_api_key]), [['own', true]]);
});

test('rotating the secret: old keys still open, re-sealed under the new one; without the old secret nothing opens', async () => {
  await gateway.restart({ LLMUX_ENCRYPTION_KEYS: `${secrets.k2},${secrets.k1}` });
  assert.equal((await call(gateway, '/v1/models', { key })).status, 200, 'keys sealed under k1 open with k1 as an old secret');
  const resealed = await gateway.admin('POST', '/reseal');
  assert.equal(resealed.status, 200);
  for (const row of rawRows('SELECT api_key_sealed FROM models')) assert.match(row.api_key_sealed, /^v1\.k2\./);
  assert.equal((await gateway.admin('POST', '/reseal')).body.resealed, 0, 'nothing is left to re-seal');

  await gateway.restart({ LLMUX_ENCRYPTION_KEYS: secrets.k2 });
  assert.equal((await call(gateway, '/v1/models', { key })).status, 200, 'k1 is no longer needed');

  await gateway.restart({ LLMUX_ENCRYPTION_KEYS: secrets.k1 });
  const refused = await call(gateway, '/v1/models', { key });
  assert.equal(refused.status, 500, 'keys sealed under a secret the gateway lacks cannot be used');
  assert.ok(!(await refused.text()).includes('sk-'));
});

test('a model saved while its loopback upstream was allowed is refused once the settings no longer allow it', async () => {
  await gateway.restart({ LLMUX_ENCRYPTION_KEYS: secrets.k2, LLMUX_UPSTREAM_PRIVATE: undefined });
  const before = sim.lane('s').requests().length;
  const refused = await call(gateway, '/v1/messages', { key, method: 'POST',
    body: { model: 'own', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] } });
  assert.equal(refused.status, 403);
  const body = await refused.json();
  assert.equal(body.error.type, 'permission_error');
  assert.match(body.error.message, /loopback/);
  assert.equal(sim.lane('s').requests().length, before, 'the request left for a refused upstream');
});
