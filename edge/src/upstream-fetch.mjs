// The fetch a user's client sends its provider requests with. The core never holds a provider
// key: its settings carry a placeholder for every provider, and this fetch, just before the
// request leaves, (1) refuses a URL off the allow-list (upstream-policy.mjs) and (2) puts in
// the key of the model the request is for, or takes the placeholder out for a model without
// one. The model is found by the request's URL (the longest base URL it starts with); only
// when models behind the same base URL hold different keys is the body's model read.

/** What the settings hold instead of a key. */
export const keyPlaceholder = 'llmux-gateway-provider-key';

// Every provider's key setting (core/src/catalog/resolve.cpp's prefixes), and RunPod's pod key.
const keySettings = ['OPENAI', 'AZURE_OPENAI', 'ANTHROPIC', 'OLLAMA', 'GEMINI', 'COHERE', 'MISTRAL', 'XAI', 'HUGGINGFACE',
  'VLLM', 'RUNPOD', 'LOCAL', 'OPENROUTER'].map((prefix) => `${prefix}_API_KEY`).concat('RUNPOD_POD_API_KEY');

/** The client's settings: the placeholder as every provider's key. */
export const placeholderSettings = () => Object.fromEntries(keySettings.map((name) => [name, keyPlaceholder]));

/** Refused before leaving: the gateway's policy, not the provider, said no. */
export class UpstreamRefused extends Error {}

const trimmed = (url) => url.replace(/\/+$/, '');

/**
 * The fetch. `credentials()` gives the current [{baseUrl, modelId, key}] of the models the
 * user may call (baseUrl as the core resolves it, key null when none).
 */
export function upstreamFetch(policy, credentials, fetch = globalThis.fetch) {
  return async (url, init = {}) => {
    const refusal = policy.check(url);
    if (refusal) throw new UpstreamRefused(`llmux gateway: ${refusal}`);
    const key = keyFor(credentials(), url, init.body);
    const headers = new Headers(init.headers);
    for (const [name, value] of [...headers]) {
      if (!value.includes(keyPlaceholder)) continue;
      if (key) headers.set(name, value.replaceAll(keyPlaceholder, key));
      else headers.delete(name);
    }
    let target = url;
    if (target.includes(keyPlaceholder)) {
      const parsed = new URL(target);
      for (const [name, value] of [...parsed.searchParams]) {
        if (value !== keyPlaceholder) continue;
        if (key) parsed.searchParams.set(name, key);
        else parsed.searchParams.delete(name);
      }
      target = parsed.href;
    }
    return fetch(target, { ...init, headers });
  };
}

function keyFor(list, url, body) {
  let best = -1;
  let candidates = [];
  for (const entry of list) {
    const base = trimmed(entry.baseUrl);
    if (!(url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) continue;
    if (base.length > best) {
      best = base.length;
      candidates = [entry];
    } else if (base.length === best) {
      candidates.push(entry);
    }
  }
  if (!candidates.length) return null;
  if (candidates.every((entry) => entry.key === candidates[0].key)) return candidates[0].key;
  // Several keys behind one URL: the model the request names (the body's, or in the path as
  // Gemini and Azure put it).
  let model = null;
  try {
    model = typeof body === 'string' ? JSON.parse(body).model : null;
  } catch {
    model = null;
  }
  const path = new URL(url).pathname;
  const named = candidates.find((entry) => entry.modelId === model || path.includes(`/models/${entry.modelId}:`)
    || path.includes(`/deployments/${entry.modelId}/`));
  return named ? named.key : null;
}
