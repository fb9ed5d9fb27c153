#include "js_store.hpp"

#include <emscripten/emscripten.h>

#include <cstddef>
#include <string>

namespace {

// What a store call answered, as llmux_js_store_call returns it. Text (a value, a listing,
// an error message) waits in JavaScript until take() copies it into the Wasm heap.
enum StoreAnswer : int {
  Done = 0,       ///< put, remove: done; get, list: the value or listing is waiting
  Absent = 1,     ///< get: no such key; remove: nothing was removed
  Failed = 2,     ///< the store failed: the message is waiting
  Malformed = 3,  ///< the store answered something of the wrong type
};
enum StoreMethod : int { Get = 0, Put = 1, Remove = 2, List = 3 };

} // namespace

// Calls method `method` (StoreMethod) of the store wasm/core.mjs registered as `handle`, with
// the key and, for put, the value (UTF-8 in the Wasm heap); returns a StoreAnswer. A listing
// waits as its keys joined by NUL: store keys hold no NUL (is_valid_store_key).
EM_JS(int, llmux_js_store_call,
      (int handle, int method, const char *key, std::size_t key_length, const char *value,
       std::size_t value_length),
      {
        const nul = String.fromCharCode(0); // no escapes: the body goes through JSON unescaped
        const wait = (text) => {
          Module.llmuxWaiting = Module.llmuxEncode(text);
        };
        try {
          const store = Module.llmuxStores.get(handle);
          const keyText = Module.llmuxDecode(key, key_length);
          const answer = method === 0 ? store.get(keyText)
            : method === 1 ? store.put(keyText, Module.llmuxDecode(value, value_length))
            : method === 2 ? store.remove(keyText) : store.list(keyText);
          if (answer !== null && typeof answer === 'object' && !Array.isArray(answer) && 'error' in answer) {
            wait(typeof answer.error === 'string' ? answer.error : 'failed');
            return 2;
          }
          if (method === 0) {
            if (answer === undefined || answer === null) return 1;
            if (typeof answer !== 'string') return 3;
            wait(answer);
            return 0;
          }
          if (method === 1) return 0;
          if (method === 2) return answer === true ? 0 : 1;
          if (!Array.isArray(answer) || !answer.every((item) => typeof item === 'string' && !item.includes(nul)))
            return 3;
          wait(answer.join(nul));
          return 0;
        } catch (error) {
          wait(String((error && error.message) || error));
          return 2;
        }
      });

// The length of the text waiting, in bytes.
EM_JS(std::size_t, llmux_js_store_waiting, (), { return Module.llmuxWaiting.length; });

// Copies the waiting text to `to` (llmux_js_store_waiting() bytes) and lets it go.
EM_JS(void, llmux_js_store_take, (char *to), {
  HEAPU8.set(Module.llmuxWaiting, to);
  Module.llmuxWaiting = null;
});

namespace llmux::wasm {
namespace {

Error storage_error(std::string_view what, std::string_view key, std::string message) {
  return make_error(ErrorCode::Storage, ErrorOrigin::Session,
                    std::string(what) + " " + std::string(key) + ": " + std::move(message));
}

Error invalid_key(std::string_view key) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    "invalid store key \"" + std::string(key) +
                        "\": expected segments of [a-z0-9._-] separated by '/'");
}

std::string take() {
  std::string text(llmux_js_store_waiting(), '\0');
  llmux_js_store_take(text.data());
  return text;
}

StoreAnswer call(int handle, StoreMethod method, std::string_view key,
                 std::string_view value = {}) {
  return static_cast<StoreAnswer>(
      llmux_js_store_call(handle, method, key.data(), key.size(), value.data(), value.size()));
}

} // namespace

Result<std::optional<std::string>> JsStore::get(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  switch (call(handle_, Get, key)) {
    case Done:
      return std::optional<std::string>(take());
    case Absent:
      return std::optional<std::string>();
    case Failed:
      return storage_error("reading", key, take());
    default:
      return storage_error("reading", key, "the store returned something that is not a string");
  }
}

Result<bool> JsStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  if (call(handle_, Put, key, value) == Failed)
    return storage_error("writing", key, take());
  return true;
}

Result<bool> JsStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  switch (call(handle_, Remove, key)) {
    case Done:
      return true;
    case Failed:
      return storage_error("removing", key, take());
    default:
      return false;
  }
}

Result<std::vector<std::string>> JsStore::list(std::string_view prefix) {
  if (!is_valid_store_prefix(prefix))
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "invalid store prefix \"" + std::string(prefix) + "\"");
  switch (call(handle_, List, prefix)) {
    case Done:
      break;
    case Failed:
      return storage_error("listing", prefix, take());
    default:
      return storage_error("listing", prefix,
                           "the store returned something that is not an array of keys");
  }
  const std::string joined = take();
  std::vector<std::string> keys;
  std::size_t start = 0;
  while (!joined.empty()) {
    const std::size_t end = joined.find('\0', start);
    keys.push_back(joined.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return keys;
}

} // namespace llmux::wasm
