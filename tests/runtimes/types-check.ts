// Compiled, never run: code that uses llmux's API as its users write it, checked by tsc
// (types.test.mjs) against the package's index.d.ts. The @ts-expect-error lines must stay
// errors: they prove the typings are not `any`.

import {
  createClient, createDecoder, decode, errorCodes, init, LlmuxError, RateLimitError,
  type ChatResult, type StreamEvent, type UsageTotals,
} from 'llmux';

declare const wasmModule: WebAssembly.Module; // edge runtimes: import wasmModule from 'llmux/llmux-core.wasm'
declare const wasmUrl: string; // a bundler's asset URL for it
declare const wasmBytes: Uint8Array;

export async function loading(which: number): Promise<void> {
  if (which === 0) await init({ wasmModule });
  else if (which === 1) await init({ wasmBinary: wasmBytes });
  else await init({ locateFile: (name) => new URL(name, wasmUrl).href });
}

export async function chatting(signal: AbortSignal): Promise<string> {
  const client = createClient({
    settings: { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'x' },
    model: 'gpt-4o-mini',
    fallbacks: ['claude-3-5-haiku-20241022'],
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50 },
    fetch: (url, options) => fetch(url, options),
    storage: 'memory',
  });

  const result: ChatResult = await client.chat({
    prompt: 'What is 2 + 3?',
    signal,
    maxRounds: 3,
    tools: {
      add: {
        description: 'Adds two numbers',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
        execute: async (args: { a: number; b: number }) => ({ sum: args.a + args.b }),
      },
    },
  });
  const tokens: number = (result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0);
  const dollars: string | undefined = result.cost?.total;
  const called: string[] = result.toolsCalled.map((call) => call.name);

  let text = '';
  const stream = client.stream({ prompt: 'Hi', signal });
  for await (const event of stream) {
    if (event.type === 'text-delta') text += event.text;
    else if (event.type === 'retry') console.log(event.attempt, event.error.code, event.error.retryAfterMs);
    else if (event.type === 'fallback') console.log(event.model);
    else if (event.type === 'tool-result') console.log(event.name, event.ok, event.result);
    else if (event.type === 'done') console.log(event.result.model);
  }
  const streamed: ChatResult = await stream.result;

  const totals: UsageTotals[] = await client.usage({ by: 'day', since: new Date(0) });
  await client.close();

  try {
    await client.chat({ messages: [{ role: 'user', content: 'Hi' }] });
  } catch (error) {
    if (error instanceof RateLimitError) console.log(error.retryAfterMs);
    else if (error instanceof LlmuxError && error.code === 'auth_failed') console.log(error.status);
  }

  // @ts-expect-error: a prompt is a string
  await client.chat({ prompt: 42 });
  // @ts-expect-error: no such storage
  createClient({ storage: 'disk' });
  // @ts-expect-error: no such event type
  const wrong: StreamEvent = { type: 'text' };

  return `${text}${tokens}${dollars}${called}${streamed.text}${totals.length}${wrong}`;
}

export async function decoding(response: Response): Promise<string> {
  const codes = await errorCodes();
  const whole = await decode({ provider: 'openai', status: 200, body: '{}' });
  const decoder = await createDecoder({ provider: 'anthropic', stream: true, headers: response.headers });
  for (const event of decoder.feed(new Uint8Array(await response.arrayBuffer()))) console.log(event.type);
  const { result } = decoder.finish();
  return `${codes[0]?.code}${whole.text}${result.finish}`;
}
