// What the gateway benchmark measures, each doing the same work against the same upstream:
// an OpenAI chat request in, the same request to the upstream (an OpenAI-compatible
// provider at a custom base URL), the answer back, whole or streamed.
//
// A subject is {name, what, unavailable(), start({upstream}), knownFailures}: unavailable()
// says why it cannot run here (or null); start() runs it and resolves to {url, headers, pid,
// stop()}: where the load generator sends its requests (http://127.0.0.1:PORT, path
// /v1/chat/completions), with which headers, and the process to read CPU time and memory
// from (none for the floor); knownFailures (optional) says, per case, why the subject is
// known to fail it, printed beside the failure.

import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { root } from '../js/common.mjs';
import { freePort, startServerProcess } from './server-process.mjs';

// The key the subjects send upstream; the upstream ignores it. Never a real key.
const providerKey = 'sk-bench-not-a-key';

/** The floor: the client calls the upstream itself, no gateway. */
export const direct = {
  name: 'direct',
  what: 'the load generator calls the upstream itself (the floor)',
  unavailable: () => null,
  async start({ upstream }) {
    return { url: upstream.url, headers: { authorization: `Bearer ${providerKey}` }, pid: null, stop: async () => {} };
  },
};

const portkeyEntry = join(root, 'node_modules/@portkey-ai/gateway/build/start-server.js');

/**
 * Portkey's gateway as its package runs it (`npx @portkey-ai/gateway`: Node, Hono on
 * @hono/node-server), with --headless (no log UI); the provider is "openai" at a custom host,
 * given per request in Portkey's headers as its docs say.
 */
export const portkey = {
  name: 'portkey',
  what: '@portkey-ai/gateway (Node), provider openai at x-portkey-custom-host',
  unavailable: () => (existsSync(portkeyEntry) ? null : `${portkeyEntry} is missing (npm ci)`),
  // Why a case fails, found by reading its build/start-server.js; printed beside the failure.
  knownFailures: {
    streamed: 'Portkey 1.15.2 on Node answers every streamed chat completion for the openai provider with 500 ' +
      '"Something went wrong" (its log: TypeError: immutable, in updateHeaders). It wraps the upstream\'s stream as ' +
      '`new Response(stream, upstreamResponse)`; on Node, @hono/node-server has replaced the global Response with a ' +
      'lightweight one that keeps the init\'s Headers object itself, the upstream fetch response\'s, immutable by the ' +
      'fetch spec; appending its x-portkey-* headers to it throws. Whole answers are rebuilt with new headers, so they ' +
      'pass. Reported upstream: Portkey-AI/gateway issues 1389 and 1550. (Once past that, its stream loop also waits ' +
      '25 ms before the first chunk of every stream.)',
  },
  async start({ upstream }) {
    const port = await freePort();
    const server = await startServerProcess(process.execPath,
      ['--import', join(root, 'bench/gateway/loopback-only.mjs'), portkeyEntry, `--port=${port}`, '--headless'],
      { readyLine: /Ready for connections/, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    return {
      url: `http://127.0.0.1:${port}`,
      headers: {
        authorization: `Bearer ${providerKey}`,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstream.url}/v1`,
      },
      pid: server.pid,
      stop: server.stop,
    };
  },
};

const edgeFiles = ['edge/build.mjs', 'edge/config.capnp', 'dist/index.mjs', 'dist/llmux-core.wasm', 'dist/serve.mjs', 'dist/llmux-serve.wasm']
  .map((file) => join(root, file));

/** An admin API call to the gateway at `url`: resolves to its JSON, or throws with its status and answer. */
async function admin(url, token, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * llmux's gateway (edge/) as edge/config.capnp runs it in workerd: bundled by edge/build.mjs
 * into a temporary folder beside a copy of the config, its Durable Objects' storage there too,
 * on a loopback port of its own. Set up through its admin API as an operator would: one user,
 * one gateway key, one model (gpt-4o-mini, provider openai, base URL the upstream's, a
 * provider key sealed at rest); the allow-list holds the upstream's host and loopback.
 */
export const llmux = {
  name: 'llmux',
  what: 'the llmux gateway (edge/, dist/ payload) in workerd, edge/config.capnp',
  unavailable: () => {
    const missing = edgeFiles.filter((file) => !existsSync(file));
    return missing.length ? `${missing.join(', ')} missing (scripts/build-wasm.sh builds dist/)` : null;
  },
  async start({ upstream }) {
    const dir = mkdtempSync(join(tmpdir(), 'llmux-bench-gateway-'));
    try {
      const { buildGateway } = await import(join(root, 'edge/build.mjs'));
      await buildGateway(join(dir, 'out'));
      copyFileSync(join(root, 'edge/config.capnp'), join(dir, 'config.capnp'));
      mkdirSync(join(dir, 'data'));
      const port = await freePort();
      const adminToken = randomBytes(24).toString('hex');
      const server = await startServerProcess(join(root, 'node_modules/.bin/workerd'),
        ['serve', 'config.capnp', '--socket-addr', `http=127.0.0.1:${port}`, '--directory-path', `data=${join(dir, 'data')}`],
        {
          cwd: dir, port,
          env: {
            PATH: process.env.PATH, HOME: process.env.HOME,
            LLMUX_ADMIN_TOKEN: adminToken,
            LLMUX_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
            LLMUX_UPSTREAM_HOSTS: new URL(upstream.url).host,
            LLMUX_UPSTREAM_PRIVATE: 'loopback',
          },
        });
      const url = `http://127.0.0.1:${port}`;
      try {
        await admin(url, adminToken, 'POST', '/admin/users', { id: 'bench', name: 'Benchmark' });
        const { key } = await admin(url, adminToken, 'POST', '/admin/users/bench/keys', { label: 'benchmark' });
        await admin(url, adminToken, 'POST', '/admin/users/bench/models',
          { name: 'gpt-4o-mini', provider: 'openai', model_id: 'gpt-4o-mini', base_url: `${upstream.url}/v1`, api_key: providerKey });
        return {
          url, headers: { authorization: `Bearer ${key}` }, pid: server.pid,
          stop: async () => {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        await server.stop();
        throw new Error(`${error.message}\n${server.output().slice(-1000)}`);
      }
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  },
};

export const subjects = [direct, portkey, llmux];
