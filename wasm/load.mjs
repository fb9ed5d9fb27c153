// Loading the Wasm core, once per JavaScript realm, in every runtime. The bytes come from
// init's options, else from llmux-core.wasm beside this file: read from disk for a file: URL
// (Node, Deno, Bun), fetched otherwise (browsers; bundles with the .wasm copied beside them).
// Edge runtimes (workerd, Vercel) import the .wasm as a WebAssembly.Module for init.
// core.mjs makes the instance (there is no generated loader).
//
// The module loads once, on first use (or through `init`), and that promise is memoised;
// if the module ever aborts, every later call rejects with the abort's error.

import { instantiateCore } from './core.mjs';

const wasmName = 'llmux-core.wasm';
const nodeFs = 'node:fs/promises'; // not a literal: browser bundlers leave the import alone

let loadOptions = {};
let modulePromise = null;
let abortError = null; // set once the module has aborted: it is unusable from then on

/**
 * Loads the module, optionally from a given source; call it before first use to choose:
 * `wasmModule` (a WebAssembly.Module, as edge runtimes import a .wasm), `wasmBinary` (the
 * bytes), or `locateFile(name)` (its URL, e.g. a bundler's asset URL). Returns the memoised
 * promise of the core (core.mjs); a load that fails rejects it, and every call after.
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

// A WebAssembly.Module, bytes, or a fetch Response.
async function wasmSource({ wasmModule, wasmBinary, locateFile }) {
  if (wasmModule || wasmBinary) return wasmModule ?? wasmBinary;
  let url = wasmName;
  try {
    url = locateFile ? locateFile(wasmName, '') : new URL(wasmName, import.meta.url);
    if (String(url).startsWith('file:')) {
      const fs = globalThis.process?.getBuiltinModule?.(nodeFs) ?? (await import(/* webpackIgnore: true */ nodeFs));
      return await fs.readFile(new URL(url));
    }
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  } catch (error) {
    throw new Error(`llmux: cannot load ${url} (${error.message}); give init() {wasmModule}, {wasmBinary} or {locateFile}`,
      { cause: error });
  }
}

async function instantiate() {
  return instantiateCore(await wasmSource(loadOptions), (what) => {
    abortError = new Error(`llmux: the Wasm module aborted (${what})`);
    modulePromise = Promise.reject(abortError);
    modulePromise.catch(() => {});
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
