// The scenario in an edge worker (workerd, Vercel's edge-runtime), as a module worker:
// GET /?sim=SIMULATOR_URL&lane=LANE answers {runtime, results} as JSON.
//
// The .wasm is imported as a WebAssembly.Module (workerd's Wasm modules, a bundler's
// CompiledWasm rule, Vercel's `?module`) and handed to init(): edge runtimes neither read
// files nor may compile code from fetched bytes at run time.

import * as llmux from 'llmux';
import wasmModule from 'llmux/llmux-core.wasm';

import { runScenario } from '../scenario.mjs';

llmux.init({ wasmModule });

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const runtime = typeof EdgeRuntime === 'string' ? `edge-runtime (${EdgeRuntime})` : navigator.userAgent;
    const results = await runScenario({ llmux, simUrl: url.searchParams.get('sim'), lane: url.searchParams.get('lane') });
    return new Response(JSON.stringify({ runtime, results }), { headers: { 'content-type': 'application/json' } });
  },
};
