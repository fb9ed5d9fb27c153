#include <llmux/secret_scrubber.hpp>

#include <algorithm>

namespace llmux {
namespace {

bool is_word_byte(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '*' || c == '+' || c == '/' || c == '=';
}

bool is_continuation_byte(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

// Whether `word` and `secret` share `length` consecutive bytes.
bool shares_run(std::string_view word, std::string_view secret, std::size_t length) {
  if (word.size() < length || secret.size() < length)
    return false;
  for (std::size_t at = 0; at + length <= secret.size(); ++at)
    if (word.find(secret.substr(at, length)) != std::string_view::npos)
      return true;
  return false;
}

} // namespace

void SecretScrubber::add(std::string_view secret) {
  if (secret.size() < min_secret_bytes)
    return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end())
    return;
  // Longest first: a secret that contains another is replaced whole. Inserted in its place,
  // which keeps the order without a sort (whose instantiation cost the module 2.6 KB).
  auto shorter = std::find_if(secrets_.begin(), secrets_.end(),
                              [&](const std::string &held) { return held.size() < secret.size(); });
  secrets_.emplace(shorter, secret);
}

bool SecretScrubber::looks_like_secret(std::string_view word) const {
  const bool masked = word.find('*') != std::string_view::npos;
  for (const std::string &secret : secrets_) {
    if (secret.size() >= 12 && shares_run(word, secret, 8))
      return true;
    if (masked && word.size() >= 7 &&
        (word.substr(0, 3) == std::string_view(secret).substr(0, 3) ||
         (word.size() >= 4 && secret.size() >= 4 &&
          word.substr(word.size() - 4) == std::string_view(secret).substr(secret.size() - 4))))
      return true;
  }
  return false;
}

std::string SecretScrubber::scrub(std::string_view text) const {
  if (secrets_.empty())
    return std::string(text);
  // Whole secrets first, wherever they are (inside a URL, a JSON string, glued to words). A
  // secret that is not UTF-8 text may match inside a character: the characters it touches go
  // with it, so that valid UTF-8 stays valid.
  std::string whole(text);
  for (const std::string &secret : secrets_)
    for (std::size_t at = whole.find(secret); at != std::string::npos;
         at = whole.find(secret, at + redacted_secret.size())) {
      std::size_t end = at + secret.size();
      while (at > 0 && is_continuation_byte(whole[at]))
        --at;
      while (end < whole.size() && is_continuation_byte(whole[end]))
        ++end;
      whole.replace(at, end - at, redacted_secret);
    }
  // Then the words that carry a part of one.
  std::string out;
  out.reserve(whole.size());
  for (std::size_t at = 0; at < whole.size();) {
    if (!is_word_byte(whole[at])) {
      out += whole[at++];
      continue;
    }
    std::size_t end = at;
    while (end < whole.size() && is_word_byte(whole[end]))
      ++end;
    while (end > at + 1 && whole[end - 1] == '.') // a sentence's full stop is not the word's
      --end;
    const std::string_view word(whole.data() + at, end - at);
    if (looks_like_secret(word))
      out += redacted_secret;
    else
      out += word;
    at = end;
  }
  return out;
}

void SecretScrubber::scrub(Error &error) const {
  if (secrets_.empty())
    return;
  for (std::string *text : {&error.message, &error.hint, &error.provider_type,
                            &error.provider_code, &error.param, &error.request_id})
    *text = scrub(*text);
}

} // namespace llmux
