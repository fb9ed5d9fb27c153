#pragma once
/// HTTP requests and response heads as values: the core builds them, drivers send them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

struct Header {
  std::string name;
  std::string value;
};

/// A request for a driver to send. Holds credentials in its headers: print it only through
/// `redacted()`.
struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<Header> headers;
  std::string body;
  /// True when the response is a stream the driver should feed as it arrives.
  bool stream = false;

  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;

  /// A printable copy: secret header values (see is_secret_header) become "[redacted]".
  HttpRequest redacted() const;
};

/// The status and headers of a response, and the time it arrived (Unix epoch milliseconds,
/// needed to turn a Retry-After HTTP date into a delay; 0 when unknown).
struct HttpResponseHead {
  int status = 200;
  std::vector<Header> headers;
  std::int64_t received_at_ms = 0;

  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
};

/// Every response header the core reads, lowercase: content-type, the retry hints and the
/// request id. A driver for which each header handed over has a cost may hand over only
/// these (the Wasm package's: iterating a fetch Response's headers in Node builds every
/// name's and value's strings); tests/conformance checks that a response decodes the same
/// with only these as with all of its headers.
std::span<const std::string_view> response_header_names() noexcept;

/// The request as JSON ({"method", "url", "headers": [[name, value]...], "body", "stream"})
/// with secret header values redacted: the only form in which a request should be printed.
std::string redacted_json(const HttpRequest &request);

/// True for headers that carry credentials (Authorization, x-api-key, api-key, ...).
bool is_secret_header(std::string_view name) noexcept;

/// ASCII case-insensitive equality, as HTTP header names compare.
bool equals_ignore_case(std::string_view a, std::string_view b) noexcept;

} // namespace llmux
