// The native HTTP driver over libcurl's multi interface.
//
// Theory of operation. perform() configures the client's one easy handle afresh
// (curl_easy_reset keeps the handle's caches), adds it to the client's multi handle and drives
// it with curl_multi_perform / curl_multi_poll until curl reports the transfer done or one of
// our own limits passes. curl's callbacks feed a Transfer: header lines become the
// HttpResponseHead, handed over once at the blank line ending a final (non-1xx) head; body
// bytes go straight to the receiver, already decompressed by curl. Connections live in the
// multi handle's cache between calls, so a second request to the same host reuses the first
// one's connection; a transfer we abandon mid-way (timeout, cancel) is removed from the multi
// handle, which closes its connection rather than reuse one in an unknown state.
//
// Timing. The connect limit is curl's own (CURLOPT_CONNECTTIMEOUT_MS is millisecond-precise
// and covers name resolution, TCP and TLS). The idle, response and total limits and the
// caller's deadline are ours, on the steady clock: CURLOPT_LOW_SPEED_* counts whole seconds,
// too coarse for a 300 ms idle limit. The idle clock starts when curl has a connection ready
// for the request (CURLOPT_PREREQFUNCTION) and restarts at every byte in either direction;
// the response clock starts at the response's first header line. The poll loop wakes at the
// nearest of them and, when there is a cancel flag, at least every cancel_check_interval,
// because a flag set from a signal handler cannot wake curl_multi_poll.
//
// Sizes. curl decompresses what the server compressed (CURLOPT_ACCEPT_ENCODING) as it
// arrives; the write callback counts what comes out and stops the transfer at the first byte
// past max_body_bytes, or once the decompressed bytes outnumber the bytes received
// (CURLINFO_SIZE_DOWNLOAD_T counts them before decoding) by more than the ratio limit. A
// cancel flag set while a receiver handles bytes stops the transfer there too: a session that
// gave up on a body (one past its own limit) gets no more of it.
//
// Keys. Errors are written from curl's error buffer and the URL's scheme://host:port only,
// then scrubbed of every header value and the URL's query and credentials in case curl ever
// echoed one. CURLOPT_VERBOSE stays off (its default; curl_easy_reset restores it).

#include <llmux/native/environment.hpp>
#include <llmux/native/http_client.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace llmux::native {

namespace {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

/// How often perform() looks at a CancelFlag: a flag cannot wake curl_multi_poll, so this is
/// the longest a cancellation waits to be noticed (the contract promises ~50 ms).
constexpr Milliseconds cancel_check_interval{25};

/// How long one curl_multi_poll may sleep when nothing else bounds it: curl wakes it on socket
/// activity and on its own timers anyway; this only bounds a missed wake-up.
constexpr Milliseconds longest_poll{1000};

/// Hosts never sent through a proxy, whatever the environment says: the tests' servers and
/// local model servers (Ollama, vLLM) live there.
constexpr std::string_view loopback_hosts = "127.0.0.1,localhost,::1";

/// Header values and URL parts shorter than this are not scrubbed from error messages: "1" or
/// "json" would mangle curl's words, and a credential is never that short.
constexpr std::size_t shortest_scrubbed_value = 8;

/// curl_global_init exactly once per process. A function-local static is initialised
/// thread-safely; curl_global_cleanup is never called because other code in the process (or a
/// second HttpClient) may still use curl until exit.
CURLcode global_init() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  return result;
}

Error network_error(ErrorCode code, std::string message) {
  return make_error(code, ErrorOrigin::Network, std::move(message));
}

Error caller_error(std::string message) {
  return make_error(ErrorCode::InvalidArgument, ErrorOrigin::Caller, std::move(message));
}

/// The parts of a URL an error may show, and the parts it must never show.
struct UrlParts {
  std::string origin;              ///< scheme://host:port
  std::vector<std::string> secret; ///< the query, user and password, when present
};

std::string url_part(CURLU *url, CURLUPart part, unsigned flags = 0) {
  char *text = nullptr;
  std::string copy;
  if (curl_url_get(url, part, &text, flags) == CURLUE_OK && text)
    copy = text;
  curl_free(text);
  return copy;
}

