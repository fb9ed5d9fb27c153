// The scenario in Vercel's edge runtime (the `edge-runtime` package: EdgeVM, a realm with
// only the edge's globals and code generation from strings disabled). As Vercel deploys an
// edge function: bundled into one script (the `edge-light` condition), the .wasm compiled by
// the host and given to the script as a global (Vercel's `import m from './x.wasm?module'`),
// and requests dispatched as fetch events.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkPackage, copyHarness, edgeRuntime, edgeScript, fakeInstall, reportScenario, tempDir, useSimulator,
} from './support.mjs';

const sim = await useSimulator();

test('the scenario in edge-runtime (Vercel)', { timeout: 60000 }, async (t) => {
  checkPackage();
  const dir = tempDir('edge');
  fakeInstall(dir);
  copyHarness(dir);
  const runtime = await edgeRuntime(await edgeScript(dir, 'harness/worker.mjs'));
  const evaluated = runtime.evaluate('[typeof process, typeof require, typeof EdgeRuntime]');
  t.diagnostic(`globals: process ${evaluated[0]}, require ${evaluated[1]}, EdgeRuntime ${evaluated[2]}`);
  const response = await runtime.dispatchFetch(`http://edge.invalid/?sim=${encodeURIComponent(sim.url)}&lane=edge`);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  await reportScenario(t, JSON.parse(text));
});
