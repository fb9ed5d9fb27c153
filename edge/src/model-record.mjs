// A model a user (or every user, for shared models) may call: the product's `llm_models` row
// (name, provider, model id, base URL, key, enabled, config) with its prices and limits. This
// file checks what the admin API receives and turns a row into what the package's catalog
// takes; the rows live in the user's object (user-account.mjs) or the directory (shared ones).
//
// The admin API's JSON (snake_case, as the product's table):
//   { name, provider, model_id, base_url?, api_key?, enabled?, defaults?: {temperature?,
//     max_tokens?, top_p?}, prices?: {input, output, cached_input?, cache_write?} (US dollars
//     per million tokens), context?, max_output?, features? }
// `name` is what callers send as `model`. The key is write-only: listings say `has_api_key`.

import { Refusal } from './refusal.mjs';

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;
const providers = new Set(['openai', 'anthropic', 'gemini', 'cohere', 'mistral', 'xai', 'openrouter', 'huggingface', 'vllm',
  'local', 'ollama', 'azure', 'runpod']);
const defaultNames = ['temperature', 'max_tokens', 'top_p'];
const priceNames = ['input', 'output', 'cached_input', 'cache_write'];
const featureNames = new Set(['streaming', 'tools', 'vision', 'json', 'reasoning']);
const fields = new Set(['name', 'provider', 'model_id', 'base_url', 'api_key', 'enabled', 'defaults', 'prices', 'context',
  'max_output', 'features']);

/** A mistake in what the admin API received: answered 400 with its message. */
export class InvalidModelError extends Refusal {
  constructor(message) {
    super(400, message);
  }
}

const invalid = (message) => {
  throw new InvalidModelError(message);
};

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const positiveWhole = (value) => Number.isSafeInteger(value) && value > 0;

/** Whether `name` can name a model. */
export const isModelName = (name) => typeof name === 'string' && namePattern.test(name);

/**
 * Checks a new model (`existing` null) or a change to one (`existing` its row: the fields given
 * replace the row's). Returns the row's fields with `api_key` as given (plain, to be sealed by
 * the caller; undefined keeps the existing key, null removes it). Throws InvalidModelError.
 */
export function checkModel(input, existing, policy) {
  if (!isObject(input)) invalid('the model must be a JSON object');
  for (const key of Object.keys(input)) if (!fields.has(key)) invalid(`unknown field ${key}`);
  const merged = { ...(existing ?? { enabled: true, defaults: {}, prices: null, context: null, max_output: null, features: null,
    base_url: null }), ...input };
  if (!isModelName(merged.name)) invalid('name must be 1 to 100 letters, digits and . _ : / - (what callers send as model)');
  if (existing && merged.name !== existing.name) invalid('name cannot be changed: add a model and remove this one');
  if (!providers.has(merged.provider)) invalid(`provider must be one of ${[...providers].join(', ')}`);
  if (typeof merged.model_id !== 'string' || !merged.model_id || merged.model_id.length > 200)
    invalid('model_id must be the provider\'s name of the model (1 to 200 characters)');
  if (merged.base_url !== null) {
    if (typeof merged.base_url !== 'string') invalid('base_url must be a URL or null');
    const refusal = policy.check(merged.base_url);
    if (refusal) invalid(`base_url: ${refusal}`);
  }
  if (merged.api_key !== undefined && merged.api_key !== null && (typeof merged.api_key !== 'string' || !merged.api_key
    || merged.api_key.length > 1000 || /\s/.test(merged.api_key)))
    invalid('api_key must be the provider\'s key, or null to remove it');
  if (typeof merged.enabled !== 'boolean') invalid('enabled must be true or false');
  if (!isObject(merged.defaults)) invalid('defaults must be an object');
  for (const [key, value] of Object.entries(merged.defaults)) {
    if (!defaultNames.includes(key)) invalid(`defaults: unknown field ${key} (${defaultNames.join(', ')})`);
    if (key === 'max_tokens' ? !positiveWhole(value) : typeof value !== 'number' || !(value >= 0 && value <= 2))
      invalid(`defaults.${key} is out of range`);
  }
  if (merged.prices !== null) {
    if (!isObject(merged.prices)) invalid('prices must be an object or null');
    for (const [key, value] of Object.entries(merged.prices)) {
      if (!priceNames.includes(key)) invalid(`prices: unknown field ${key} (${priceNames.join(', ')})`);
      if (typeof value !== 'number' || !(value >= 0 && value < 1e6)) invalid(`prices.${key} must be dollars per million tokens`);
    }
    if (merged.prices.input === undefined || merged.prices.output === undefined) invalid('prices needs input and output');
  }
  for (const key of ['context', 'max_output'])
    if (merged[key] !== null && !positiveWhole(merged[key])) invalid(`${key} must be a positive whole number of tokens or null`);
  if (merged.features !== null && (!Array.isArray(merged.features) || !merged.features.every((name) => featureNames.has(name))))
    invalid(`features must be a list of ${[...featureNames].join(', ')}`);
  return merged;
}

/** What the admin API shows of a row: every field but the key. */
export function describeModel(row, scope) {
  return {
    name: row.name, scope, provider: row.provider, model_id: row.model_id, base_url: row.base_url, enabled: row.enabled,
    has_api_key: Boolean(row.api_key_sealed), defaults: row.defaults, prices: row.prices, context: row.context,
    max_output: row.max_output, features: row.features, created_at: row.created_at, updated_at: row.updated_at,
  };
}
