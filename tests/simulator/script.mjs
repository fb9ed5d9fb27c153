// Lanes, their scripts and request logs, and the parts of a Step every format shares: how
// text is cut into chunks, the usage defaults, the tool calls' ids and argument text.
//
// A lane is a FIFO queue of Steps plus a log of the requests it received. Each provider
// request pops one Step; the format of the response follows the request's path, so one Step
// means the same answer whichever provider asked for it.

const stepKeys = new Set([
  'text', 'reasoning', 'tool_calls', 'finish', 'usage', 'model', 'id',
  'status', 'error', 'headers', 'retry_after_seconds',
  'stream_error', 'disconnect_after_chunks', 'chunk_size', 'chunk_delay_ms', 'delay_ms', 'hang', 'raw',
  'usage_in_last_chunk', 'hostile_usage', 'body_bytes', 'gzip_bomb', 'drip', 'silence_after_chunks',
]);

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value) => Number.isInteger(value) && value >= 0;

/** Lane names are one path segment of plain characters. */
export function checkLaneName(name) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(name))
    throw new TypeError(`simulator: a lane name is 1 to 100 of [A-Za-z0-9._-], not ${JSON.stringify(name)}`);
  return name;
}

/**
 * Throws a TypeError naming the first thing wrong with a Step; unknown keys are mistakes
 * (a misspelt `tool_call` would otherwise script a plain answer).
 */
