// The scenario (scenario.mjs) in Node, Deno and Bun, each a child process importing the
// package by path. Deno runs with only the permissions the package needs: reading its own
// folder and the scenario, and the network of the loopback simulator.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, checkPackage, describeExit, here, lineFrom, packageDir, reportScenario, useSimulator } from './support.mjs';

const sim = await useSimulator();
const script = join(here, 'harness/cli.mjs');

const runtimes = {
  node: () => [process.execPath, [script]],
  deno: () => [bin('deno'), ['run', '--no-config', '--no-prompt', `--allow-read=${packageDir},${here}`,
    '--allow-net=127.0.0.1', script]],
  bun: () => [bin('bun'), [script]],
};

for (const [name, command] of Object.entries(runtimes)) {
  test(`the scenario in ${name}`, { timeout: 60000 }, async (t) => {
    checkPackage();
    const [program, args] = command();
    const run = lineFrom(program, [...args, packageDir, sim.url, name], 'LLMUX-SCENARIO ', { timeoutMs: 45000 });
    const results = JSON.parse(await run.line);
    await reportScenario(t, results);
    // Nothing the package started (timers, sockets, handles) may keep the runtime alive.
    let timer;
    const exit = await Promise.race([run.process.exited, new Promise((resolve) => {
      timer = setTimeout(resolve, 20000, null); // a hang check, not a measurement
    })]);
    clearTimeout(timer);
    assert.ok(exit, `${name} did not exit by itself after the scenario (killed)`);
    assert.equal(exit.code, 0, `${name} exited with ${describeExit(exit)}:\n${exit.stderr}`);
  });
}
