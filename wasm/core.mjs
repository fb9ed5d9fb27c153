// The core's C exports (wasm/*_binding.cpp) as JavaScript calls them: the decoder, the client
// and the session as small classes over handles, and the text that crosses the boundary.
// Arguments go into the module's input buffer one after another (strings as UTF-8) and the
// exports get their lengths; a text answer is read from the output buffer (boundary.hpp).
// Nothing here checks what a caller passes: decode.mjs and client.mjs do, before this.
//
// The module is a .wasm without Emscripten's loader (wasm/CMakeLists.txt): this file gives it
// its imports and runs its constructors.
//
// A throw out of the module (an abort, a trap, a stack overflow) leaves it unusable: its stack
// pointer and heap stay as the throw left them. So every export is called through one guard:
// the call that threw marks the instance dead, tells `onAbort` and throws an error whose
// `llmuxAbort` is 'here'; every later call throws at once ('earlier'), except the frees, which
// do nothing (a dead instance's handles hold nothing). load.mjs then makes a new instance.

import { formatDouble } from './format-double.mjs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Instantiates the core from a compiled WebAssembly.Module. `onAbort()` is told when the
 * instance aborts (a C++ abort(), a trap, or a fault the debug build traps); the call that
 * aborted throws, and so does every later one.
 */
export async function instantiateCore(module, onAbort, bind = bindCore) {
  let memory = null;
  let heap = new Uint8Array(0);
  // The heap's bytes; a view made again once the memory has grown (its old buffer detaches).
  const bytes = () => (heap.buffer === memory.buffer ? heap : (heap = new Uint8Array(memory.buffer)));
  const text = (at, length) => decoder.decode(bytes().subarray(at, at + length));
  const abort = (what) => {
    throw new Error(what); // the guard below makes it the instance's end
  };

  // The stores of js_store.cpp, by handle, and the text a store call left waiting.
  const stores = new Map();
  let waiting = null;
  const wait = (answer) => {
    waiting = encoder.encode(answer);
  };
  const storeCall = (handle, method, key, keyLength, value, valueLength) => {
    try {
      const store = stores.get(handle);
      const keyText = text(key, keyLength);
      const answer = method === 0 ? store.get(keyText)
        : method === 1 ? store.put(keyText, text(value, valueLength))
        : method === 4 ? store.append(keyText, text(value, valueLength))
        : method === 2 ? store.remove(keyText) : store.list(keyText);
      if (answer !== null && typeof answer === 'object' && !Array.isArray(answer) && 'error' in answer) {
        wait(typeof answer.error === 'string' ? answer.error : 'failed');
        return 2; // StoreAnswer::Failed
      }
      if (method === 0) {
        if (answer === undefined || answer === null) return 1; // Absent
        if (typeof answer !== 'string') return 3; // Malformed
        wait(answer);
        return 0; // Done
      }
      if (method === 1 || method === 4) return 0;
      if (method === 2) return answer === true ? 0 : 1;
      if (!Array.isArray(answer) || !answer.every((item) => typeof item === 'string' && !item.includes('\0'))) return 3;
      wait(answer.join('\0'));
      return 0;
    } catch (error) {
      wait(String(error?.message ?? error));
      return 2;
    }
  };

  const env = {
    llmux_read_double: (at, length) => Number(text(at, length)),
    // json::format_double's printf %.*g and %.*e, written into the core's buffer
    llmux_format_double: (value, precision, general, to, capacity) =>
      encoder.encodeInto(formatDouble(value, precision, general !== 0), bytes().subarray(to, to + capacity)).written,
    llmux_store_call: storeCall,
    llmux_store_waiting: () => waiting.length,
    llmux_store_take: (to) => {
      bytes().set(waiting, to);
      waiting = null;
    },
    emscripten_notify_memory_growth: () => {}, // bytes() sees the new buffer
    // The debug build's SAFE_HEAP checks.
    segfault: () => abort('segmentation fault'),
    alignfault: () => abort('alignment fault'),
  };
  const imports = {
    env,
    wasi_snapshot_preview1: { proc_exit: (code) => abort(`abort(), exit code ${code}`) },
  };
  const raw = (await WebAssembly.instantiate(module, imports)).exports;
  memory = raw.memory;
  if (raw.emscripten_stack_init) {
    // The debug build checks every stack pointer move against limits set from here.
    raw.emscripten_stack_init();
    raw.__set_stack_limits(raw.emscripten_stack_get_base(), raw.emscripten_stack_get_end());
  }
  raw._initialize();

  let dead = null; // what ended the instance
  const aborted = (when) =>
    Object.assign(new Error(`llmux: the Wasm module aborted (${dead})`), { llmuxAbort: when });
  const m = { memory };
  for (const [name, f] of Object.entries(raw)) {
    if (typeof f !== 'function') continue;
    const free = name.endsWith('_delete');
    // Six arguments: as many as any export takes (the extra ones are ignored). The guard costs
    // about 5 ns a call.
    m[name] = (a, b, c, d, e, g) => {
      if (dead !== null) {
        if (free) return;
        throw aborted('earlier');
      }
      try {
        return f(a, b, c, d, e, g);
      } catch (error) {
        dead = error?.message ?? String(error);
        onAbort();
        throw aborted('here');
      }
    };
  }
  return bind(m, bytes, stores, () => dead !== null);
}

