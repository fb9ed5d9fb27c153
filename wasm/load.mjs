// Loading the Wasm core, once per JavaScript realm, in every runtime. The bytes come from
// init's options, else from llmux-core.wasm beside this file: read from disk for a file: URL
// (Node, Deno, Bun), fetched otherwise (browsers; bundles with the .wasm copied beside them).
// Edge runtimes (workerd, Vercel) import the .wasm as a WebAssembly.Module for init.
// core.mjs makes the instance (there is no generated loader).
//
// The module is compiled once, on first use (or through `init`), and that promise is
// memoised; so is the instance that runs the calls. If the instance aborts (core.mjs), it is
// dropped: the calls inside it fail, and the next use instantiates the compiled module afresh
// (a client makes its state again there: client.mjs). One bad answer never disables the
// package for the rest of the process.

import { instantiateCore } from './core.mjs';

const wasmName = 'llmux-core.wasm';
const nodeFs = 'node:fs/promises'; // not a literal: browser bundlers leave the import alone

let compiled = null; // Promise of the WebAssembly.Module
let current = null; // Promise of the live instance's core

/**
 * Loads the module, optionally from a given source; call it before first use to choose:
 * `wasmModule` (a WebAssembly.Module, as edge runtimes import a .wasm), `wasmBinary` (the
 * bytes), or `locateFile(name)` (its URL, e.g. a bundler's asset URL). Returns the promise of
 * the live core (core.mjs); a load that fails rejects it, and every call after.
 */
export function init(options) {
  if (options && compiled) throw new Error('llmux: init(options) must come before first use');
  compiled ??= wasmSource(options ?? {}).then(compile);
  if (!current) {
    const instance = compiled.then((module) =>
      instantiateCore(module, () => {
        if (current === instance) current = null; // the next use makes a new one
      }));
    instance.catch(() => {}); // a failed load is reported to each caller, not as unhandled
    current = instance;
  }
  return current;
}

export const loaded = () => init();

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

// The source compiled once, so that a new instance after an abort costs no compilation (and
// needs none where code generation is refused: workerd compiles imported modules itself).
// A module may come from another realm (Vercel's edge runtime compiles the .wasm in the host
// and hands it to the script's realm), where instanceof fails: its tag says what it is.
function compile(source) {
  if (Object.prototype.toString.call(source) === '[object WebAssembly.Module]') return source;
  if (typeof source.arrayBuffer === 'function' && typeof source.headers?.get === 'function')
    return WebAssembly.compileStreaming && /wasm/.test(source.headers.get('content-type'))
      ? WebAssembly.compileStreaming(source) : source.arrayBuffer().then((body) => WebAssembly.compile(body));
  return WebAssembly.compile(source);
}
