#pragma once
// A response kept whole in memory: what the CLI's small API calls (a model list, a RunPod
// pod) read once it has arrived.

#include <llmux/native/http_client.hpp>

#include <cstddef>
#include <string>

namespace llmux::cli {

/// Receives a response's status and body; past `max_body_bytes` the rest of the body is
/// dropped (the APIs asked answer a few KB: anything larger is not what was asked for).
class CollectedResponse final : public native::ResponseReceiver {
public:
  explicit CollectedResponse(std::size_t max_body_bytes = 1 << 20)
      : max_body_bytes_(max_body_bytes) {}
  void on_head(const HttpResponseHead &head) override { status = head.status; }
  void on_body(std::string_view bytes) override {
    if (body.size() < max_body_bytes_)
      body.append(bytes.substr(0, max_body_bytes_ - body.size()));
  }

  int status = 0;
  std::string body;

private:
  std::size_t max_body_bytes_;
};

} // namespace llmux::cli
