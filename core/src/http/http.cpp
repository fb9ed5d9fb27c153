#include <llmux/http.hpp>

#include "json/json.hpp"

namespace llmux {

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z')
      x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y)
      return false;
  }
  return true;
}

namespace {
std::optional<std::string_view> find_header(const std::vector<Header> &headers,
                                            std::string_view name) {
  for (const Header &header : headers)
    if (equals_ignore_case(header.name, name))
      return std::string_view(header.value);
  return std::nullopt;
}
} // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string_view> HttpResponseHead::header(std::string_view name) const {
  return find_header(headers, name);
}

std::span<const std::string_view> response_header_names() noexcept {
  static constexpr std::string_view names[] = {
      "content-type",                                      // adapter.cpp
      "retry-after-ms", "retry-after",                     // http/retry_after.cpp
      "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
      "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "x-ratelimit-reset",
      "x-request-id", "request-id", "apim-request-id",     // http/provider_error.cpp
  };
  return names;
}

bool is_secret_header(std::string_view name) noexcept {
  for (std::string_view secret : {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                  "x-goog-api-key", "cookie", "ocp-apim-subscription-key"})
    if (equals_ignore_case(name, secret))
      return true;
  return false;
}

HttpRequest HttpRequest::redacted() const {
  HttpRequest copy = *this;
  for (Header &header : copy.headers)
    if (is_secret_header(header.name))
      header.value = "[redacted]";
  return copy;
}

std::string redacted_json(const HttpRequest &request) {
  HttpRequest printable = request.redacted();
  json::Value headers = json::Value::array();
  for (Header &header : printable.headers)
    headers.push_back(json::Value::array({std::move(header.name), std::move(header.value)}));
  json::Value out = json::Value::object({{"method", printable.method},
                                         {"url", printable.url},
                                         {"headers", std::move(headers)},
                                         {"body", printable.body},
                                         {"stream", printable.stream}});
  return json::dump(out);
}

} // namespace llmux
