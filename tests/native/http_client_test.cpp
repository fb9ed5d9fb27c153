// The native HTTP driver against real servers on loopback: a scripted HTTP/1.1 server and
// `openssl s_server` for TLS. No assertion reads a clock: where a limit must fire before the
// server gives up, the server records whether the client left first.

#include "loopback_server.hpp"
#include "tls_file_server.hpp"

#include <llmux/native/http_client.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

using llmux::ErrorCode;
using llmux::ErrorOrigin;
using llmux::Header;
using llmux::HttpRequest;
using llmux::HttpResponseHead;
using llmux::native::CancelFlag;
using llmux::native::HttpClient;
using llmux::native::HttpClientOptions;
using llmux::native::ResponseReceiver;
using namespace llmux::testing;

namespace {

/// How long a stalling server holds on: far longer than any limit a test sets, so that a
/// client that ends the exchange early is seen to leave before the stall ends.
constexpr int long_stall_ms = 30'000;

/// Generous bound on waiting for the server to finish its script after the client returned.
constexpr int server_done_ms = 10'000;

/// Keeps everything it is given; optionally calls `on_chunk` after each body piece.
struct Recorder : ResponseReceiver {
  int heads = 0;
  HttpResponseHead head;
  std::vector<std::string> pieces;
  std::function<void(const std::string &)> on_chunk;

  void on_head(const HttpResponseHead &received) override {
    ++heads;
    head = received;
  }
  void on_body(std::string_view bytes) override {
    pieces.emplace_back(bytes);
    if (on_chunk)
      on_chunk(pieces.back());
  }
  std::string body() const {
    std::string all;
    for (const std::string &piece : pieces)
      all += piece;
    return all;
  }
};

HttpRequest get(std::string url) {
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  return request;
}

/// The values of every header named `name` (case-insensitive), in order.
std::vector<std::string> values(const ReceivedRequest &request, std::string_view name) {
  std::vector<std::string> found;
  for (const Header &header : request.headers)
    if (llmux::equals_ignore_case(header.name, name))
      found.push_back(header.value);
  return found;
}

/// A loopback port nobody listens on: bound, then closed, so connecting is refused.
int refused_port() {
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(probe, reinterpret_cast<sockaddr *>(&address), sizeof address);
  ::getsockname(probe, reinterpret_cast<sockaddr *>(&address), &length);
  ::close(probe);
  return ntohs(address.sin_port);
}

/// A loopback listener whose accept queue is full, so a new connection's SYN is dropped and
/// connecting hangs: a way to make a connect timeout without leaving loopback. Linux drops a
/// SYN when the queue holds more than `backlog` connections; backlog 0 holds one.
struct UnansweredListener {
  int listener = -1;
  std::vector<int> fillers;
  int port = 0;

  UnansweredListener() {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::listen(listener, 0);
    ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length);
    port = ntohs(address.sin_port);
    for (int i = 0; i < 2; ++i) {
      int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(filler, reinterpret_cast<sockaddr *>(&address), sizeof address);
      fillers.push_back(filler);
    }
  }
  ~UnansweredListener() {
    for (int filler : fillers)
      ::close(filler);
    ::close(listener);
  }
};

/// Sets (or, with nullptr, unsets) an environment variable for a scope, then restores it.
struct ScopedEnvironment {
  std::string name;
  std::optional<std::string> saved;

  ScopedEnvironment(const char *variable, const char *value) : name(variable) {
    if (const char *old = std::getenv(variable))
      saved = old;
    if (value)
      ::setenv(variable, value, 1);
    else
      ::unsetenv(variable);
  }
  ~ScopedEnvironment() {
    if (saved)
      ::setenv(name.c_str(), saved->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

} // namespace

TEST_CASE("HTTP client passes the status, headers and body through", "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\n"
                      "Content-Type: application/json\r\n"
                      "X-Request-Id: req-123\r\n"
                      "Content-Length: 11\r\n"
                      "\r\n"
                      "{\"ok\":true}")});
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/v1/models")), receiver);

  REQUIRE_FALSE(error);
  CHECK(receiver.heads == 1);
  CHECK(receiver.head.status == 200);
  CHECK(receiver.head.header("content-type") == "application/json");
  CHECK(receiver.head.header("X-Request-Id") == "req-123");
  CHECK(receiver.head.received_at_ms > 1'600'000'000'000); // a wall clock, not a steady one
  CHECK(receiver.body() == "{\"ok\":true}");
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].method == "GET");
  CHECK(server.requests()[0].target == "/v1/models");
}

