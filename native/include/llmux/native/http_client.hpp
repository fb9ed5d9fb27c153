#pragma once
/// The native HTTP driver: performs one HttpRequest over libcurl and streams the answer to a
/// ResponseReceiver as it arrives. It knows nothing of providers or sessions: statuses and
/// bodies are the decoders' business, retries and fallbacks the session's.

#include <llmux/error.hpp>
#include <llmux/http.hpp>
#include <llmux/limits.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace llmux::native {

/// Receives a response as it arrives. Called on the thread that runs HttpClient::perform().
/// If a method throws, the transfer is abandoned (its connection closed) and the exception
/// leaves perform() unchanged: it is the receiver's, not the driver's.
class ResponseReceiver {
public:
  virtual ~ResponseReceiver() = default;
  /// Called once, before any body bytes: the final status (never a 1xx), the headers in the
  /// order they arrived, and received_at_ms, the wall clock when the head was complete.
  virtual void on_head(const HttpResponseHead &head) = 0;
  /// Body bytes as they arrive, decompressed if the server compressed them. The view is valid
  /// only during the call. When a call sets perform()'s CancelFlag, no more bytes come.
  virtual void on_body(std::string_view bytes) = 0;
};

/// Limits and trust for an HttpClient. A limit of 0 (or less) means "none", except
/// connect_timeout_ms where it means curl's own default (300 s). The defaults are the core's
/// (limits.hpp), which say why.
struct HttpClientOptions {
  /// Name resolution, TCP connect and TLS handshake together.
  std::int64_t connect_timeout_ms = 10'000;
  /// The longest time without a byte from the server (or a byte of the request body leaving),
  /// counted once connected: a provider that stalls, before its head or mid-stream, is given
  /// up on after this.
  std::int64_t idle_timeout_ms = default_idle_timeout_ms;
  /// The response, from its first byte to its last: a server that drips bytes just often
  /// enough to stay under the idle limit is given up on after this.
  std::int64_t response_timeout_ms = default_response_timeout_ms;
  /// The whole exchange, from perform() to the last body byte. 0: no limit.
  std::int64_t total_timeout_ms = 0;
  /// The most body bytes, after decompression, handed to a receiver: the transfer stops at
  /// the first byte past it.
  std::size_t max_body_bytes = max_stream_body_bytes;
  /// The most decompressed bytes per byte received, checked once
  /// decompression_ratio_floor_bytes came out: a decompression bomb stops there.
  std::uint64_t max_decompression_ratio = llmux::max_decompression_ratio;
  /// A PEM file of CA certificates trusted in addition to the system's (a private gateway's
  /// CA, the tests' self-signed certificate). Empty: the system's only. Read once, when the
  /// client is made; if it cannot be read, every perform() fails with invalid_argument.
  std::string ca_file;
};

/// A cancellation flag another thread, or a signal handler, may set: cancel() only stores to a
/// lock-free std::atomic<bool>, which is async-signal-safe. perform() notices within ~25 ms.
/// Setting it is final: make a new flag for the next call.
class CancelFlag {
public:
  /// A flag of its own. With a `parent`, it also reads as cancelled once the parent is: one
  /// exchange can then be abandoned on its own (cancel the child) or with everything else
  /// (cancel the parent). The parent must outlive the child.
  explicit CancelFlag(const CancelFlag *parent = nullptr) noexcept : parent_(parent) {}

  /// Asks every perform() watching this flag (or a child of it) to stop. Async-signal-safe;
  /// idempotent.
  void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  /// True once cancel() was called on this flag or on an ancestor.
  bool cancelled() const noexcept {
    return cancelled_.load(std::memory_order_relaxed) || (parent_ && parent_->cancelled());
  }

private:
  static_assert(std::atomic<bool>::is_always_lock_free,
                "a signal handler may only touch lock-free atomics");
  const CancelFlag *parent_;
  std::atomic<bool> cancelled_{false};
};

/// Performs HTTP exchanges over libcurl, one at a time, reusing connections across calls.
///
/// Thread-safety: none. Use one HttpClient per thread (it owns a curl multi handle, its
/// connection cache and an easy handle); only a CancelFlag may be touched from elsewhere.
///
/// What goes on the wire: the request's method, URL, headers and body, plus only what HTTP
/// framing needs (Host, Content-Length, and Accept-Encoding listing what curl can decompress).
/// curl's own defaults (`Accept: */*`, `Expect: 100-continue`, a form Content-Type) are never
/// sent. Redirects are not followed. Proxies come from the environment as curl reads them
/// (http_proxy, https_proxy, no_proxy...), except that loopback is never proxied.
///
/// Keys never leak: curl's verbose output is off, and error messages hold only curl's message
/// and the URL's scheme://host:port, scrubbed of the request's header values and query.
class HttpClient {
public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient &&) noexcept;
  HttpClient &operator=(HttpClient &&) noexcept;
  HttpClient(const HttpClient &) = delete;
  HttpClient &operator=(const HttpClient &) = delete;

  /// Sends `request` and streams the answer into `receiver` until the body ends, at the
  /// latest by `deadline_ms` (the wall clock of now_ms(); 0: no deadline). Returns nothing on
  /// success: any HTTP status is a success here (statuses are the decoder's business).
  /// Otherwise an Error with origin Network and code
  /// - `network`: refused, reset, DNS, TLS, or the body cut short; the message says which,
  ///   with curl's words;
  /// - `timeout`: the connect, idle, response or total limit or the deadline passed; the
  ///   message says which and how long;
  /// - `cancelled`: `cancel` was set (before or during the call);
  /// - `bad_response` (origin Decoder): the body passed max_body_bytes or
  ///   max_decompression_ratio; the message names the limit.
  /// A failure after on_head means the body was cut short: the receiver has what arrived, and
  /// the error's http_status is the head's status.
  /// A request whose URL curl cannot use, or whose header holds a line break, fails before
  /// anything is sent with `invalid_argument` (origin Caller).
  std::optional<Error> perform(const HttpRequest &request, ResponseReceiver &receiver,
                               const CancelFlag *cancel = nullptr, std::int64_t deadline_ms = 0);

private:
  struct Handles;
  HttpClientOptions options_;
  std::unique_ptr<Handles> handles_;
};

} // namespace llmux::native
