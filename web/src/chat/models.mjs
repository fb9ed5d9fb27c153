// Which models the picker offers and how a call reaches each: the user's own models (the data
// layer's records), the package's catalog when a key for its provider is at hand, and the demo
// model (the provider simulator that web/serve.mjs starts) when config.json names one.
import { createClient } from 'llmux';

export const demoModelId = 'demo';
/** Every call is charged to this budget scope (the usage page's monthly budget). */
export const budgetScope = 'project:browser-chat';
const localProviders = new Set(['ollama', 'vllm', 'local']);

/** The settings' prefix of a provider: OPENAI_API_KEY, AZURE_OPENAI_BASE_URL, ... */
export function settingPrefix(provider) {
  return provider === 'azure' ? 'AZURE_OPENAI' : provider.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Local models (a server on this machine) keep answering offline; cloud ones cannot. */
export function isLocal(entry) {
  if (localProviders.has(entry.provider)) return true;
  try {
    const host = new URL(entry.baseUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

function priceNumber(text) {
  return text === '' || text === null || text === undefined ? undefined : Number(text);
}

/**
 * A user model record as a catalog template for the package. What the record leaves out (the
 * context window, the output limit, the prices) comes from the catalog's template of the same
 * provider and model when there is one; prices typed in win (dollars per million tokens).
 */
function templateOf(record, catalog) {
  const known = catalog.find((model) => model.provider === record.provider &&
    (model.model === record.model || model.served_as?.includes(record.model)));
  const template = { id: `user-${record.id}`, name: record.name, provider: record.provider, model: record.model,
    context: known?.context ?? 128000, max_output: known?.max_output ?? 4096 };
  if (known?.features) template.features = known.features;
  if (record.baseUrl) template.base_url = record.baseUrl;
  const input = priceNumber(record.inputPrice);
  const output = priceNumber(record.outputPrice);
  if (input !== undefined && output !== undefined) template.prices = { input, output };
  else if (known?.prices) template.prices = known.prices;
  if (record.maxTokens) template.max_output = Number(record.maxTokens);
  return template;
}

/**
 * The picker's entries: {id, label, group, provider, baseUrl, local, template?, record?}.
 * `keyedProviders` are providers a key is available for (environment or a user model).
 */
export function pickerEntries({ catalog, userModels, config }) {
  const entries = [];
  for (const record of userModels.filter((model) => model.enabled !== false)) {
    entries.push({ id: `user-${record.id}`, label: record.name || record.model, group: 'Your models',
      provider: record.provider, baseUrl: record.baseUrl, record, template: templateOf(record, catalog) });
  }
  if (config.demo?.baseUrl) {
    entries.push({ id: demoModelId, label: 'Demo model (simulator)', group: 'Demo',
      provider: 'openai', baseUrl: config.demo.baseUrl,
      template: { id: demoModelId, name: 'Demo model', provider: 'openai', model: 'demo-model', base_url: config.demo.baseUrl,
        context: 32000, max_output: 1024, prices: { input: 0.15, output: 0.6 }, features: ['streaming', 'tools'] } });
  }
  const keyed = new Set([
    ...userModels.filter((model) => model.hasKey).map((model) => model.provider),
    ...Object.keys(config.settings ?? {}).filter((name) => name.endsWith('_API_KEY'))
      .map((name) => catalog.find((model) => `${settingPrefix(model.provider)}_API_KEY` === name)?.provider),
  ]);
  for (const model of catalog) {
    if (!keyed.has(model.provider) && !localProviders.has(model.provider)) continue;
    entries.push({ id: model.id, label: model.name || model.id, group: 'Catalog', provider: model.provider,
      baseUrl: model.base_url, catalog: true });
  }
  for (const entry of entries) entry.local = isLocal(entry);
  return entries;
}

/**
 * A client for one call to `entry`: its key and base URL as the package's settings. The key is
 * read from the vault only now (a user model's own, else another model's of the provider, else
 * one config.json offered) and lives in this client alone. A gateway URL, when set, takes the
 * place of cloud providers' base URLs.
 */
export async function clientFor(entry, { db, config, userModels, gatewayUrl }) {
  const prefix = settingPrefix(entry.provider);
  const settings = {};
  const offered = config.settings?.[`${prefix}_API_KEY`];
  let key = entry.record?.hasKey ? await db.models.key(entry.record.id) : null;
  if (!key && !entry.record) {
    const sibling = userModels.find((model) => model.provider === entry.provider && model.hasKey);
    key = sibling ? await db.models.key(sibling.id) : offered ?? null;
  }
  if (key) settings[`${prefix}_API_KEY`] = key;
  if (entry.id === demoModelId) settings.OPENAI_API_KEY = 'demo-key-not-secret';
  if (gatewayUrl && !entry.local && !entry.baseUrl) settings[`${prefix}_BASE_URL`] = gatewayUrl;
  const models = entry.template ? [entry.template] : undefined;
  const client = createClient({ settings, models, model: entry.id, storage: 'indexeddb', budgetScopes: [budgetScope] });
  const call = {};
  if (entry.record?.temperature !== undefined && entry.record.temperature !== '' && entry.record.temperature !== null)
    call.temperature = Number(entry.record.temperature);
  if (entry.record?.maxTokens) call.maxTokens = Number(entry.record.maxTokens);
  return { client, call };
}

/** A client that makes no call: the catalog, usage and budgets. */
export function ledgerClient() {
  return createClient({ storage: 'indexeddb', budgetScopes: [budgetScope] });
}
