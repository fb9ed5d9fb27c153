// SecretScrubber::scrub on any text with any secrets: no secret survives, no piece of one
// that the scrubber promises to take out survives, a text that holds none comes out as it
// went in, valid UTF-8 stays valid, and an Error's fields are scrubbed each as a text is.
//
// Input: [control][secret]... [text]. The control byte's low 2 bits are how many secrets (0
// to 3) follow; each is a length byte (its value modulo 48) and that many bytes. Bit 2 set
// keeps the secrets' bytes as they are (any bytes: only "never aborts" and the UTF-8 promise
// are checked); clear maps each byte that API keys are not made of ([A-Za-z0-9_-]) onto one
// they are, for which every promise is checked. The rest is the text.

#include "fuzz_support.hpp"

#include <llmux/secret_scrubber.hpp>

#include <string>
#include <vector>

namespace {

using llmux::SecretScrubber;

constexpr std::string_view key_bytes =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The output without its redaction markers: what is left of the text around them. A secret
// may be spelt by the marker itself ("edacted" is a secret like any other): only the text
// around the markers must not hold one.
std::string without_markers(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t found = text.find(llmux::redacted_secret); found != std::string_view::npos;
       found = text.find(llmux::redacted_secret, at)) {
    out.append(text.substr(at, found - at));
    out += '\x01'; // in no secret: a marker splits what is on either side of it
    at = found + llmux::redacted_secret.size();
  }
  out.append(text.substr(at));
  return out;
}

// Whether `text` holds an 8-byte piece of `secret`.
bool holds_piece(std::string_view text, std::string_view secret) {
  for (std::size_t at = 0; at + 8 <= secret.size(); ++at)
    if (text.find(secret.substr(at, 8)) != std::string_view::npos)
      return true;
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  llmux::fuzz::Input in(data, size);
  const std::uint8_t control = in.byte();
  const bool key_shaped = (control & 4) == 0;
  std::vector<std::string> secrets;
  SecretScrubber scrubber;
  for (int i = 0; i < (control & 3); ++i) {
    std::string secret(in.take(in.byte() % 48));
    if (key_shaped)
      for (char &byte : secret)
        if (key_bytes.find(byte) == std::string_view::npos)
          byte = key_bytes[static_cast<std::uint8_t>(byte) % key_bytes.size()];
    scrubber.add(secret);
    if (secret.size() >= SecretScrubber::min_secret_bytes)
      secrets.push_back(std::move(secret));
  }
  const std::string_view text = in.rest();
  const std::string out = scrubber.scrub(text);

  if (llmux::is_valid_utf8(text))
    LLMUX_FUZZ_CHECK(llmux::is_valid_utf8(out));
  if (secrets.empty())
    LLMUX_FUZZ_CHECK(out == text);

  llmux::Error error = llmux::make_error(llmux::ErrorCode::AuthFailed, llmux::ErrorOrigin::Provider,
                                         std::string(text));
  error.hint = std::string(text);
  error.provider_type = std::string(text);
  scrubber.scrub(error);
  LLMUX_FUZZ_CHECK(error.message == out && error.hint == out && error.provider_type == out);

  if (!key_shaped)
    return 0;
  const std::string left = without_markers(out);
  bool holds_any = false;
  for (const std::string &secret : secrets) {
    // No secret survives, whole or, for a secret of 12 bytes or more, in 8-byte pieces.
    LLMUX_FUZZ_CHECK(left.find(secret) == std::string::npos);
    if (secret.size() >= 12)
      LLMUX_FUZZ_CHECK(!holds_piece(left, secret));
    holds_any = holds_any || text.find(secret) != std::string_view::npos ||
                (secret.size() >= 12 && holds_piece(text, secret));
  }
  // A text without a secret, a piece of one or a masked word ('*') is left as it is.
  if (!holds_any && text.find('*') == std::string_view::npos)
    LLMUX_FUZZ_CHECK(out == text);
  return 0;
}
