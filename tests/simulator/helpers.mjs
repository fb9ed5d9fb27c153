// Shared by the simulator's tests: one simulator per test file, raw HTTP, and SSE/NDJSON
// splitting that keeps the bytes' framing visible to the assertions.

import http from 'node:http';
import { after, before } from 'node:test';

import { startSimulator } from './simulator.mjs';

/** Starts a simulator before the file's tests and closes it after; returns a getter. */
export function useSimulator() {
  let simulator;
  before(async () => {
    simulator = await startSimulator();
  });
  after(() => simulator.close());
  return () => simulator;
}

let lanes = 0;
/** A fresh lane with a unique name (tests in a file may run at once). */
export function freshLane(sim, steps = []) {
  const lane = sim.lane(`t${++lanes}-${process.pid}`);
  lane.script(steps);
  return lane;
}

/** POSTs JSON (or text) with fetch; resolves to {status, headers (a Headers), text}. */
export async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export async function get(url, headers = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * A request over node:http that records each 'data' event as it arrived and how the response
 * ended: {status, headers, parts: [string], ended: 'end' | 'aborted' | 'error' | 'timeout'}.
 */
export function rawRequest(url, { method = 'POST', body = null, headers = {}, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === null ? null : typeof body === 'string' ? body : JSON.stringify(body);
    const request = http.request(url, { method, headers: { 'content-type': 'application/json', ...headers } });
    let result = null;
    const timer = setTimeout(() => {
      const out = result ?? { status: null, headers: {}, parts: [] };
      request.destroy();
      resolve({ ...out, ended: 'timeout' });
    }, timeoutMs);
    const finish = (ended) => {
      clearTimeout(timer);
      resolve({ ...result, ended });
    };
    request.on('response', (response) => {
      result = { status: response.statusCode, headers: response.headers, parts: [] };
      response.setEncoding('utf8');
      response.on('data', (part) => result.parts.push(part));
      response.on('end', () => finish('end'));
      response.on('aborted', () => finish('aborted'));
      response.on('error', () => finish('error'));
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      if (result) resolve({ ...result, ended: 'error' });
      else reject(error);
    });
    if (payload !== null) request.write(payload);
    request.end();
  });
}

/**
 * SSE events of a body, checking the framing as it goes: each event ends with a blank line
 * (`sep`: "\n\n", or "\r\n\r\n" for Gemini). Returns [{event, data}] with data parsed as JSON
 * unless it is [DONE].
 */
export function sseEvents(text, sep = '\n\n') {
  if (!text.endsWith(sep)) throw new Error(`the stream does not end with ${JSON.stringify(sep)}: ${JSON.stringify(text.slice(-40))}`);
  const newline = sep.slice(0, sep.length / 2);
  return text.slice(0, -sep.length).split(sep).map((block) => {
    const out = { event: null, data: null };
    for (const line of block.split(newline)) {
      const match = /^(event|data): (.*)$/.exec(line);
      if (!match) throw new Error(`not an SSE line: ${JSON.stringify(line)}`);
      out[match[1]] = match[1] === 'data' && match[2] !== '[DONE]' ? JSON.parse(match[2]) : match[2];
    }
    return out;
  });
}

/** NDJSON lines, each checked to end with "\n". */
export function ndjsonLines(text) {
  if (!text.endsWith('\n')) throw new Error('NDJSON must end with a newline');
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

/** Drops the keys that hold the time of day, after checking they are there. */
export function withoutTime(value, keys = ['created']) {
  const copy = structuredClone(value);
  for (const key of keys) {
    if (!(key in copy)) throw new Error(`no ${key} in ${JSON.stringify(value).slice(0, 80)}`);
    delete copy[key];
  }
  return copy;
}
