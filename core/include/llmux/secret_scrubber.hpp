#pragma once
/// Takes the caller's secrets (API keys) out of text that came from elsewhere: a provider's
/// error message can quote the key it refused (OpenAI's 401 says "Incorrect API key provided:
/// sk-proj-****...abcd"), and what llmux shows of it (an error, an event, a log line, a stack
/// trace) must not.

#include <llmux/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// What stands in a text where a secret was.
inline constexpr std::string_view redacted_secret = "[redacted]";

/// A set of secrets, and the scrubbing of texts against them. Holds the secrets: never print it.
class SecretScrubber {
public:
  /// Adds a secret. Secrets shorter than `min_secret_bytes` are ignored: replacing every "k"
  /// of a message would hide everything and protect nothing.
  void add(std::string_view secret);

  bool empty() const noexcept { return secrets_.empty(); }

  /// `text` with every secret, and every part of it that looks like one, replaced by
  /// `redacted_secret`. A "part" is a word (a run of letters, digits and `-_.*+/=`) that
  /// shares 8 consecutive bytes with a secret of 12 bytes or more ("sk-proj-" and a masked
  /// tail), or a masked word (with `*`) that starts with a secret's first 3 bytes or ends with
  /// its last 4.
  std::string scrub(std::string_view text) const;

  /// Scrubs every text of an error that a provider or the network could have filled.
  void scrub(Error &error) const;

  static constexpr std::size_t min_secret_bytes = 6;

private:
  bool looks_like_secret(std::string_view word) const;

  std::vector<std::string> secrets_;
};

} // namespace llmux
