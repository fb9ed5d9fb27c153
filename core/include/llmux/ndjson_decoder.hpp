#pragma once
/// An incremental newline-delimited JSON framer: splits bytes into lines, fed in any split.

#include <llmux/error.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux {

/// Splits a body into its non-blank lines. A line ends at LF; a CR before the LF is dropped;
/// the last line needs no LF (finish() delivers it). Lines are not parsed here: each is one
/// JSON text for the adapter to parse. Lines are checked to be UTF-8.
class NdjsonDecoder {
public:
  /// `max_line_bytes` bounds the buffered line (see SseOptions::max_event_bytes for why).
  explicit NdjsonDecoder(std::size_t max_line_bytes = std::size_t{16} << 20);

  /// Appends the lines that `bytes` completes.
  void feed(std::string_view bytes, std::vector<std::string> &lines);
  /// Ends the body: delivers a last line that has no LF.
  void finish(std::vector<std::string> &lines);

  const std::optional<Error> &error() const noexcept { return error_; }

private:
  void emit(std::string_view line, std::vector<std::string> &lines);

  std::size_t max_line_bytes_;
  std::string line_;
  std::optional<Error> error_;
};

} // namespace llmux
