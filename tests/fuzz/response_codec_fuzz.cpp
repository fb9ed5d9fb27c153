// The response cache's stored bytes: any bytes decode to an entry or to bad_response, never a
// crash; an entry that decodes encodes again and reads back equal (the cache gives back what
// it stored); and the cache serving those bytes from a store returns exactly the decoded
// response while it has not expired, and otherwise misses and removes the entry.
//
// Input: the bytes of a stored entry, as found under cache/<2 hex>/<key>.json.

#include "fuzz_support.hpp"

#include "cache/response_codec.hpp"

#include <llmux/response_cache.hpp>

namespace {

// A key of the cache's shape; which one does not matter.
constexpr std::string_view key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view store_key =
    "cache/01/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.json";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char *>(data), size);

  auto decoded = llmux::decode_cache_entry(bytes);
  if (!decoded.ok())
    LLMUX_FUZZ_CHECK(decoded.error().code == llmux::ErrorCode::BadResponse);
  if (decoded.ok()) {
    auto encoded = llmux::encode_cache_entry(decoded.value());
    LLMUX_FUZZ_CHECK(encoded.ok()); // what JSON held is valid UTF-8: it encodes
    auto again = llmux::decode_cache_entry(encoded.value());
    LLMUX_FUZZ_CHECK(again.ok());
    LLMUX_FUZZ_CHECK(again.value() == decoded.value());
  }

  // The same bytes served by a cache, at a time before and after their expiry.
  for (std::int64_t now_ms : {std::int64_t{0}, std::int64_t{1'800'000'000'000}}) {
    llmux::MemoryStore store;
    LLMUX_FUZZ_CHECK(store.put(store_key, bytes).ok());
    llmux::ResponseCache cache(&store);
    auto hit = cache.get(key, now_ms);
    const bool fresh = decoded.ok() && now_ms < decoded.value().expires_at_ms;
    LLMUX_FUZZ_CHECK(hit.has_value() == fresh);
    if (hit)
      LLMUX_FUZZ_CHECK(*hit == decoded.value().response);
    // A miss removes what could not be served; a hit leaves it.
    LLMUX_FUZZ_CHECK(store.get(store_key).value().has_value() == fresh);
  }
  return 0;
}
