// llmux: one LLM client for every provider, its work done by the C++ core compiled to Wasm.
// The package's entry point; each part lives in its own module.

export { init } from './load.mjs';
export { createClient } from './client.mjs';
export { builtinTools } from './builtin-tools.mjs';
export { decode, createDecoder, errorCodes, _memoryUsage } from './decode.mjs';
export * from './errors.mjs';
