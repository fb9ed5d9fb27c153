// Shared by the Node tests: the Wasm builds under test, the fixtures, and decoding helpers.
//
// Every test file runs its tests once per build. The builds are the folders that
// scripts/build-wasm.sh makes, or others given by LLMUX_WASM_DEBUG / LLMUX_WASM_RELEASE
// (paths relative to the repository root). A missing build fails the tests: it is not skipped.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const builds = [
  { name: 'debug', dir: process.env.LLMUX_WASM_DEBUG || 'build/wasm-debug' },
  { name: 'release', dir: process.env.LLMUX_WASM_RELEASE || 'build/wasm-release' },
];

/**
 * A store object over a Map (the synchronous get/put/remove/list a client takes as `storage`,
 * as docs/javascript-api.md describes one); `values` is the Map, for tests that look inside.
 */
export function mapStore(values = new Map()) {
  return {
    values,
    get: (key) => values.get(key),
    put: (key, value) => void values.set(key, value),
    remove: (key) => values.delete(key),
    list: (prefix) => [...values.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}

/** The JS wrapper of a build (a fresh module instance per build folder). */
export async function loadBuild(build) {
  const wrapper = resolve(root, build.dir, 'wasm/index.mjs');
  if (!existsSync(wrapper)) throw new Error(`${wrapper} is missing: run scripts/build-wasm.sh`);
  return import(pathToFileURL(wrapper).href);
}

/** The fixed "now" the fixtures are decoded at: 2025-08-08T15:40:00Z. */
export const fixtureNowMs = 1754667600000;

// The fixtures' providers that llmux decodes today, and how many fixtures each has (as in
// tests/conformance/fixtures_test.cpp): a provider added to llmux must be added here.
export const coveredProviders = {
  openai: 11, 'azure-openai': 1, anthropic: 10, mistral: 3, huggingface: 3, vllm: 5, openrouter: 3,
  ollama: 4, gemini: 7, cohere: 4, xai: 4, runpod: 2,
};

export const expectedJson = JSON.parse(readFileSync(resolve(root, 'tests/fixtures/expected.json'), 'utf8'));

/** Every covered fixture: {path, provider, stream, status, headers, bytes, expected}. */
export const fixtures = Object.entries(expectedJson.fixtures)
  .filter(([, expected]) => expected.provider in coveredProviders)
  .map(([path, expected]) => ({
    path,
    provider: expected.provider,
    stream: expected.streaming,
    status: expected.http_status,
    headers: expected.response_headers ?? {},
    bytes: new Uint8Array(readFileSync(resolve(root, 'tests/fixtures', path))),
    expected,
  }));

export function fixture(path) {
  const found = fixtures.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no covered fixture ${path}`);
  return found;
}

/** The decoder options for a fixture's response head. */
export function headOf(fixture) {
  return {
    provider: fixture.provider, stream: fixture.stream, status: fixture.status,
    headers: fixture.headers, receivedAtMs: fixtureNowMs,
  };
}

/** Feeds `bytes` cut at the ascending offsets `cuts`; returns {events, result}. */
export async function decodeInChunks(api, head, bytes, cuts) {
  const decoder = await api.createDecoder(head);
  try {
    const events = [];
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      events.push(...decoder.feed(bytes.subarray(at, cut)));
      at = cut;
    }
    const finished = decoder.finish();
    return { events: [...events, ...finished.events], result: finished.result };
  } finally {
    decoder.close();
  }
}

/** A small seeded generator (mulberry32): the same cuts on every run. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const encode = (text) => new TextEncoder().encode(text);

// Numeric provider codes are reported as their text.
const orNullString = (value) =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

// expected.json names usage counts as the providers do; llmux has one name for each.
function expectedUsage(usage) {
  if (usage === null) return null;
  const renamed = { cache_read_input_tokens: 'cached_input_tokens', cache_creation_input_tokens: 'cache_write_input_tokens' };
  return Object.fromEntries(Object.entries(usage).map(([key, value]) => [renamed[key] ?? key, value]));
}

// The provenance categories of tests/fixtures/MANIFEST.md ("built": built here from the
// providers' documented shapes, not recorded).
const provenances = ['real-raw', 'real-reframed', 'real-reserialized', 'reconstructed', 'composite', 'trimmed', 'built'];

// Gemini writes a retry delay as a duration of seconds: "34.4s".
function durationMs(text) {
  const match = /^(\d+)(?:\.(\d{1,3}))?s$/.exec(text);
  assert.ok(match, `a duration: ${text}`);
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}

function checkToolCall(call, want, i) {
  for (const [field, value] of Object.entries(want)) {
    if (['id', 'name', 'arguments', 'arguments_raw'].includes(field)) assert.deepEqual(call[field], value, `tool call ${i} ${field}`);
    else assert.fail(`expected.json has a tool call field no test compares: ${field}`);
  }
}

function checkError(ours, expected) {
  assert.equal(typeof ours, 'object');
  assert.notEqual(ours, null);
  // These two have a meaning when absent: not in a stream, no parameter named.
  assert.equal(ours.in_stream, expected.in_stream ?? false);
  assert.equal(ours.param, orNullString(expected.param));
  for (const [field, value] of Object.entries(expected)) {
    if (['status', 'type', 'message', 'request_id'].includes(field)) assert.equal(ours[field], value, `error ${field}`);
    else if (field === 'code') assert.equal(ours.provider_code, orNullString(value));
    else if (field === 'retry_delay') assert.equal(ours.retry_after_ms, durationMs(value));
    else if (field !== 'in_stream' && field !== 'param') assert.fail(`expected.json has an error field no test compares: ${field}`);
  }
}

/**
 * Asserts that a fixture's decoded result (the JSON of llmux::to_json) and its file are what
 * its expected.json entry says, field by field, as tests/conformance/fixtures_test.cpp does.
 * A field this does not know fails, so that no expectation is left unchecked.
 */
export function checkFixture(ours, fixture) {
  const { expected } = fixture;
  // Present only when non-empty: absent means llmux must have none either.
  assert.equal(ours.refusal ?? '', expected.refusal ?? '');
  assert.equal(ours.tool_plan ?? '', expected.tool_plan ?? '');
  for (const [field, want] of Object.entries(expected)) {
    switch (field) {
      case 'text': case 'reasoning': case 'finish_reason':
        assert.equal(ours[field], want, field);
        break;
      case 'refusal': case 'tool_plan': // compared above, with their absence
        break;
      case 'usage':
        assert.deepEqual(ours.usage, expectedUsage(want));
        break;
      case 'tool_calls':
        assert.equal(ours.tool_calls.length, want.length);
        ours.tool_calls.forEach((call, i) => checkToolCall(call, want[i], i));
        break;
      case 'error':
        if (want === null) assert.equal(ours.error, null);
        else checkError(ours.error, want);
        break;
      case 'provider': case 'streaming': case 'http_status': case 'response_headers':
        break; // what the fixture is decoded with (headOf)
      case 'sha256':
        assert.equal(createHash('sha256').update(fixture.bytes).digest('hex'), want);
        break;
      case 'bytes':
        assert.equal(fixture.bytes.length, want);
        break;
      case 'format':
        assert.equal(fixture.path.slice(fixture.path.lastIndexOf('.') + 1), want);
        assert.equal(fixture.stream, want !== 'json');
        break;
      case 'framing':
        // Counts of a reference SSE / NDJSON parse: the native conformance test compares them
        // with llmux's framers, which the package does not export (it runs the same code).
        break;
      case 'provenance':
        assert.ok(provenances.includes(want), want);
        break;
      case 'endpoint': // for people: the request the response answered, as prose
        assert.ok(typeof want === 'string' && want.length > 0);
        break;
      default:
        assert.fail(`expected.json has a field no test compares: ${field}`);
    }
  }
}

// The stable codes of the error fixtures, as tests/conformance/fixtures_test.cpp has them.
export const errorCodes = {
  'openai/error-400-unsupported-parameter.json': 'invalid_request',
  'openai/error-401-invalid-api-key.json': 'auth_failed',
  'openai/error-400-context-length-exceeded.json': 'context_length_exceeded',
  'anthropic/error-429-rate-limit.json': 'rate_limited',
  'anthropic/error-400-invalid-request.json': 'invalid_request',
  'anthropic/error-529-overloaded.json': 'overloaded',
  'anthropic/messages-stream-error-overloaded.sse': 'overloaded',
  'vllm/error-400-auto-tool-choice.json': 'tool_choice_unsupported',
  'vllm/error-400-auto-tool-choice-legacy.json': 'tool_choice_unsupported',
  'openrouter/error-429-rate-limit.json': 'rate_limited',
  'openrouter/chat-stream-midstream-error.sse': 'invalid_request',
  'ollama/error-400-model-does-not-support-tools.json': 'invalid_request',
  'gemini/error-403-permission-denied.json': 'permission_denied',
  'gemini/error-429-resource-exhausted.json': 'rate_limited',
  'xai/error-400-invalid-api-key.json': 'auth_failed',
};
