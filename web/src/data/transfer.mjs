// Export and import of all the chat's data as one JSON file:
//
//   { "format": "llmux-chat-export", "version": 1, "exportedAt": "2026-12-07T22:00:00.000Z",
//     "conversations": [Conversation], "messages": [ChatMessage], "models": [UserModel],
//     "settings": [{ "name", "value" }], "usage": [the package's usage records] }
//
// Models go out without their keys (not even sealed: a sealed key opens only with this
// browser's data key) and come in without them: a key in a file is dropped and counted. The
// usage records are the package's ledger's, which this layer does not keep: the caller passes
// them to exportAll and gets them back, checked, from importAll to hand to the package.
//
// An import is checked whole before anything is written, then merged in one transaction: ids
// are kept; a conversation or model already here is replaced only by a newer one (updatedAt);
// a message already here is left as it is; a setting already set here keeps its value.

import { DataError } from './errors.mjs';
import { inTransaction, requestResult } from './idb.mjs';
import {
  checkConversationFields, checkId, checkMessageFields, checkModelFields, checkSettingValue, checkTime, invalid,
} from './validation.mjs';

export const exportFormat = 'llmux-chat-export';
export const exportVersion = 1;
const maxFileChars = 256 * 1024 * 1024;
const maxRecords = 1000000;

/**
 * @param {IDBDatabase} db
 * @param {{ usage?: object[] }} [extra]
 */
export async function exportAll(db, { usage = [] } = {}) {
  const stores = ['conversations', 'messages', 'models', 'settings'];
  const [conversations, messages, models, settings] = await inTransaction(db, stores, 'readonly', (transaction) =>
    Promise.all(stores.map((name) => requestResult(transaction.objectStore(name).getAll()))));
  return {
    format: exportFormat,
    version: exportVersion,
    exportedAt: new Date().toISOString(),
    conversations,
    messages: messages.sort((a, b) => a.conversationId.localeCompare(b.conversationId) || a.seq - b.seq),
    models: models.map(({ sealedKey, ...fields }) => fields),
    settings,
    usage: checkUsageRecords(usage, 'invalid'),
  };
}

/** Checks `check(value)` and names the record in its error. */
function at(path, check) {
  try {
    return check();
  } catch (error) {
    if (error instanceof DataError) throw new DataError('import_invalid', `${path}: ${error.message}`);
    throw error;
  }
}

function list(file, name) {
  const value = file[name] ?? [];
  if (!Array.isArray(value)) invalid(`${name} must be a list`, 'import_invalid');
  if (value.length > maxRecords) invalid(`${name} holds more than ${maxRecords} records`, 'import_invalid');
  for (const [index, item] of value.entries()) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) invalid(`${name}[${index}] must be an object`, 'import_invalid');
  }
  return value;
}

function checkUsageRecords(usage, code) {
  if (!Array.isArray(usage) || usage.length > maxRecords) invalid(`usage must be a list of at most ${maxRecords} records`, code);
  return usage.map((record, index) => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) invalid(`usage[${index}] must be an object`, code);
    return JSON.parse(JSON.stringify(record));
  });
}