Result<UrlParts> split_url(const std::string &text) {
  CURLU *url = curl_url();
  if (!url)
    return network_error(ErrorCode::Network, "libcurl could not allocate a URL");
  CURLUcode parsed = curl_url_set(url, CURLUPART_URL, text.c_str(), 0);
  UrlParts parts;
  std::string scheme = url_part(url, CURLUPART_SCHEME);
  if (parsed == CURLUE_OK) {
    parts.origin = scheme + "://" + url_part(url, CURLUPART_HOST) + ":" +
                   url_part(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    for (CURLUPart part : {CURLUPART_QUERY, CURLUPART_USER, CURLUPART_PASSWORD})
      if (std::string secret = url_part(url, part); !secret.empty())
        parts.secret.push_back(std::move(secret));
  }
  curl_url_cleanup(url);
  // The URL itself is not quoted: its query may hold a key (Gemini's ?key=).
  if (parsed != CURLUE_OK)
    return caller_error(std::string("the request's URL cannot be parsed: ") +
                        curl_url_strerror(parsed));
  // The one guard on the scheme (CURLOPT_PROTOCOLS_STR would need curl 7.85): redirects are
  // not followed, so this URL is the only one curl fetches.
  if (scheme != "http" && scheme != "https")
    return caller_error("the request's URL is not http or https: " + scheme);
  return parts;
}

/// Replaces every occurrence of `secret` in `text`.
void scrub(std::string &text, std::string_view secret) {
  constexpr std::string_view redacted = "[redacted]";
  // The search resumes after the replacement, which may itself contain the secret.
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + redacted.size()))
    text.replace(at, secret.size(), redacted);
}

/// True when `value` holds CR or LF (which would start a header line of its own) or NUL
/// (which would end curl's C string early).
bool has_line_break(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

/// RFC 9110 token characters: what a method or a header name may be made of.
bool is_token(std::string_view text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  return true;
}

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos)
    return {};
  return std::string(text.substr(begin, text.find_last_not_of(" \t") - begin + 1));
}

/// The system's CA bundle followed by `ca_file`: given to curl as one blob, so that `ca_file`
/// adds to the system's trust instead of replacing it (CURLOPT_CAINFO would replace it).
Result<std::string> trust_bundle(const std::string &ca_file) {
  std::ifstream extra(ca_file, std::ios::binary);
  if (!extra)
    return caller_error("the CA file " + ca_file + " cannot be read");
  std::ostringstream bundle;
  if (const char *system = curl_version_info(CURLVERSION_NOW)->cainfo; system)
    if (std::ifstream in(system, std::ios::binary); in)
      bundle << in.rdbuf() << '\n';
  bundle << extra.rdbuf();
  return bundle.str();
}

/// no_proxy as curl would read it from the environment, plus loopback. CURLOPT_NOPROXY
/// replaces the environment's list, hence the copy.
std::string no_proxy_list() {
  const char *environment = std::getenv("no_proxy");
  if (!environment || !*environment)
    environment = std::getenv("NO_PROXY");
  std::string list = environment ? environment : "";
  if (list == "*")
    return list;
  if (!list.empty())
    list += ',';
  return list += loopback_hosts;
}

/// What curl's callbacks know about the exchange under way.
struct Transfer {
  Transfer(ResponseReceiver &to, CURL *handle, const HttpClientOptions &limits,
           const CancelFlag *flag, const std::string &from)
      : receiver(to), easy(handle), options(limits), cancel(flag), origin(from) {}

  ResponseReceiver &receiver;
  CURL *easy;
  const HttpClientOptions &options;
  const CancelFlag *cancel;
  const std::string &origin; ///< scheme://host:port, for messages
  HttpResponseHead head;
  bool head_delivered = false;
  bool connected = false;
  Clock::time_point last_activity = Clock::now();
  std::optional<Clock::time_point> response_started;
  curl_off_t uploaded_bytes = 0;
  curl_off_t downloaded_bytes = 0; ///< as received, before decompression
  std::size_t body_bytes = 0;      ///< decompressed
  /// Why a callback stopped the transfer: a size limit, or the cancel flag.
  std::optional<Error> stopped;
  /// What a receiver threw, to be rethrown once curl is out of the way.
  std::exception_ptr receiver_failure;

  void deliver_head() {
    head_delivered = true;
    head.received_at_ms = now_ms();
    receiver.on_head(head);
  }

