// The scenario in a page: defines window.runScenario(simUrl, lane), resolving to
// {runtime, results}. Loaded unbundled (an import map names 'llmux') or bundled by esbuild.

import * as llmux from 'llmux';

import { runScenario } from '../scenario.mjs';

window.runScenario = async (simUrl, lane) => ({ runtime: navigator.userAgent, results: await runScenario({ llmux, simUrl, lane }) });
