// Bundles the gateway as wrangler does (esbuild, the `workerd` condition, the .wasm left as a
// module beside the bundle): `node edge/build.mjs [OUTDIR]` writes OUTDIR/worker.js,
// OUTDIR/llmux-core.wasm and OUTDIR/llmux-serve.wasm (default edge/out), what
// edge/config.capnp embeds.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Bundles src/worker.mjs into `outdir`. */
export async function buildGateway(outdir = join(here, 'out')) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { worker: join(here, 'src/worker.mjs') }, outdir: resolve(outdir), bundle: true, format: 'esm',
    conditions: ['workerd', 'worker'], loader: { '.wasm': 'copy' }, assetNames: '[name]', external: ['cloudflare:*', 'node:async_hooks'],
    logLevel: 'error',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildGateway(process.argv[2]);
