// OpenAI Chat Completions, as OpenAI and the compatible servers (Azure, vLLM, Mistral, xAI,
// OpenRouter, Hugging Face, RunPod, local servers) send it: tests/fixtures/openai/.
//
// A stream is `data: <chunk>\n\n` events: a role chunk, reasoning (vLLM/DeepSeek/xAI
// `reasoning_content`) and text deltas, each tool call's first delta (index, id, name, empty
// arguments) then its argument fragments, a finish chunk, the usage chunk (`choices: []`) only
// when the request set stream_options.include_usage, then `data: [DONE]`. With include_usage
// every chunk carries `"usage": null`, as OpenAI's do.

import { argumentPieces, derived, errorOf, finishOf, mapFinish, pieces, toolCallsOf, usageOf } from '../script.mjs';

export const name = 'openai';

const finishes = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter' };

const json = { 'content-type': 'application/json' };

function usage(step) {
  const counts = usageOf(step);
  return {
    prompt_tokens: counts.input,
    completion_tokens: counts.output,
    total_tokens: derived(counts, ['input', 'output'], () => counts.input + counts.output),
    prompt_tokens_details: { cached_tokens: counts.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: counts.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
    },
  };
}

const callsOf = (step, ctx) => toolCallsOf(step, (i) => `call_sim${ctx.seq}_${i}`);

export function whole(step, ctx) {
  const calls = callsOf(step, ctx);
  const message = { role: 'assistant', content: step.text ?? (calls.length ? null : '') };
  if (step.reasoning) message.reasoning_content = step.reasoning;
  if (calls.length)
    message.tool_calls = calls.map((call) => ({
      id: call.id, type: 'function', function: { name: call.name, arguments: call.text },
    }));
  message.refusal = null;
  message.annotations = [];
  const body = {
    id: step.id ?? `chatcmpl-sim${ctx.seq}`,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapFinish(finishes, finishOf(step)) }],
    usage: usage(step),
    service_tier: 'default',
    system_fingerprint: null,
  };
  return { headers: json, body: JSON.stringify(body) };
}

export function stream(step, ctx) {
  const includeUsage = ctx.body?.stream_options?.include_usage === true;
  const calls = callsOf(step, ctx);
  const id = step.id ?? `chatcmpl-sim${ctx.seq}`;
  const chunk = (choices, extra = {}) => {
    const out = { id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, system_fingerprint: null, choices };
    if (includeUsage) out.usage = null;
    return `data: ${JSON.stringify({ ...out, ...extra })}\n\n`;
  };
  const delta = (fields, finish = null) => chunk([{ index: 0, delta: fields, logprobs: null, finish_reason: finish }]);

  const chunks = [delta({ role: 'assistant', content: step.text || !calls.length ? '' : null, refusal: null })];
  for (const piece of pieces(step.reasoning, step.chunk_size)) chunks.push(delta({ reasoning_content: piece }));
  for (const piece of pieces(step.text, step.chunk_size)) chunks.push(delta({ content: piece }));
  calls.forEach((call, index) => {
    chunks.push(delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of argumentPieces(call.text, step.chunk_size))
      chunks.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  // Mistral's servers always report usage, on the chunk that finishes, without being asked.
  if (step.usage_in_last_chunk)
    chunks.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: mapFinish(finishes, finishOf(step)) }], { usage: usage(step) }));
  else chunks.push(delta({}, mapFinish(finishes, finishOf(step))));
  if (includeUsage && !step.usage_in_last_chunk) chunks.push(chunk([], { usage: usage(step) }));
  chunks.push('data: [DONE]\n\n');
  return { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, chunks };
}

// Types and codes as OpenAI sends them; no message says "try again in Ns", which clients
// read as a retry hint.
const errors = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error', code: 'invalid_api_key',
    message: 'Incorrect API key provided: sk-sim***. You can find your API key at https://platform.openai.com/account/api-keys.',
  },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' },
};

function errorFields(status, given) {
  const base = errors[status] ?? { type: status < 500 ? 'invalid_request_error' : 'server_error', code: null, message: `Error ${status}` };
  return {
    message: given.message ?? base.message,
    type: given.type ?? base.type,
    param: null,
    code: given.code ?? base.code,
  };
}

export function error(step) {
  const { status, ...given } = errorOf(step);
  return { status, headers: json, body: JSON.stringify({ error: errorFields(status, given) }, null, 4) };
}

/** An error inside a 200 stream, as OpenAI-compatible servers send one: a `data:` event. */
export function streamError(step) {
  const given = step.stream_error;
  const fields = {
    message: given.message ?? 'The server had an error while processing your request. Sorry about that!',
    type: given.type ?? 'server_error',
    param: null,
    code: null,
  };
  return `data: ${JSON.stringify({ error: fields })}\n\n`;
}

export function models(ids, ctx) {
  const data = ids.map((id) => ({ id, object: 'model', created: ctx.created, owned_by: 'llmux-simulator' }));
  return { headers: json, body: JSON.stringify({ object: 'list', data }) };
}