  /// The error when the body decompressed so far is past a size limit.
  std::optional<Error> size_limit_passed() const {
    auto too_large = [this](const std::string &why) {
      return make_error(ErrorCode::BadResponse, ErrorOrigin::Decoder,
                        "the response from " + origin + " is too large: " + why);
    };
    if (options.max_body_bytes > 0 && body_bytes > options.max_body_bytes)
      return too_large("its body passed max_body_bytes (" +
                       std::to_string(options.max_body_bytes) + " bytes, decompressed)");
    if (options.max_decompression_ratio > 0 && body_bytes > decompression_ratio_floor_bytes) {
      curl_off_t received = 0;
      curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &received);
      if (body_bytes / options.max_decompression_ratio >= static_cast<std::uint64_t>(received))
        return too_large("it decompressed to more than " +
                         std::to_string(options.max_decompression_ratio) +
                         " times the bytes received (max_decompression_ratio)");
    }
    return std::nullopt;
  }
};

std::size_t on_header_line(char *data, std::size_t size, std::size_t count, void *user) {
  auto &transfer = *static_cast<Transfer *>(user);
  std::size_t length = size * count;
  transfer.last_activity = Clock::now();
  if (!transfer.response_started)
    transfer.response_started = transfer.last_activity;
  if (transfer.head_delivered)
    return length; // trailers after a chunked body: not part of the head
  std::string_view line(data, length);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  try {
    if (line.substr(0, 5) == "HTTP/") {
      // A new status line: a final head, or another interim one (100 Continue, 103 Early
      // Hints) whose headers are dropped.
      transfer.head = {};
      std::size_t space = line.find(' ');
      if (space != std::string_view::npos)
        transfer.head.status = std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    } else if (line.empty()) {
      if (transfer.head.status >= 200)
        transfer.deliver_head();
    } else if (line.front() == ' ' || line.front() == '\t') {
      // An obsolete folded continuation line (RFC 9112 section 5.2): part of the last value.
      if (!transfer.head.headers.empty())
        transfer.head.headers.back().value.append(" ").append(trim(line));
    } else if (std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      transfer.head.headers.push_back(
          {std::string(line.substr(0, colon)), trim(line.substr(colon + 1))});
    }
  } catch (...) {
    transfer.receiver_failure = std::current_exception();
    return 0; // any count but `length` makes curl abandon the transfer
  }
  return length;
}

std::size_t on_body_bytes(char *data, std::size_t size, std::size_t count, void *user) {
  auto &transfer = *static_cast<Transfer *>(user);
  std::size_t length = size * count;
  // Any count but `length` makes curl abandon the transfer.
  const std::size_t abandon = length == 0 ? 1 : 0;
  transfer.last_activity = Clock::now();
  transfer.body_bytes += length;
  if ((transfer.stopped = transfer.size_limit_passed()))
    return abandon;
  try {
    if (!transfer.head_delivered)
      transfer.deliver_head();
    if (length > 0)
      transfer.receiver.on_body(std::string_view(data, length));
  } catch (...) {
    transfer.receiver_failure = std::current_exception();
    return abandon;
  }
  if (transfer.cancel && transfer.cancel->cancelled()) {
    transfer.stopped = network_error(ErrorCode::Cancelled,
                                     "cancelled during the exchange with " + transfer.origin);
    return abandon;
  }
  return length;
}

int on_progress(void *user, curl_off_t, curl_off_t downloaded_bytes, curl_off_t,
                curl_off_t uploaded_bytes) {
  auto &transfer = *static_cast<Transfer *>(user);
  if (uploaded_bytes > transfer.uploaded_bytes || downloaded_bytes > transfer.downloaded_bytes) {
    transfer.uploaded_bytes = std::max(transfer.uploaded_bytes, uploaded_bytes);
    transfer.downloaded_bytes = std::max(transfer.downloaded_bytes, downloaded_bytes);
    transfer.last_activity = Clock::now();
  }
  return 0;
}

int on_connection_ready(void *user, char *, char *, int, int) {
  auto &transfer = *static_cast<Transfer *>(user);
  transfer.connected = true;
  transfer.last_activity = Clock::now();
  return CURL_PREREQFUNC_OK;
}

