// The scenario in a command-line runtime: node, deno or bun.
//
//   <runtime> cli.mjs PACKAGE_DIR SIMULATOR_URL LANE
//
// imports the package by path (PACKAGE_DIR/index.mjs, as `deno run` or a script does
// without a package manager) and prints one line, `LLMUX-SCENARIO {runtime, results}`.
// It does not exit on its own account: the orchestrator checks that it exits by itself
// (nothing the package started keeps the runtime alive).

import { runScenario } from '../scenario.mjs';

const [packageDir, simUrl, lane] = globalThis.Deno?.args ?? process.argv.slice(2);
const packageUrl = new URL(`file://${packageDir.replace(/\/?$/, '/')}index.mjs`);
const llmux = await import(packageUrl.href);

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}`
  : process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`;
const results = await runScenario({ llmux, simUrl, lane });
console.log(`LLMUX-SCENARIO ${JSON.stringify({ runtime, results })}`);
