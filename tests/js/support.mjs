// Shared by the Node tests: the Wasm builds under test, the fixtures, and decoding helpers.
//
// Every test file runs its tests once per build. The builds are the folders that
// scripts/build-wasm.sh makes, or others given by LLMUX_WASM_DEBUG / LLMUX_WASM_RELEASE
// (paths relative to the repository root). A missing build fails the tests: it is not skipped.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const builds = [
  { name: 'debug', dir: process.env.LLMUX_WASM_DEBUG || 'build/wasm-debug' },
  { name: 'release', dir: process.env.LLMUX_WASM_RELEASE || 'build/wasm-release' },
];

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
  openai: 11, 'azure-openai': 1, anthropic: 10, mistral: 3, huggingface: 3, vllm: 4, openrouter: 3,
  ollama: 4, gemini: 7, cohere: 4,
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

/** Asserts that a decoded result (the JSON of llmux::to_json) is what expected.json says. */
export function checkResult(ours, expected) {
  assert.equal(ours.text, expected.text);
  assert.equal(ours.reasoning, expected.reasoning);
  assert.equal(ours.refusal ?? '', expected.refusal ?? '');
  assert.equal(ours.finish_reason, expected.finish_reason);
  assert.deepEqual(ours.usage, expectedUsage(expected.usage));

  assert.equal(ours.tool_calls.length, expected.tool_calls.length);
  ours.tool_calls.forEach((call, i) => {
    const want = expected.tool_calls[i];
    assert.equal(call.id, want.id, `tool call ${i} id`);
    assert.equal(call.name, want.name, `tool call ${i} name`);
    assert.deepEqual(call.arguments, want.arguments, `tool call ${i} arguments`);
    if ('arguments_raw' in want) assert.equal(call.arguments_raw, want.arguments_raw, `tool call ${i} arguments_raw`);
  });

  if (expected.error === null) {
    assert.equal(ours.error, null);
    return;
  }
  assert.equal(typeof ours.error, 'object');
  assert.notEqual(ours.error, null);
  assert.equal(ours.error.status, expected.error.status);
  assert.equal(ours.error.in_stream, expected.error.in_stream ?? false);
  assert.equal(ours.error.type, expected.error.type);
  assert.equal(ours.error.message, expected.error.message);
  assert.equal(ours.error.provider_code, orNullString(expected.error.code));
  assert.equal(ours.error.param, orNullString(expected.error.param));
  if ('request_id' in expected.error) assert.equal(ours.error.request_id, expected.error.request_id);
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
};
