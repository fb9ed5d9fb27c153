// The core's built-in tools for chat() and stream(): the same calculator and datetime as the
// CLI's --tools, run by the same C++ (exact decimal arithmetic, messages written for the
// model), in the shape the client takes tools: {name: {description, parameters, execute}}.
// They live in a module of their own, llmux-tools.wasm, fetched on the first call of
// builtinTools() (load.mjs).

import { loadedTools } from './load.mjs';

/**
 * The built-in tools, by name (calculator, datetime). Pass them, or some of them, as a call's
 * tools: `tools: { ...await builtinTools() }`. A tool's failure (a syntax error, a division by
 * zero, an unknown time zone) rejects its execute() with the message the model gets back.
 */
export async function builtinTools() {
  const tools = {};
  for (const { name, description, parameters } of JSON.parse((await loadedTools()).definitions())) {
    tools[name] = {
      description,
      parameters,
      // The module is asked for again each time: an instance that aborted since is replaced.
      execute: async (args) => {
        const ran = JSON.parse((await loadedTools()).run(name, JSON.stringify(args ?? {}), Date.now()));
        if (ran.error !== undefined) throw new Error(ran.error);
        return ran.result;
      },
    };
  }
  return tools;
}
