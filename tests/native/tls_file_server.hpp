#pragma once
/// An HTTPS server on 127.0.0.1 for the native driver's tests: `openssl s_server -HTTP` serving
/// files that each hold a complete HTTP response, with a self-signed certificate made at run
/// time (nothing secret is checked in, nothing expires between runs).

#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace llmux::testing {

class TlsFileServer {
public:
  /// Makes a temporary directory holding a certificate for 127.0.0.1 and localhost and the
  /// `files` (name, complete HTTP response), and starts s_server there on an ephemeral port.
  /// On failure (no openssl CLI, say) ready() is false and problem() says why.
  explicit TlsFileServer(std::vector<std::pair<std::string, std::string>> files);
  /// Stops s_server and removes the directory.
  ~TlsFileServer();
  TlsFileServer(const TlsFileServer &) = delete;
  TlsFileServer &operator=(const TlsFileServer &) = delete;

  bool ready() const { return problem_.empty(); }
  const std::string &problem() const { return problem_; }
  /// "https://127.0.0.1:<port>/<name>".
  std::string url(std::string_view name) const;
  /// The PEM file of the self-signed certificate: the CA a client must trust.
  std::string certificate_file() const { return directory_ + "/cert.pem"; }

private:
  std::string directory_;
  std::string problem_;
  pid_t server_ = -1;
  int port_ = 0;
};

} // namespace llmux::testing
