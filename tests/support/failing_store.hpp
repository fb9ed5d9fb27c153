#pragma once
// A key-value store whose writes fail on demand, as a full disk or a refused IndexedDB
// transaction would: reads and listings go to a real MemoryStore underneath.

#include <llmux/key_value_store.hpp>

namespace llmux::testing {

class FailingStore final : public KeyValueStore {
public:
  Result<std::optional<std::string>> get(std::string_view key) override { return inner.get(key); }
  Result<void> put(std::string_view key, std::string_view value) override {
    if (fail)
      return make_error(ErrorCode::Storage, ErrorOrigin::Session, "disk full");
    return inner.put(key, value);
  }
  Result<Removed> remove(std::string_view key) override { return inner.remove(key); }
  Result<std::vector<std::string>> list(std::string_view prefix) override {
    return inner.list(prefix);
  }

  MemoryStore inner;
  bool fail = false; // while set, every put fails with storage "disk full"
};

} // namespace llmux::testing