/// The request's headers in curl's form, plus empty "Name:" entries that stop curl adding its
/// defaults. A header with an empty value is written "Name;", curl's way to send it empty.
curl_slist *header_list(const HttpRequest &request) {
  curl_slist *list = nullptr;
  auto append = [&list](const std::string &line) {
    curl_slist *longer = curl_slist_append(list, line.c_str());
    if (!longer) {
      curl_slist_free_all(list);
      return false;
    }
    list = longer;
    return true;
  };
  for (const Header &header : request.headers)
    if (!append(header.value.empty() ? header.name + ";" : header.name + ": " + header.value))
      return nullptr;
  // Accept: */* and a form Content-Type are curl's guesses; Expect: 100-continue costs a round
  // trip on large bodies and some servers mishandle it.
  for (const char *unwanted : {"Accept", "Content-Type", "Expect"})
    if (!request.header(unwanted) && !append(std::string(unwanted) + ":"))
      return nullptr;
  return list;
}

/// A request curl must not send: a method or header name that is not a token, or a header
/// value holding a line break (which would start a header of its own). Values are not quoted.
std::optional<Error> check_method_and_headers(const HttpRequest &request) {
  if (!is_token(request.method))
    return caller_error("the request's method is not an HTTP token");
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    const Header &header = request.headers[i];
    if (!is_token(header.name))
      return caller_error("the request's header #" + std::to_string(i + 1) +
                          " has a malformed name");
    if (has_line_break(header.value))
      return caller_error("the request's header " + header.name + " holds a line break");
  }
  return std::nullopt;
}

/// Sets every option of one exchange on a freshly reset handle. False if curl refused one (a
/// libcurl too old for this driver).
bool configure(CURL *easy, const HttpRequest &request, curl_slist *headers, Transfer &transfer,
               char *error_buffer, const std::string &no_proxy, const std::string &trust,
               std::int64_t connect_timeout_ms) {
  bool configured =
      curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str()) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
      // "": every encoding this libcurl can decode; it inflates as bytes arrive, so a gzip
      // stream still reaches the receiver piece by piece.
      curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                       static_cast<long>(std::max<std::int64_t>(connect_timeout_ms, 0))) ==
          CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_NOPROXY, no_proxy.c_str()) == CURLE_OK &&
      // Through an HTTPS proxy, the proxy's "200 Connection established" is not our head.
      curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L) == CURLE_OK &&
      // Long streams sit quiet between events; keepalive stops middleboxes dropping them.
      curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header_line) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body_bytes) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, on_connection_ready) == CURLE_OK &&
      curl_easy_setopt(easy, CURLOPT_PREREQDATA, &transfer) == CURLE_OK;
  if (!configured)
    return false;
  if (!trust.empty()) {
    // curl copies nothing here (NOCOPY): the bundle lives as long as the client.
    curl_blob blob{const_cast<char *>(trust.data()), trust.size(), CURL_BLOB_NOCOPY};
    if (curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob) != CURLE_OK)
      return false;
  }
  if (request.method == "HEAD")
    return curl_easy_setopt(easy, CURLOPT_NOBODY, 1L) == CURLE_OK;
  if (request.method == "GET" && request.body.empty())
    return curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L) == CURLE_OK;
  // The body is sent from the request itself (no copy): it outlives the transfer.
  if (!request.body.empty() || request.method == "POST")
    configured = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                                  static_cast<curl_off_t>(request.body.size())) == CURLE_OK &&
                 curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data()) == CURLE_OK;
  if (configured && request.method != "POST")
    configured = curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str()) == CURLE_OK;
  return configured;
}

/// How a failed transfer is reported: its code and what went wrong, in words that come
/// before the origin and curl's own message.
struct Failure {
  ErrorCode code = ErrorCode::Network;
  std::string what;
  /// True when the operating system's reason (errno) says more than curl ("refused").
  bool system_error = false;
};

