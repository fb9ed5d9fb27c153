// The scenario in Chromium (Debian's, driven by playwright-core, a fresh profile), in pages
// served from a loopback static server, the simulator on another origin (CORS):
//   unbundled    the package's files as they are, 'llmux' named by an import map
//   bundled      esbuild's bundle, llmux-core.wasm copied beside it (found through
//                new URL('llmux-core.wasm', import.meta.url), which esbuild leaves as it is)
//   file loader  esbuild's bundle with the .wasm as an asset (--loader:.wasm=file), its URL
//                given to init({locateFile})
// and the client's IndexedDB storage surviving a reload.

import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  checkPackage, copyHarness, esbuild, fakeInstall, launchChromium, newPage, packageDir,
  reportScenario, serveStatic, tempDir, useSimulator,
} from './support.mjs';

const sim = await useSimulator();
checkPackage();
const dir = tempDir('chromium');
fakeInstall(dir);
copyHarness(dir);

const { build } = await esbuild();
const bundle = (entry, outdir, options = {}) => build({
  entryPoints: [join(dir, entry)], outdir: join(dir, outdir), bundle: true, format: 'esm', platform: 'browser',
  logLevel: 'error', ...options,
});
await bundle('harness/browser.mjs', 'bundled');
copyFileSync(join(packageDir, 'llmux-core.wasm'), join(dir, 'bundled/llmux-core.wasm'));
await bundle('harness/browser-file-loader.mjs', 'file-loader', { loader: { '.wasm': 'file' } });

const page = (script, importMap) => `<!doctype html><meta charset="utf-8"><title>llmux</title>
${importMap ? `<script type="importmap">${JSON.stringify({ imports: importMap })}</script>` : ''}
<script type="module" src="${script}"></script>`;

const origin = await serveStatic({ '/pkg/': packageDir, '/': dir }, {
  '/unbundled.html': page('/harness/browser.mjs', { llmux: '/pkg/index.mjs' }),
  '/bundled/index.html': page('./browser.js'),
  '/file-loader/index.html': page('./browser-file-loader.js'),
  '/persistence/index.html': page('./persistence.js'),
});
const context = await launchChromium();

async function runPage(t, path, lane) {
  const tab = await newPage(context, origin);
  try {
    await tab.goto(`${origin}${path}`);
    await tab.waitForFunction(() => typeof window.runScenario === 'function', null, { timeout: 15000 });
    const outcome = await tab.evaluate(([simUrl, name]) => window.runScenario(simUrl, name), [sim.url, lane]);
    await reportScenario(t, outcome);
    assert.deepEqual(tab.problems, [], 'the page reported errors');
  } catch (error) {
    if (tab.problems.length) error.message += `\npage problems:\n${tab.problems.join('\n')}`;
    throw error;
  } finally {
    await tab.close();
  }
}

test('the scenario in Chromium, unbundled with an import map', { timeout: 60000 }, (t) => runPage(t, '/unbundled.html', 'chromium-unbundled'));
test('the scenario in Chromium, bundled by esbuild, the .wasm beside the bundle', { timeout: 60000 },
  (t) => runPage(t, '/bundled/index.html', 'chromium-bundled'));
test('the scenario in Chromium, bundled by esbuild, the .wasm as an asset given to init', { timeout: 60000 },
  (t) => runPage(t, '/file-loader/index.html', 'chromium-file-loader'));

test('storage "indexeddb": the ledger survives a reload', { timeout: 60000 }, async () => {
  await bundle('harness/persistence.mjs', 'persistence');
  copyFileSync(join(packageDir, 'llmux-core.wasm'), join(dir, 'persistence/llmux-core.wasm'));
  const lane = sim.lane('chromium-persistence');
  lane.script([{ text: 'Stored', usage: { input: 9, output: 1 } }, { text: 'Appended', usage: { input: 8, output: 2 } }]);
  const tab = await newPage(context, origin);
  try {
    await tab.goto(`${origin}/persistence/index.html`);
    await tab.waitForFunction(() => typeof window.chat === 'function', null, { timeout: 15000 });
    const before = await tab.evaluate(([simUrl, name]) => window.chat(simUrl, name), [sim.url, lane.name]);
    assert.equal(before.text, 'Stored');
    assert.equal(before.records?.length, 1, `usage before the reload: ${JSON.stringify(before.records)}`);
    assert.equal(before.records[0].requests, 2, 'both calls recorded');
    await tab.reload();
    await tab.waitForFunction(() => typeof window.usageRecords === 'function', null, { timeout: 15000 });
    const after = await tab.evaluate(() => window.usageRecords());
    assert.ok(after.databases.length > 0, 'no IndexedDB database');
    assert.equal(after.records?.length, 1, `usage after the reload: ${JSON.stringify(after.records)}`);
    assert.deepEqual(after.records[0], before.records[0], 'the records changed across the reload');
    assert.equal(lane.requests().length, 2, 'requests');
    assert.deepEqual(tab.problems, [], 'the page reported errors');
  } finally {
    await tab.close();
  }
});