export function checkStep(step, where = 'step') {
  const fail = (message) => {
    throw new TypeError(`simulator: ${where}: ${message}`);
  };
  if (!isObject(step)) fail('a Step is an object');
  for (const key of Object.keys(step)) if (!stepKeys.has(key)) fail(`unknown key "${key}"`);
  for (const key of ['text', 'reasoning', 'finish', 'model', 'id'])
    if (key in step && typeof step[key] !== 'string') fail(`${key} must be a string`);
  if ('tool_calls' in step) {
    if (!Array.isArray(step.tool_calls)) fail('tool_calls must be an array');
    step.tool_calls.forEach((call, i) => {
      if (!isObject(call)) fail(`tool_calls[${i}] must be an object`);
      for (const key of Object.keys(call))
        if (!['id', 'name', 'arguments'].includes(key)) fail(`tool_calls[${i}]: unknown key "${key}"`);
      if (typeof call.name !== 'string' || call.name === '') fail(`tool_calls[${i}].name must be a non-empty string`);
      if ('id' in call && typeof call.id !== 'string') fail(`tool_calls[${i}].id must be a string`);
      if ('arguments' in call && typeof call.arguments !== 'string' && !isObject(call.arguments))
        fail(`tool_calls[${i}].arguments must be an object or a string`);
    });
  }
  if ('usage' in step) {
    if (!isObject(step.usage)) fail('usage must be an object');
    for (const [key, value] of Object.entries(step.usage)) {
      if (!['input', 'output', 'cached', 'reasoning'].includes(key)) fail(`usage: unknown key "${key}"`);
      if (!isCount(value)) fail(`usage.${key} must be a count (an integer >= 0)`);
    }
  }
  if ('hostile_usage' in step) {
    if (!isObject(step.hostile_usage)) fail('hostile_usage must be an object');
    for (const key of Object.keys(step.hostile_usage))
      if (!['input', 'output', 'cached', 'reasoning'].includes(key)) fail(`hostile_usage: unknown key "${key}"`);
  }
  for (const key of ['body_bytes', 'gzip_bomb'])
    if (key in step && !(Number.isSafeInteger(step[key]) && step[key] > 0)) fail(`${key} must be an integer > 0`);
  if ('drip' in step) {
    const drip = step.drip;
    if (!isObject(drip)) fail('drip must be an object');
    for (const key of Object.keys(drip)) if (!['every_ms', 'from'].includes(key)) fail(`drip: unknown key "${key}"`);
    if (!(Number.isInteger(drip.every_ms) && drip.every_ms > 0)) fail('drip.every_ms must be an integer > 0');
    if ('from' in drip && !['head', 'body'].includes(drip.from)) fail('drip.from must be "head" or "body"');
  }
  const writers = ['body_bytes', 'gzip_bomb', 'drip'].filter((key) => key in step);
  if (writers.length > 1) fail(`${writers.join(' and ')} cannot be combined: each decides how the body is written`);
  if ('body_bytes' in step && 'raw' in step) fail('body_bytes pads an answer the format writes, not a raw one');
  if ('status' in step && !(Number.isInteger(step.status) && step.status >= 200 && step.status <= 599))
    fail('status must be an HTTP status from 200 to 599');
  if ('error' in step) {
    if (!isObject(step.error)) fail('error must be an object');
    for (const [key, value] of Object.entries(step.error)) {
      if (!['type', 'message', 'code'].includes(key)) fail(`error: unknown key "${key}"`);
      if (typeof value !== 'string') fail(`error.${key} must be a string`);
    }
  }
  if ('headers' in step) {
    if (!isObject(step.headers)) fail('headers must be an object');
    for (const [name, value] of Object.entries(step.headers))
      if (typeof value !== 'string') fail(`headers["${name}"] must be a string`);
  }
  if ('stream_error' in step) {
    const error = step.stream_error;
    if (!isObject(error)) fail('stream_error must be an object');
    for (const [key, value] of Object.entries(error)) {
      if (key === 'after_chunks') continue;
      if (!['type', 'message'].includes(key)) fail(`stream_error: unknown key "${key}"`);
      if (typeof value !== 'string') fail(`stream_error.${key} must be a string`);
    }
    if (!isCount(error.after_chunks)) fail('stream_error.after_chunks must be a count');
  }
  for (const key of ['retry_after_seconds', 'disconnect_after_chunks', 'silence_after_chunks', 'chunk_delay_ms', 'delay_ms'])
    if (key in step && !isCount(step[key])) fail(`${key} must be a count (an integer >= 0)`);
  if ('chunk_size' in step && !(Number.isInteger(step.chunk_size) && step.chunk_size > 0))
    fail('chunk_size must be an integer > 0');
  if ('hang' in step && typeof step.hang !== 'boolean') fail('hang must be a boolean');
  if ('usage_in_last_chunk' in step && typeof step.usage_in_last_chunk !== 'boolean') fail('usage_in_last_chunk must be a boolean');
  if ('raw' in step) {
    const raw = step.raw;
    if (!isObject(raw)) fail('raw must be an object');
    for (const key of Object.keys(raw))
      if (!['status', 'headers', 'body'].includes(key)) fail(`raw: unknown key "${key}"`);
    if ('status' in raw && !(Number.isInteger(raw.status) && raw.status >= 100 && raw.status <= 599))
      fail('raw.status must be an HTTP status');
    if ('headers' in raw && !(isObject(raw.headers) && Object.values(raw.headers).every((value) => typeof value === 'string')))
      fail('raw.headers must be an object of strings');
    const body = raw.body;
    const textual = (value) => typeof value === 'string';
    if (body !== undefined && !textual(body) && !(Array.isArray(body) && body.every(textual)) && !isObject(body))
      fail('raw.body must be a string, an array of strings (written one by one) or an object (sent as JSON)');
  }
  return step;
}

/** One lane: its script, its request log, and the model ids discovery lists. */
export class Lane {
  constructor(name) {
    this.name = name;
    this.reset();
  }

  reset() {
    this.queue = [];
    this.log = [];
    this.models = [];
  }

  /** Appends Steps (checked first: a bad script adds nothing). Returns the queue's length. */
  script(steps) {
    if (!Array.isArray(steps)) throw new TypeError('simulator: a script is an array of Steps');
    steps.forEach((step, i) => checkStep(step, `steps[${i}]`));
    this.queue.push(...steps.map((step) => structuredClone(step)));
    return this.queue.length;
  }

