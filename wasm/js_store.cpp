#include "js_store.hpp"

#include <string>

namespace llmux::wasm {
namespace {

using emscripten::val;

Error storage_error(std::string_view what, std::string_view key, std::string message) {
  return make_error(ErrorCode::Storage, ErrorOrigin::Session,
                    std::string(what) + " " + std::string(key) + ": " + std::move(message));
}

Error invalid_key(std::string_view key) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    "invalid store key \"" + std::string(key) +
                        "\": expected segments of [a-z0-9._-] separated by '/'");
}

// The {error} a JavaScript store method returned instead of its value, if it did.
std::optional<std::string> error_of(const val &answer) {
  if (!answer.isNull() && !answer.isUndefined() && answer.typeOf().as<std::string>() == "object" &&
      !answer.isArray()) {
    val message = answer["error"];
    if (!message.isUndefined())
      return message.isString() ? message.as<std::string>() : std::string("failed");
  }
  return std::nullopt;
}

} // namespace

Result<std::optional<std::string>> JsStore::get(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  val answer = store_.call<val>("get", std::string(key));
  if (auto error = error_of(answer))
    return storage_error("reading", key, *error);
  if (answer.isString())
    return std::optional<std::string>(answer.as<std::string>());
  if (answer.isUndefined() || answer.isNull())
    return std::optional<std::string>();
  return storage_error("reading", key, "the store returned something that is not a string");
}

Result<bool> JsStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  val answer = store_.call<val>("put", std::string(key), std::string(value));
  if (auto error = error_of(answer))
    return storage_error("writing", key, *error);
  return true;
}

Result<bool> JsStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_key(key);
  val answer = store_.call<val>("remove", std::string(key));
  if (auto error = error_of(answer))
    return storage_error("removing", key, *error);
  return answer.isTrue();
}

Result<std::vector<std::string>> JsStore::list(std::string_view prefix) {
  if (!is_valid_store_prefix(prefix))
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "invalid store prefix \"" + std::string(prefix) + "\"");
  val answer = store_.call<val>("list", std::string(prefix));
  if (auto error = error_of(answer))
    return storage_error("listing", prefix, *error);
  if (!answer.isArray())
    return storage_error("listing", prefix, "the store returned something that is not an array");
  std::vector<std::string> keys;
  const unsigned count = answer["length"].as<unsigned>();
  keys.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    val key = answer[i];
    if (!key.isString())
      return storage_error("listing", prefix, "the store listed a key that is not a string");
    keys.push_back(key.as<std::string>());
  }
  return keys;
}

} // namespace llmux::wasm
