#pragma once
// A key-value store that counts its writes, over a real MemoryStore: how many puts and
// appends a caller made, and so whether a value that grows is handed over whole each time.
// Its appends can fail on demand after writing half of their bytes, as a full disk or a
// crash cuts an append.

#include <llmux/key_value_store.hpp>

#include <cstddef>

namespace llmux::testing {

class CountingStore final : public KeyValueStore {
public:
  Result<std::optional<std::string>> get(std::string_view key) override { return inner.get(key); }
  Result<void> put(std::string_view key, std::string_view value) override {
    ++puts;
    return inner.put(key, value);
  }
  Result<void> append(std::string_view key, std::string_view bytes) override {
    ++appends;
    if (!cut_appends)
      return inner.append(key, bytes);
    auto half = inner.append(key, bytes.substr(0, bytes.size() / 2));
    if (!half.ok())
      return half;
    return make_error(ErrorCode::Storage, ErrorOrigin::Session, "disk full");
  }
  Result<Removed> remove(std::string_view key) override { return inner.remove(key); }
  Result<std::vector<std::string>> list(std::string_view prefix) override {
    return inner.list(prefix);
  }

  MemoryStore inner;
  std::size_t puts = 0;
  std::size_t appends = 0;
  bool cut_appends = false; // while set, an append writes half its bytes and fails
};

} // namespace llmux::testing