TEST_CASE("HTTP client returns a non-2xx response as a success for the decoder to judge",
          "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 429 Too Many Requests\r\n"
                      "Retry-After: 7\r\n"
                      "Content-Length: 33\r\n"
                      "\r\n"
                      "{\"error\":{\"type\":\"rate_limited\"}}")});
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE_FALSE(error);
  CHECK(receiver.head.status == 429);
  CHECK(receiver.head.header("retry-after") == "7");
  CHECK(receiver.body() == "{\"error\":{\"type\":\"rate_limited\"}}");
}

TEST_CASE("HTTP client skips an interim 100 Continue head", "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 100 Continue\r\n"
                      "X-Interim: yes\r\n"
                      "\r\n"
                      "HTTP/1.1 201 Created\r\n"
                      "Content-Length: 2\r\n"
                      "\r\n"
                      "ok")});
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE_FALSE(error);
  CHECK(receiver.heads == 1);
  CHECK(receiver.head.status == 201);
  CHECK_FALSE(receiver.head.header("x-interim"));
  CHECK(receiver.body() == "ok");
}

TEST_CASE("HTTP client delivers a stream piece by piece before the server has finished",
          "[http_client][stream]") {
  LoopbackServer server;
  // The rest is sent only once the test has seen the first piece: a client that buffered the
  // whole body would leave the server waiting until its release gave up.
  server.script({send("HTTP/1.1 200 OK\r\n"
                      "Content-Type: text/event-stream\r\n"
                      "Transfer-Encoding: chunked\r\n"
                      "\r\n" +
                      http_chunk("data: one\n\n")),
                 await_release(), send(http_chunk("data: two\n\n")), pause_ms(50),
                 send(http_chunk("data: [DONE]\n\n") + http_chunk(""))});
  HttpClient client;
  Recorder receiver;
  receiver.on_chunk = [&](const std::string &) { server.release(); };
  HttpRequest request = get(server.url("/stream"));
  request.stream = true;
  auto error = client.perform(request, receiver);

  REQUIRE_FALSE(error);
  CHECK(server.releases_timed_out() == 0);
  REQUIRE(receiver.pieces.size() >= 2);
  CHECK(receiver.pieces[0] == "data: one\n\n");
  CHECK(receiver.body() == "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
}

TEST_CASE("HTTP client inflates a gzip stream as it arrives", "[http_client][stream]") {
  // gzip of "data: one\n\n", flushed (Z_SYNC_FLUSH) so that it inflates on its own, then the
  // rest of the gzip stream holding "data: two\n\n" (made with Python's zlib, wbits 31).
  const std::string first_part("\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x4a\x49\x2c\x49\xb4"
                               "\x52\xc8\xcf\x4b\xe5\xe2\x02\x00\x00\x00\xff\xff",
                               27);
  const std::string second_part(
      "\x4b\x01\x33\x4b\xca\xf3\xb9\xb8\x00\xa2\x0d\x4a\x3f\x16\x00\x00\x00", 17);
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\n"
                      "Content-Encoding: gzip\r\n"
                      "Transfer-Encoding: chunked\r\n"
                      "\r\n" +
                      http_chunk(first_part)),
                 await_release(), send(http_chunk(second_part) + http_chunk(""))});
  HttpClient client;
  Recorder receiver;
  receiver.on_chunk = [&](const std::string &) { server.release(); };
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE_FALSE(error);
  CHECK(server.releases_timed_out() == 0);
  REQUIRE(receiver.pieces.size() >= 2);
  CHECK(receiver.pieces[0] == "data: one\n\n");
  CHECK(receiver.body() == "data: one\n\ndata: two\n\n");
  auto accepted = values(server.requests().at(0), "accept-encoding");
  REQUIRE(accepted.size() == 1);
  CHECK_THAT(accepted[0], Catch::Contains("gzip"));
}

