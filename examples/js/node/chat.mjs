#!/usr/bin/env node
// Chat with any model from Node, the answer printed as it arrives.
//
//   npm install llmux
//   OPENAI_API_KEY=sk-... node chat.mjs 'What is 1299 * 12?'
//   ANTHROPIC_API_KEY=... LLMUX_MODEL=claude-3-5-haiku-20241022 LLMUX_FALLBACKS=gpt-4o-mini node chat.mjs 'Hi'
//
// The settings are the environment variables the llmux CLI reads: OPENAI_API_KEY,
// OPENAI_BASE_URL (a local server, a proxy), ANTHROPIC_API_KEY, GEMINI_API_KEY, ... LLMUX_MODEL
// picks the model (a catalog id, an upstream name or provider/name) and LLMUX_FALLBACKS
// (comma-separated) the models to try when it fails. The model may call the `multiply` tool
// below. Ctrl-C cancels the call.

import { createClient, LlmuxError } from 'llmux';

const prompt = process.argv.slice(2).join(' ') || 'Say hello in five words.';

const client = createClient({
  settings: process.env,
  model: process.env.LLMUX_MODEL || 'gpt-4o-mini',
  fallbacks: process.env.LLMUX_FALLBACKS?.split(',').filter(Boolean),
});

const tools = {
  multiply: {
    description: 'Multiplies two numbers exactly',
    parameters: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
    execute: async ({ a, b }) => ({ product: a * b }),
  },
};

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

try {
  for await (const event of client.stream({ prompt, tools, maxRounds: 4, signal: controller.signal })) {
    switch (event.type) {
      case 'text-delta':
        process.stdout.write(event.text);
        break;
      case 'tool-result':
        console.error(`[tool ${event.name}] ${JSON.stringify(event.arguments)} -> ${event.result ?? event.error}`);
        break;
      case 'retry':
        console.error(`[${event.model}: ${event.error.code}, retry ${event.attempt}]`);
        break;
      case 'fallback':
        console.error(`[${event.error.code}: falling back to ${event.model}]`);
        break;
      case 'done': {
        const { model, usage, cost } = event.result;
        process.stdout.write('\n');
        console.error(`[${model}] ${usage.inputTokens} input + ${usage.outputTokens} output tokens, ` +
          `cost ${cost ? `$${cost.total}` : 'unknown'}`);
        break;
      }
    }
  }
} catch (error) {
  if (!(error instanceof LlmuxError)) throw error;
  console.error(`\nllmux: ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`);
  process.exitCode = 1;
}
