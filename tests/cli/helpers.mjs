// Shared by the CLI's tests: where the llmux binary is, and running it without blocking the
// event loop (the provider simulator lives in the test's own process).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';

import { root } from '../js/support.mjs';
import { startSimulator } from '../simulator/simulator.mjs';

export const cli = resolve(root, process.env.LLMUX_CLI || 'build/native/cli/llmux');
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the native CLI first`);

export const fakes = resolve(root, 'tests/cli/fakes');

/**
 * Runs llmux with `args` in `env` (nothing inherited); resolves to {status, signal, stdout,
 * stderr}. `onSpawn(child)` may signal it while it runs.
 */
export function runCli(args, env, { onSpawn } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cli, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (status, signal) => resolvePromise({ status, signal, stdout, stderr }));
    onSpawn?.(child);
  });
}

/** A free loopback port, for a server a test starts. */
export function freePort() {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * One provider simulator and one temporary folder (for the tests' llmux homes) for a test
 * file, made before its tests and removed after. Returns getters: {sim(), home()}.
 */
export function useSimulatorAndHome(prefix) {
  let sim;
  let home;
  before(async () => {
    sim = await startSimulator();
    home = mkdtempSync(join(tmpdir(), prefix));
  });
  after(async () => {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  });
  return {
    sim: () => sim,
    home: () => home,
    /**
     * A fresh llmux home named `name` in the folder: {dir, env}, env being the settings that
     * keep llmux inside it (HOME, LLMUX_HOME, LLMUX_MODELS_FILE) and PATH, nothing else.
     */
    newHome(name) {
      const dir = join(home, name);
      mkdirSync(dir);
      const env = { PATH: process.env.PATH, HOME: dir, LLMUX_HOME: join(dir, 'data'), LLMUX_MODELS_FILE: join(dir, 'models.json') };
      return { dir, env };
    },
  };
}
