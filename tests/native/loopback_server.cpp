#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace llmux::testing {

namespace {

/// How long AwaitRelease waits for the test: long enough for any client, short enough that a
/// client that never shows progress fails its test instead of hanging it.
constexpr int release_wait_ms = 10'000;

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos)
    return {};
  std::size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

} // namespace

ResponseStep send(std::string bytes) {
  return {ResponseStep::Kind::Send, std::move(bytes), 0};
}
ResponseStep pause_ms(int ms) {
  return {ResponseStep::Kind::Pause, {}, ms};
}
ResponseStep await_release() {
  return {ResponseStep::Kind::AwaitRelease, {}, 0};
}
ResponseStep stall_ms(int ms) {
  return {ResponseStep::Kind::Stall, {}, ms};
}
ResponseStep close_connection() {
  return {ResponseStep::Kind::Close, {}, 0};
}
ResponseStep reset_connection() {
  return {ResponseStep::Kind::Reset, {}, 0};
}

std::string http_chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

LoopbackServer::LoopbackServer() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0 || ::pipe(stop_pipe_) != 0)
    throw std::runtime_error("loopback server: no socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr *>(&address), &length) != 0)
    throw std::runtime_error("loopback server: cannot listen on 127.0.0.1");
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  char byte = 0;
  [[maybe_unused]] auto written = ::write(stop_pipe_[1], &byte, 1);
  thread_.join();
  ::close(listener_);
  ::close(stop_pipe_[0]);
  ::close(stop_pipe_[1]);
}

void LoopbackServer::script(std::vector<ResponseStep> response) {
  std::lock_guard lock(mutex_);
  scripts_.push_back(std::move(response));
}

std::string LoopbackServer::url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(target);
}

void LoopbackServer::release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  changed_.notify_all();
}

bool LoopbackServer::wait_until_done(int timeout_ms) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return scripts_.empty() && !responding_; });
}

std::vector<ReceivedRequest> LoopbackServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int LoopbackServer::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

int LoopbackServer::stalls_ended_by_client() const {
  std::lock_guard lock(mutex_);
  return stalls_ended_by_client_;
}

int LoopbackServer::releases_timed_out() const {
  std::lock_guard lock(mutex_);
  return releases_timed_out_;
}

void LoopbackServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || (fds[1].revents & POLLIN))
      return;
    int socket = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (socket < 0)
      continue;
    int connection;
    {
      std::lock_guard lock(mutex_);
      connection = ++connections_;
    }
    serve_connection(socket, connection);
    ::close(socket);
  }
}

void LoopbackServer::serve_connection(int socket, int connection) {
  std::string buffer;
  for (;;) {
    ReceivedRequest request;
    if (!read_request(socket, buffer, request))
      return;
    request.connection = connection;
    std::vector<ResponseStep> response;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (scripts_.empty()) {
        std::string body = "no response was scripted\n";
        response = {send("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body)};
      } else {
        response = std::move(scripts_.front());
        scripts_.pop_front();
      }
      responding_ = true;
    }
    bool open = true;
    for (const ResponseStep &step : response)
      if (!(open = run_step(socket, step)))
        break;
    {
      std::lock_guard lock(mutex_);
      responding_ = false;
    }
    changed_.notify_all();
    if (!open)
      return;
  }
}

LoopbackServer::Wait LoopbackServer::wait_readable(int socket, int timeout_ms) {
  pollfd fds[2] = {{socket, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
  int ready = ::poll(fds, 2, timeout_ms);
  if (ready < 0 || (fds[1].revents & POLLIN))
    return Wait::Stopping;
  return ready > 0 ? Wait::Readable : Wait::TimedOut;
}

bool LoopbackServer::read_request(int socket, std::string &buffer, ReceivedRequest &request) {
  char chunk[16384];
  auto receive = [&]() -> bool {
    if (wait_readable(socket, -1) != Wait::Readable)
      return false;
    ssize_t got = ::recv(socket, chunk, sizeof chunk, 0);
    if (got <= 0)
      return false;
    buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
  };
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
    if (!receive())
      return false;
  std::string_view head(buffer.data(), head_end);
  std::size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  std::size_t space = request_line.find(' ');
  std::size_t second_space = request_line.find(' ', space + 1);
  request.method = std::string(request_line.substr(0, space));
  request.target = std::string(request_line.substr(space + 1, second_space - space - 1));
  std::size_t content_length = 0;
  while (line_end != std::string_view::npos) {
    std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string_view line = head.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    Header header{std::string(line.substr(0, colon)), trim(line.substr(colon + 1))};
    if (equals_ignore_case(header.name, "content-length"))
      content_length = std::strtoul(header.value.c_str(), nullptr, 10);
    request.headers.push_back(std::move(header));
  }
  std::size_t body_start = head_end + 4;
  while (buffer.size() < body_start + content_length)
    if (!receive())
      return false;
  request.body = buffer.substr(body_start, content_length);
  buffer.erase(0, body_start + content_length);
  return true;
}

bool LoopbackServer::run_step(int socket, const ResponseStep &step) {
  switch (step.kind) {
    case ResponseStep::Kind::Send: {
      std::size_t sent = 0;
      while (sent < step.bytes.size()) {
        ssize_t wrote =
            ::send(socket, step.bytes.data() + sent, step.bytes.size() - sent, MSG_NOSIGNAL);
        if (wrote <= 0)
          return false;
        sent += static_cast<std::size_t>(wrote);
      }
      return true;
    }
    case ResponseStep::Kind::Pause: {
      pollfd stop{stop_pipe_[0], POLLIN, 0};
      return ::poll(&stop, 1, step.ms) == 0;
    }
    case ResponseStep::Kind::AwaitRelease: {
      std::unique_lock lock(mutex_);
      bool released = changed_.wait_for(lock, std::chrono::milliseconds(release_wait_ms),
                                        [&] { return released_ || stopping_; });
      if (!released)
        ++releases_timed_out_;
      released_ = false;
      return !stopping_;
    }
    case ResponseStep::Kind::Stall: {
      auto deadline = Clock::now() + std::chrono::milliseconds(step.ms);
      while (Clock::now() < deadline) {
        Wait wait = wait_readable(socket, remaining_ms(deadline));
        if (wait == Wait::Stopping)
          return false;
        if (wait == Wait::TimedOut)
          continue;
        char discard[4096];
        if (::recv(socket, discard, sizeof discard, 0) <= 0) {
          std::lock_guard lock(mutex_);
          ++stalls_ended_by_client_;
          return false;
        }
      }
      return true;
    }
    case ResponseStep::Kind::Close:
      return false;
    case ResponseStep::Kind::Reset: {
      linger abort_on_close{1, 0};
      ::setsockopt(socket, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
      return false;
    }
  }
  return false;
}

} // namespace llmux::testing
