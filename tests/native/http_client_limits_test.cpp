// The native HTTP driver's size and time limits against a scripted loopback server: a body
// past max_body_bytes, a decompression bomb, a server that drips bytes just often enough to
// beat the idle limit, the caller's deadline. No assertion reads a clock: a limit is seen to
// fire by its error, and by the server seeing the client leave before its script ended.

#include "loopback_server.hpp"

#include <llmux/limits.hpp>
#include <llmux/native/environment.hpp>
#include <llmux/native/http_client.hpp>

#include <catch2/catch.hpp>

#include <zlib.h>

using llmux::ErrorCode;
using llmux::ErrorOrigin;
using llmux::HttpRequest;
using llmux::HttpResponseHead;
using llmux::native::CancelFlag;
using llmux::native::HttpClient;
using llmux::native::HttpClientOptions;
using llmux::native::ResponseReceiver;
using namespace llmux::testing;

namespace {

constexpr int server_done_ms = 10'000;

struct Collector : ResponseReceiver {
  std::size_t body_bytes = 0;
  int pieces = 0;
  /// Set on the first body piece, when given: what a session that gave up on a body does.
  CancelFlag *cancel_on_first_piece = nullptr;

  void on_head(const HttpResponseHead &) override {}
  void on_body(std::string_view bytes) override {
    body_bytes += bytes.size();
    ++pieces;
    if (cancel_on_first_piece)
      cancel_on_first_piece->cancel();
  }
};

HttpRequest get(std::string url) {
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  return request;
}

/// `text` compressed as one gzip member (zlib's wbits 31).
std::string gzip(const std::string &text) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string gzip_response(const std::string &compressed) {
  return "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
         std::to_string(compressed.size()) + "\r\n\r\n" + compressed;
}

/// A head and then one body byte every `every_ms`, for far longer than any limit a test sets.
std::vector<ResponseStep> drip(int every_ms) {
  std::vector<ResponseStep> steps = {send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")};
  for (int i = 0; i < 30'000 / every_ms; ++i) {
    steps.push_back(send(http_chunk(":")));
    steps.push_back(stall_ms(every_ms));
  }
  return steps;
}

} // namespace

TEST_CASE("HTTP client stops a body at the first byte past max_body_bytes", "[http_client][limits]") {
  LoopbackServer server;
  const std::string body(256 * 1024, 'x');
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n"), send(body),
                 send(body), send(body), send(body), close_connection()});
  HttpClientOptions options;
  options.max_body_bytes = 300 * 1024;
  HttpClient client(options);
  Collector receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::BadResponse);
  CHECK(error->origin == ErrorOrigin::Decoder);
  CHECK(error->http_status == 200);
  CHECK_THAT(error->message, Catch::Contains("too large") &&
                                 Catch::Contains("max_body_bytes (307200 bytes, decompressed)"));
  CHECK(receiver.body_bytes <= options.max_body_bytes);
  // The client is usable at once.
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")});
  Collector next;
  REQUIRE_FALSE(client.perform(get(server.url("/")), next));
  CHECK(next.body_bytes == 2);
}

TEST_CASE("HTTP client stops a decompression bomb at the ratio limit", "[http_client][limits]") {
  // 64 MiB of newlines compress about 1000:1: past the ratio once 1 MiB came out.
  const std::string bomb = gzip(std::string(std::size_t{64} << 20, '\n'));
  REQUIRE(bomb.size() < (std::size_t{64} << 20) / 500);
  LoopbackServer server;
  server.script({send(gzip_response(bomb))});
  HttpClient client;
  Collector receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::BadResponse);
  CHECK_THAT(error->message,
             Catch::Contains("decompressed to more than 100 times the bytes received") &&
                 Catch::Contains("max_decompression_ratio"));
  CHECK(receiver.body_bytes <= 2 * llmux::decompression_ratio_floor_bytes);
}

TEST_CASE("HTTP client takes a compressed body under the ratio limit whole", "[http_client][limits]") {
  // 2 MiB of varied text: past the ratio's floor, well under its limit.
  std::string text;
  for (std::uint32_t i = 0; text.size() < (std::size_t{2} << 20); ++i)
    text += std::to_string(i * 2654435761u) + ',';
  const std::string compressed = gzip(text);
  LoopbackServer server;
  server.script({send(gzip_response(compressed))});
  HttpClient client;
  Collector receiver;
  REQUIRE_FALSE(client.perform(get(server.url("/")), receiver));
  CHECK(receiver.body_bytes == text.size());
}

TEST_CASE("HTTP client takes no more bytes once a receiver sets the cancel flag",
          "[http_client][limits]") {
  // 4 MiB in one burst: curl would hand over many pieces before the poll loop looked again.
  LoopbackServer server;
  server.script({send("HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n\r\n" +
                      std::string(std::size_t{4} << 20, 'x'))});
  HttpClient client;
  CancelFlag flag;
  Collector receiver;
  receiver.cancel_on_first_piece = &flag;
  auto error = client.perform(get(server.url("/")), receiver, &flag);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Cancelled);
  CHECK(receiver.pieces == 1);
}

TEST_CASE("HTTP client ends a dripping response at the response limit", "[http_client][limits]") {
  LoopbackServer server;
  server.script(drip(50));
  HttpClientOptions options;
  options.idle_timeout_ms = 5'000; // never reached: a byte comes every 50 ms
  options.response_timeout_ms = 400;
  HttpClient client(options);
  Collector receiver;
  auto error = client.perform(get(server.url("/")), receiver);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK_THAT(error->message,
             Catch::Contains("response timeout") && Catch::Contains("took longer than 400 ms"));
  CHECK(receiver.body_bytes > 0);
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client ends an exchange at the caller's deadline", "[http_client][limits]") {
  LoopbackServer server;
  server.script(drip(50));
  HttpClient client;
  Collector receiver;
  auto error =
      client.perform(get(server.url("/")), receiver, nullptr, llmux::native::now_ms() + 400);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK_THAT(error->message, Catch::Contains("deadline passed during the exchange"));
  REQUIRE(server.wait_until_done(server_done_ms));
  CHECK(server.stalls_ended_by_client() == 1);
}

TEST_CASE("HTTP client sends nothing once the caller's deadline has passed", "[http_client][limits]") {
  LoopbackServer server;
  HttpClient client;
  Collector receiver;
  auto error =
      client.perform(get(server.url("/")), receiver, nullptr, llmux::native::now_ms() - 1);

  REQUIRE(error);
  CHECK(error->code == ErrorCode::Timeout);
  CHECK_THAT(error->message, Catch::Contains("deadline passed before sending"));
  CHECK(server.connections() == 0);
}
