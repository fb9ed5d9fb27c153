// What the key-leak tests share (tests/cli/key-leaks.test.mjs natively, tests/js/key-leaks.test.mjs
// in the package): one key per provider, the upstream misbehaviours that echo it, and the
// search of every text llmux produced for the key or any piece of it.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { maskedKey } from '../simulator/hostile.mjs';

// Keys shaped like each provider's, long enough for the scrubber's piece rule (12 bytes or
// more), random (a word in a key would match the same word in any output) and unlike each
// other, so that a leak names its provider. Not real keys: nothing here leaves loopback.
export const keys = {
  openai: 'sk-proj-gNSWPH8prVqsUeQCtDR3zzX6hqo35uwZqxZOOHjk',
  anthropic: 'sk-ant-api03-JQQrkaPehMvbfrn2yzL7C5Mg3PR4hLLOOxl3gV3F',
  gemini: 'AIzaSyGRmrCNnFZsGqgh0frrhbkVAhRHLfBERkI',
  cohere: 'yDtFDBAM0gqEzpC3N8FeKjFTrKCb0Tz8BbwTKx8E',
  ollama: 'qwtHmcOJEZqgygcmtbaLGsH7.Zwqhc9jXmaoq3GqlpnMR6vsU',
};

/** The settings that send each provider's calls to a simulator lane, with the keys above. */
export function providerSettings(lane) {
  return {
    OPENAI_API_KEY: keys.openai, OPENAI_BASE_URL: lane.baseUrl('openai'),
    ANTHROPIC_API_KEY: keys.anthropic, ANTHROPIC_BASE_URL: lane.baseUrl('anthropic'),
    GEMINI_API_KEY: keys.gemini, GEMINI_BASE_URL: lane.baseUrl('gemini'),
    COHERE_API_KEY: keys.cohere, COHERE_BASE_URL: lane.baseUrl('cohere'),
    OLLAMA_API_KEY: keys.ollama, OLLAMA_BASE_URL: lane.baseUrl('ollama'),
  };
}

/** A model of each wire format, as provider/model. */
export const models = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-haiku-4-5',
  gemini: 'gemini/gemini-2.0-flash',
  cohere: 'cohere/command-r',
  ollama: 'ollama/llama3.2',
};

const echo = 'Incorrect API key provided: {api_key}. You can find your API key at https://example.invalid ({api_key_masked}).';

/**
 * The misbehaviours, each a list of Steps for one call. Retryable errors come as many times
 * as llmux may try (three attempts by default), with retry-after: 0 so that no test waits;
 * what a call leaves untaken is dropped before the next.
 * `streams`: only for streamed calls (an in-stream error needs a stream). `shown`: the
 * provider's message reaches the error llmux reports, so "[redacted]" must be there: the echo
 * arrived and was scrubbed (the search for the key alone would pass if nothing were echoed).
 */
export const misbehaviours = [
  { name: '401 echoing the key', shown: true, steps: [{ status: 401, error: { message: echo } }] },
  { name: '403 with the key in its type and code', steps: [{ status: 403, error: { message: 'forbidden', type: 'key {api_key}', code: '{api_key_masked}' } }] },
  { name: '429 echoing the key', shown: true, steps: Array(3).fill({ status: 429, retry_after_seconds: 0, error: { message: `rate limit for ${echo}` } }) },
  {
    name: 'plain-text 500 echoing the key, and a header',
    shown: true,
    steps: Array(3).fill({
      retry_after_seconds: 0,
      raw: { status: 500, headers: { 'content-type': 'text/plain', 'retry-after': '0', 'www-authenticate': 'Bearer {api_key}' }, body: `upstream failed for {api_key} ({api_key_masked})` },
    }),
  },
  // Before any text the error may be retried (Anthropic's default in-stream error is
  // overloaded_error), so it comes three times; after text nothing is retried.
  { name: 'an in-stream error echoing the key', streams: true, shown: true, steps: Array(3).fill({ text: 'partial', stream_error: { after_chunks: 1, message: echo } }) },
  { name: 'an in-stream error after text', streams: true, shown: true, steps: [{ text: 'some words first and then some more', stream_error: { after_chunks: 5, message: echo } }] },
];

/** Every 8-byte piece of a key, and its masked form: what must appear nowhere. */
export function secretPieces(key) {
  const pieces = new Set([key, maskedKey(key)]);
  // Pieces from the prefix that all keys of a provider share ("sk-proj-", "sk-ant-api03-",
  // "AIzaSy") are no secret: llmux may say that a key should start with them.
  const shared = /^(sk-ant-api03-|sk-proj-|AIzaSy)?/.exec(key)[0].length;
  for (let at = Math.max(0, shared - 7); at + 8 <= key.length; at++) pieces.add(key.slice(at, at + 8));
  return [...pieces];
}

/** The first piece of any key found in `text`, with the key's provider, or null. */
export function leakIn(text) {
  for (const [provider, key] of Object.entries(keys))
    for (const piece of secretPieces(key)) if (text.includes(piece)) return `${provider}'s key (${JSON.stringify(piece)})`;
  return null;
}

/** Every file under `dir` (recursively): [{path, text}]. */
export function filesUnder(dir) {
  const out = [];
  const walk = (at) => {
    let names;
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ path, text: readFileSync(path, 'latin1') });
    }
  };
  walk(dir);
  return out;
}