TEST_CASE("HTTP client sends the request's method, headers and body exactly", "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")});
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")});
  server.script({send("HTTP/1.1 204 No Content\r\n\r\n")});
  HttpClient client;

  SECTION("a POST with a JSON body and no Accept header") {
    HttpRequest request;
    request.url = server.url("/v1/chat/completions?api-version=2024-06-01");
    request.headers = {{"Content-Type", "application/json"},
                       {"Authorization", "Bearer sk-test-not-a-key"},
                       {"X-Empty", ""},
                       {"anthropic-version", "2023-06-01"}};
    // Over curl's 1 MiB threshold for Expect: 100-continue, to prove it is suppressed.
    request.body = "{\"messages\":\"" + std::string(1'100'000, 'a') + "\"}";
    Recorder receiver;
    REQUIRE_FALSE(client.perform(request, receiver));

    REQUIRE(server.requests().size() == 1);
    const ReceivedRequest got = server.requests()[0];
    CHECK(got.method == "POST");
    CHECK(got.target == "/v1/chat/completions?api-version=2024-06-01");
    CHECK(got.body == request.body);
    CHECK(values(got, "content-type") == std::vector<std::string>{"application/json"});
    CHECK(values(got, "authorization") == std::vector<std::string>{"Bearer sk-test-not-a-key"});
    CHECK(values(got, "x-empty") == std::vector<std::string>{""});
    CHECK(values(got, "anthropic-version") == std::vector<std::string>{"2023-06-01"});
    CHECK(values(got, "content-length") ==
          std::vector<std::string>{std::to_string(request.body.size())});
    CHECK(values(got, "expect").empty());
    CHECK(values(got, "accept").empty());
    CHECK(values(got, "user-agent").empty());
    CHECK(values(got, "transfer-encoding").empty());
    // Nothing but the request's headers and what framing needs.
    std::vector<std::string> names;
    for (const Header &header : got.headers)
      names.push_back(header.name);
    CHECK(names == std::vector<std::string>{"Host", "Accept-Encoding", "Content-Type",
                                            "Authorization", "X-Empty", "anthropic-version",
                                            "Content-Length"});
  }
  SECTION("a GET with its own Accept header") {
    HttpRequest request = get(server.url("/api/tags"));
    request.headers = {{"Accept", "text/event-stream"}};
    Recorder receiver;
    REQUIRE_FALSE(client.perform(request, receiver));
    const ReceivedRequest got = server.requests().at(0);
    CHECK(got.method == "GET");
    CHECK(got.body.empty());
    CHECK(values(got, "accept") == std::vector<std::string>{"text/event-stream"});
    CHECK(values(got, "content-length").empty());
  }
  SECTION("a DELETE without a body") {
    HttpRequest request;
    request.method = "DELETE";
    request.url = server.url("/v1/files/file-1");
    Recorder receiver;
    REQUIRE_FALSE(client.perform(request, receiver));
    const ReceivedRequest got = server.requests().at(0);
    CHECK(got.method == "DELETE");
    CHECK(got.target == "/v1/files/file-1");
    CHECK(got.body.empty());
  }
}

TEST_CASE("HTTP client reuses its connection for the next request", "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")});
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond")});
  HttpClient client;
  Recorder first, second;
  REQUIRE_FALSE(client.perform(get(server.url("/1")), first));
  REQUIRE_FALSE(client.perform(get(server.url("/2")), second));

  CHECK(first.body() == "first");
  CHECK(second.body() == "second");
  CHECK(server.connections() == 1);
  REQUIRE(server.requests().size() == 2);
  CHECK(server.requests()[1].connection == 1);
}

