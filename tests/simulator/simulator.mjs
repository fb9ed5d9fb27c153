// The provider simulator: a loopback HTTP server that answers each provider's requests in
// that provider's wire format, whole or streamed, as the test scripted, and records what it
// received. See README.md beside this file for the Step format and the control API.
//
//   const sim = await startSimulator();
//   const lane = sim.lane('t1');
//   lane.script([{ text: 'Hello there' }]);
//   ... point a client at lane.baseUrl('openai') ...
//   lane.requests();  // what arrived
//   await sim.close();
//
// Every provider path may be prefixed by /lane/<name>: the prefix picks the script queue and
// request log, so tests running at once share one simulator without meeting. Each chat
// request pops one Step; a response is written chunk by chunk, one res.write per event.

import http from 'node:http';

import { formats, route, splitLane } from './router.mjs';
import { RunPod } from './runpod.mjs';
import { Lane, checkLaneName, isErrorStep } from './script.mjs';
import {
  apiKeyOf, bufferOf, bytesOf, filledParts, gzipBomb, headOf, markedForFill, withApiKey, writePart,
} from './hostile.mjs';

const openAiFamily = new Set(['openai', 'vllm', 'runpod', 'local', 'huggingface', 'mistral', 'xai', 'openrouter']);
const atOrigin = new Set(['azure', 'anthropic', 'gemini', 'cohere', 'ollama']);
// llmux's provider aliases (core/src/catalog/provider.cpp).
const aliases = {
  'azure-openai': 'azure', azure_openai: 'azure', hf: 'huggingface', 'x-ai': 'xai', grok: 'xai', 'openai-compatible': 'local',
};

const simulatorError = (message) => JSON.stringify({ error: { type: 'simulator_error', message } });

// Browser tests call the simulator from another origin: let them, and let them read the
// headers (retry-after) a real provider's answer would let them read.
const cors = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
};

/**
 * Starts a simulator on `host:port` (port 0: any free port). Resolves to
 * {url, port, lane(name), reset(), close()}; see README.md.
 */
