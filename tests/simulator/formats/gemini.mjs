// Gemini generateContent and streamGenerateContent?alt=sse: tests/fixtures/gemini/.
//
// Whole responses are pretty-printed JSON. A stream is `data: <chunk>\r\n\r\n` events, their
// JSON written as Google writes it (`": "` after keys), with no [DONE]: thought parts
// (`"thought": true`), text parts, one chunk with every functionCall whole, then a chunk with
// an empty text part, the finishReason and the whole usageMetadata. The reasoning's
// thoughtSignature rides on the first part after the thoughts (or on the last thought when
// nothing follows). Function calls carry an `id` only when the Step gave one: Gemini's have
// none.
//
// Usage: candidatesTokenCount leaves out thoughtsTokenCount; promptTokenCount includes
// cachedContentTokenCount. Gemini says STOP after function calls, and puts its retry hint in
// the error body (google.rpc.RetryInfo), not in a Retry-After header.

import { derived, errorOf, finishOf, mapFinish, pieces, signatureFor, toolCallsOf, usageOf } from '../script.mjs';

export const name = 'gemini';

const finishes = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP', content_filter: 'SAFETY' };

const json = { 'content-type': 'application/json; charset=UTF-8' };

/** JSON as Google's streams write it: `{"key": value,"key": value}`. */
function googleJson(value) {
  if (Array.isArray(value)) return `[${value.map(googleJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value).map(([key, inner]) => `${JSON.stringify(key)}: ${googleJson(inner)}`).join(',')}}`;
  return JSON.stringify(value);
}

function usageFields(step) {
  const counts = usageOf(step);
  const out = {
    promptTokenCount: counts.input,
    candidatesTokenCount: derived(counts, ['output', 'reasoning'], () => counts.output - Math.min(counts.reasoning, counts.output)),
    totalTokenCount: derived(counts, ['input', 'output'], () => counts.input + counts.output),
  };
  if (counts.cached || counts.hostile.has('cached')) out.cachedContentTokenCount = counts.cached;
  out.promptTokensDetails = [{ modality: 'TEXT', tokenCount: counts.input }];
  if (counts.reasoning || counts.hostile.has('reasoning')) out.thoughtsTokenCount = counts.reasoning;
  return out;
}

function functionCallParts(step) {
  return toolCallsOf(step, () => undefined).map((call) => {
    const functionCall = call.givenId === undefined ? {} : { id: call.givenId };
    return { functionCall: { ...functionCall, name: call.name, args: call.value } };
  });
}

const modelVersion = (ctx) => ctx.model.replace(/^(models|tunedModels)\//, '');

export function whole(step, ctx) {
  const parts = [];
  if (step.reasoning) parts.push({ text: step.reasoning, thought: true });
  if (step.text) parts.push({ text: step.text });
  parts.push(...functionCallParts(step));
  if (step.reasoning) (parts[1] ?? parts[0]).thoughtSignature = signatureFor(ctx.seq);
  const body = {
    candidates: [{ content: { parts, role: 'model' }, finishReason: mapFinish(finishes, finishOf(step)), index: 0 }],
    usageMetadata: usageFields(step),
    modelVersion: modelVersion(ctx),
    responseId: step.id ?? `sim${ctx.seq}`,
  };
  return { headers: json, body: JSON.stringify(body, null, 2) };
}

export function stream(step, ctx) {
  const usage = usageFields(step);
  // Chunks before the last report the prompt only, as Gemini's early chunks do.
  const partial = {
    promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount, promptTokensDetails: usage.promptTokensDetails,
  };
  const chunk = (parts, { finishReason, usageMetadata = partial } = {}) => {
    const candidate = { content: { parts, role: 'model' } };
    if (finishReason) candidate.finishReason = finishReason;
    candidate.index = 0;
    return { candidates: [candidate], usageMetadata, modelVersion: modelVersion(ctx), responseId: step.id ?? `sim${ctx.seq}` };
  };
  const bodies = [];
  for (const text of pieces(step.reasoning, step.chunk_size)) bodies.push(chunk([{ text, thought: true }]));
  const thoughts = bodies.length;
  for (const text of pieces(step.text, step.chunk_size)) bodies.push(chunk([{ text }]));
  const calls = functionCallParts(step);
  if (calls.length) bodies.push(chunk(calls));
  if (thoughts) {
    const signed = bodies[thoughts] ?? bodies[thoughts - 1];
    signed.candidates[0].content.parts[0].thoughtSignature = signatureFor(ctx.seq);
  }
  bodies.push(chunk([{ text: '' }], { finishReason: mapFinish(finishes, finishOf(step)), usageMetadata: usage }));
  return {
    headers: { 'content-type': 'text/event-stream' },
    chunks: bodies.map((body) => `data: ${googleJson(body)}\r\n\r\n`),
  };
}

// google.rpc status names and Gemini's messages for them.
const statuses = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  429: ['RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.'],
  500: ['INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};
const codeOfStatus = Object.fromEntries(Object.entries(statuses).map(([code, [status]]) => [status, Number(code)]));

/**
 * {"error": {code, message, status, details}}: the Step's error.type is the status name,
 * error.code becomes a google.rpc.ErrorInfo reason (e.g. API_KEY_INVALID), and
 * retry_after_seconds a google.rpc.RetryInfo.
 */
export function error(step) {
  const { status, ...given } = errorOf(step);
  const [name, message] = statuses[status] ?? ['UNKNOWN', `Error ${status}`];
  const body = { code: status, message: given.message ?? message, status: given.type ?? name };
  const details = [];
  if (given.code)
    details.push({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: given.code, domain: 'googleapis.com' });
  if (step.retry_after_seconds !== undefined)
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${step.retry_after_seconds}s` });
  if (details.length) body.details = details;
  return { status, headers: json, body: JSON.stringify({ error: body }, null, 2) };
}

/** An error inside a 200 stream: a chunk that is an error body (INTERNAL unless told). */
export function streamError(step) {
  const given = step.stream_error;
  const name = given.type ?? 'INTERNAL';
  const code = codeOfStatus[name] ?? 500;
  const body = { error: { code, message: given.message ?? statuses[code]?.[1] ?? `Error ${code}`, status: name } };
  return `data: ${googleJson(body)}\r\n\r\n`;
}

/** GET /v1beta/models. */
export function models(ids) {
  const list = ids.map((id) => ({
    name: id.startsWith('models/') ? id : `models/${id}`,
    displayName: id,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  }));
  return { headers: json, body: JSON.stringify({ models: list }, null, 2) };
}
