// A chat page: streams the answer into the page, Stop cancels, and the usage of every call
// (kept in IndexedDB, so it survives reloads) is shown below the answer.
//
// Bundled instead of the import map (any bundler; with esbuild):
//   npx esbuild main.mjs --bundle --format=esm --outfile=public/main.mjs
//   cp index.html node_modules/llmux/dist/llmux-core.wasm public/
// The package finds llmux-core.wasm beside the bundle (new URL('llmux-core.wasm',
// import.meta.url)). Bundlers that emit assets can give its URL instead:
//   import wasmUrl from 'llmux/llmux-core.wasm';   // esbuild: --loader:.wasm=file
//   init({ locateFile: () => wasmUrl });          // before the first call

import { createClient, LlmuxError } from 'llmux';

const form = document.querySelector('#chat');
const answer = document.querySelector('#answer');
const status = document.querySelector('#status');
const stop = document.querySelector('#stop');

// ?provider=…&baseUrl=…&model=… prefill the form.
for (const [name, value] of new URLSearchParams(location.search)) {
  if (form.elements[name] && name !== 'apiKey') form.elements[name].value = value;
}

let controller = null;
stop.addEventListener('click', () => controller?.abort());

function clientFor(fields) {
  const prefix = fields.provider.toUpperCase();
  const settings = {};
  if (fields.apiKey) settings[`${prefix}_API_KEY`] = fields.apiKey;
  if (fields.baseUrl) settings[`${prefix}_BASE_URL`] = fields.baseUrl;
  return createClient({ settings, model: fields.model, storage: 'indexeddb' });
}

async function showUsage(client) {
  const totals = await client.usage({ by: 'model' });
  status.textContent = totals.map((row) => `${row.key}: ${row.requests} calls, ${row.inputTokens} + ` +
    `${row.outputTokens} tokens, $${row.cost}`).join('; ') || 'no usage yet';
}

form.addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const fields = Object.fromEntries(new FormData(form));
  const client = clientFor(fields);
  controller = new AbortController();
  stop.disabled = false;
  answer.textContent = '';
  status.textContent = 'asking…';
  try {
    for await (const event of client.stream({ prompt: fields.prompt, signal: controller.signal })) {
      if (event.type === 'text-delta') answer.textContent += event.text;
      else if (event.type === 'retry') status.textContent = `${event.error.code}: retrying…`;
      else if (event.type === 'fallback') status.textContent = `${event.error.code}: trying ${event.model}…`;
    }
    await showUsage(client);
  } catch (error) {
    status.textContent = error instanceof LlmuxError ? `${error.code}: ${error.message}` : String(error);
  } finally {
    stop.disabled = true;
    controller = null;
    await client.close();
  }
});

document.documentElement.dataset.ready = 'true'; // the page is wired up (tests wait for it)
