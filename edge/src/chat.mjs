// POST /v1/chat/completions and POST /v1/messages, inside the user's object: the request in
// the caller's format becomes the package's call (wire-codec.mjs), runs through the user's
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

import { errorResponse } from './api-errors.mjs';

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

/**
 * Serves one chat request. `account` gives what the user's object holds: {client, userId,
 * callable (Map name → {row}), scrub (text → text without provider keys), codec}.
 */
export async function serveChat(account, dialect, text) {
  const { client, userId, callable, scrub, codec } = account;
  const parsed = await codec.parse(dialect, text);
  if (parsed.error) return new Response(parsed.error.body, { status: parsed.error.status, headers: { 'content-type': 'application/json' } });
  const { call, stream, includeUsage } = parsed;

  const entry = callable.get(call.model);
  if (!entry) {
    return errorResponse(dialect, 404, `the model ${JSON.stringify(call.model)} does not exist or you do not have access to it`,
      { code: 'model_not_found', param: 'model' });
  }
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
  const failure = (error) => {
    if (!(error instanceof LlmuxError)) throw error;
    const reply = codec.errorReply(dialect, error);
    const headers = { 'content-type': 'application/json' };
    if (error.retryAfterMs) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    return new Response(scrub(reply.body), { status: reply.status, headers });
  };

  if (!stream) {
    let result;
    try {
      result = await client.chat(call);
    } catch (error) {
      return failure(error);
    }
    const body = await codec.writeWhole(dialect, result, identity);
    return new Response(body, { headers: { 'content-type': 'application/json', ...usageHeaders(result) } });
  }
  return streamed(account, dialect, call, identity, includeUsage, failure);
}

// Events that say something to the caller: the stream's head waits for the first of them, so
// that a call that fails before answering (a bad key upstream, a budget) gets a real status.
const answering = new Set(['text-delta', 'reasoning-delta', 'refusal-delta', 'tool-call-start', 'tool-call', 'finish', 'done']);

async function streamed({ client, scrub, codec }, dialect, call, identity, includeUsage, failure) {
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
  const writer = await codec.streamWriter(dialect, identity, includeUsage);
  const encoder = new TextEncoder();
  let result = null;
  const finishText = () => {
    const summary = result ? `: llmux ${JSON.stringify({ usage: usageHeader(result.usage), cost: result.cost?.total ?? null, model: result.model })}\n\n` : '';
    return summary + writer.finish();
  };
  const body = new ReadableStream({
    async pull(controller) {
      try {
        const batch = held.splice(0);
        if (!batch.length) {
          const next = await events.next();
          if (next.done) {
            controller.enqueue(encoder.encode(finishText()));
            return controller.close();
          }
          batch.push(next.value);
        }
        for (const event of batch) if (event.type === 'done') result = event.result;
        const text = writer.write(batch);
        if (text) controller.enqueue(encoder.encode(text));
      } catch (error) {
        if (!(error instanceof LlmuxError)) throw error;
        // Mid-answer the status is sent already: the stream ends with the format's error event.
        controller.enqueue(encoder.encode(scrub(writer.fail(error))));
        controller.close();
      }
    },
    cancel() {
      return events.return(); // the caller went away: cancel the call, release its reservation
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } });
}
