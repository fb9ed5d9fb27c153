#pragma once
// SHA-256 (FIPS 180-4), for the response cache's keys. Written here because the core has no
// dependencies and must build to Wasm; it is not meant for secrets (no constant-time care is
// needed: it hashes requests, never keys).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmux {

/// An incremental SHA-256: update() with any split of the message, then digest() once.
class Sha256 {
public:
  using Digest = std::array<std::uint8_t, 32>;

  /// Appends `bytes` to the message.
  void update(std::string_view bytes) noexcept;
  /// The digest of everything appended. Finishes the hash: call update() no more after it
  /// (a second digest() returns the same value).
  Digest digest() noexcept;

private:
  void compress(const std::uint8_t *block) noexcept;

  std::array<std::uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
  bool finished_ = false;
  Digest digest_{};
};

/// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

/// `digest` as lowercase hex.
std::string to_hex(const Sha256::Digest &digest);

} // namespace llmux