  setModels(models) {
    if (!Array.isArray(models) || !models.every((id) => typeof id === 'string' && id !== ''))
      throw new TypeError('simulator: models is an array of non-empty model ids');
    this.models = [...models];
  }
}

// ---------------------------------------------------------------------------------------
// What the formats share

/**
 * Cuts text into stream chunks: `size` code points each when given, else words with the
 * whitespace before them ("Hello there" → "Hello", " there"), as tokenizers tend to.
 * The chunks always join back into the text.
 */
export function pieces(text, size) {
  if (!text) return [];
  if (size) {
    const points = Array.from(text);
    const out = [];
    for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(''));
    return out;
  }
  return text.match(/\s*\S+|\s+/g);
}

/** Tool arguments stream in pieces of chunk_size code points, 8 by default. */
export const argumentPieces = (text, size) => pieces(text, size ?? 8);

/**
 * The usage a Step reports, in neutral terms: `input` counts every prompt token (cached ones
 * included), `output` every generated token (reasoning included); `cached` is part of input
 * and `reasoning` part of output. Each format maps these to its own fields.
 */
export function usageOf(step) {
  const given = step.usage ?? {};
  const reasoning = given.reasoning ?? (step.reasoning ? 5 : 0);
  const output = given.output ?? Math.max(10, reasoning);
  const counts = { input: given.input ?? 10, output, cached: given.cached ?? 0, reasoning };
  // A hostile upstream's counts (any JSON values: -5, 2^62, 1.5, "12", null) replace these.
  const hostile = step.hostile_usage ?? {};
  return { ...counts, ...hostile, hostile: new Set(Object.keys(hostile)) };
}

/**
 * A usage field a format computes from some counts (a total, input minus cached): `compute()`,
 * unless one of those counts is hostile; then that count's value as it is, so that -5 reaches
 * the wire as -5 rather than as a difference of it.
 */
export function derived(counts, names, compute) {
  const hostile = names.find((name) => counts.hostile.has(name));
  return hostile === undefined ? compute() : counts[hostile];
}

/** The neutral finish reason: the Step's, else tool_calls when it calls tools, else stop. */
export const finishOf = (step) => step.finish ?? (step.tool_calls?.length ? 'tool_calls' : 'stop');

/**
 * A provider's word for a neutral finish reason; a reason it has no word for, and any
 * non-neutral string, is sent as it is (so a test can send "STOP_SEQUENCE" or "RECITATION").
 */
export const mapFinish = (table, finish) => table[finish] ?? finish;

/**
 * The Step's tool calls with their ids (`id(i)` for those without) and arguments both as
 * text (what a stream sends) and as the value a JSON-object wire field holds: the parsed
 * object, or, for a string that is not a JSON object, the string itself (a malformed body, on
 * purpose: that is what the test asked for).
 */
export function toolCallsOf(step, id) {
  return (step.tool_calls ?? []).map((call, i) => {
    const given = call.arguments ?? {};
    const text = typeof given === 'string' ? given : JSON.stringify(given);
    let value = given;
    if (typeof given === 'string') {
      try {
        const parsed = JSON.parse(given);
        if (isObject(parsed)) value = parsed;
      } catch {
        // not JSON: sent verbatim
      }
    }
    return { id: call.id ?? id(i), givenId: call.id, name: call.name, text, value };
  });
}

/** The error a Step describes: its status (500 if only `error` is given) and fields. */
export const errorOf = (step) => ({ status: step.status ?? 500, ...(step.error ?? {}) });

/** Whether a Step answers with an error response rather than a completion. */
export const isErrorStep = (step) => step.error !== undefined || (step.status ?? 200) >= 400;

/** A fixed-looking but made-up signature for reasoning (Anthropic, Gemini). */
export const signatureFor = (seq) => Buffer.from(`llmux-simulator-signature-${seq}`).toString('base64');
