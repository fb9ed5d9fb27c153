#include <llmux/key_value_store.hpp>

namespace llmux {

Result<std::optional<std::string>> MemoryStore::get(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  auto found = values_.find(key);
  if (found == values_.end())
    return std::optional<std::string>();
  return std::optional<std::string>(found->second);
}

Result<void> MemoryStore::put(std::string_view key, std::string_view value) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  // A file store cannot hold "a" and "a/b" at once (a file is not a folder); refusing it here
  // too keeps code tested against memory honest about files.
  for (std::size_t slash = key.find('/'); slash != std::string_view::npos;
       slash = key.find('/', slash + 1)) {
    if (values_.count(key.substr(0, slash)))
      return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                        "store key \"" + std::string(key) + "\" lies under \"" +
                            std::string(key.substr(0, slash)) + "\", which holds a value");
  }
  std::string folder = std::string(key) + '/';
  auto after = values_.lower_bound(folder);
  if (after != values_.end() && after->first.compare(0, folder.size(), folder) == 0)
    return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                      "store key \"" + std::string(key) + "\" is a folder of other keys");
  auto found = values_.find(key);
  if (found != values_.end())
    found->second.assign(value);
  else
    values_.emplace(std::string(key), std::string(value));
  return {};
}

Result<void> MemoryStore::append(std::string_view key, std::string_view bytes) {
  auto found = values_.find(key); // an invalid key is never found, and put refuses it
  if (found == values_.end())
    return put(key, bytes);
  found->second.append(bytes);
  return {};
}

Result<Removed> MemoryStore::remove(std::string_view key) {
  if (!is_valid_store_key(key))
    return invalid_store_key(key);
  auto found = values_.find(key);
  if (found == values_.end())
    return Removed::No;
  values_.erase(found);
  return Removed::Yes;
}

Result<std::vector<std::string>> MemoryStore::list(std::string_view prefix) {
  if (!is_valid_store_prefix(prefix))
    return invalid_store_prefix(prefix);
  std::vector<std::string> keys;
  for (auto it = values_.lower_bound(prefix);
       it != values_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    keys.push_back(it->first);
  return keys;
}

} // namespace llmux
