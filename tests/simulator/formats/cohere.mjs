// Cohere's v2 /v2/chat: tests/fixtures/cohere/.
//
// A stream is `event: <type>\ndata: <json>\n\n` events from message-start to message-end (no
// [DONE]): a thinking content block, then either a text content block or, when the model
// calls tools, tool-plan-delta events followed by tool-call-start/-delta/-end per call. Content
// blocks and tool calls are numbered separately, each from 0.
//
// With tool calls, Cohere's text is the tool plan (`tool_plan`), not content: a Step's `text`
// goes there. Usage: `tokens` are what the model processed; `billed_units` here are input
// less cached, and output. Cohere's error body is {"id", "message"} for every status, so a
// Step's error type and code have no place in it; an in-stream error is a message-end whose
// delta has finish_reason ERROR and `error` (the one Cohere's API reference documents).
// Cohere has no content-filter finish reason: content_filter is sent as it is.

import { argumentPieces, derived, errorOf, finishOf, mapFinish, pieces, toolCallsOf, usageOf } from '../script.mjs';

export const name = 'cohere';

const finishes = { stop: 'COMPLETE', length: 'MAX_TOKENS', tool_calls: 'TOOL_CALL' };

const json = { 'content-type': 'application/json' };

function usage(step) {
  const counts = usageOf(step);
  return {
    billed_units: {
      input_tokens: derived(counts, ['input', 'cached'], () => counts.input - Math.min(counts.cached, counts.input)),
      output_tokens: counts.output,
    },
    tokens: { input_tokens: counts.input, output_tokens: counts.output },
    cached_tokens: counts.cached,
  };
}

const callsOf = (step, ctx) => toolCallsOf(step, (i) => `${step.tool_calls[i].name}_sim${ctx.seq}${i}`);

// Cohere's ids are UUIDs; this one is made up but fixed per response.
const idOf = (step, ctx) => step.id ?? `00000000-0000-4000-8000-${String(ctx.seq).padStart(12, '0')}`;

export function whole(step, ctx) {
  const calls = callsOf(step, ctx);
  const message = { role: 'assistant' };
  const content = [];
  if (step.reasoning) content.push({ type: 'thinking', thinking: step.reasoning });
  if (step.text && !calls.length) content.push({ type: 'text', text: step.text });
  if (content.length) message.content = content;
  if (calls.length) {
    if (step.text) message.tool_plan = step.text;
    message.tool_calls = calls.map((call) => ({
      id: call.id, type: 'function', function: { name: call.name, arguments: call.text },
    }));
  }
  const body = { id: idOf(step, ctx), message, finish_reason: mapFinish(finishes, finishOf(step)), usage: usage(step) };
  return { headers: json, body: JSON.stringify(body) };
}

const event = (data) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

export function stream(step, ctx) {
  const calls = callsOf(step, ctx);
  const chunks = [event({
    id: idOf(step, ctx), type: 'message-start',
    delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } },
  })];
  let index = 0;
  const block = (kind, text) => {
    chunks.push(event({ type: 'content-start', index, delta: { message: { content: { type: kind, [kind]: '' } } } }));
    for (const piece of pieces(text, step.chunk_size))
      chunks.push(event({ type: 'content-delta', index, delta: { message: { content: { [kind]: piece } } } }));
    chunks.push(event({ type: 'content-end', index }));
    index += 1;
  };
  if (step.reasoning) block('thinking', step.reasoning);
  if (calls.length) {
    for (const tool_plan of pieces(step.text, step.chunk_size))
      chunks.push(event({ type: 'tool-plan-delta', delta: { message: { tool_plan } } }));
  } else if (step.text) {
    block('text', step.text);
  }
  calls.forEach((call, i) => {
    chunks.push(event({
      type: 'tool-call-start', index: i,
      delta: { message: { tool_calls: { id: call.id, type: 'function', function: { name: call.name, arguments: '' } } } },
    }));
    for (const piece of argumentPieces(call.text, step.chunk_size))
      chunks.push(event({ type: 'tool-call-delta', index: i, delta: { message: { tool_calls: { function: { arguments: piece } } } } }));
    chunks.push(event({ type: 'tool-call-end', index: i }));
  });
  chunks.push(event({ type: 'message-end', delta: { finish_reason: mapFinish(finishes, finishOf(step)), usage: usage(step) } }));
  return { headers: { 'content-type': 'text/event-stream' }, chunks };
}

const errors = {
  400: 'invalid request: the request is malformed',
  401: 'invalid api token',
  404: 'model not found, make sure the correct model ID was used and that you have access to the model.',
  429: 'You are past the per minute request limit, please wait and try again later.',
  500: 'internal server error, this has been reported to our developers',
  503: 'service unavailable',
};

export function error(step, ctx) {
  const { status, message } = errorOf(step);
  return { status, headers: json, body: JSON.stringify({ id: idOf({}, ctx), message: message ?? errors[status] ?? `error ${status}` }) };
}

export function streamError(step) {
  const message = step.stream_error.message ?? 'internal server error, this has been reported to our developers';
  return event({ type: 'message-end', delta: { finish_reason: 'ERROR', error: message } });
}
