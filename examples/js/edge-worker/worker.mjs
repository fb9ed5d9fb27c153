// An edge gateway for llmux: POST / with {"prompt": "..."} streams the model's answer back as
// plain text. The API keys stay in the worker's secrets; browsers call this instead of the
// provider. Runs in workerd / Cloudflare Workers (config.capnp, or wrangler: README.md) and
// in Vercel's edge runtime.
//
// Bindings (settings, the llmux CLI's names): OPENAI_API_KEY, OPENAI_BASE_URL,
// ANTHROPIC_API_KEY, ...; LLMUX_MODEL picks the model (default gpt-4o-mini).

import { createClient, init, LlmuxError } from 'llmux';
// Edge runtimes compile no Wasm from bytes at run time: the bundler imports the .wasm as a
// WebAssembly.Module (wrangler, workerd: as is; Vercel: 'llmux/llmux-core.wasm?module').
import wasmModule from 'llmux/llmux-core.wasm';

init({ wasmModule });

const json = (status, body) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function failure(error) {
  if (!(error instanceof LlmuxError)) throw error;
  // The provider's status when there is one (401, 429, ...), else a gateway error.
  const status = error.status >= 400 && error.status < 600 ? error.status : 502;
  const headers = error.retryAfterMs ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } : {};
  return new Response(JSON.stringify({ error: { code: error.code, message: error.message } }),
    { status, headers: { 'content-type': 'application/json', ...headers } });
}

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return json(405, { error: { code: 'method', message: 'POST {"prompt": "..."}' } });
    const { prompt } = await request.json().catch(() => ({}));
    if (typeof prompt !== 'string' || !prompt) return json(400, { error: { code: 'invalid_argument', message: 'prompt must be a string' } });

    // String bindings only: the settings (secrets and vars), not other bindings.
    const settings = Object.fromEntries(Object.entries(env ?? {}).filter(([, value]) => typeof value === 'string'));
    const client = createClient({ settings, model: settings.LLMUX_MODEL || 'gpt-4o-mini' });
    const events = client.stream({ prompt, signal: request.signal })[Symbol.asyncIterator]();

    // Wait for the first text (or the end) so that a call that fails before answering (a bad
    // key, an unknown model, every fallback down) gets a real status rather than a 200.
    let next;
    try {
      do {
        next = await events.next();
      } while (!next.done && next.value.type !== 'text-delta');
    } catch (error) {
      return failure(error);
    }

    const encoder = new TextEncoder();
    let first = next.done ? null : next.value; // the first text, not sent yet
    const body = new ReadableStream({
      async pull(controller) {
        try {
          if (first) {
            controller.enqueue(encoder.encode(first.text));
            first = null;
            return;
          }
          for (;;) {
            const { done, value } = await events.next();
            if (done) return controller.close();
            if (value.type === 'text-delta') return controller.enqueue(encoder.encode(value.text));
          }
        } catch (error) {
          // Mid-answer the status is sent already: end the text with the error's code.
          controller.enqueue(encoder.encode(`\n[llmux: ${error.code ?? 'error'}]`));
          controller.close();
        }
      },
      cancel() {
        return events.return(); // the caller went away: cancel the call
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  },
};
