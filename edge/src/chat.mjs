// POST /v1/chat/completions and POST /v1/messages, inside the user's object: the request in
// the caller's format becomes the package's call (the package's wire codecs, llmux/serve),
// runs through the user's
// client on the model the caller named (their own or a shared one, nothing else), and its
// result or its events go back in the caller's format, whichever provider served it.
//
// Usage and exact cost ride back in headers on a whole answer:
//   x-llmux-cost              US dollars, exact ("0.00003"); "unknown" when the model has no prices
//   x-llmux-cost-picodollars  the same as an integer of 10^-12 dollars
//   x-llmux-usage             {"input_tokens", "output_tokens", ...} summed over the call
//   x-llmux-model             the model that answered (a fallback's, if one did)
// A stream's headers leave before its usage is known: its last event is followed by an SSE
// comment (which the SDKs' parsers skip), `: llmux {"usage": {...}, "cost": "...", "model": "..."}`.
//
// The gateway runs none of its caller's tools: a call whose model asks for tools ends there
// with the tool calls, and the caller sends their results back in its next request.

import { LlmuxError } from 'llmux';
import {
  anthropicError, anthropicResponse, anthropicStream, openAIError, openAIResponse, openAIStream, parseAnthropicRequest,
  parseOpenAIRequest,
} from 'llmux/serve';

import { errorResponse } from './api-errors.mjs';
import { withProviderKey } from './upstream-fetch.mjs';

// Each API's codecs: its request parser, whole answer, error reply and stream encoder.
const codecs = {
  openai: {
    parse: parseOpenAIRequest, whole: openAIResponse, error: openAIError,
    stream: (identity, includeUsage) => openAIStream({ ...identity, includeUsage }),
  },
  anthropic: {
    parse: parseAnthropicRequest, whole: anthropicResponse, error: anthropicError,
    stream: ({ id, model }) => anthropicStream({ id, model }),
  },
};

const usageHeader = (usage = {}) => {
  const names = { inputTokens: 'input_tokens', outputTokens: 'output_tokens', cachedInputTokens: 'cached_input_tokens',
    cacheWriteInputTokens: 'cache_write_input_tokens', reasoningTokens: 'reasoning_tokens' };
  const out = {};
  for (const [name, wire] of Object.entries(names)) if (typeof usage[name] === 'number') out[wire] = usage[name];
  return out;
};

/** The headers that say what a whole call used and cost. */
function usageHeaders(result) {
  return {
    'x-llmux-cost': result.cost?.total ?? 'unknown',
    ...(result.cost ? { 'x-llmux-cost-picodollars': result.cost.totalPicodollars } : {}),
    'x-llmux-usage': JSON.stringify(usageHeader(result.usage)),
    'x-llmux-model': result.model,
  };
}

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('');

const json = { 'content-type': 'application/json' };

/**
 * Serves one chat request in `dialect` ('openai' or 'anthropic'), its body `text`. `account`
 * gives what the user's object holds: {client, userId, callable (Map name → {row, key}), scrub
 * (text → text without provider keys)}.
 */
export async function serveChat(account, dialect, text) {
  const { userId, callable, scrub } = account;
  const codec = codecs[dialect];
  const parsed = await codec.parse(text);
  if (!parsed.ok) return new Response(parsed.body, { status: parsed.status, headers: json });
  const { call, includeUsage } = parsed;
  const { stream } = call;
  delete call.stream;

  const entry = callable.get(call.model);
  if (!entry) {
    return errorResponse(dialect, 404, `the model ${JSON.stringify(call.model)} does not exist or you do not have access to it`,
      { code: 'model_not_found', param: 'model' });
  }
  if (entry.refusal) return errorResponse(dialect, 403, `the model ${call.model} cannot be called: ${entry.refusal}`, { code: 'upstream_refused' });
  // The model's defaults where the caller gave none.
  const { defaults } = entry.row;
  if (defaults.temperature !== undefined) call.temperature ??= defaults.temperature;
  if (defaults.top_p !== undefined) call.topP ??= defaults.top_p;
  if (defaults.max_tokens !== undefined) call.maxTokens ??= defaults.max_tokens;
  // Charged to this user's budget and recorded as theirs, whatever the caller named as `user`;
  // no fallback or route the caller could name reaches a model they may not call.
  call.user = userId;
  delete call.budgetScopes;
  delete call.fallbacks;
  delete call.task;

  const identity = {
    model: call.model, id: dialect === 'anthropic' ? `msg_${randomId()}` : `chatcmpl-${randomId()}`, created: Math.floor(Date.now() / 1000),
  };
  const failure = async (error) => {
    if (!(error instanceof LlmuxError)) throw error;
    const reply = await codec.error(error);
    const headers = { ...json };
    if (error.retryAfterMs) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    return new Response(scrub(reply.body), { status: reply.status, headers });
  };

  // The call's requests carry its model's key (upstream-fetch.mjs), through every retry and,
  // for a stream, every read of the answer.
  return withProviderKey(entry.key, () => run(account, codec, call, stream, identity, includeUsage, failure));
}

