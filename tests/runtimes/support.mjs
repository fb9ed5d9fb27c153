// Shared by the runtime tests: the package under test, the simulator, child processes that
// are always killed, a throwaway "installed" copy of the package, esbuild, and reporting a
// scenario's results as subtests.
//
// The package is the folder LLMUX_PACKAGE_DIR names (relative to the repository root;
// default dist, which scripts/build-wasm.sh fills). A missing package, or a missing runtime,
// fails the tests: nothing here is skipped because a tool is absent (`npm ci` installs the
// runtimes, scripts/setup.sh installs Chromium).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startSimulator } from '../simulator/simulator.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const here = join(root, 'tests/runtimes');
export const packageDir = resolve(root, process.env.LLMUX_PACKAGE_DIR || 'dist');

/** Fails unless the package folder holds a complete payload. */
export function checkPackage() {
  for (const file of ['index.mjs', 'index.d.ts', 'llmux-core.wasm']) {
    assert.ok(existsSync(join(packageDir, file)),
      `${join(packageDir, file)} is missing: run scripts/build-wasm.sh (or set LLMUX_PACKAGE_DIR to a payload folder)`);
  }
}

/** A program from node_modules/.bin; fails when it is missing (`npm ci` installs it). */
export function bin(name) {
  const path = join(root, 'node_modules/.bin', name);
  assert.ok(existsSync(path), `${path} is missing: run npm ci (scripts/setup.sh)`);
  return path;
}

export const chromiumPath = process.env.LLMUX_CHROMIUM || '/usr/bin/chromium';
// TOOLCHAIN.md: what Chromium needs as root with this machine's closed network.
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** A simulator for this test file, closed after it. */
export async function useSimulator() {
  const sim = await startSimulator();
  after(() => sim.close());
  return sim;
}

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `llmux-rt-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Makes `dir/node_modules/llmux` look installed from npm: the repository's package.json (its
 * exports and conditions) and `dist` pointing at the package under test. Returns the folder.
 */
export function fakeInstall(dir) {
  const installed = join(dir, 'node_modules/llmux');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  symlinkSync(packageDir, join(installed, 'dist'), 'dir');
  return installed;
}

/**
 * An environment for child processes: no keys or settings of the machine's user (a real
 * OPENAI_API_KEY must never reach a test), only what runtimes need, plus `extra`.
 */
export function cleanEnv(extra = {}) {
  const env = { NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'DENO_DIR', 'XDG_CACHE_HOME']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, ...extra };
}

const running = new Set();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a child process that is killed (SIGKILL) after `timeoutMs`, and in any case when
 * the test file ends. Resolves `exited` to {code, signal, stdout, stderr, timedOut}.
 * `stdio` extra entries (e.g. a control pipe) are passed on; `onLine(line)` sees stdout lines.
 */
export function startProcess(command, args, { cwd = root, env = cleanEnv(), timeoutMs = 30000, stdio = [], onLine } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', ...stdio] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let pending = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (data) => {
    stdout += data;
    pending += data;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine?.(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  });
  child.stderr.on('data', (data) => {
    stderr += data;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exited = new Promise((resolvePromise) => {
    child.on('error', (error) => {
      stderr += `\nspawn failed: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
  return {
    child, exited,
    kill() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Resolves when the process has printed a line starting with `prefix` (its rest), or rejects when it exits first. */
export function lineFrom(command, args, prefix, options) {
  let resolveLine;
  const line = new Promise((resolvePromise) => {
    resolveLine = resolvePromise;
  });
  const process = startProcess(command, args, {
    ...options,
    onLine: (text) => {
      if (text.startsWith(prefix)) resolveLine(text.slice(prefix.length));
    },
  });
  const result = Promise.race([line, process.exited.then((exit) => {
    throw new Error(`${command} exited (${describeExit(exit)}) before printing ${prefix.trim()}\n${exit.stdout}\n${exit.stderr}`);
  })]);
  return { process, line: result };
}

export function describeExit({ code, signal, timedOut }) {
  return timedOut ? 'timed out, killed' : signal ? `signal ${signal}` : `code ${code}`;
}

/** Reports a scenario run ({runtime, results}) as one subtest per case. */
export async function reportScenario(t, { runtime, results }) {
  t.diagnostic(`runtime: ${runtime}`);
  assert.ok(Array.isArray(results) && results.length > 0, `no results: ${JSON.stringify(results)}`);
  for (const { name, status, message } of results) {
    await t.test(name, () => {
      if (status !== 'pass') assert.fail(message);
    });
  }
}

/** The esbuild API, from node_modules (fails when it is missing). */
export async function esbuild() {
  bin('esbuild');
  return import('esbuild');
}

/**
 * esbuild plugin: `import m from '….wasm'` (or `….wasm?module`, as Vercel writes it) gives
 * `globalThis[global][file name]`, a WebAssembly.Module the host compiled and put there,
 * which is how Vercel's edge runtime hands bundled code its Wasm modules.
 */
export function wasmFromGlobal(global) {
  return {
    name: 'wasm-from-global',
    setup(build) {
      build.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => ({
        path: args.path.replace(/\?module$/, '').split('/').pop(), namespace: 'wasm-global',
      }));
      build.onLoad({ filter: /.*/, namespace: 'wasm-global' }, (args) => ({
        contents: `export default globalThis[${JSON.stringify(global)}][${JSON.stringify(args.path)}];`, loader: 'js',
      }));
    },
  };
}