TEST_CASE("HTTP client never sends loopback requests through the environment's proxy",
          "[http_client]") {
  // A proxy that refuses every connection: a request sent through it would fail.
  std::string dead_proxy = "http://127.0.0.1:" + std::to_string(refused_port());
  ScopedEnvironment http_proxy("http_proxy", dead_proxy.c_str());
  // Another host's exemption: loopback must be added to the environment's list, not replace it.
  ScopedEnvironment no_proxy("no_proxy", "example.com");
  ScopedEnvironment no_proxy_upper("NO_PROXY", nullptr);
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect")});
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  INFO((error ? error->message : std::string()));
  REQUIRE_FALSE(error);
  CHECK(receiver.body() == "direct");
}

TEST_CASE("HTTP client waits for a slow head within the idle limit", "[http_client]") {
  LoopbackServer server;
  server.script({pause_ms(150), send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow")});
  HttpClientOptions options;
  options.idle_timeout_ms = 5'000;
  HttpClient client(options);
  Recorder receiver;
  REQUIRE_FALSE(client.perform(get(server.url("/")), receiver));
  CHECK(receiver.body() == "slow");
}

TEST_CASE("HTTP client reports a refused connection as network", "[http_client][errors]") {
  int port = refused_port();
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get("http://127.0.0.1:" + std::to_string(port) + "/"), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Network);
  CHECK(error->origin == ErrorOrigin::Network);
  CHECK(error->http_status == 0);
  CHECK_THAT(error->message, Catch::Contains("connection failed") && Catch::Contains("refused") &&
                                 Catch::Contains("http://127.0.0.1:" + std::to_string(port)));
  CHECK(receiver.heads == 0);
}

TEST_CASE("HTTP client gives up on a server that stops sending mid-stream",
          "[http_client][errors]") {
  LoopbackServer server;
  server.script(
      {send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + http_chunk("data: one\n\n")),
       stall_ms(long_stall_ms), close_connection()});
  HttpClientOptions options;
  options.idle_timeout_ms = 300;
  HttpClient client(options);
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK(error->origin == ErrorOrigin::Network);
  CHECK(error->http_status == 200);
  CHECK_THAT(error->message, Catch::Contains("idle timeout") && Catch::Contains("300 ms"));
  CHECK(receiver.body() == "data: one\n\n");
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client gives up on a server that never sends a head", "[http_client][errors]") {
  LoopbackServer server;
  server.script({stall_ms(long_stall_ms), close_connection()});
  HttpClientOptions options;
  options.idle_timeout_ms = 300;
  HttpClient client(options);
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK(error->http_status == 0);
  CHECK(receiver.heads == 0);
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client enforces the total limit on a stream that keeps trickling",
          "[http_client][errors]") {
  LoopbackServer server;
  std::vector<ResponseStep> trickle = {
      send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")};
  // A byte every 50 ms for far longer than the total limit: the idle limit never fires.
  for (int i = 0; i < 400; ++i) {
    trickle.push_back(send(http_chunk(":")));
    trickle.push_back(stall_ms(50));
  }
  server.script(trickle);
  HttpClientOptions options;
  options.idle_timeout_ms = 5'000;
  options.total_timeout_ms = 400;
  HttpClient client(options);
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK_THAT(error->message, Catch::Contains("total timeout") && Catch::Contains("400 ms"));
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client reports a connect timeout", "[http_client][errors]") {
  UnansweredListener listener;
  HttpClientOptions options;
  options.connect_timeout_ms = 200;
  HttpClient client(options);
  Recorder receiver;
  auto error =
      client.perform(get("http://127.0.0.1:" + std::to_string(listener.port) + "/"), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK_THAT(error->message, Catch::Contains("connect timeout") && Catch::Contains("200 ms"));
}

TEST_CASE("HTTP client stops when another thread cancels mid-stream", "[http_client][errors]") {
  LoopbackServer server;
  server.script(
      {send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + http_chunk("data: one\n\n")),
       stall_ms(long_stall_ms), close_connection()});
  HttpClient client; // the default idle limit (120 s) is far beyond the stall
  CancelFlag cancel;
  std::mutex mutex;
  std::condition_variable seen;
  bool first_piece = false;
  Recorder receiver;
  receiver.on_chunk = [&](const std::string &) {
    std::lock_guard lock(mutex);
    first_piece = true;
    seen.notify_all();
  };
  std::thread canceller([&] {
    std::unique_lock lock(mutex);
    seen.wait(lock, [&] { return first_piece; });
    cancel.cancel();
  });
  auto error = client.perform(get(server.url("/")), receiver, &cancel);
  canceller.join();

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Cancelled);
  CHECK(error->origin == ErrorOrigin::Network);
  CHECK(receiver.body() == "data: one\n\n");
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("A cancel flag reads as cancelled once its parent is", "[http_client]") {
  CancelFlag parent;
  CancelFlag child(&parent);
  CancelFlag sibling(&parent);
  CHECK_FALSE(child.cancelled());
  child.cancel();
  CHECK(child.cancelled());
  CHECK_FALSE(parent.cancelled()); // a child's cancel stays its own
  CHECK_FALSE(sibling.cancelled());
  parent.cancel();
  CHECK(sibling.cancelled());
}

TEST_CASE("HTTP client stops when a parent flag is cancelled mid-stream", "[http_client][errors]") {
  LoopbackServer server;
  server.script(
      {send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + http_chunk("data: one\n\n")),
       stall_ms(long_stall_ms), close_connection()});
  HttpClient client;
  CancelFlag everything;
  CancelFlag exchange(&everything);
  Recorder receiver;
  // The receiver runs on perform()'s thread: cancelling from there is the simplest "elsewhere".
  receiver.on_chunk = [&](const std::string &) { everything.cancel(); };
  auto error = client.perform(get(server.url("/")), receiver, &exchange);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Cancelled);
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client sends nothing when cancelled before the call", "[http_client][errors]") {
  LoopbackServer server;
  CancelFlag cancel;
  cancel.cancel();
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver, &cancel);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Cancelled);
  CHECK(server.connections() == 0);
}

