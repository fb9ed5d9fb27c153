#pragma once
// A KeyValueStore whose values live in JavaScript (wasm/storage.mjs): an in-memory map that
// the browser's store mirrors to IndexedDB, or any store the caller gives createClient. The
// calls are synchronous: JavaScript keeps every value in memory and persists in the
// background, so the core's ledger and cache work unchanged.
//
// The JavaScript side never throws into Wasm (a throw would unwind the Wasm frames without
// running destructors): each method returns its value, or {error: "message"} on failure.

#include <llmux/key_value_store.hpp>

#include <emscripten/val.h>

namespace llmux::wasm {

class JsStore final : public KeyValueStore {
public:
  /// `store` has get(key) -> string | undefined, put(key, value), remove(key) -> boolean and
  /// list(prefix) -> string[], each of which may return {error} instead.
  explicit JsStore(emscripten::val store) : store_(std::move(store)) {}

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<bool> put(std::string_view key, std::string_view value) override;
  Result<bool> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;

private:
  emscripten::val store_;
};

} // namespace llmux::wasm
