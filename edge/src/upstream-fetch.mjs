// The fetch a user's client sends its provider requests with. The core never holds a provider
// key: its settings carry a placeholder for each provider, and this fetch, just before the
// request leaves, (1) refuses a URL off the allow-list (upstream-policy.mjs) and (2) puts in
// the key of the model the call is for, or takes the placeholder out for a model without one.
// Which model that is travels with the call (withProviderKey: an AsyncLocalStorage, which
// follows the call's promises and timers into this fetch), not in the request: two models
// behind the same URL, with the same upstream name, may hold two accounts' keys. A call
// names no fallback or route in the gateway, so every request of a call is for its model.

import { AsyncLocalStorage } from 'node:async_hooks';

const placeholderPattern = /llmux-gateway-provider-key-[a-z]+/;

// Each provider's key setting (core/src/catalog/resolve.cpp's prefixes; RunPod's pods have a
// key of their own), by the provider's name in a model row.
const keySettings = {
  openai: ['OPENAI_API_KEY'], azure: ['AZURE_OPENAI_API_KEY'], anthropic: ['ANTHROPIC_API_KEY'], ollama: ['OLLAMA_API_KEY'],
  gemini: ['GEMINI_API_KEY'], cohere: ['COHERE_API_KEY'], mistral: ['MISTRAL_API_KEY'], xai: ['XAI_API_KEY'],
  huggingface: ['HUGGINGFACE_API_KEY'], vllm: ['VLLM_API_KEY'], runpod: ['RUNPOD_API_KEY', 'RUNPOD_POD_API_KEY'],
  local: ['LOCAL_API_KEY'], openrouter: ['OPENROUTER_API_KEY'],
};

/** What the settings hold instead of `provider`'s key. */
export const keyPlaceholder = (provider) => `llmux-gateway-provider-key-${provider}`;

/** The client's settings: a placeholder as every provider's key. */
export const placeholderSettings = () => Object.fromEntries(Object.entries(keySettings)
  .flatMap(([provider, names]) => names.map((name) => [name, keyPlaceholder(provider)])));

const callKey = new AsyncLocalStorage(); // {key}: the provider key of the call being served

/** Runs `work` (a call of the client) with `key` (null: none) as the key its requests carry. */
export const withProviderKey = (key, work) => callKey.run({ key }, work);

/** Refused before leaving: the gateway's policy, not the provider, said no. */
export class UpstreamRefused extends Error {}

/** The fetch, sending what `fetch` sends once the URL is allowed and the key put in. */
export function upstreamFetch(policy, fetch = globalThis.fetch) {
  return async (url, init = {}) => {
    const refusal = policy.check(url);
    if (refusal) throw new UpstreamRefused(`llmux gateway: ${refusal}`);
    const key = callKey.getStore()?.key ?? null;
    const headers = new Headers(init.headers);
    for (const [name, value] of [...headers]) {
      const placeholder = placeholderPattern.exec(value)?.[0];
      if (!placeholder) continue;
      if (key) headers.set(name, value.replace(placeholder, key));
      else headers.delete(name);
    }
    let target = url;
    if (placeholderPattern.test(target)) {
      const parsed = new URL(target);
      for (const [name, value] of [...parsed.searchParams]) {
        if (!placeholderPattern.test(value)) continue;
        if (key) parsed.searchParams.set(name, key);
        else parsed.searchParams.delete(name);
      }
      target = parsed.href;
    }
    return fetch(target, { ...init, headers });
  };
}
