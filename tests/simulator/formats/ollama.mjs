// Ollama's /api/chat: tests/fixtures/ollama/.
//
// A stream is NDJSON (one JSON object and "\n" per chunk, content-type application/x-ndjson):
// `message.thinking` lines, `message.content` lines, one line carrying every tool call whole
// (arguments are JSON objects, not strings), then the `done: true` line with done_reason and
// the counts. Ollama streams unless the body says `"stream": false`.
//
// Ollama has no word for tool calls or content filtering in done_reason: it says "stop"
// after tool calls, and a content_filter finish is sent as the text "content_filter".

import { errorOf, finishOf, mapFinish, pieces, toolCallsOf, usageOf } from '../script.mjs';

export const name = 'ollama';

const finishes = { stop: 'stop', length: 'length', tool_calls: 'stop' };

const json = { 'content-type': 'application/json; charset=utf-8' };

// A made-up but fixed instant: Ollama stamps every chunk.
const createdAt = (ctx) => new Date(ctx.created * 1000).toISOString();

function counts(step) {
  const usage = usageOf(step);
  return {
    total_duration: 1000000, load_duration: 100000,
    prompt_eval_count: usage.input, prompt_eval_duration: 200000,
    eval_count: usage.output, eval_duration: 700000,
  };
}

const wireCalls = (step, ctx) => toolCallsOf(step, (i) => `call_sim${ctx.seq}_${i}`)
  .map((call, index) => ({ id: call.id, function: { index, name: call.name, arguments: call.value } }));

export function whole(step, ctx) {
  const message = { role: 'assistant', content: step.text ?? '' };
  if (step.reasoning) message.thinking = step.reasoning;
  const calls = wireCalls(step, ctx);
  if (calls.length) message.tool_calls = calls;
  const body = {
    model: ctx.model, created_at: createdAt(ctx), message,
    done_reason: mapFinish(finishes, finishOf(step)), done: true, ...counts(step),
  };
  return { headers: json, body: JSON.stringify(body) };
}

export function stream(step, ctx) {
  const line = (message, rest = { done: false }) =>
    `${JSON.stringify({ model: ctx.model, created_at: createdAt(ctx), message: { role: 'assistant', ...message }, ...rest })}\n`;
  const chunks = [];
  for (const thinking of pieces(step.reasoning, step.chunk_size)) chunks.push(line({ content: '', thinking }));
  for (const content of pieces(step.text, step.chunk_size)) chunks.push(line({ content }));
  const calls = wireCalls(step, ctx);
  if (calls.length) chunks.push(line({ content: '', tool_calls: calls }));
  chunks.push(line({ content: '' }, { done: true, done_reason: mapFinish(finishes, finishOf(step)), ...counts(step) }));
  return { headers: { 'content-type': 'application/x-ndjson' }, chunks };
}

const errors = {
  400: 'invalid request',
  401: 'unauthorized',
  404: 'model not found, try pulling it first',
  429: 'too many requests',
  500: 'an error was encountered while running the model',
  503: 'server busy, please try again.  maximum pending requests exceeded',
};

/** Ollama's error body is `{"error": "<text>"}`: a Step's error type and code have no place in it. */
export function error(step, ctx) {
  const { status, message } = errorOf(step);
  const text = message ?? (status === 404 ? `model "${ctx.model}" not found, try pulling it first` : errors[status] ?? `error ${status}`);
  return { status, headers: json, body: JSON.stringify({ error: text }) };
}

/** A failure after the 200 head: a line of its own. */
export function streamError(step) {
  return `${JSON.stringify({ error: step.stream_error.message ?? 'an error was encountered while running the model: unexpected EOF' })}\n`;
}

/** GET /api/tags. */
export function models(ids, ctx) {
  const list = ids.map((id) => ({
    name: id, model: id, modified_at: createdAt(ctx), size: 0,
    digest: Buffer.from(id).toString('hex').padEnd(64, '0').slice(0, 64),
    details: { parent_model: '', format: 'gguf', family: '', families: null, parameter_size: '', quantization_level: '' },
  }));
  return { headers: json, body: JSON.stringify({ models: list }) };
}

/** GET /api/version. */
export const version = () => ({ headers: json, body: JSON.stringify({ version: '0.12.6' }) });
