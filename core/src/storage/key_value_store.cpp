#include <llmux/key_value_store.hpp>

namespace llmux {
namespace {

bool is_key_character(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// A whole segment: the name of a file or folder. "." and ".." would leave the store's root
// in a file store, so no store accepts them.
bool is_valid_segment(std::string_view segment) noexcept {
  if (segment.empty() || segment.size() > max_store_key_segment_bytes)
    return false;
  if (segment == "." || segment == "..")
    return false;
  for (char c : segment)
    if (!is_key_character(c))
      return false;
  return true;
}

} // namespace

bool is_valid_store_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > max_store_key_bytes)
    return false;
  while (true) {
    std::size_t slash = key.find('/');
    if (!is_valid_segment(key.substr(0, slash)))
      return false;
    if (slash == std::string_view::npos)
      return true;
    key.remove_prefix(slash + 1);
  }
}

bool is_valid_store_prefix(std::string_view prefix) noexcept {
  if (prefix.size() > max_store_key_bytes)
    return false;
  std::size_t last_slash = prefix.rfind('/');
  if (last_slash != std::string_view::npos) {
    // Everything up to the last '/' is a folder: a valid key.
    if (!is_valid_store_key(prefix.substr(0, last_slash)))
      return false;
    prefix.remove_prefix(last_slash + 1);
  }
  // The start of a segment: any key characters, so "cache/." and "led" are fine.
  for (char c : prefix)
    if (!is_key_character(c))
      return false;
  return true;
}

Result<void> KeyValueStore::append(std::string_view key, std::string_view bytes) {
  auto value = get(key);
  if (!value.ok())
    return std::move(value).error();
  std::string joined = std::move(value).value().value_or(std::string());
  joined.append(bytes);
  return put(key, joined);
}

Error invalid_store_key(std::string_view key) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    "invalid store key \"" + std::string(key) +
                        "\": expected segments of [a-z0-9._-] separated by '/'");
}

Error invalid_store_prefix(std::string_view prefix) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller,
                    "invalid store key prefix \"" + std::string(prefix) + "\"");
}

} // namespace llmux
