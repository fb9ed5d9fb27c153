#pragma once
/// A scripted HTTP/1.1 server on 127.0.0.1 for the native driver's tests: it records each
/// request it reads and answers with the raw bytes and timing a test scripts, including the
/// misbehaviour of real servers (pauses, stalls, a connection closed or reset mid-body).

#include <llmux/http.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace llmux::testing {

/// One step of a scripted response, run in order on the connection the request came on.
struct ResponseStep {
  enum class Kind {
    Send,         ///< write `bytes` as they are (a head, a body, a chunk: the test spells them)
    Pause,        ///< sleep `ms`
    AwaitRelease, ///< wait until the test calls LoopbackServer::release() (at most 10 s)
    Stall,        ///< hold the connection for `ms`, ending early if the client goes away
    Close,        ///< close the connection (FIN)
    Reset,        ///< abort the connection (RST, via SO_LINGER 0)
  };
  Kind kind = Kind::Send;
  std::string bytes;
  int ms = 0;
};

ResponseStep send(std::string bytes);
ResponseStep pause_ms(int ms);
ResponseStep await_release();
ResponseStep stall_ms(int ms);
ResponseStep close_connection();
ResponseStep reset_connection();

/// `data` as one chunk of a chunked body ("5\r\nhello\r\n"); "" gives the last chunk.
std::string http_chunk(std::string_view data);

/// A request as the server read it.
struct ReceivedRequest {
  std::string method;
  std::string target;          ///< the path and query, as sent
  std::vector<Header> headers; ///< in order, names as sent
  std::string body;
  int connection = 0; ///< 1 for the first connection accepted, 2 for the next...
};

/// Listens on 127.0.0.1 (an ephemeral port) from construction and serves one connection at a
/// time on its own thread until destroyed. Each request read is answered by the next scripted
/// response; a request with no script left gets a 500 so that a test notices.
/// Only request bodies with Content-Length are read (what libcurl sends for a body it is given).
class LoopbackServer {
public:
  LoopbackServer();
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer &) = delete;
  LoopbackServer &operator=(const LoopbackServer &) = delete;

  /// Queues the answer to the next request.
  void script(std::vector<ResponseStep> response);
  /// "http://127.0.0.1:<port><target>".
  std::string url(std::string_view target) const;
  int port() const { return port_; }

  /// Lets the AwaitRelease step (current or next) go on.
  void release();
  /// Waits until every queued response has run to its end (a stall included), at most
  /// `timeout_ms`; false if it did not.
  bool wait_until_done(int timeout_ms);

  std::vector<ReceivedRequest> requests() const;
  /// Connections accepted so far.
  int connections() const;
  /// Stalls that ended because the client closed or reset the connection before their time.
  int stalls_ended_by_client() const;
  /// AwaitRelease steps that gave up waiting for release() (the client never showed progress).
  int releases_timed_out() const;

private:
  void serve();
  void serve_connection(int socket, int connection);
  bool read_request(int socket, std::string &buffer, ReceivedRequest &request);
  bool run_step(int socket, const ResponseStep &step);
  enum class Wait { Readable, TimedOut, Stopping };
  /// Waits for bytes (or the end) on `socket`; -1: no limit. Stopping when the server is.
  Wait wait_readable(int socket, int timeout_ms);

  int listener_ = -1;
  int port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<ResponseStep>> scripts_;
  bool responding_ = false;
  bool released_ = false;
  bool stopping_ = false;
  std::vector<ReceivedRequest> requests_;
  int connections_ = 0;
  int stalls_ended_by_client_ = 0;
  int releases_timed_out_ = 0;
};

} // namespace llmux::testing
