// The upstream every subject of the gateway benchmark forwards to: a loopback server speaking
// OpenAI's Chat Completions, answering POST .../chat/completions with a fixed completion,
// whole or streamed (50 content chunks, a finish chunk, a usage chunk, [DONE]) when the
// request asks for "stream": true. The bodies are built once at start, so that a request
// costs the server as little as possible: it must be faster than every gateway in front of it,
// or every gateway would measure alike. It runs in processes of its own (node:cluster, one
// primary and --workers workers sharing the port), not in the load generator's event loop.
// On this 2-core machine one worker served more than two (20.7 k against 12.9 k whole
// answers per second at 32 connections, 18 against 40 µs of its CPU per answer: the load
// generator needs the other core), so one is the default; a machine with more cores may
// want more.
//
//   node bench/gateway/upstream.mjs [--workers 1]    prints "upstream listening on PORT"
//
// startUpstream() (below) runs it as a child process for the benchmark and the load test.

import cluster from 'node:cluster';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

import { startServerProcess } from './server-process.mjs';

/** The answer's text, in the 50 pieces the streamed answer sends (one per content chunk). */
export const answerPieces = Array.from({ length: 50 }, (_, i) => (i === 0 ? 'Token' : ` token${i}`));
export const answer = answerPieces.join('');
export const usage = { prompt_tokens: 11, completion_tokens: answerPieces.length, total_tokens: 11 + answerPieces.length };

const id = 'chatcmpl-bench0123456789abcdefghijklmn';
const created = 1754667600;
const model = 'gpt-4o-mini-2024-07-18';
const fingerprint = 'fp_bench01';

const completion = {
  id, object: 'chat.completion', created, model,
  choices: [{
    index: 0,
    message: { role: 'assistant', content: answer, refusal: null, annotations: [] },
    logprobs: null,
    finish_reason: 'stop',
  }],
  usage: {
    ...usage,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default',
  system_fingerprint: fingerprint,
};

// OpenAI's chunk shape (as the simulator's tests/simulator/formats/openai.mjs sends it, with
// stream_options.include_usage): usage null on every chunk but the last, which has no choices.
const chunk = (choices, chunkUsage = null) =>
  `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: fingerprint, choices, usage: chunkUsage })}\n\n`;
const streamEvents = [
  ...answerPieces.map((content, i) =>
    chunk([{ index: 0, delta: i === 0 ? { role: 'assistant', content, refusal: null } : { content }, logprobs: null, finish_reason: null }])),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], completion.usage),
  'data: [DONE]\n\n',
];

export const completionBody = Buffer.from(JSON.stringify(completion));
export const streamBody = Buffer.from(streamEvents.join(''));

// A streamed request says so in its JSON; gateways may re-serialise it with other spacing.
const asksForStream = /"stream"\s*:\s*true/;

function serve() {
  const wholeHeaders = { 'content-type': 'application/json', 'content-length': completionBody.length };
  // Chunked, as OpenAI streams: the whole stream goes out in one write (one HTTP chunk), the
  // least work for this server; the gateways still decode and forward all 53 events.
  const streamHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'transfer-encoding': 'chunked' };
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (data) => parts.push(data));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
        return;
      }
      if (asksForStream.test(Buffer.concat(parts).toString('latin1'))) {
        res.writeHead(200, streamHeaders);
        res.end(streamBody);
      } else {
        res.writeHead(200, wholeHeaders);
        res.end(completionBody);
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  // Many concurrent streams (the load test) open many connections at once.
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send?.({ port: server.address().port }));
}

function primary(workers) {
  let reported = false;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', ({ port }) => {
      if (reported) return;
      reported = true;
      console.log(`upstream listening on ${port}`);
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    console.error(`upstream worker ${worker.process.pid} exited (${signal ?? code})`);
    process.exit(1);
  });
}

/**
 * Starts the upstream as a child process with `workers` workers. Resolves to {url, pid,
 * stop()}: url is http://127.0.0.1:PORT (the API's base is url + '/v1').
 */
export async function startUpstream({ workers = 1 } = {}) {
  const server = await startServerProcess(process.execPath, [fileURLToPath(import.meta.url), '--workers', String(workers)],
    { readyLine: /upstream listening on (\d+)/ });
  return { url: `http://127.0.0.1:${server.match[1]}`, pid: server.pid, stop: server.stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (cluster.isPrimary) {
    const at = process.argv.indexOf('--workers');
    primary(at > 0 ? Number(process.argv[at + 1]) : 1);
    // Workers die with the primary (the IPC channel closes), so SIGTERM here is enough.
    process.on('SIGTERM', () => process.exit(0));
  } else {
    serve();
  }
}
