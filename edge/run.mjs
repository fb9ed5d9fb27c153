// Runs the gateway on this machine: bundles it (build.mjs), then `workerd serve
// edge/config.capnp` in the foreground until Ctrl-C, its Durable Objects on disk.
//
//   node edge/run.mjs [--port 8788] [--data edge/data]
//
// The admin token and the secret that seals provider keys come from LLMUX_ADMIN_TOKEN and
// LLMUX_ENCRYPTION_KEYS; when unset, they are made once and kept in
// ~/.config/llmux/gateway.env (mode 0600, outside the data folder, so that a copy of the data
// holds no key to its sealed values). The allow-list settings (LLMUX_UPSTREAM_HOSTS,
// LLMUX_UPSTREAM_PRIVATE) and LLMUX_MAX_BODY_BYTES pass through from the environment.
// Prints `llmux gateway http://127.0.0.1:PORT` once it listens.

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
  options: { port: { type: 'string', default: '8788' }, data: { type: 'string', default: join(here, 'data') } },
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

const workerd = spawn(join(here, '../node_modules/.bin/workerd'),
  ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${options.port}`, '--directory-path', `data=${data}`, '--control-fd=3'],
  { cwd: here, env, stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
workerd.stdio[3].setEncoding('utf8');
workerd.stdio[3].on('data', (text) => {
  for (const line of text.split('\n').filter(Boolean)) {
    const event = JSON.parse(line);
    if (event.event === 'listen') console.log(`llmux gateway http://127.0.0.1:${event.port} (admin token: LLMUX_ADMIN_TOKEN${process.env.LLMUX_ADMIN_TOKEN ? '' : ` in ${file}`})`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => workerd.kill(signal));
workerd.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