export async function startSimulator({ port = 0, host = '127.0.0.1' } = {}) {
  const lanes = new Map();
  const laneOf = (name) => {
    if (!lanes.has(name)) lanes.set(name, new Lane(checkLaneName(name)));
    return lanes.get(name);
  };
  const runpod = new RunPod();
  let responses = 0; // numbers responses: ids and signatures differ from one to the next
  let closed = false;
  const timers = new Set();
  const sleep = (ms) => new Promise((resolve) => {
    if (closed) return; // never resolves: nothing more is sent once closed
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, { 'content-type': 'application/json' }, simulatorError(`simulator: ${error.message}`));
      else res.destroy();
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url, 'http://simulator.invalid');
    const raw = await readBody(req);
    if (req.method === 'OPTIONS') return send(res, 204, preflight(req), '');
    if (url.pathname.startsWith('/_sim/')) return control(req.method, url.pathname, raw, res);
    if (url.pathname.startsWith('/runpod/')) return sendAnswer(res, runpod.api(req.method, url.pathname.slice('/runpod'.length), req.headers, raw));

    let split;
    if (url.pathname.startsWith('/runpod-proxy/')) {
      // A pod's port through RunPod's proxy: its vLLM lists the served model itself, and answers
      // chat like any OpenAI-compatible lane, the pod's own.
      const through = runpod.proxy(url.pathname.slice('/runpod-proxy'.length));
      if (through.answer) return sendAnswer(res, through.answer);
      if (req.method === 'GET' && through.rest === '/v1/models') return sendAnswer(res, runpod.models(through.pod));
      split = { lane: `runpod-${through.pod.id}`, path: through.rest };
    } else {
      split = splitLane(url.pathname);
    }
    let lane;
    try {
      lane = laneOf(split.lane);
    } catch (error) {
      return sendJson(res, 400, simulatorError(error.message));
    }
    const { path } = split;
    const body = parseBody(raw);
    const found = route(req.method, path, req.headers);
    const record = {
      method: req.method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      format: found?.format ?? null,
      stream: found?.kind === 'chat' ? found.stream(body) : false,
    };
    lane.log.push(record);
    if (!found) return sendJson(res, 404, simulatorError(`simulator: no route for ${req.method} ${path}`));

    const format = formats[found.format];
    const ctx = { seq: ++responses, created: Math.floor(Date.now() / 1000), body };
    if (found.kind === 'models') return sendOut(res, 200, format.models(lane.models, ctx));
    if (found.kind === 'version') return sendOut(res, 200, format.version());
    if (found.format === 'gemini' && record.stream && record.query.alt !== 'sse')
      return sendJson(res, 400, simulatorError('simulator: streamGenerateContent without alt=sse (a JSON array stream) is not simulated'));

    const scripted = lane.queue.shift();
    if (!scripted) return sendJson(res, 500, simulatorError(`simulator: no scripted response for ${req.method} ${path}`));
    const step = withApiKey(scripted, apiKeyOf(req.headers, record.query));
    ctx.model = step.model ?? found.model(body) ?? 'sim-model';
    return respond(res, step, format, ctx, record.stream);
  }

  async function respond(res, step, format, ctx, stream) {
    if (step.hang) return; // the socket stays open until the client leaves or close()
    if (step.delay_ms) await sleep(step.delay_ms);
    if (gone(res)) return;
    const answer = answerOf(step, format, ctx, stream);
    if (step.gzip_bomb) return sendGzipBomb(res, answer, step);
    if (step.drip) return sendDripped(res, answer, step);
    if (answer.chunks) return sendChunks(res, answer.status, answer.headers, answer.chunks, step);
    return sendWhole(res, answer.status, answer.headers, answer.body, step);
  }

  // What a Step answers: {status, headers, body} (a whole body) or {status, headers, chunks}
  // (a stream, one write per chunk). A body or chunk is a string, or with body_bytes parts
  // holding a Filler (hostile.mjs).
  function answerOf(step, format, ctx, stream) {
    if (step.raw) {
      const { status = 200, body = '' } = step.raw;
      const headers = lowerCased(step.raw.headers);
      if (Array.isArray(body)) return { status, headers, chunks: body };
      return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
    }
    // Gemini's retry hint is in its error body; the others' in a header.
    const extra = step.retry_after_seconds !== undefined && format.name !== 'gemini'
      ? { 'retry-after': String(step.retry_after_seconds) } : {};
    Object.assign(extra, lowerCased(step.headers));
    const error = isErrorStep(step);
    const written = step.body_bytes ? markedForFill(step, error) : step;
    const filled = (pieces) => (step.body_bytes ? filledParts(pieces, step.body_bytes) : pieces);
    if (error || !stream) {
      const out = error ? format.error(written, ctx) : format.whole(written, ctx);
      return { status: error ? out.status : 200, headers: { ...out.headers, ...extra }, body: filled([out.body]) };
    }
    const out = format.stream(written, ctx);
    let { chunks } = out;
    if (step.stream_error) chunks = [...chunks.slice(0, step.stream_error.after_chunks), format.streamError(written, ctx)];
    return { status: 200, headers: { ...out.headers, ...extra }, chunks: filled(chunks) };
  }

  // A whole body, with its content-length. disconnect_after_chunks (any N) cuts it: the head
  // and the first half of the body go out, then the socket is destroyed. silence_after_chunks
  // stops there too (at the head alone for 0) and leaves the connection open.
  async function sendWhole(res, status, headers, body, step) {
    const length = bytesOf(body);
    res.writeHead(status, { ...cors, 'content-length': length, ...headers });
    if (step.silence_after_chunks !== undefined) {
      res.flushHeaders();
      if (step.silence_after_chunks > 0) await writePart(res, headOf(body, Math.floor(length / 2)));
      return;
    }
    if (step.disconnect_after_chunks !== undefined) {
      await writePart(res, headOf(body, Math.floor(length / 2)));
      return cut(res);
    }
    await writePart(res, body);
    if (!gone(res)) res.end();
  }

  // A stream: the head at once, then one write per chunk (chunked transfer encoding).
  // disconnect_after_chunks N: after N chunks the socket is destroyed, the chunked encoding
  // left unfinished. silence_after_chunks N: after N chunks nothing more is sent, and the
  // connection stays open.
  async function sendChunks(res, status, headers, chunks, step) {
    res.writeHead(status, { ...cors, ...headers });
    res.flushHeaders();
    const stopAt = step.disconnect_after_chunks ?? step.silence_after_chunks ?? Infinity;
    for (let i = 0; i < chunks.length && i < stopAt; i++) {
      if (i > 0 && step.chunk_delay_ms) await sleep(step.chunk_delay_ms);
      if (gone(res)) return;
      await writePart(res, chunks[i]);
    }
    if (gone(res) || step.silence_after_chunks !== undefined) return;
    if (stopAt !== Infinity) return cut(res);
    res.end();
  }

  // The answer's bytes (a stream's chunks joined) behind gzip_bomb newlines, gzipped, as one
  // whole body with content-encoding: gzip.
  async function sendGzipBomb(res, answer, step) {
    const body = await gzipBomb(step.gzip_bomb, bufferOf(answer.chunks ?? answer.body));
    const headers = { ...answer.headers, 'content-encoding': 'gzip' };
    delete headers['content-length'];
    if (gone(res)) return;
    return sendWhole(res, answer.status, headers, body, step);
  }

  // The answer one byte every drip.every_ms: from the body on (the head at once), or from the
  // status line on, written to the socket by hand. A dripped head says connection: close, and
  // a dripped stream then ends with the connection rather than a chunked encoding.
  async function sendDripped(res, answer, step) {
    const body = bufferOf(answer.chunks ?? answer.body);
    const sized = answer.chunks ? {} : { 'content-length': String(body.length) };
    let bytes = body;
    let out = res;
    if (step.drip.from === 'head') {
      const headers = { ...cors, ...sized, ...answer.headers, connection: 'close' };
      const head = `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status] ?? 'Unknown'}\r\n${
        Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
      bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
      out = res.socket;
    } else {
      res.writeHead(answer.status, { ...cors, ...sized, ...answer.headers });
      res.flushHeaders();
    }
    for (let at = 0; at < bytes.length; at++) {
      if (at > 0) await sleep(step.drip.every_ms);
      if (out.destroyed) return;
      await write(out, bytes.subarray(at, at + 1));
    }
    out.end();
  }

  // Destroys the connection once what was written has reached the kernel (so the client
  // gets it, then a closed socket).
  async function cut(res) {
    const socket = res.socket;
    if (!socket || socket.destroyed) return;
    while (socket.writableLength > 0 && !socket.destroyed) await new Promise((resolve) => socket.once('drain', resolve));
    socket.destroy();
  }

  function control(method, path, raw, res) {
    const reply = (status, value) => sendJson(res, status, JSON.stringify(value));
    const body = parseBody(raw);
    try {
      if (method === 'POST' && path === '/_sim/reset') {
        for (const lane of lanes.values()) lane.reset();
        return reply(200, { ok: true });
      }
      const account = /^\/_sim\/runpod\/([A-Za-z0-9._-]{1,100})\/(config|pods|requests)$/.exec(path);
      if (account) {
        const handle = runpodHandle(account[1]);
        const action = `${method} ${account[2]}`;
        if (action === 'POST config') {
          handle.configure(body);
          return reply(200, { ok: true });
        }
        if (action === 'GET pods') return reply(200, handle.pods());
        if (action === 'GET requests') return reply(200, handle.requests());
        return sendJson(res, 405, simulatorError(`simulator: ${method} is not allowed on ${path}`));
      }
      const match = /^\/_sim\/lanes\/([^/]+)\/(script|requests|pending|models|reset)$/.exec(path);
      if (!match) return sendJson(res, 404, simulatorError(`simulator: no control route for ${method} ${path}`));
      const lane = laneOf(decodeURIComponent(match[1]));
      const action = `${method} ${match[2]}`;
      if (action === 'POST script') {
        if (body === null || typeof body !== 'object' || !Array.isArray(body.responses))
          throw new TypeError('simulator: a script is {"responses": [Step, ...]}');
        return reply(200, { queued: lane.script(body.responses) });
      }
      if (action === 'GET requests') return reply(200, lane.log);
      if (action === 'GET pending') return reply(200, { pending: lane.queue.length });
      if (action === 'POST models') {
        lane.setModels(body?.models);
        return reply(200, { ok: true });
      }
      if (action === 'POST reset') {
        lane.reset();
        return reply(200, { ok: true });
      }
      return sendJson(res, 405, simulatorError(`simulator: ${method} is not allowed on ${path}`));
    } catch (error) {
      return sendJson(res, 400, simulatorError(error.message));
    }
  }

  // A RunPod account's handle: its URLs, its script, what it received, its pods.
  function runpodHandle(name) {
    const account = runpod.account(checkLaneName(name));
    return {
      name,
      configure: (settings) => account.configure(settings),
      /** The pods alive now (Pod objects, as GET /pods/{id} answers them). */
      pods: () => [...runpod.pods.values()].filter((pod) => pod.account === name).map((pod) => runpod.describe(pod)),
      /** The ids of the pods DELETE terminated, oldest first. */
      terminated: () => [...account.terminated],
      /** The API requests the account received, oldest first (copies). */
      requests: () => structuredClone(account.log),
    };
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address().port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;

  return {
    url,
    port: bound,
    /** The handle of one lane (made on first use). */
    lane(name = 'default') {
      const lane = laneOf(name);
      const origin = name === 'default' ? url : `${url}/lane/${encodeURIComponent(name)}`;
      return {
        name,
        /** What llmux's settings take as this provider's base URL, pointing at this lane. */
        baseUrl(provider) {
          const key = String(provider).toLowerCase();
          const canonical = aliases[key] ?? key;
          if (openAiFamily.has(canonical)) return `${origin}/v1`;
          if (atOrigin.has(canonical)) return origin;
          throw new TypeError(`simulator: unknown provider ${JSON.stringify(provider)}`);
        },
        /** Appends Steps to the lane's queue; returns the queue's length. */
        script: (steps) => lane.script(steps),
        /** The requests the lane received, oldest first (copies). */
        requests: () => structuredClone(lane.log),
        /** How many scripted Steps no request has taken yet. */
        pending: () => lane.queue.length,
        setModels: (models) => lane.setModels(models),
        reset: () => lane.reset(),
      };
    },
    /**
     * A simulated RunPod account (made on first use): {name, restUrl, proxyUrl, configure(settings),
     * pods(), terminated(), requests(), podLane(podId)}. See README.md, "RunPod".
     */
    runpod(name = 'default') {
      const handle = runpodHandle(name);
      return {
        ...handle,
        /** What RUNPOD_REST_URL takes: this account's API. */
        restUrl: `${url}/runpod/${name}/v2`,
        /** What RUNPOD_PROXY_URL takes: the pattern of a pod port's proxied base URL. */
        proxyUrl: `${url}/runpod-proxy/{pod_id}-{port}/v1`,
        /** The lane that answers chat requests through the pod's proxy. */
        podLane: (podId) => this.lane(`runpod-${podId}`),
      };
    },
    /** Empties every lane. */
    reset() {
      for (const lane of lanes.values()) lane.reset();
    },
    /** Stops the server and drops open connections (hanging ones too). Closing twice is harmless. */
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON when the body is JSON, else its text; null when empty. */
function parseBody(raw) {
  if (raw === '') return null;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function preflight(req) {
  return {
    ...cors,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
    'access-control-max-age': '600',
  };
}

const lowerCased = (headers = {}) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const gone = (res) => res.destroyed || res.writableEnded || !res.socket || res.socket.destroyed;

// A header the Step gives (a raw content-length, say) wins over the computed one.
function send(res, status, headers, body) {
  res.writeHead(status, { ...cors, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const sendJson = (res, status, body) => send(res, status, { 'content-type': 'application/json' }, body);

const sendOut = (res, status, out) => send(res, status, out.headers, out.body);

const sendAnswer = (res, answer) => send(res, answer.status, answer.headers, answer.body);

function write(res, chunk) {
  return new Promise((resolve) => {
    res.write(chunk, () => resolve());
  });
}
