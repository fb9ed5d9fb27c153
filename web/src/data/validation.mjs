// What a record of each store may hold: the stores check what the app writes and importAll
// checks a file with the same functions, so a file cannot put in what the app could not.
// Limits are generous for real use and bound what a hostile file can make the page hold.

import { DataError } from './errors.mjs';

export const limits = {
  idChars: 200,
  nameChars: 1000, // titles, model names, provider names, base URLs
  contentChars: 4 * 1024 * 1024, // one message's text: a long answer is a few hundred KB
  parts: 1000, // content parts or tool calls of one message
  settingBytes: 1024 * 1024,
  errorChars: 10000,
};

export const roles = ['user', 'assistant', 'tool', 'system'];
export const statuses = ['done', 'streaming', 'stopped', 'error'];

/**
 * @param {string} what
 * @param {any} [code] a DataErrorCode
 * @returns {never}
 */
export function invalid(what, code = 'invalid') {
  throw new DataError(code, what);
}

export function checkId(value, what, code) {
  if (typeof value !== 'string' || value.length === 0 || value.length > limits.idChars)
    invalid(`${what} must be a text of 1 to ${limits.idChars} characters`, code);
  return value;
}

export function checkText(value, what, maxChars, code) {
  if (typeof value !== 'string' || value.length > maxChars) invalid(`${what} must be a text of at most ${maxChars} characters`, code);
  return value;
}

function checkOptionalText(value, what, maxChars, code) {
  return value === undefined || value === null ? value : checkText(value, what, maxChars, code);
}

export function checkTime(value, what, code) {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${what} must be a time in milliseconds`, code);
  return value;
}

function checkCount(value, what, code) {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${what} must be a whole number, 0 or more`, code);
  return value;
}

function checkNumber(value, what, min, max, code) {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    invalid(`${what} must be a number from ${min} to ${max}`, code);
  return value;
}

/** Prices per million tokens, as the seed writes them: decimal strings ("0.15"). */
function checkPrice(value, what, code) {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || !/^\d{1,12}(\.\d{1,12})?$/.test(value)) invalid(`${what} must be a decimal text such as "0.15"`, code);
  return value;
}

/** JSON data only (what a file can hold and a structured clone keeps), within maxBytes. */
function checkJson(value, what, maxBytes, code) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    invalid(`${what} must be JSON data`, code);
  }
  if (text === undefined || text.length > maxBytes) invalid(`${what} must be JSON data of at most ${maxBytes} bytes`, code);
  return JSON.parse(text);
}

export function checkTools(value, code) {
  if (value === undefined) return { calculator: false, datetime: false };
  if (!value || typeof value !== 'object' || typeof value.calculator !== 'boolean' || typeof value.datetime !== 'boolean')
    invalid('tools must be {calculator: boolean, datetime: boolean}', code);
  return { calculator: value.calculator, datetime: value.datetime };
}

/** The fields of a conversation the app sets (create, update). */
export function checkConversationFields(fields, code) {
  const checked = {};
  if ('title' in fields) checked.title = checkText(fields.title, 'a title', limits.nameChars, code);
  if ('model' in fields) checked.model = checkOptionalText(fields.model, 'a model', limits.nameChars, code) ?? null;
  if ('tools' in fields) checked.tools = checkTools(fields.tools, code);
  return checked;
}

/** The package's Cost (totalPicodollars an integer text) or null. */
export function checkCost(value, code) {
  if (value === undefined || value === null) return value;
  if (!value || typeof value !== 'object' || typeof value.totalPicodollars !== 'string' || !/^\d{1,30}$/.test(value.totalPicodollars))
    invalid('a cost must be the package\'s Cost, with totalPicodollars an integer text', code);
  return checkJson(value, 'a cost', 10000, code);
}

