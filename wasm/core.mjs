// The core's C exports (wasm/*_binding.cpp) as JavaScript calls them: the decoder, the client
// and the session as small classes over handles, and the text that crosses the boundary.
// Arguments go into the module's input buffer one after another (strings as UTF-8) and the
// exports get their lengths; a text answer is read from the output buffer (boundary.hpp).
// Nothing here checks what a caller passes: decode.mjs and client.mjs do, before this.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The core over an instantiated Emscripten module. */
export function bindCore(m) {
  // What js_store.cpp's imported functions use: the stores by handle, and the text helpers.
  const stores = new Map();
  let nextStore = 1;
  m.llmuxStores = stores;
  m.llmuxEncode = (text) => encoder.encode(text);
  m.llmuxDecode = (at, length) => decoder.decode(m.HEAPU8.subarray(at, at + length));

  // Writes the parts (strings or Uint8Arrays) into the input buffer; returns their lengths.
  const lengths = [];
  const input = (...parts) => {
    let capacity = 0;
    for (const part of parts) capacity += typeof part === 'string' ? part.length * 3 : part.length;
    let at = m._llmux_input(capacity);
    const heap = m.HEAPU8; // read after _llmux_input: the heap may have grown
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
    const at = m._llmux_output();
    return decoder.decode(m.HEAPU8.subarray(at, at + length));
  };

  class ResponseDecoder {
    #handle;
    constructor(provider, stream, status, headersText, receivedAtMs) {
      const [providerLength, headersLength] = input(provider, headersText);
      this.#handle = m._llmux_decoder_new(providerLength, stream, status, headersLength, receivedAtMs);
    }
    feed(bytes) {
      return answer(m._llmux_decoder_feed(this.#handle, input(bytes)[0]));
    }
    finish() {
      return answer(m._llmux_decoder_finish(this.#handle));
    }
    delete() {
      m._llmux_decoder_delete(this.#handle);
    }
  }

  class Client {
    handle = m._llmux_client_new();
    #store = 0;
    /** Applies the options (JSON); `store` is a store object, or undefined for memory. */
    configure(optionsText, store) {
      if (store) stores.set((this.#store = nextStore++), store);
      return answer(m._llmux_client_configure(this.handle, input(optionsText)[0], this.#store));
    }
    models() {
      return answer(m._llmux_client_models(this.handle));
    }
    addModels(catalogText) {
      return answer(m._llmux_client_add_models(this.handle, input(catalogText)[0]));
    }
    resolve(name) {
      return answer(m._llmux_client_resolve(this.handle, input(name)[0]));
    }
    cost(name, usageText) {
      const [nameLength, usageLength] = input(name, usageText);
      return answer(m._llmux_client_cost(this.handle, nameLength, usageLength));
    }
    usage(group, fromMs, untilMs, user) {
      const [groupLength, userLength] = input(group, user);
      return answer(m._llmux_client_usage(this.handle, groupLength, fromMs, untilMs, userLength));
    }
    setBudget(scope, dollars) {
      const [scopeLength, dollarsLength] = input(scope, dollars);
      return answer(m._llmux_client_set_budget(this.handle, scopeLength, dollarsLength));
    }
    budget(scope, atMs) {
      return answer(m._llmux_client_budget(this.handle, input(scope)[0], atMs));
    }
    clearCache() {
      m._llmux_client_clear_cache(this.handle);
    }
    /** Frees the client; sessions still running keep what they share with it. */
    delete() {
      m._llmux_client_delete(this.handle);
      stores.delete(this.#store);
    }
  }

  // One call's session; each method answers what the session_binding.hpp method does.
  class Session {
    #handle;
    constructor(client, callText, withEvents, seed) {
      this.#handle = m._llmux_session_new(client.handle, input(callText)[0], withEvents, seed);
    }
    setupError() {
      return answer(m._llmux_session_setup_error(this.#handle));
    }
    step(now) {
      return answer(m._llmux_session_step(this.#handle, now));
    }
    head(status, headersText, now) {
      return answer(m._llmux_session_head(this.#handle, status, input(headersText)[0], now));
    }
    body(bytes, now) {
      return answer(m._llmux_session_body(this.#handle, input(bytes)[0], now));
    }
    end(now) {
      return answer(m._llmux_session_end(this.#handle, now));
    }
    response(status, headersText, bytes, now) {
      const [headersLength, bodyLength] = input(headersText, bytes);
      return answer(m._llmux_session_response(this.#handle, status, headersLength, bodyLength, now));
    }
    transportError(code, message, now) {
      const [codeLength, messageLength] = input(code, message);
      return answer(m._llmux_session_transport_error(this.#handle, codeLength, messageLength, now));
    }
    timer(now) {
      return answer(m._llmux_session_timer(this.#handle, now));
    }
    toolOutput(id, ok, content, durationMs) {
      const [idLength, contentLength] = input(id, content);
      m._llmux_session_tool_output(this.#handle, idLength, ok, contentLength, durationMs);
    }
    toolsDone(now) {
      return answer(m._llmux_session_tools_done(this.#handle, now));
    }
    cancel(now) {
      return answer(m._llmux_session_cancel(this.#handle, now));
    }
    finished() {
      return m._llmux_session_finished(this.#handle) !== 0;
    }
    result() {
      return answer(m._llmux_session_result(this.#handle));
    }
    delete() {
      m._llmux_session_delete(this.#handle);
    }
  }

  return {
    module: m,
    ResponseDecoder,
    Client,
    Session,
    decode(provider, stream, status, headersText, body, receivedAtMs) {
      const [providerLength, headersLength, bodyLength] = input(provider, headersText, body);
      return answer(m._llmux_decode(providerLength, stream, status, headersLength, bodyLength, receivedAtMs));
    },
    errorCodes: () => answer(m._llmux_error_codes()),
    heapBytesInUse: () => m._llmux_heap_bytes_in_use(),
    heapBytes: () => m.HEAPU8.length,
  };
}

/** Headers as the core reads them (boundary.hpp): name NUL value NUL, pair after pair. */
export function headersText(pairs) {
  let text = '';
  for (const [name, value] of pairs) text += `${name}\0${value}\0`;
  return text;
}
