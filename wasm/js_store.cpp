#include "js_store.hpp"

#include <cstddef>
#include <string>

namespace {

// What a store call answered, as llmux_store_call returns it. Text (a value, a listing, an
// error message) waits in JavaScript until take() copies it into the Wasm heap.
enum StoreAnswer : int {
  Done = 0,       ///< put, remove: done; get, list: the value or listing is waiting
  Absent = 1,     ///< get: no such key; remove: nothing was removed
  Failed = 2,     ///< the store failed: the message is waiting
  Malformed = 3,  ///< the store answered something of the wrong type
};
enum StoreMethod : int { Get = 0, Put = 1, Remove = 2, List = 3, Append = 4 };

} // namespace

// The store functions wasm/core.mjs provides (imports of the module). llmux_store_call calls
// method `method` (StoreMethod) of the store it registered as `handle`, with the key and, for
// put and append, the value (UTF-8 in the Wasm heap), and returns a StoreAnswer; text it answers (a
// value, a listing as its keys joined by NUL, an error message) waits there: its length is
// llmux_store_waiting(), and llmux_store_take copies it to `to` and lets it go.
#define LLMUX_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
extern "C" {
LLMUX_IMPORT(llmux_store_call)
int llmux_store_call(int handle, int method, const char *key, std::size_t key_length,
                     const char *value, std::size_t value_length);
LLMUX_IMPORT(llmux_store_waiting) std::size_t llmux_store_waiting();
LLMUX_IMPORT(llmux_store_take) void llmux_store_take(char *to);
}
#undef LLMUX_IMPORT

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
  std::string text(llmux_store_waiting(), '\0');
  llmux_store_take(text.data());
  return text;
}

StoreAnswer call(int handle, StoreMethod method, std::string_view key,
                 std::string_view value = {}) {
  return static_cast<StoreAnswer>(
      llmux_store_call(handle, method, key.data(), key.size(), value.data(), value.size()));
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

Result<void> JsStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  if (call(handle_, Put, key, value) == Failed)
    return storage_error("writing", key, take());
  return {};
}

Result<void> JsStore::append(std::string_view key, std::string_view bytes) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  if (call(handle_, Append, key, bytes) == Failed)
    return storage_error("writing", key, take());
  return {};
}

Result<Removed> JsStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  switch (call(handle_, Remove, key)) {
    case Done:
      return Removed::Yes;
    case Failed:
      return storage_error("removing", key, take());
    default:
      return Removed::No;
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