Failure classify(CURLcode result, std::int64_t connect_timeout_ms) {
  switch (result) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {ErrorCode::Network, "name resolution failed"};
    case CURLE_COULDNT_CONNECT:
      return {ErrorCode::Network, "connection failed", true};
    case CURLE_OPERATION_TIMEDOUT:
      // The only curl timer set is the connect one: the idle and total limits are ours.
      return {ErrorCode::Timeout,
              "connect timeout: no connection within " +
                  std::to_string(std::max<std::int64_t>(connect_timeout_ms, 0)) + " ms"};
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return {ErrorCode::Network, "TLS failed"};
    case CURLE_GOT_NOTHING:
      return {ErrorCode::Network, "the server closed the connection without answering"};
    case CURLE_PARTIAL_FILE:
      return {ErrorCode::Network, "the connection closed before the body's end"};
    case CURLE_RECV_ERROR:
      return {ErrorCode::Network, "receiving failed", true};
    case CURLE_SEND_ERROR:
      return {ErrorCode::Network, "sending failed", true};
    // The URL's scheme was checked before sending: "unsupported protocol" here is a reply in
    // no HTTP version curl accepts (an HTTP/0.9-like answer).
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return {ErrorCode::Network, "the server's reply is not valid HTTP"};
    case CURLE_BAD_CONTENT_ENCODING:
      return {ErrorCode::Network, "the body could not be decompressed"};
    default:
      return {ErrorCode::Network, "the exchange failed"};
  }
}

} // namespace

/// The client's curl handles and what it computed once from its options.
struct HttpClient::Handles {
  CURLM *multi = nullptr;
  CURL *easy = nullptr;
  /// Why no request can be performed (curl failed to initialise, the CA file is unreadable).
  std::optional<Error> broken;
  std::string no_proxy;
  std::string trust; ///< the system bundle plus options.ca_file; empty when there is no ca_file
  char error_buffer[CURL_ERROR_SIZE] = {};

