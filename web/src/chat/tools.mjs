// The chat's tools: the package's built-in calculator and datetime (builtinTools()), the same
// C++ as the CLI's --tools, so an answer computed here is the one the CLI computes (exact
// decimals: 1299 * 12 * 0.8 is 12470.4). Their module, llmux-tools.wasm, is fetched the first
// time a conversation with a tool switched on sends a message.

import { builtinTools } from 'llmux';

/** The tools a conversation has switched on ({calculator, datetime} booleans), for a call. */
export async function toolsFor(enabled = {}) {
  const chosen = Object.keys(enabled).filter((name) => enabled[name]);
  if (!chosen.length) return undefined;
  const all = await builtinTools();
  return Object.fromEntries(chosen.filter((name) => all[name]).map((name) => [name, all[name]]));
}
