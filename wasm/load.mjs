// Loading the Wasm core, once per JavaScript realm, in every runtime: Node (the bytes read
// from beside this file), browsers and workers (fetched from beside this file, or where
// locateFile says), edge runtimes (a WebAssembly.Module imported by the bundler).
//
// The module loads once, on first use (or through `init`), and that promise is memoised;
// if the module ever aborts, every later call rejects with the abort's error.

import createLlmuxCore from './llmux-core.mjs';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

let loadOptions = {};
let modulePromise = null;
let abortError = null; // set once the module has aborted: it is unusable from then on

/**
 * Loads the module, optionally from a given source; call it before first use to choose:
 * `wasmModule` (a WebAssembly.Module, as edge runtimes import a .wasm), `wasmBinary` (the
 * bytes), or, in browsers, `locateFile(name, prefix)` (its URL). By default Node reads
 * llmux-core.wasm beside this file and browsers and workers fetch it from there. Returns the
 * memoised module promise; a load that fails rejects it, and every call after.
 */
export function init(options) {
  if (options && modulePromise) throw new Error('llmux: init(options) must come before first use');
  if (!modulePromise) {
    loadOptions = options ?? {};
    modulePromise = instantiate();
    modulePromise.catch(() => {}); // a failed load is reported to each caller, not as unhandled
  }
  return modulePromise;
}

async function instantiate() {
  const { wasmModule, wasmBinary, locateFile } = loadOptions;
  const options = {
    onAbort(what) {
      abortError = new Error(`llmux: the Wasm module aborted (${what})`);
      modulePromise = Promise.reject(abortError);
      modulePromise.catch(() => {});
    },
  };
  if (locateFile) options.locateFile = locateFile;
  if (wasmBinary) options.wasmBinary = wasmBinary;
  else if (isNode && !wasmModule) {
    // The generated loader fetch()es a file: URL under Node, which fails (TOOLCHAIN.md).
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./llmux-core.wasm', import.meta.url));
  }
  if (!wasmModule) return createLlmuxCore(options);
  // The loader cannot see a failure inside instantiateWasm: reject here ourselves.
  return new Promise((resolve, reject) => {
    options.instantiateWasm = (imports, receive) => {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance)).catch(reject);
      return {};
    };
    createLlmuxCore(options).then(resolve, reject);
  });
}

export async function loaded() {
  const module = await init();
  if (abortError) throw abortError;
  return module;
}

/** The error the module aborted with, or null: once set, handles must not be touched. */
export function abortedWith() {
  return abortError;
}
