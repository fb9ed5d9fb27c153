#pragma once
// A KeyValueStore whose values live in JavaScript (wasm/storage.mjs): an in-memory map that
// the browser's store mirrors to IndexedDB, or any store the caller gives createClient. The
// calls are synchronous: JavaScript keeps every value in memory and persists in the
// background, so the core's ledger and cache work unchanged.
//
// The store is reached through JavaScript functions the module imports (js_store.cpp):
// wasm/core.mjs numbers each client's store and provides them. They never throw into Wasm (a
// throw would unwind the Wasm frames without running destructors): a store method's throw or
// {error} answer becomes a `storage` error.

#include <llmux/key_value_store.hpp>

namespace llmux::wasm {

class JsStore final : public KeyValueStore {
public:
  /// The store wasm/core.mjs registered as `handle`: get(key) -> string | undefined,
  /// put(key, value), append(key, value), remove(key) -> boolean and list(prefix) ->
  /// string[], each of which may return {error} instead. Only the new bytes of an append
  /// cross into JavaScript (wasm/storage.mjs joins them there when a store has no append).
  explicit JsStore(int handle) : handle_(handle) {}

  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<void> put(std::string_view key, std::string_view value) override;
  Result<void> append(std::string_view key, std::string_view bytes) override;
  Result<Removed> remove(std::string_view key) override;
  Result<std::vector<std::string>> list(std::string_view prefix) override;

private:
  int handle_;
};

} // namespace llmux::wasm
