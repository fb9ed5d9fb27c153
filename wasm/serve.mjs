// `llmux/serve`: the wire codecs a gateway needs to speak OpenAI's Chat Completions API and
// Anthropic's Messages API to its callers, whichever provider serves the call. The codecs are
// the core's (core/include/llmux/serve.hpp), in a module of their own, llmux-serve.wasm,
// loaded on first use, so that the package's main module does not carry them.
//
//   const parsed = await parseOpenAIRequest(await request.text());
//   if (!parsed.ok) return new Response(parsed.body, { status: parsed.status });
//   const result = await llm.chat(parsed.call);            // tools come back, never run
//   const { status, body } = await openAIResponse(result, { id, model, created });
//
// Streams: an encoder per response, fed the events of llm.stream() in batches (an array per
// call: one crossing per network read, not per event), each call answering SSE text.

import { boundaryOf } from './core.mjs';
import { loadedModule } from './load.mjs';

const serveName = 'llmux-serve.wasm';
let given; // initServe's module or bytes

/**
 * Chooses where llmux-serve.wasm comes from, before first use: `wasmModule` (a
 * WebAssembly.Module, as edge runtimes import a .wasm) or `wasmBinary` (its bytes). Without it
 * the file beside this module is read (Node, Deno, Bun) or fetched (browsers), or where the
 * package's init({locateFile}) says.
 */
export function initServe(options = {}) {
  given = options.wasmModule ?? options.wasmBinary;
}

// The module's exports as calls of text (serve_binding.cpp).
function bindServe(m, bytes) {
  const { input, answer } = boundaryOf(m, bytes);
  return { m, input, answer };
}

const serve = () => loadedModule(serveName, given, bindServe, 'initServe() {wasmModule}');

// "<status>\n<body>", as the module answers replies.
function reply(text) {
  const at = text.indexOf('\n');
  return { status: Number(text.slice(0, at)), body: text.slice(at + 1) };
}

// The package's error fields the codecs read: an LlmuxError's (whose message is not an
// enumerable property, so JSON.stringify alone would lose it), or any {code, message}.
function errorText(error) {
  return JSON.stringify({
    code: typeof error?.code === 'string' ? error.code : 'internal',
    message: typeof error?.message === 'string' ? error.message : String(error ?? ''),
    param: typeof error?.param === 'string' ? error.param : undefined,
    status: Number.isInteger(error?.status) ? error.status : undefined,
  });
}

const resultText = (result) => (typeof result === 'string' ? result : JSON.stringify(result));

async function parseRequest(exportName, body) {
  const { m, input, answer } = await serve();
  const { status, body: text } = reply(answer(m[exportName](input(String(body))[0])));
  if (status !== 200) return { ok: false, status, body: text };
  const { call, includeUsage } = JSON.parse(text);
  return { ok: true, call, includeUsage };
}

/**
 * An OpenAI Chat Completions request body (text) as the call chat() and stream() take:
 * {ok: true, call, includeUsage}, or {ok: false, status, body}: the 400 to answer, in OpenAI's
 * error shape, naming the member (`param`).
 */
export const parseOpenAIRequest = (body) => parseRequest('llmux_parse_openai_chat_request', body);

/** An Anthropic Messages request body, the same way (includeUsage is always true). */
export const parseAnthropicRequest = (body) => parseRequest('llmux_parse_anthropic_messages_request', body);

async function writeResponse(exportName, result, { id = '', model = '', created = 0 } = {}) {
  const { m, input, answer } = await serve();
  const [resultLength, idLength, modelLength] = input(resultText(result), String(id), String(model));
  return reply(answer(m[exportName](resultLength, idLength, modelLength, created)));
}

/**
 * A chat() result (the ChatResult object, or its JSON) as OpenAI's chat.completion:
 * {status: 200, body}. `created` is in seconds.
 */
export const openAIResponse = (result, identity) => writeResponse('llmux_write_openai_chat_completion', result, identity);

/**
 * A chat() result as Anthropic's message: {status: 200, body}, or an error reply when a tool
 * call's arguments are not a JSON object (tool_use input must be one).
 */
export const anthropicResponse = (result, identity) => writeResponse('llmux_write_anthropic_message', result, identity);

/** An error (an LlmuxError, or {code, message, param?}) as OpenAI answers it: {status, body}. */
export async function openAIError(error) {
  const { m, input, answer } = await serve();
  return reply(answer(m.llmux_write_openai_error(input(errorText(error))[0])));
}

/** An error as Anthropic answers it: {status, body} (overloaded is 529, as Anthropic's). */
export async function anthropicError(error) {
  const { m, input, answer } = await serve();
  return reply(answer(m.llmux_write_anthropic_error(input(errorText(error))[0])));
}

// A stream encoder over one writer of the module. It owns the writer: finish() and fail() end
// the stream and free it, close() frees it when the stream is abandoned; each is harmless
// after the others.
class StreamEncoder {
  #serve;
  #prefix;
  #handle;

  constructor(served, prefix, handle) {
    this.#serve = served;
    this.#prefix = prefix;
    this.#handle = handle;
  }

  /** The SSE text of `events` (an array of stream() events, or their JSON). */
  write(events) {
    if (!this.#handle) return '';
    const { m, input, answer } = this.#serve;
    const text = typeof events === 'string' ? events : JSON.stringify(events);
    return answer(m[`${this.#prefix}_write`](this.#handle, input(text)[0]));
  }

  /** The stream's end: the last chunks (OpenAI: usage when asked, `data: [DONE]`). */
  finish() {
    if (!this.#handle) return '';
    const { m, answer } = this.#serve;
    try {
      return answer(m[`${this.#prefix}_finish`](this.#handle));
    } finally {
      this.close();
    }
  }

  /** The stream's end on an error: the error in the API's stream shape. */
  fail(error) {
    if (!this.#handle) return '';
    const { m, input, answer } = this.#serve;
    try {
      return answer(m[`${this.#prefix}_fail`](this.#handle, input(errorText(error))[0]));
    } finally {
      this.close();
    }
  }

  close() {
    if (!this.#handle) return;
    const handle = this.#handle;
    this.#handle = 0;
    this.#serve.m[`${this.#prefix}_delete`](handle);
  }
}

/**
 * An encoder of OpenAI chat.completion.chunk events: {id, model, created (seconds),
 * includeUsage (the request's stream_options.include_usage)}.
 */
export async function openAIStream({ id = '', model = '', created = 0, includeUsage = false } = {}) {
  const served = await serve();
  const [idLength, modelLength] = served.input(String(id), String(model));
  const handle = served.m.llmux_openai_chunk_writer_new(idLength, modelLength, created, includeUsage ? 1 : 0);
  return new StreamEncoder(served, 'llmux_openai_chunk_writer', handle);
}

/** An encoder of Anthropic message events: {id, model}. */
export async function anthropicStream({ id = '', model = '' } = {}) {
  const served = await serve();
  const [idLength, modelLength] = served.input(String(id), String(model));
  const handle = served.m.llmux_anthropic_event_writer_new(idLength, modelLength);
  return new StreamEncoder(served, 'llmux_anthropic_event_writer', handle);
}
