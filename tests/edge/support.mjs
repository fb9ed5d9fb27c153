// The gateway (edge/) in real workerd, for the tests: bundled as wrangler bundles it, served
// from edge/config.capnp itself (copied beside the bundle) on a loopback port of its own, its
// Durable Objects on disk in a folder of the test's, and the provider simulator upstream.
// Built on the runtime tests' helpers (tests/runtimes/support.mjs).

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { buildGateway } from '../../edge/build.mjs';
import { checkPackage, cleanEnv, root, startWorkerd, tempDir } from '../runtimes/support.mjs';

export { useSimulator, tempDir } from '../runtimes/support.mjs';

export const adminToken = 'test-admin-token-0123456789';
/** 32 bytes each, base64: the current secret first. */
export const secrets = {
  k1: 'k1:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=',
  k2: 'k2:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY=',
};

let bundled = null; // one bundle per test file

/**
 * A gateway in workerd: {url, dataDir, admin(method, path, body), restart(env?), stop()}.
 * `env` adds settings to the defaults (loopback allowed, the simulator's host listed).
 */
export async function startGateway({ env = {}, dataDir } = {}) {
  checkPackage();
  const dir = (bundled ??= await (async () => {
    const folder = tempDir('edge');
    await buildGateway(join(folder, 'out'));
    copyFileSync(join(root, 'edge/config.capnp'), join(folder, 'config.capnp'));
    return folder;
  })());
  dataDir ??= join(tempDir('edge-data'), 'data');
  mkdirSync(dataDir, { recursive: true });
  const settings = {
    LLMUX_ADMIN_TOKEN: adminToken, LLMUX_ENCRYPTION_KEYS: secrets.k1, LLMUX_UPSTREAM_HOSTS: '127.0.0.1',
    LLMUX_UPSTREAM_PRIVATE: 'loopback', ...env,
  };
  for (const [name, value] of Object.entries(settings)) if (value === undefined) delete settings[name];

  let running = null;
  const start = async () => {
    running = await startWorkerd(dir, ['http'], {
      args: ['--socket-addr', 'http=127.0.0.1:0', '--directory-path', `data=${dataDir}`], env: cleanEnv(settings),
    });
    gateway.url = `http://127.0.0.1:${running.ports.http}`;
  };
  const gateway = {
    url: null,
    dataDir,
    /** An admin API call: resolves to {status, body} (body parsed). */
    async admin(method, path, body, token = adminToken) {
      const response = await fetch(`${gateway.url}/admin${path}`, {
        method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    /** Stops workerd (a kill, as a crash would) and starts it again on the same data, with `env` changed. */
    async restart(changes = {}) {
      await running.workerd.kill();
      Object.assign(settings, changes);
      for (const [name, value] of Object.entries(changes)) if (value === undefined) delete settings[name];
      await start();
    },
    async stop() {
      return running.workerd.kill();
    },
  };
  await start();
  return gateway;
}

/** Adds user `id` with one gateway key; resolves to the key. */
export async function addUser(gateway, id) {
  const user = await gateway.admin('POST', '/users', { id, name: `User ${id}` });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  const key = await gateway.admin('POST', `/users/${id}/keys`, { label: 'tests' });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  return key.body.key;
}

/** Adds a model to user `id` (or a shared one when id is null); fails the test unless it is added. */
export async function addModel(gateway, id, model) {
  const added = await gateway.admin('POST', id === null ? '/models' : `/users/${id}/models`, model);
  assert.equal(added.status, 201, JSON.stringify(added.body));
  return added.body;
}

/** A GET or POST of the gateway's API with a gateway key; resolves to the Response. */
export function call(gateway, path, { key, method = 'GET', body, headers = {} } = {}) {
  return fetch(`${gateway.url}${path}`, {
    method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', ...headers },
  });
}
