// The scenario bundled with the .wasm as a bundler asset: esbuild's file loader (or any
// bundler's asset import) gives its URL, and init({locateFile}) tells the package.

import { init } from 'llmux';
import wasmUrl from 'llmux/llmux-core.wasm';

import './browser.mjs';

init({ locateFile: () => wasmUrl });