/** The package's Usage: token counts, whole numbers. */
export function checkUsage(value, code) {
  if (value === undefined || value === null) return value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) invalid('a usage must be an object of token counts', code);
  for (const [name, count] of Object.entries(value)) {
    if (count !== undefined && count !== null) checkCount(count, `usage.${name}`, code);
  }
  return checkJson(value, 'a usage', 10000, code);
}

function checkContent(value, code) {
  if (typeof value === 'string') return checkText(value, 'a message\'s content', limits.contentChars, code);
  if (!Array.isArray(value) || value.length > limits.parts) invalid(`a message's content must be a text or at most ${limits.parts} parts`, code);
  for (const part of value) {
    if (!part || typeof part !== 'object' || typeof part.type !== 'string') invalid('a content part must be an object with a type', code);
  }
  return checkJson(value, 'a message\'s content', limits.contentChars, code);
}

/** The fields of a message the app sets (append, update). */
export function checkMessageFields(fields, code) {
  const checked = {};
  if ('role' in fields && !roles.includes(fields.role)) invalid(`a message's role must be one of ${roles.join(', ')}`, code);
  if ('role' in fields) checked.role = fields.role;
  if ('content' in fields) checked.content = checkContent(fields.content, code);
  if ('toolCalls' in fields && fields.toolCalls !== undefined) {
    if (!Array.isArray(fields.toolCalls) || fields.toolCalls.length > limits.parts) invalid(`toolCalls must be a list of at most ${limits.parts}`, code);
    checked.toolCalls = checkJson(fields.toolCalls, 'toolCalls', limits.contentChars, code);
  }
  if ('toolCallId' in fields) checked.toolCallId = checkOptionalText(fields.toolCallId, 'toolCallId', limits.idChars, code);
  if ('model' in fields) checked.model = checkOptionalText(fields.model, 'a message\'s model', limits.nameChars, code);
  if ('usage' in fields) checked.usage = checkUsage(fields.usage, code);
  if ('cost' in fields) checked.cost = checkCost(fields.cost, code);
  if ('status' in fields && !statuses.includes(fields.status)) invalid(`a message's status must be one of ${statuses.join(', ')}`, code);
  if ('status' in fields) checked.status = fields.status;
  if ('error' in fields) checked.error = fields.error === undefined || fields.error === null ? fields.error
    : checkJson(fields.error, 'a message\'s error', limits.errorChars, code);
  return checked;
}

/** The fields of a user model (the seed's llm_models, in the app's names), but its key. */
export function checkModelFields(fields, code) {
  const checked = {};
  for (const name of ['name', 'provider', 'model']) {
    if (name in fields) checked[name] = checkText(fields[name], `a model's ${name}`, limits.nameChars, code);
  }
  if ('baseUrl' in fields) checked.baseUrl = checkOptionalText(fields.baseUrl, 'a model\'s baseUrl', limits.nameChars, code) ?? null;
  if ('enabled' in fields) {
    if (typeof fields.enabled !== 'boolean') invalid('a model\'s enabled must be true or false', code);
    checked.enabled = fields.enabled;
  }
  if ('temperature' in fields) checked.temperature = checkNumber(fields.temperature, 'a model\'s temperature', 0, 2, code) ?? null;
  if ('maxTokens' in fields) {
    if (fields.maxTokens !== null && fields.maxTokens !== undefined && (!Number.isSafeInteger(fields.maxTokens) || fields.maxTokens < 1))
      invalid('a model\'s maxTokens must be a whole number, 1 or more', code);
    checked.maxTokens = fields.maxTokens ?? null;
  }
  if ('inputPrice' in fields) checked.inputPrice = checkPrice(fields.inputPrice, 'a model\'s inputPrice', code) ?? null;
  if ('outputPrice' in fields) checked.outputPrice = checkPrice(fields.outputPrice, 'a model\'s outputPrice', code) ?? null;
  return checked;
}

/** A setting's value: JSON data. */
export function checkSettingValue(value, code) {
  return checkJson(value, 'a setting', limits.settingBytes, code);
}