/** Bundles module worker `entry` (in `dir`) into a fetch-event script for EdgeVM. */
export async function edgeScript(dir, entry) {
  const { build } = await esbuild();
  const result = await build({
    stdin: {
      contents: `import worker from './${entry}';
addEventListener('fetch', (event) => event.respondWith(worker.fetch(event.request, globalThis.__env, {})));`,
      resolveDir: dir, sourcefile: 'edge-entry.mjs',
    },
    bundle: true, format: 'iife', write: false, conditions: ['edge-light', 'worker'],
    plugins: [wasmFromGlobal('__wasm')], logLevel: 'error', logOverride: { 'empty-import-meta': 'silent' },
  });
  return result.outputFiles[0].text;
}

/** An EdgeVM running `script`, its Wasm modules and env bindings as globals. */
export async function edgeRuntime(script, env = {}) {
  const { EdgeRuntime } = await import('edge-runtime');
  const wasm = { 'llmux-core.wasm': new WebAssembly.Module(readFileSync(join(packageDir, 'llmux-core.wasm'))) };
  return new EdgeRuntime({
    extend: (context) => Object.assign(context, { __wasm: wasm, __env: env }),
    initialCode: script,
  });
}

const mimeTypes = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.json': 'application/json',
  '.wasm': 'application/wasm', '.map': 'application/json', '.css': 'text/css',
};

/**
 * A loopback static server for pages: `routes` maps URL prefixes ('/pkg/') to folders, and
 * `pages` exact paths to generated text. Closed after the test file; resolves to its origin.
 */
export async function serveStatic(routes, pages = {}) {
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { extname, sep } = await import('node:path');
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const type = mimeTypes[extname(path)] ?? 'application/octet-stream';
    let body = pages[path];
    const prefix = Object.keys(routes).filter((candidate) => path.startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
    if (body === undefined && prefix) {
      const file = resolve(routes[prefix], `.${sep}${path.slice(prefix.length)}`);
      if (file.startsWith(resolve(routes[prefix]))) body = await readFile(file).catch(() => undefined);
    }
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body ?? `not found: ${path}`);
  });
  await new Promise((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  after(() => new Promise((resolvePromise) => {
    server.closeAllConnections();
    server.close(resolvePromise);
  }));
  return `http://127.0.0.1:${server.address().port}`;
}

/**
 * Chromium (Debian's, through playwright-core) with a fresh profile, closed after the test
 * file. Resolves to the browser context; its pages' errors go to `log`.
 */
export async function launchChromium() {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: run scripts/setup.sh (Debian package chromium)`);
  bin('playwright-core');
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'llmux-rt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, args: chromiumArgs, timeout: 30000,
  });
  after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  return context;
}

/**
 * A new page collecting, in `page.problems`, uncaught exceptions, console errors, and failed
 * loads from `origin` (the page's own server; the simulator's scripted errors are expected).
 */
export async function newPage(context, origin) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.stack ?? error}`));
  page.on('console', (message) => {
    // Chromium logs every HTTP error status so; the loads that matter are checked below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      page.problems.push(`console.error: ${message.text()}`);
  });
  page.on('response', (response) => {
    const url = response.url();
    if (response.status() >= 400 && url.startsWith(origin) && !url.endsWith('/favicon.ico'))
      page.problems.push(`HTTP ${response.status()} for ${url}`);
  });
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(origin)) page.problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return page;
}

/**
 * Starts `workerd serve config.capnp ...args` in `dir` and waits until the sockets `names`
 * listen (workerd reports each on its control pipe); resolves to {ports: {socket: port}, workerd}.
 */
export async function startWorkerd(dir, names, { args = [], env } = {}) {
  const ports = {};
  let resolvePorts;
  const ready = new Promise((resolve) => {
    resolvePorts = resolve;
  });
  const workerd = startProcess(bin('workerd'), ['serve', 'config.capnp', '--control-fd=3', ...args],
    { cwd: dir, env, timeoutMs: 60000, stdio: ['pipe'] });
  let pending = '';
  workerd.child.stdio[3].setEncoding('utf8');
  workerd.child.stdio[3].on('data', (data) => {
    pending += data;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const event = JSON.parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (event.event === 'listen') ports[event.socket] = event.port;
      if (names.every((name) => ports[name])) resolvePorts(ports);
    }
  });
  const exited = workerd.exited.then((exit) => {
    throw new Error(`workerd exited (${describeExit(exit)}) before listening:\n${exit.stderr}`);
  });
  return { ports: await Promise.race([ready, exited]), workerd };
}

/** Writes `files` ({relative path: text}) under `dir`. */
export function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** Copies scenario.mjs and harness/ into `dir` (beside a fakeInstall there). */
export function copyHarness(dir) {
  cpSync(join(here, 'scenario.mjs'), join(dir, 'scenario.mjs'));
  cpSync(join(here, 'harness'), join(dir, 'harness'), { recursive: true });
}
