// Anthropic Messages: tests/fixtures/anthropic/.
//
// A stream is `event: <type>\ndata: <json>\n\n` events, the event name always the JSON's
// `type`: message_start, then per content block (thinking with its signature_delta, text,
// each tool_use with an empty input_json_delta first, as Anthropic sends) a
// content_block_start, deltas and content_block_stop, a `ping` after the first block starts,
// then message_delta (stop_reason and usage) and message_stop. No [DONE].
//
// Usage: Anthropic's input_tokens leaves out the cached tokens (cache_read_input_tokens).

import {
  argumentPieces, derived, errorOf, finishOf, mapFinish, pieces, signatureFor, toolCallsOf, usageOf,
} from '../script.mjs';

export const name = 'anthropic';

const finishes = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };

const json = { 'content-type': 'application/json' };

const headersFor = (ctx, extra) => ({ ...extra, 'request-id': `req_sim${ctx.seq}` });

function usage(step) {
  const counts = usageOf(step);
  return {
    input_tokens: derived(counts, ['input', 'cached'], () => counts.input - Math.min(counts.cached, counts.input)),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: counts.cached,
    output_tokens: counts.output,
  };
}

const callsOf = (step, ctx) => toolCallsOf(step, (i) => `toolu_sim${ctx.seq}_${i}`);

export function whole(step, ctx) {
  const content = [];
  if (step.reasoning) content.push({ type: 'thinking', thinking: step.reasoning, signature: signatureFor(ctx.seq) });
  if (step.text) content.push({ type: 'text', text: step.text });
  for (const call of callsOf(step, ctx)) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.value });
  const body = {
    id: step.id ?? `msg_sim${ctx.seq}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content,
    stop_reason: mapFinish(finishes, finishOf(step)),
    stop_sequence: null,
    usage: { ...usage(step), service_tier: 'standard' },
  };
  return { headers: headersFor(ctx, json), body: JSON.stringify(body) };
}

const event = (data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

export function stream(step, ctx) {
  const counts = usage(step);
  const chunks = [event({
    type: 'message_start',
    message: {
      id: step.id ?? `msg_sim${ctx.seq}`, type: 'message', role: 'assistant', model: ctx.model, content: [],
      stop_reason: null, stop_sequence: null,
      usage: { ...counts, output_tokens: 1, service_tier: 'standard' },
    },
  })];
  let index = 0;
  const block = (start, deltas) => {
    chunks.push(event({ type: 'content_block_start', index, content_block: start }));
    if (index === 0) chunks.push('event: ping\ndata: {"type": "ping"}\n\n');
    for (const delta of deltas) chunks.push(event({ type: 'content_block_delta', index, delta }));
    chunks.push(event({ type: 'content_block_stop', index }));
    index += 1;
  };
  if (step.reasoning)
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...pieces(step.reasoning, step.chunk_size).map((thinking) => ({ type: 'thinking_delta', thinking })),
      { type: 'signature_delta', signature: signatureFor(ctx.seq) },
    ]);
  if (step.text)
    block({ type: 'text', text: '' }, pieces(step.text, step.chunk_size).map((text) => ({ type: 'text_delta', text })));
  for (const call of callsOf(step, ctx))
    block({ type: 'tool_use', id: call.id, name: call.name, input: {} }, ['', ...argumentPieces(call.text, step.chunk_size)]
      .map((partial_json) => ({ type: 'input_json_delta', partial_json })));
  chunks.push(event({
    type: 'message_delta',
    delta: { stop_reason: mapFinish(finishes, finishOf(step)), stop_sequence: null },
    usage: counts,
  }));
  chunks.push(event({ type: 'message_stop' }));
  return { headers: headersFor(ctx, { 'content-type': 'text/event-stream; charset=utf-8' }), chunks };
}

const errors = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found.'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'This request would exceed the rate limit for your organization.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

const errorBody = (type, message, ctx) => ({ type: 'error', error: { type, message }, request_id: `req_sim${ctx.seq}` });

export function error(step, ctx) {
  const { status, ...given } = errorOf(step);
  const [type, message] = errors[status] ?? [status < 500 ? 'invalid_request_error' : 'api_error', `Error ${status}`];
  return { status, headers: headersFor(ctx, json), body: JSON.stringify(errorBody(given.type ?? type, given.message ?? message, ctx)) };
}

/** Anthropic's in-stream error: an `error` event (overloaded_error unless told), then the end. */
export function streamError(step, ctx) {
  const given = step.stream_error;
  const body = errorBody(given.type ?? 'overloaded_error', given.message ?? 'Overloaded', ctx);
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}

/** GET /v1/models with an anthropic-version header. */
export function models(ids) {
  const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
  return {
    headers: json,
    body: JSON.stringify({ data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }),
  };
}