TEST_CASE("HTTP client reports a connection reset mid-body as network, keeping what arrived",
          "[http_client][errors]") {
  LoopbackServer server;
  // The reset waits until the first bytes were delivered: a reset overtaking unread bytes
  // would make what "arrived" depend on timing.
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"), await_release(),
                 reset_connection()});
  HttpClient client;
  Recorder receiver;
  receiver.on_chunk = [&](const std::string &) { server.release(); };
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Network);
  CHECK(error->http_status == 200);
  CHECK_THAT(error->message, Catch::Contains("cut short") && Catch::Contains("reset"));
  CHECK(receiver.heads == 1);
  CHECK(receiver.body() == "0123456789");
}

TEST_CASE("HTTP client reports a body closed short as network, keeping what arrived",
          "[http_client][errors]") {
  LoopbackServer server;
  server.script(
      {send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"), close_connection()});
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Network);
  CHECK_THAT(error->message, Catch::Contains("cut short"));
  CHECK(receiver.body() == "0123456789");
}

TEST_CASE("HTTP client error messages hold no header value and no query string",
          "[http_client][errors][secrets]") {
  const std::string header_key = "FAKE-HEADER-KEY-0123456789";
  const std::string query_key = "FAKE-QUERY-KEY-9876543210";
  LoopbackServer server;
  HttpClientOptions options;
  options.idle_timeout_ms = 300;
  HttpClient client(options);
  HttpRequest request;
  request.headers = {{"x-goog-api-key", header_key}, {"Authorization", "Bearer " + header_key}};
  request.body = "{}";
  std::string target = "/v1beta/models/gemini:generateContent?key=" + query_key;

  SECTION("refused") {
    request.url = "http://127.0.0.1:" + std::to_string(refused_port()) + target;
  }
  SECTION("cut short") {
    request.url = server.url(target);
    server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"), close_connection()});
  }
  SECTION("idle timeout") {
    request.url = server.url(target);
    server.script({stall_ms(long_stall_ms), close_connection()});
  }
  Recorder receiver;
  auto error = client.perform(request, receiver);

  REQUIRE(error);
  CHECK_THAT(error->message, !Catch::Contains("FAKE") && !Catch::Contains("key=") &&
                                 !Catch::Contains("generateContent") &&
                                 Catch::Contains("http://127.0.0.1:"));
}

TEST_CASE("HTTP client refuses a header that would split the request", "[http_client][errors]") {
  LoopbackServer server;
  HttpClient client;
  HttpRequest request = get(server.url("/"));
  request.headers = {{"X-Note", "fine\r\nX-Injected: yes"}};
  Recorder receiver;
  auto error = client.perform(request, receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::InvalidArgument);
  CHECK(error->origin == ErrorOrigin::Caller);
  CHECK_THAT(error->message, Catch::Contains("X-Note") && !Catch::Contains("Injected"));
  CHECK(server.connections() == 0);
}

TEST_CASE("HTTP client refuses a URL that is not http or https", "[http_client][errors]") {
  HttpClient client;
  Recorder receiver;
  auto error = client.perform(get("file:///etc/passwd"), receiver);
  REQUIRE(error);
  CHECK(error->code == ErrorCode::InvalidArgument);
  CHECK(error->origin == ErrorOrigin::Caller);
}

TEST_CASE("HTTP client lets a receiver's exception through and stays usable", "[http_client]") {
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")});
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond")});
  HttpClient client;
  Recorder throwing;
  throwing.on_chunk = [](const std::string &) { throw std::runtime_error("receiver failed"); };
  CHECK_THROWS_WITH(client.perform(get(server.url("/1")), throwing), "receiver failed");

  Recorder receiver;
  REQUIRE_FALSE(client.perform(get(server.url("/2")), receiver));
  CHECK(receiver.body() == "second");
}

TEST_CASE("HTTP client speaks TLS to a server it is told to trust", "[http_client][tls]") {
  std::vector<std::pair<std::string, std::string>> files = {{"hello.txt",
                                                             "HTTP/1.0 200 OK\r\n"
                                                             "Content-Type: text/plain\r\n"
                                                             "Content-Length: 12\r\n"
                                                             "\r\n"
                                                             "hello, TLS!\n"}};
  TlsFileServer server(files);
  INFO(server.problem());
  REQUIRE(server.ready());

  SECTION("with its certificate as ca_file") {
    HttpClientOptions options;
    options.ca_file = server.certificate_file();
    HttpClient client(options);
    Recorder receiver;
    auto error = client.perform(get(server.url("hello.txt")), receiver);
    INFO((error ? error->message : std::string()));
    REQUIRE_FALSE(error);
    CHECK(receiver.head.status == 200);
    CHECK(receiver.body() == "hello, TLS!\n");
  }
  SECTION("without it, verification fails") {
    HttpClient client;
    Recorder receiver;
    auto error = client.perform(get(server.url("hello.txt")), receiver);
    REQUIRE(error);
    CHECK(error->code == ErrorCode::Network);
    CHECK_THAT(error->message, Catch::Contains("TLS failed") && Catch::Contains("certificate"));
    CHECK(receiver.heads == 0);
  }
}

TEST_CASE("HTTP client reports an unreadable CA file as the caller's error", "[http_client][tls]") {
  HttpClientOptions options;
  options.ca_file = "/nonexistent/llmux-ca.pem";
  HttpClient client(options);
  Recorder receiver;
  auto error = client.perform(get("https://127.0.0.1:1/"), receiver);
  REQUIRE(error);
  CHECK(error->code == ErrorCode::InvalidArgument);
  CHECK_THAT(error->message, Catch::Contains("/nonexistent/llmux-ca.pem"));
}
