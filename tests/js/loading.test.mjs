// How the module loads: once per wrapper instance, from the default file or from what init()
// is given (edge runtimes pass a compiled WebAssembly.Module); a failed load rejects every
// call instead of hanging.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { builds, fixture, headOf, root } from './support.mjs';

const good = fixture('openai/chat-text.json');
let instances = 0;

// A package of its own, not yet loaded: the payload's modules copied to a folder of their own
// (a query string on index.mjs alone would still share load.mjs, which holds the state).
const folders = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function freshWrapper(build) {
  const folder = mkdtempSync(join(tmpdir(), `llmux-instance-${++instances}-`));
  folders.push(folder);
  const payload = resolve(root, build.dir, 'wasm');
  for (const name of readdirSync(payload))
    if (name.endsWith('.mjs') || name.endsWith('.wasm')) copyFileSync(join(payload, name), join(folder, name));
  return import(pathToFileURL(join(folder, 'index.mjs')).href);
}

async function checkDecodes(api) {
  const result = await api.decode({ ...headOf(good), body: good.bytes });
  assert.equal(result.error, null);
  assert.equal(result.text, good.expected.text);
}

for (const build of builds) {
  describe(`loading (${build.name})`, () => {
    const wasmPath = resolve(root, build.dir, 'wasm/llmux-core.wasm');

    test('the module loads once: init() returns the same promise every time', async () => {
      const api = await freshWrapper(build);
      const first = api.init();
      assert.equal(api.init(), first);
      await checkDecodes(api);
      assert.equal(api.init(), first);
      assert.throws(() => api.init({ wasmBinary: readFileSync(wasmPath) }), /before first use/);
    });

    test('init({wasmModule}) instantiates a compiled module, as edge runtimes do', async () => {
      const api = await freshWrapper(build);
      const wasmModule = await WebAssembly.compile(readFileSync(wasmPath));
      await api.init({ wasmModule });
      await checkDecodes(api);
    });

    test('init({wasmBinary}) takes the bytes', async () => {
      const api = await freshWrapper(build);
      await api.init({ wasmBinary: readFileSync(wasmPath) });
      await checkDecodes(api);
    });

    test('the module imports what core.mjs gives it and nothing else', async () => {
      const imports = WebAssembly.Module.imports(await WebAssembly.compile(readFileSync(wasmPath)))
        .map(({ module, name }) => `${module}.${name}`).sort();
      const expected = ['env.emscripten_notify_memory_growth', 'env.llmux_format_double', 'env.llmux_read_double',
        'env.llmux_store_call', 'env.llmux_store_take', 'env.llmux_store_waiting', 'wasi_snapshot_preview1.proc_exit'];
      if (build.name === 'debug') expected.push('env.alignfault', 'env.segfault'); // SAFE_HEAP's
      assert.deepEqual(imports, expected.sort());
    });

    test('a module that aborts refuses every later call, and the next use gets a new one', async () => {
      const api = await freshWrapper(build);
      const core = await api.init();
      await checkDecodes(api);
      // An input buffer of 2 GiB cannot be had (the heap's limit): operator new aborts.
      assert.throws(() => core.exports.llmux_input(2 ** 31 - 1), /the Wasm module aborted \(abort\(\)/);
      assert.equal(core.aborted, true);
      assert.throws(() => core.exports.llmux_output(), /the Wasm module aborted/);
      await checkDecodes(api);
      assert.notEqual(await api.init(), core);
      assert.ok((await api.createClient({ settings: {} }).models()).length > 0);
    });

    test('a module that cannot load rejects every call, and does not hang', async () => {
      const api = await freshWrapper(build);
      const empty = await WebAssembly.compile(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
      await assert.rejects(api.init({ wasmModule: empty }));
      await assert.rejects(api.decode({ ...headOf(good), body: good.bytes }));
      await assert.rejects(api.createDecoder(headOf(good)));
      await assert.rejects(api.errorCodes());
    });
  });
}