function checkCount(value, what) {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${what} must be a whole number, 0 or more`);
  return value;
}

/** The file's records, checked and rebuilt from their known fields only. */
function checkFile(input) {
  let file = input;
  if (typeof input === 'string') {
    if (input.length > maxFileChars) invalid(`the file is larger than ${maxFileChars / 1024 / 1024} MiB`, 'import_invalid');
    try {
      file = JSON.parse(input);
    } catch {
      invalid('the file is not JSON: not an llmux chat export', 'import_invalid');
    }
  }
  if (!file || typeof file !== 'object' || Array.isArray(file) || file.format !== exportFormat)
    invalid('not an llmux chat export (its "format" is not "llmux-chat-export")', 'import_invalid');
  if (!Number.isSafeInteger(file.version) || file.version < 1) invalid('the export has no valid version', 'import_invalid');
  if (file.version > exportVersion)
    invalid(`the export is version ${file.version}, made by a newer llmux: this one reads version ${exportVersion}`, 'import_invalid');

  const conversations = list(file, 'conversations').map((item, index) => at(`conversations[${index}]`, () => {
    if (typeof item.title !== 'string') invalid('a conversation needs a title');
    const picodollars = item.cost?.picodollars;
    if (typeof picodollars !== 'string' || !/^\d{1,30}$/.test(picodollars)) invalid('cost.picodollars must be an integer text');
    return {
      title: '', model: null, ...checkConversationFields({ title: item.title, tools: item.tools, ...('model' in item ? { model: item.model } : {}) }),
      id: checkId(item.id, 'id'), createdAt: checkTime(item.createdAt, 'createdAt'), updatedAt: checkTime(item.updatedAt, 'updatedAt'),
      cost: { picodollars },
      tokens: { input: checkCount(item.tokens?.input, 'tokens.input'), output: checkCount(item.tokens?.output, 'tokens.output') },
    };
  }));
  const conversationIds = new Set(conversations.map((conversation) => conversation.id));

  const messages = list(file, 'messages').map((item, index) => at(`messages[${index}]`, () => {
    const fields = checkMessageFields(item);
    if (!fields.role || fields.content === undefined || !fields.status) invalid('a message needs a role, a content and a status');
    for (const name of Object.keys(fields)) if (fields[name] === undefined || fields[name] === null) delete fields[name];
    const seq = item.seq;
    if (!Number.isSafeInteger(seq) || seq < 1) invalid('seq must be a whole number, 1 or more');
    const conversationId = checkId(item.conversationId, 'conversationId');
    if (!conversationIds.has(conversationId)) invalid(`its conversation ${conversationId} is not in the file`);
    return { ...fields, id: checkId(item.id, 'id'), conversationId, createdAt: checkTime(item.createdAt, 'createdAt'), seq };
  }));

  let keysIgnored = 0;
  const models = list(file, 'models').map((item, index) => at(`models[${index}]`, () => {
    if ('apiKey' in item || 'sealedKey' in item) keysIgnored++;
    const fields = checkModelFields(item);
    if (!fields.name || !fields.provider || !fields.model) invalid('a model needs a name, a provider and a model id');
    return {
      baseUrl: null, enabled: true, temperature: null, maxTokens: null, inputPrice: null, outputPrice: null, ...fields,
      id: checkId(item.id, 'id'), createdAt: checkTime(item.createdAt, 'createdAt'), updatedAt: checkTime(item.updatedAt, 'updatedAt'),
    };
  }));

  const settings = list(file, 'settings').map((item, index) => at(`settings[${index}]`, () =>
    ({ name: checkId(item.name, 'name'), value: checkSettingValue(item.value) })));

  const usage = checkUsageRecords(file.usage ?? [], 'import_invalid');
  return { conversations, messages, models, settings, usage, keysIgnored };
}

/**
 * Imports an export (its object, or its JSON text). Refuses, writing nothing, what is not an
 * llmux chat export or holds a record of the wrong shape (DataError 'import_invalid').
 * @param {IDBDatabase} db
 * @param {unknown} input
 * @returns {Promise<{ added: Record<string, number>, updated: Record<string, number>,
 *   skipped: Record<string, number>, keysIgnored: number, usage: object[], ids: Record<string, string[]> }>}
 */
export async function importAll(db, input) {
  const file = checkFile(input);
  const kinds = ['conversations', 'messages', 'models', 'settings'];
  const counts = (value) => Object.fromEntries(kinds.map((kind) => [kind, value]));
  const result = { added: counts(0), updated: counts(0), skipped: counts(0), keysIgnored: file.keysIgnored, usage: file.usage, ids: counts(null) };
  for (const kind of kinds) result.ids[kind] = [];
  await inTransaction(db, kinds, 'readwrite', async (transaction) => {
    for (const kind of kinds) {
      const store = transaction.objectStore(kind);
      for (const record of file[kind]) {
        const existing = await requestResult(store.get(kind === 'settings' ? record.name : record.id));
        let write = !existing;
        if (existing && (kind === 'conversations' || kind === 'models')) write = record.updatedAt > existing.updatedAt;
        if (!write) {
          result.skipped[kind]++;
          continue;
        }
        // A model replaced by its imported version keeps the key stored here.
        store.put(kind === 'models' && existing?.sealedKey ? { ...record, sealedKey: existing.sealedKey } : record);
        result[existing ? 'updated' : 'added'][kind]++;
        result.ids[kind].push(kind === 'settings' ? record.name : record.id);
      }
    }
  });
  return result;
}
