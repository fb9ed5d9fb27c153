// The client side of the gateway benchmark and the load test: OpenAI chat requests sent over
// keep-alive connections (an undici Pool per subject), one after another on one connection to
// time each request, or from many concurrent callers to count requests per second. A request
// is timed to its last byte (the whole body read); a streamed one also to its first body byte.
//
// The answer is checked whole (the text the upstream sent, the usage, [DONE]) while warming
// up; the timed requests are checked only cheaply (status 200 and how the body ends), so that
// checking costs the client little beside what it measures. A failed request is counted with
// the first failure's description, never thrown: a subject that fails a case is reported so.

import { Pool } from 'undici';

import { answer, usage } from './upstream.mjs';

export const model = 'gpt-4o-mini';
const prompt = 'Say hello.';

/** The request's JSON: a small chat, streamed with usage when `stream`. */
export function chatBody(stream) {
  const request = { model, messages: [{ role: 'user', content: prompt }] };
  return JSON.stringify(stream ? { ...request, stream: true, stream_options: { include_usage: true } } : request);
}

/** What is wrong with a whole answer (the upstream's text and usage), or null. */
function wholeAnswerProblem(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (json.choices?.[0]?.message?.content !== answer) return `another answer: ${text.slice(0, 200)}`;
  if (json.usage?.completion_tokens !== usage.completion_tokens) return `usage missing or wrong: ${JSON.stringify(json.usage)}`;
  return null;
}

/** What is wrong with a streamed answer (all 50 pieces in order, a usage chunk, [DONE]), or null. */
function streamedAnswerProblem(text) {
  // An event without data lines (only comments, as `: ...`) is not dispatched (the SSE spec).
  const data = text.split('\n\n')
    .map((event) => event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'));
  if (data.at(-1) !== '[DONE]') return `no [DONE] at the end: ${JSON.stringify(text.slice(-200))}`;
  let content = '';
  let sawUsage = false;
  for (const payload of data.slice(0, -1)) {
    let chunk;
    try {
      chunk = JSON.parse(payload);
    } catch {
      return `an event that is not JSON: ${payload.slice(0, 200)}`;
    }
    content += chunk.choices?.[0]?.delta?.content ?? '';
    if (chunk.usage?.completion_tokens === usage.completion_tokens) sawUsage = true;
  }
  if (content !== answer) return `another answer: ${JSON.stringify(content.slice(0, 200))}`;
  if (!sawUsage) return 'no usage chunk';
  return null;
}

const streamEnd = /data: \[DONE\]\s*$/;

/** What is wrong with a response, checked whole (`thorough`) or cheaply; null when it is right. */
export function responseProblem({ status, text }, stream, thorough) {
  if (status !== 200) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (thorough) return stream ? streamedAnswerProblem(text) : wholeAnswerProblem(text);
  if (stream ? !streamEnd.test(text) : !text.endsWith('}')) return `a body that ends wrongly: ${JSON.stringify(text.slice(-100))}`;
  return null;
}

/**
 * A subject's address as the load generator uses it: `url` (http://127.0.0.1:PORT), the
 * request's path and headers. Opens a Pool of `connections` keep-alive connections to it.
 */
export function connect({ url, path = '/v1/chat/completions', headers = {} }, connections) {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 600_000, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const requestHeaders = { 'content-type': 'application/json', ...headers };
  const bodies = { true: chatBody(true), false: chatBody(false) };
  return {
    pool,
    /** One request: resolves to {status, text, firstByteMs, lastByteMs} (ms since it was sent), or {error}. */
    async send(stream) {
      const start = performance.now();
      let firstByteMs = null;
      try {
        const { statusCode, body } = await pool.request({ path, method: 'POST', headers: requestHeaders, body: bodies[stream] });
        const parts = [];
        for await (const part of body) {
          if (firstByteMs === null) firstByteMs = performance.now() - start;
          parts.push(part);
        }
        return { status: statusCode, text: Buffer.concat(parts).toString('utf8'), firstByteMs, lastByteMs: performance.now() - start };
      } catch (error) {
        return { error: `${error.code ?? error.name}: ${error.message}` };
      }
    },
    close: () => pool.close(),
  };
}

/** Tallies failures: how many, and the first one's description. */
export class Failures {
  count = 0;
  first = null;

  /** Counts the response if it failed; returns whether it did. */
  note(response, stream, thorough) {
    const problem = response.error ?? responseProblem(response, stream, thorough);
    if (problem === null) return false;
    this.count++;
    this.first ??= problem;
    return true;
  }
}

/**
 * `n` requests one after another on `client`; pushes each successful one's times (ms) onto
 * `samples` ({lastByte: [], firstByte: []}) when given. Returns nothing; failures go to `failures`.
 */
export async function sequential(client, stream, n, { samples, failures, thorough = false }) {
  for (let i = 0; i < n; i++) {
    const response = await client.send(stream);
    if (failures.note(response, stream, thorough)) continue;
    if (samples) {
      samples.lastByte.push(response.lastByteMs);
      samples.firstByte.push(response.firstByteMs);
    }
  }
}

/**
 * `n` requests from `callers` concurrent callers (each sends its next request when its last
 * one has ended) on `client`. Resolves to the wall time in seconds; failures go to `failures`.
 */
export async function concurrent(client, stream, n, callers, { failures, thorough = false }) {
  let next = 0;
  const caller = async () => {
    while (next < n) {
      next++;
      failures.note(await client.send(stream), stream, thorough);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, caller));
  return (performance.now() - start) / 1000;
}
