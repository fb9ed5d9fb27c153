// Runs the gateway on this machine: bundles it (build.mjs), then `workerd serve
// edge/config.capnp` in the foreground until Ctrl-C, its Durable Objects on disk.
//
//   node edge/run.mjs [--port 8788] [--data edge/data] [--demo BASE_URL]
//
// The admin token and the secret that seals provider keys come from LLMUX_ADMIN_TOKEN and
// LLMUX_ENCRYPTION_KEYS; when unset, they are made once and kept in
// ~/.config/llmux/gateway.env (mode 0600, outside the data folder, so that a copy of the data
// holds no key to its sealed values). The allow-list settings (LLMUX_UPSTREAM_HOSTS,
// LLMUX_UPSTREAM_PRIVATE) and LLMUX_MAX_BODY_BYTES pass through from the environment.
// Prints `llmux gateway http://127.0.0.1:PORT` once it listens.
//
// --demo BASE_URL sets up a user "demo" with a new gateway key and a model "demo" on an
// OpenAI-compatible server at BASE_URL (scripts/run.sh points it at the provider simulator),
// and prints `llmux gateway demo key KEY`; the allow-list then holds BASE_URL's host.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { buildGateway } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '8788' }, data: { type: 'string', default: join(here, 'data') }, demo: { type: 'string' },
  },
});

/** The secrets from the environment, else from (or first written to) the secrets file. */
function secrets() {
  const file = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'llmux/gateway.env');
  const kept = existsSync(file)
    ? Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('=')).map((line) => line.split(/=(.*)/s).slice(0, 2)))
    : {};
  const made = {
    LLMUX_ADMIN_TOKEN: process.env.LLMUX_ADMIN_TOKEN || kept.LLMUX_ADMIN_TOKEN || randomBytes(24).toString('hex'),
    LLMUX_ENCRYPTION_KEYS: process.env.LLMUX_ENCRYPTION_KEYS || kept.LLMUX_ENCRYPTION_KEYS || `k1:${randomBytes(32).toString('base64')}`,
  };
  if (!existsSync(file) && !(process.env.LLMUX_ADMIN_TOKEN && process.env.LLMUX_ENCRYPTION_KEYS)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Object.entries(made).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
    chmodSync(file, 0o600);
    console.log(`llmux gateway: made an admin token and a sealing secret in ${file}`);
  }
  return { ...made, file };
}

await buildGateway(join(here, 'out'));
const data = resolve(options.data);
mkdirSync(data, { recursive: true });
const { file, ...settings } = secrets();
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...settings };
for (const name of ['LLMUX_UPSTREAM_HOSTS', 'LLMUX_UPSTREAM_PRIVATE', 'LLMUX_MAX_BODY_BYTES'])
  if (process.env[name]) env[name] = process.env[name];
if (options.demo) {
  const { host, hostname } = new URL(options.demo);
  env.LLMUX_UPSTREAM_HOSTS = [env.LLMUX_UPSTREAM_HOSTS, host].filter(Boolean).join(',');
  if (hostname === '127.0.0.1' || hostname === 'localhost') env.LLMUX_UPSTREAM_PRIVATE ??= 'loopback';
}

/** The demo user, a new key of theirs and the demo model, through the admin API; resolves to the key. */
async function setUpDemo(origin) {
  const admin = async (method, path, body) => {
    const response = await fetch(`${origin}/admin${path}`, {
      method, headers: { authorization: `Bearer ${settings.LLMUX_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 409) throw new Error(`${method} /admin${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await admin('POST', '/users', { id: 'demo', name: 'Demo user' });
  const model = { name: 'demo', provider: 'openai', model_id: 'gpt-4o-mini', base_url: options.demo, api_key: 'sk-demo-not-a-real-key' };
  const added = await fetch(`${origin}/admin/users/demo/models/demo`, {
    method: 'PATCH', headers: { authorization: `Bearer ${settings.LLMUX_ADMIN_TOKEN}` }, body: JSON.stringify(model),
  });
  if (added.status === 404) await admin('POST', '/users/demo/models', model);
  return (await admin('POST', '/users/demo/keys', { label: 'edge/run.mjs --demo' })).key;
}

const workerd = spawn(join(here, '../node_modules/.bin/workerd'),
  ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${options.port}`, '--directory-path', `data=${data}`, '--control-fd=3'],
  { cwd: here, env, stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
workerd.stdio[3].setEncoding('utf8');
workerd.stdio[3].on('data', (text) => {
  for (const line of text.split('\n').filter(Boolean)) {
    const event = JSON.parse(line);
    if (event.event !== 'listen') continue;
    const origin = `http://127.0.0.1:${event.port}`;
    console.log(`llmux gateway ${origin} (admin token: LLMUX_ADMIN_TOKEN${process.env.LLMUX_ADMIN_TOKEN ? '' : ` in ${file}`})`);
    if (options.demo) {
      setUpDemo(origin).then((key) => console.log(`llmux gateway demo key ${key}`), (error) => {
        console.error(`llmux gateway: the demo set-up failed: ${error.message}`);
        workerd.kill('SIGTERM');
      });
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => workerd.kill(signal));
workerd.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
