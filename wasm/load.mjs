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

import { bindTools, instantiateCore } from './core.mjs';

const wasmName = 'llmux-core.wasm';
const toolsName = 'llmux-tools.wasm';
const nodeFs = 'node:fs/promises'; // not a literal: browser bundlers leave the import alone

let options = {}; // init's
let compiled = null; // Promise of the WebAssembly.Module
let current = null; // Promise of the live instance's core
// The package's other modules (llmux-tools.wasm, llmux-serve.wasm), loaded on first use, by
// file name: {compiled, current} as for the core.
const extras = new Map();

/**
 * Loads the module, optionally from a given source; call it before first use to choose:
 * `wasmModule` (a WebAssembly.Module, as edge runtimes import a .wasm), `wasmBinary` (the
 * bytes), or `locateFile(name)` (its URL, e.g. a bundler's asset URL; also asked for
 * llmux-tools.wasm), and `toolsWasmModule` for the built-in tools. Returns the promise of
 * the live core (core.mjs); a load that fails rejects it, and every call after.
 */
export function init(given) {
  if (given && (compiled || extras.size)) throw new Error('llmux: init(options) must come before first use');
  if (given) options = given;
  compiled ??= wasmSource(wasmName, options.wasmModule ?? options.wasmBinary).then(compile);
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

/**
 * The built-in tools' module (llmux-tools.wasm beside llmux-core.wasm, or init's
 * `toolsWasmModule`): a module of its own, so that the package's core carries none of its
 * 40 KB (gzipped) for the apps that do not use it.
 */
export const loadedTools = () => loadedModule(toolsName, options.toolsWasmModule, bindTools, '{toolsWasmModule}');

/**
 * One of the package's modules beside the core, by file name: `given` (a WebAssembly.Module or
 * its bytes), else the file beside this one or where init's locateFile says; `bind` makes its
 * exports an object (core.mjs); `advice` names the option a failed load suggests. Loaded once,
 * and after an abort made again, as the core is.
 */
export function loadedModule(name, given, bind, advice) {
  let slot = extras.get(name);
  if (!slot) extras.set(name, (slot = { compiled: wasmSource(name, given, advice).then(compile), current: null }));
  if (!slot.current) {
    const instance = slot.compiled.then((module) =>
      instantiateCore(module, () => {
        if (slot.current === instance) slot.current = null;
      }, bind));
    instance.catch(() => {});
    slot.current = instance;
  }
  return slot.current;
}

// A WebAssembly.Module, bytes, or a fetch Response: `given` (a module or bytes from init), else
// the file `name` beside this one, or where init's locateFile says.
async function wasmSource(name, given, advice = '{wasmModule}, {wasmBinary}') {
  if (given) return given;
  const { locateFile } = options;
  let url = name;
  try {
    url = locateFile ? locateFile(name, '') : new URL(name, import.meta.url);
    if (String(url).startsWith('file:')) {
      const fs = globalThis.process?.getBuiltinModule?.(nodeFs) ?? (await import(/* webpackIgnore: true */ nodeFs));
      return await fs.readFile(new URL(url));
    }
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  } catch (error) {
    throw new Error(`llmux: cannot load ${url} (${error.message}); give init() ${advice} or {locateFile}`,
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