// The text that crosses the boundary (boundary.hpp), over an instance's exports: `input`
// writes a call's parts into the input buffer and returns their lengths, `answer` reads the
// text a call left in the output buffer.
export function boundaryOf(m, bytes) {
  // Writes the parts (strings or Uint8Arrays) into the input buffer; returns their lengths.
  const lengths = [];
  const input = (...parts) => {
    let capacity = 0;
    for (const part of parts) capacity += typeof part === 'string' ? part.length * 3 : part.length;
    let at = m.llmux_input(capacity);
    const heap = bytes(); // after llmux_input: the heap may have grown
    lengths.length = 0;
    for (const part of parts) {
      let written;
      if (typeof part === 'string') {
        written = encoder.encodeInto(part, heap.subarray(at, at + part.length * 3)).written;
      } else {
        heap.set(part, at);
        written = part.length;
      }
      lengths.push(written);
      at += written;
    }
    return lengths;
  };
  // The answer of the last call, `length` bytes of text.
  const answer = (length) => {
    if (length === 0) return '';
    const at = m.llmux_output();
    return decoder.decode(bytes().subarray(at, at + length));
  };
  return { input, answer };
}

// The core over the instance's exports; `bytes()` is the heap, `stores` js_store.cpp's,
// `isDead()` whether the instance has aborted.
function bindCore(m, bytes, stores, isDead) {
  let nextStore = 1;
  const { input, answer } = boundaryOf(m, bytes);

  class ResponseDecoder {
    #handle;
    constructor(provider, stream, status, headersText, receivedAtMs) {
      const [providerLength, headersLength] = input(provider, headersText);
      this.#handle = m.llmux_response_decoder_new(providerLength, stream, status, headersLength, receivedAtMs);
    }
    feed(bytes) {
      return answer(m.llmux_response_decoder_feed(this.#handle, input(bytes)[0]));
    }
    finish() {
      return answer(m.llmux_response_decoder_finish(this.#handle));
    }
    delete() {
      m.llmux_response_decoder_delete(this.#handle);
    }
  }

  class Client {
    handle = m.llmux_client_new();
    #store = 0;
    /**
     * Applies the options (JSON); `store` is a store object, or undefined for memory;
     * `fromBrowserPage`: the driver runs in a web page (the adapters add what a page needs).
     */
    configure(optionsText, store, fromBrowserPage) {
      if (store) stores.set((this.#store = nextStore++), store);
      return answer(m.llmux_client_configure(this.handle, input(optionsText)[0], this.#store, fromBrowserPage));
    }
    models() {
      return answer(m.llmux_client_models(this.handle));
    }
    addModels(catalogText) {
      return answer(m.llmux_client_add_models(this.handle, input(catalogText)[0]));
    }
    resolve(name) {
      return answer(m.llmux_client_resolve(this.handle, input(name)[0]));
    }
    cost(name, usageText) {
      const [nameLength, usageLength] = input(name, usageText);
      return answer(m.llmux_client_cost(this.handle, nameLength, usageLength));
    }
    usage(group, fromMs, untilMs, user) {
      const [groupLength, userLength] = input(group, user);
      return answer(m.llmux_client_usage(this.handle, groupLength, fromMs, untilMs, userLength));
    }
    setBudget(scope, dollars) {
      const [scopeLength, dollarsLength] = input(scope, dollars);
      return answer(m.llmux_client_set_budget(this.handle, scopeLength, dollarsLength));
    }
    budget(scope, atMs) {
      return answer(m.llmux_client_budget(this.handle, input(scope)[0], atMs));
    }
    exportUsage(fromMs, untilMs) {
      return answer(m.llmux_client_export_usage(this.handle, fromMs, untilMs));
    }
    importUsage(document) {
      return answer(m.llmux_client_import_usage(this.handle, input(document)[0]));
    }
    clearCache() {
      m.llmux_client_clear_cache(this.handle);
    }
    /** Frees the client; sessions still running keep what they share with it. */
    delete() {
      m.llmux_client_delete(this.handle);
      stores.delete(this.#store);
    }
  }

  // One call's session; each method answers what the session_binding.hpp method does.
  class Session {
    #handle;
    /** `timeoutMs`: the call's deadline (0: the core's default). */
    constructor(client, callText, withEvents, seed, timeoutMs) {
      this.#handle = m.llmux_session_new(client.handle, input(callText)[0], withEvents, seed, timeoutMs);
    }
    setupError() {
      return answer(m.llmux_session_setup_error(this.#handle));
    }
    /** [the step's JSON, the request's body or null]: a send action's body follows a newline. */
    step(now) {
      const length = m.llmux_session_step(this.#handle, now);
      const at = m.llmux_output();
      const text = bytes().subarray(at, at + length);
      const newline = text.indexOf(10);
      if (newline < 0) return [decoder.decode(text), null];
      return [decoder.decode(text.subarray(0, newline)), decoder.decode(text.subarray(newline + 1))];
    }
    head(status, headersText, now) {
      return answer(m.llmux_session_head(this.#handle, status, input(headersText)[0], now));
    }
    body(bytes, now) {
      return answer(m.llmux_session_body(this.#handle, input(bytes)[0], now));
    }
    end(now) {
      return answer(m.llmux_session_end(this.#handle, now));
    }
    /** The body as the chunks it was read in, written one after another. */
    response(status, headersText, chunks, now) {
      const [headersLength, ...chunkLengths] = input(headersText, ...chunks);
      let bodyLength = 0;
      for (const length of chunkLengths) bodyLength += length;
      return answer(m.llmux_session_response(this.#handle, status, headersLength, bodyLength, now));
    }
    /** A body that is not streamed was stopped at its limit (the session's error says which). */
    tooLarge(status, now) {
      return answer(m.llmux_session_too_large(this.#handle, status, now));
    }
    transportError(code, message, now) {
      const [codeLength, messageLength] = input(code, message);
      return answer(m.llmux_session_transport_error(this.#handle, codeLength, messageLength, now));
    }
    timer(now) {
      return answer(m.llmux_session_timer(this.#handle, now));
    }
    toolOutput(id, ok, content, durationMs) {
      const [idLength, contentLength] = input(id, content);
      m.llmux_session_tool_output(this.#handle, idLength, ok, contentLength, durationMs);
    }
    toolsDone(now) {
      return answer(m.llmux_session_tools_done(this.#handle, now));
    }
    cancel(now) {
      return answer(m.llmux_session_cancel(this.#handle, now));
    }
    /** False once the session decided on what arrived mid-body: the exchange is dropped. */
    awaiting() {
      return m.llmux_session_awaiting(this.#handle) !== 0;
    }
    result() {
      return answer(m.llmux_session_result(this.#handle));
    }
    delete() {
      m.llmux_session_delete(this.#handle);
    }
  }

  // The response headers the core reads: a fetch Response's are looked up by name, which in
  // Node costs less than iterating them all (undici builds every name's and value's strings).
  const headerNames = answer(m.llmux_response_header_names()).split('\0').slice(0, -1);
  const responseHeadersText = (headers) => {
    let text = '';
    for (const name of headerNames) {
      const value = headers.get(name);
      if (value !== null) text += `${name}\0${value}\0`;
    }
    return text;
  };

  return {
    exports: m,
    /** True once the instance has aborted: its handles are dead, and load.mjs makes another. */
    get aborted() {
      return isDead();
    },
    /** The limits the driver enforces itself, and the time limits' defaults (limits.hpp). */
    limits: JSON.parse(answer(m.llmux_limits())),
    responseHeadersText,
    bytes,
    ResponseDecoder,
    Client,
    Session,
    decode(provider, stream, status, headersText, body, receivedAtMs) {
      const [providerLength, headersLength, bodyLength] = input(provider, headersText, body);
      return answer(m.llmux_decode(providerLength, stream, status, headersLength, bodyLength, receivedAtMs));
    },
    errorCodes: () => answer(m.llmux_error_table_json()),
    heapBytesInUse: () => m.llmux_heap_bytes_in_use(),
    heapBytes: () => m.memory.buffer.byteLength,
  };
}

/** Headers as the core reads them (boundary.hpp): name NUL value NUL, pair after pair. */
export function headersText(pairs) {
  let text = '';
  for (const [name, value] of pairs) text += `${name}\0${value}\0`;
  return text;
}

/**
 * The built-in tools' module (llmux-tools.wasm, tools_binding.cpp) over its exports: made by
 * instantiateCore(module, onAbort, bindTools). Its imports are a part of the core's.
 */
export function bindTools(m, bytes) {
  const { input, answer } = boundaryOf(m, bytes);
  return {
    /** [{name, description, parameters}] as JSON text. */
    definitions: () => answer(m.llmux_builtin_tools()),
    /** {"result": text} or {"error": message} as JSON text. */
    run(name, argumentsText, nowMs) {
      const [nameLength, argumentsLength] = input(name, argumentsText);
      return answer(m.llmux_run_builtin_tool(nameLength, argumentsLength, nowMs));
    },
  };
}
