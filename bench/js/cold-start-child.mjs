// One cold-start sample, run by cold-start.mjs in a fresh Node process:
//   node bench/js/cold-start-child.mjs llmux|openai|ai-sdk|none [PAYLOAD_INDEX_MJS]
// Times the dynamic import of the client's package, making the client, and its first chat()
// until the custom `fetch` it was given is called with the request (which then answers a fixed
// completion, so the call completes). Prints one JSON line of milliseconds:
//   script_ms  process start (performance.timeOrigin) to this script's first line
//   import_ms  the dynamic import(s)
//   create_ms  creating the client
//   fetch_ms   import start to the custom fetch being called: the cold start
//   done_ms    import start to the first answer
//   fetch_epoch_ms  when fetch was called, on the wall clock (timeOrigin + now)
// No static imports: nothing is loaded before the clock starts. Node's fetch (undici) loads
// lazily on first touch of fetch/Response/Headers, ~50-90 ms here; every client needs it to
// send anything, so it is loaded before the clock starts (set COLD_START_LAZY_FETCH=1 to bill
// it to whichever client touches it first).

if (!process.env.COLD_START_LAZY_FETCH) void [globalThis.fetch, new Response('')];
const t0 = performance.now();
const [which, entry] = process.argv.slice(2);
const completion = JSON.stringify({
  id: 'chatcmpl-cold', object: 'chat.completion', created: 1754667600, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
const baseUrl = 'http://127.0.0.1:9/v1'; // never connected to: the custom fetch answers
const apiKey = 'sk-bench-not-a-key';
let fetchAt = null;
let requestUrl = null;
async function customFetch(input) {
  fetchAt ??= performance.now();
  requestUrl ??= String(input?.url ?? input);
  return new Response(completion, { status: 200, headers: { 'content-type': 'application/json' } });
}

let importedAt;
let createdAt;
let text;
if (which === 'llmux') {
  const { createClient } = await import(entry);
  importedAt = performance.now();
  const client = createClient({ settings: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseUrl }, model: 'gpt-4o-mini', fetch: customFetch });
  createdAt = performance.now();
  text = (await client.chat({ prompt: 'Hi' })).text;
} else if (which === 'openai') {
  const { default: OpenAI } = await import('openai');
  importedAt = performance.now();
  const client = new OpenAI({ apiKey, baseURL: baseUrl, fetch: customFetch, maxRetries: 0 });
  createdAt = performance.now();
  text = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })).choices[0].message.content;
} else if (which === 'ai-sdk') {
  const [{ generateText }, { createOpenAI }] = await Promise.all([import('ai'), import('@ai-sdk/openai')]);
  importedAt = performance.now();
  const provider = createOpenAI({ apiKey, baseURL: baseUrl, fetch: customFetch });
  createdAt = performance.now();
  text = (await generateText({ model: provider.chat('gpt-4o-mini'), prompt: 'Hi', maxRetries: 0 })).text;
} else {
  // `none`: the bare process, for the spawn cost alone.
  importedAt = createdAt = performance.now();
  await customFetch(`${baseUrl}/chat/completions`);
  text = 'Hello!';
}
const doneAt = performance.now();
if (text !== 'Hello!') throw new Error(`${which}: answered ${JSON.stringify(text)}`);
if (!requestUrl?.endsWith('/chat/completions')) throw new Error(`${which}: fetched ${requestUrl}`);
process.stdout.write(`${JSON.stringify({
  which,
  script_ms: t0,
  import_ms: importedAt - t0,
  create_ms: createdAt - importedAt,
  fetch_ms: fetchAt - t0,
  done_ms: doneAt - t0,
  fetch_epoch_ms: performance.timeOrigin + fetchAt,
})}\n`);
