#!/usr/bin/env node
// Serves the browser chat (web/dist, built by scripts/build-web.sh) on 127.0.0.1 and starts the
// provider simulator for its demo model; prints the URL and serves until Ctrl-C.
//
//   node web/serve.mjs [--port N] [--offer-env-keys]
//
// The page reads ./config.json: the demo model's base URL (this server's /demo/v1, whose
// requests go to the simulator with an answer web/demo-model.mjs picks) and whether keys are
// offered. Only with --offer-env-keys does ./env-keys.json hold the provider keys of this
// environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...); the service worker never caches it (it
// is not in its lists). By default no key is served: the page uses the keys the user typed
// into it, kept encrypted. Nothing listens beyond loopback.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../tests/simulator/simulator.mjs';
import { demoStep } from './demo-model.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const appDir = resolve(here, 'dist');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
};
// The settings a page may be offered with --offer-env-keys: the package's setting names.
const keySettings = /^(OPENAI|ANTHROPIC|GEMINI|GOOGLE|MISTRAL|XAI|COHERE|OPENROUTER|HUGGINGFACE|AZURE_OPENAI|RUNPOD)_API_KEY$/;

function parseArguments(argv) {
  const options = { port: 8787, offerEnvKeys: false };
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === '--offer-env-keys') options.offerEnvKeys = true;
    else if (argv[index] === '--port' && /^\d+$/.test(argv[index + 1] ?? '')) options.port = Number(argv[++index]);
    else {
      console.error('usage: node web/serve.mjs [--port N] [--offer-env-keys]');
      process.exit(2);
    }
  }
  return options;
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The demo model: scripts the simulator's answer to this request, then passes it on. */
async function demoModel(request, response, lane) {
  if (request.method === 'OPTIONS') {
    response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, GET' });
    return response.end();
  }
  const body = await readBody(request);
  const path = new URL(request.url, 'http://x').pathname.slice('/demo'.length);
  if (request.method === 'POST' && path.endsWith('/chat/completions')) {
    try {
      lane.script([demoStep(JSON.parse(body.toString('utf8')))]);
    } catch (error) {
      response.writeHead(400, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ error: { message: `demo model: ${error.message}`, type: 'invalid_request_error' } }));
    }
  }
  const upstream = await fetch(`${lane.baseUrl('openai').replace(/\/v1$/, '')}${path}`, {
    method: request.method, headers: { 'content-type': 'application/json' },
    body: request.method === 'GET' ? undefined : body,
  });
  response.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))));
  for await (const chunk of upstream.body) response.write(chunk);
  response.end();
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const simulator = await startSimulator();
  const lane = simulator.lane('demo');
  const settings = {};
  if (options.offerEnvKeys) for (const [name, value] of Object.entries(process.env)) if (keySettings.test(name) && value) settings[name] = value;

  const server = createServer(async (request, response) => {
    try {
      // Only this machine's names: a page of another site that has its domain re-pointed at
      // 127.0.0.1 (DNS rebinding) sends its own name as Host, and must read nothing here, least
      // of all env-keys.json.
      const port = server.address().port;
      if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(request.headers.host)) {
        response.writeHead(403, { 'content-type': 'text/plain' });
        return response.end('forbidden: open the chat at its 127.0.0.1 URL');
      }
      const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      if (path.startsWith('/demo/')) return await demoModel(request, response, lane);
      if (path === '/config.json') {
        const origin = `http://${request.headers.host}`;
        response.writeHead(200, { 'content-type': types['.json'], 'cache-control': 'no-store' });
        return response.end(JSON.stringify({ demo: { baseUrl: `${origin}/demo/v1` }, envKeys: options.offerEnvKeys }));
      }
      if (path === '/env-keys.json' && options.offerEnvKeys) {
        response.writeHead(200, { 'content-type': types['.json'], 'cache-control': 'no-store' });
        return response.end(JSON.stringify(settings));
      }
      const file = resolve(appDir, `.${sep}${path === '/' ? 'index.html' : path}`);
      const body = file.startsWith(appDir + sep) ? await readFile(file).catch(() => null) : null;
      response.writeHead(body ? 200 : 404, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      response.end(body ?? 'not found');
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`error: ${error.message}`);
    }
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', (error) => (error.code === 'EADDRINUSE' ? server.listen(0, '127.0.0.1', resolveListen) : reject(error)));
    server.listen(options.port, '127.0.0.1', resolveListen);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  console.log(`\nThe browser chat is at ${url}`);
  console.log(`  demo model: the provider simulator (${simulator.url}); add real models on the Models page.`);
  console.log(options.offerEnvKeys
    ? `  keys offered to the page from the environment: ${Object.keys(settings).join(', ') || 'none found'}`
    : '  keys from the environment are not offered to the page (--offer-env-keys to offer them).');
  console.log('Press Ctrl-C to stop.');

  const stop = async () => {
    server.closeAllConnections();
    server.close();
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