async function run(account, codec, call, stream, identity, includeUsage, failure) {
  if (!stream) {
    let result;
    try {
      result = await account.client.chat(call);
    } catch (error) {
      return failure(error);
    }
    const reply = await codec.whole(result, identity);
    return new Response(reply.body, { status: reply.status, headers: { ...json, ...(reply.status === 200 ? usageHeaders(result) : {}) } });
  }
  return streamed(account, codec, call, identity, includeUsage, failure);
}

// Events that say something to the caller: the stream's head waits for the first of them, so
// that a call that fails before answering (a bad key upstream, a budget) gets a real status.
const answering = new Set(['text-delta', 'reasoning-delta', 'refusal-delta', 'tool-call-start', 'tool-call', 'finish', 'done']);

async function streamed({ client, scrub }, codec, call, identity, includeUsage, failure) {
  const events = client.stream(call)[Symbol.asyncIterator]();
  const held = [];
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      held.push(next.value);
      if (answering.has(next.value.type)) break;
    }
  } catch (error) {
    return failure(error);
  }
  const encoder = await codec.stream(identity, includeUsage);
  // The events are read and written by a pump that runs in this request's own context, which
  // made the upstream request (workerd lets a request's I/O be read only there): the answer's
  // body is the readable side of a stream the pump writes.
  const { readable, writable } = new TransformStream();
  pump(events, held, encoder, writable.getWriter(), scrub);
  return new Response(readable, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } });
}

const notYet = Symbol('not yet');
const settledNow = Promise.resolve(notYet);

/**
 * The next events: waits for one, then takes those the client has already read from the
 * upstream without waiting (one network read often holds many), so that each batch crosses
 * into the encoder and out to the caller once. Resolves to [events, the next() still pending
 * or null, whether the stream ended].
 */
async function nextBatch(events, pending) {
  const batch = [];
  let next = await (pending ?? events.next());
  while (!next.done) {
    batch.push(next.value);
    const following = events.next();
    following.catch(() => {}); // awaited with the next batch; its failure is handled there
    const ready = await Promise.race([following, settledNow]);
    if (ready === notYet) return [batch, following, false];
    next = ready;
  }
  return [batch, null, true];
}

/**
 * Writes the stream's events in the caller's format until the call ends: then the usage
 * comment and the format's end, or, on a failure mid-answer (the status is sent already), the
 * format's error event. When the caller goes away, the call is cancelled (its reservation
 * released).
 */
async function pump(events, held, encoder, writer, scrub) {
  const bytes = new TextEncoder();
  let result = null;
  let batch = held;
  let pending = null; // a next() that had not settled when the batch was cut
  let ended = false;
  try {
    for (;;) {
      for (const event of batch) if (event.type === 'done') result = event.result;
      const text = batch.length ? encoder.write(batch) : '';
      if (text) await writer.write(bytes.encode(text));
      if (ended) break;
      try {
        [batch, pending, ended] = await nextBatch(events, pending);
      } catch (error) {
        if (!(error instanceof LlmuxError)) throw error;
        await writer.write(bytes.encode(scrub(encoder.fail(error))));
        return await writer.close();
      }
    }
    const summary = result
      ? `: llmux ${JSON.stringify({ usage: usageHeader(result.usage), cost: result.cost?.total ?? null, model: result.model })}\n\n` : '';
    await writer.write(bytes.encode(summary + encoder.finish()));
    await writer.close();
  } catch (error) {
    // The caller went away (a write failed), or the gateway failed: end the answer cut short.
    await writer.abort(error).catch(() => {});
  } finally {
    encoder.close();
    await events.return();
  }
}