  Handles() = default;
  Handles(const Handles &) = delete;
  Handles &operator=(const Handles &) = delete;
  ~Handles() {
    if (multi)
      curl_multi_cleanup(multi);
    if (easy)
      curl_easy_cleanup(easy);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), handles_(std::make_unique<Handles>()) {
  Handles &handles = *handles_;
  if (CURLcode init = global_init(); init != CURLE_OK) {
    handles.broken = network_error(ErrorCode::Network, std::string("libcurl failed to start: ") +
                                                           curl_easy_strerror(init));
    return;
  }
  handles.multi = curl_multi_init();
  handles.easy = curl_easy_init();
  if (!handles.multi || !handles.easy) {
    handles.broken = network_error(ErrorCode::Network, "libcurl could not allocate its handles");
    return;
  }
  handles.no_proxy = no_proxy_list();
  if (!options_.ca_file.empty()) {
    auto bundle = trust_bundle(options_.ca_file);
    if (bundle.ok())
      handles.trust = std::move(bundle).value();
    else
      handles.broken = bundle.error();
  }
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient &&) noexcept = default;
HttpClient &HttpClient::operator=(HttpClient &&) noexcept = default;

std::optional<Error> HttpClient::perform(const HttpRequest &request, ResponseReceiver &receiver,
                                         const CancelFlag *cancel, std::int64_t deadline_ms) {
  if (!handles_)
    return caller_error("this HttpClient was moved from");
  Handles &handles = *handles_;
  if (handles.broken)
    return handles.broken;
  auto url = split_url(request.url);
  if (!url.ok())
    return url.error();
  const std::string &origin = url.value().origin;
  if (cancel && cancel->cancelled())
    return network_error(ErrorCode::Cancelled, "cancelled before sending to " + origin);
  if (auto malformed = check_method_and_headers(request))
    return malformed;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(header_list(request),
                                                                      curl_slist_free_all);
  if (!headers)
    return network_error(ErrorCode::Network, "libcurl could not allocate the request's headers");

  // The deadline on the steady clock: what is left of it now, from now.
  const Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (deadline_ms > 0) {
    deadline = start + Milliseconds(deadline_ms - now_ms());
    if (*deadline <= start)
      return network_error(ErrorCode::Timeout,
                           "the call's deadline passed before sending to " + origin);
  }

  CURL *easy = handles.easy;
  Transfer transfer(receiver, easy, options_, cancel, origin);
  curl_easy_reset(easy);
  handles.error_buffer[0] = '\0';
  if (!configure(easy, request, headers.get(), transfer, handles.error_buffer, handles.no_proxy,
                 handles.trust, options_.connect_timeout_ms))
    return network_error(ErrorCode::Network,
                         "this libcurl lacks an option the driver needs (7.80 or newer)");
  if (CURLMcode added = curl_multi_add_handle(handles.multi, easy); added != CURLM_OK)
    return network_error(ErrorCode::Network,
                         std::string("libcurl failed: ") + curl_multi_strerror(added));

  const Milliseconds idle_limit{options_.idle_timeout_ms};
  const Milliseconds response_limit{options_.response_timeout_ms};
  const Milliseconds total_limit{options_.total_timeout_ms};
  std::optional<CURLcode> finished;
  std::optional<Error> failure;
  while (!finished && !failure) {
    int running = 0;
    CURLMcode progressed = curl_multi_perform(handles.multi, &running);
    int queued = 0;
    while (CURLMsg *message = curl_multi_info_read(handles.multi, &queued))
      if (message->msg == CURLMSG_DONE && message->easy_handle == easy)
        finished = message->data.result;
    if (finished || transfer.receiver_failure || transfer.stopped)
      break;
    if (progressed != CURLM_OK) {
      failure = network_error(ErrorCode::Network,
                              std::string("libcurl failed: ") + curl_multi_strerror(progressed));
      break;
    }

    Clock::time_point now = Clock::now();
    Clock::time_point wake = now + longest_poll;
    if (cancel) {
      if (cancel->cancelled()) {
        failure =
            network_error(ErrorCode::Cancelled, "cancelled during the exchange with " + origin);
        break;
      }
      wake = std::min(wake, now + cancel_check_interval);
    }
    // A limit that ends at `ends`: passed, it fails the exchange with what `message` says.
    auto passed = [&](Clock::time_point ends, auto message) {
      if (now < ends) {
        wake = std::min(wake, ends);
        return false;
      }
      failure = network_error(ErrorCode::Timeout, message());
      return true;
    };
    auto ms = [](Milliseconds limit) { return std::to_string(limit.count()) + " ms"; };
    if (total_limit.count() > 0 && passed(start + total_limit, [&] {
          return "total timeout: " + origin + " did not finish within " + ms(total_limit);
        }))
      break;
    if (deadline && passed(*deadline, [&] {
          return "the call's deadline passed during the exchange with " + origin;
        }))
      break;
    if (response_limit.count() > 0 && transfer.response_started &&
        passed(*transfer.response_started + response_limit, [&] {
          return "response timeout: the response from " + origin + " took longer than " +
                 ms(response_limit);
        }))
      break;
    if (idle_limit.count() > 0 && transfer.connected &&
        passed(transfer.last_activity + idle_limit,
               [&] { return "idle timeout: nothing from " + origin + " for " + ms(idle_limit); }))
      break;
    // Rounded up, so that the loop never wakes just short of a deadline and spins.
    auto wait = std::chrono::ceil<Milliseconds>(wake - now);
    CURLMcode polled =
        curl_multi_poll(handles.multi, nullptr, 0,
                        static_cast<int>(std::max<std::int64_t>(wait.count(), 0)), nullptr);
    if (polled != CURLM_OK)
      failure = network_error(ErrorCode::Network,
                              std::string("libcurl failed: ") + curl_multi_strerror(polled));
  }
  // Removing an unfinished transfer closes its connection; a finished one stays cached.
  curl_multi_remove_handle(handles.multi, easy);
  if (transfer.receiver_failure)
    std::rethrow_exception(transfer.receiver_failure);
  if (transfer.stopped)
    failure = std::move(transfer.stopped);
  else if (finished && *finished == CURLE_OK)
    return std::nullopt;

  if (finished && !failure) {
    Failure reason = classify(*finished, options_.connect_timeout_ms);
    std::string detail =
        handles.error_buffer[0] ? handles.error_buffer : curl_easy_strerror(*finished);
    if (reason.system_error) {
      long os_errno = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
      std::string system = std::generic_category().message(static_cast<int>(os_errno));
      if (os_errno != 0 && detail.find(system) == std::string::npos)
        detail += " (" + system + ")";
    }
    failure =
        network_error(reason.code, (transfer.head_delivered ? "the body was cut short: " : "") +
                                       reason.what + " (" + origin + "): " + detail);
  }
  for (const Header &header : request.headers)
    if (header.value.size() >= shortest_scrubbed_value)
      scrub(failure->message, header.value);
  for (const std::string &secret : url.value().secret)
    if (secret.size() >= shortest_scrubbed_value)
      scrub(failure->message, secret);
  if (transfer.head_delivered)
    failure->http_status = transfer.head.status;
  return failure;
}

} // namespace llmux::native
