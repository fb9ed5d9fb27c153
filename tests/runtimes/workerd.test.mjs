// The scenario in workerd (Cloudflare's runtime), twice in one workerd process:
//   bundled    harness/worker.mjs bundled by esbuild as wrangler does (the `workerd`
//              condition, the .wasm left as a Wasm module beside the bundle)
//   unbundled  the package's files as workerd modules, as they are
// Each is a service on its own loopback socket; workerd reports the ports on a control pipe.

import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  checkPackage, copyHarness, esbuild, fakeInstall, packageDir, reportScenario, startWorkerd, tempDir, useSimulator,
  writeFiles,
} from './support.mjs';

const sim = await useSimulator();

/** workerd's config: one worker per service, each on a socket of its own (port 0). */
function capnpConfig(workers) {
  const services = workers.map(({ name }) => `(name = "${name}", worker = .${name}Worker)`);
  const sockets = workers.map(({ name }) => `(name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}")`);
  const definitions = workers.map(({ name, modules }) => `
const ${name}Worker :Workerd.Worker = (
  modules = [
    ${modules.map(([moduleName, kind, source]) => `(name = "${moduleName}", ${kind} = ${source})`).join(',\n    ')}
  ],
  compatibilityDate = "2025-01-01",
);`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.join(',\n    ')},
    # fetch() may reach loopback: the simulator listens there
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    ${sockets.join(',\n    ')},
  ],
);
${definitions.join('\n')}
`;
}

test('the scenario in workerd, bundled as wrangler does and unbundled', { timeout: 90000 }, async (t) => {
  checkPackage();
  const dir = tempDir('workerd');
  fakeInstall(dir);

  // Outside the repository, where 'llmux' is what node_modules holds (inside, it would name
  // the repository itself and its dist/).
  copyHarness(dir);

  // bundled: what `wrangler deploy` uploads (esbuild, conditions workerd and worker).
  const { build } = await esbuild();
  await build({
    entryPoints: [join(dir, 'harness/worker.mjs')], outdir: join(dir, 'bundled'), bundle: true, format: 'esm',
    conditions: ['workerd', 'worker'], loader: { '.wasm': 'copy' }, assetNames: '[name]', logLevel: 'error',
  });

  // unbundled: every file of the package a module of its own; 'llmux' re-exports its entry.
  const packageFiles = readdirSync(packageDir).filter((name) => name.endsWith('.mjs') || name.endsWith('.wasm'));
  for (const name of packageFiles) copyFileSync(join(packageDir, name), join(dir, `pkg-${name}`));
  // workerd resolves a bare 'llmux' beside the importer: the worker sits at the root here.
  const worker = readFileSync(join(dir, 'harness/worker.mjs'), 'utf8').replace("'../scenario.mjs'", "'./scenario.mjs'");
  writeFiles(dir, {
    'worker.mjs': worker,
    'config.capnp': capnpConfig([
      { name: 'bundled', modules: [['worker.js', 'esModule', 'embed "bundled/worker.js"'],
        ['llmux-core.wasm', 'wasm', 'embed "bundled/llmux-core.wasm"']] },
      { name: 'unbundled', modules: [
        ['worker.mjs', 'esModule', 'embed "worker.mjs"'],
        ['scenario.mjs', 'esModule', 'embed "scenario.mjs"'],
        ['llmux', 'esModule', '"export * from \'llmux/index.mjs\';"'],
        ...packageFiles.map((name) => [`llmux/${name}`, name.endsWith('.wasm') ? 'wasm' : 'esModule', `embed "pkg-${name}"`]),
      ] },
    ]),
  });

  const { ports, workerd } = await startWorkerd(dir, ['bundled', 'unbundled']);
  let failed = true;
  try {
    for (const name of ['bundled', 'unbundled']) {
      await t.test(name, async (st) => {
        const url = `http://127.0.0.1:${ports[name]}/?sim=${encodeURIComponent(sim.url)}&lane=workerd-${name}`;
        const response = await fetch(url, { signal: AbortSignal.timeout(45000) });
        const text = await response.text();
        assert.equal(response.status, 200, `workerd answered ${response.status}: ${text}`);
        await reportScenario(st, JSON.parse(text));
      });
    }
    failed = false;
  } finally {
    const exit = await workerd.kill();
    if (failed) t.diagnostic(`workerd's stderr:\n${exit.stderr}`);
  }
});
