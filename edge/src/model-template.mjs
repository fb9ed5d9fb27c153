// A model row as the package's catalog takes it (wasm/index.d.ts, ModelTemplate). What the
// row leaves out (context, output limit, prices, features) comes from the catalog's own
// template for the same provider and model, when it has one: a user's "gpt" on OpenAI's
// gpt-4o-mini costs what gpt-4o-mini costs unless its row says otherwise.

import { createClient } from 'llmux';

let builtins = null; // Promise of Map "provider/model" → the catalog's template

function builtinTemplates() {
  builtins ??= createClient({}).models().then((list) => new Map(list.map((template) => [`${template.provider}/${template.model}`, template])));
  return builtins;
}

/** The catalog template for a row, without any key (keys go in at fetch time: upstream-fetch.mjs). */
export async function catalogTemplate(row) {
  const builtin = (await builtinTemplates()).get(`${row.provider}/${row.model_id}`);
  const template = { id: row.name, provider: row.provider, model: row.model_id };
  if (row.base_url) template.base_url = row.base_url;
  const inherited = { context: 'context', max_output: 'max_output', prices: 'prices', features: 'features' };
  for (const [column, member] of Object.entries(inherited)) {
    const value = row[column] ?? builtin?.[member];
    if (value !== undefined && value !== null) template[member] = value;
  }
  return template;
}

/**
 * Checks that the package's catalog takes the row (limits it needs, a provider it knows):
 * adds it to `client`, whose catalog the calls use. Returns null, or what is wrong.
 */
export async function addToCatalog(client, row) {
  try {
    await client.addModels([await catalogTemplate(row)]);
    return null;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const known = (await builtinTemplates()).has(`${row.provider}/${row.model_id}`);
    return error.message.replace(/^llmux addModels: /, '')
      + (known ? '' : ` (the catalog does not know ${row.provider}/${row.model_id}: give its context and max_output)`);
  }
}
