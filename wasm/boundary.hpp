#pragma once
// Text across the Wasm boundary, without Embind: the module's exports are plain C functions
// of numbers (wasm/core.mjs calls them). JavaScript writes a call's strings and bytes, one
// after another, into the input buffer and passes their lengths; a call that answers with
// text leaves it in the output buffer and returns its length. One copy each way, no
// allocation per argument, and a few nanoseconds per call instead of Embind's generic
// conversions (which also cost 7 KB of loader, gzipped).
//
// Lengths come from JavaScript and are not trusted: reading past what was written yields
// less text, never memory outside the buffer.
//
// Each export is named after the C++ call it forwards to, so that one search finds both sides
// and core.mjs's use: llmux_<object>_<call> for a binding's method (ClientBinding::configure is
// llmux_client_configure, ResponseDecoderBinding::feed llmux_response_decoder_feed,
// SessionBinding::transport_error llmux_session_transport_error; _new and _delete make and
// free the object), llmux_<function> for a function of the core (llmux::run_builtin_tool is
// llmux_run_builtin_tool, llmux::error_table_json llmux_error_table_json).

#include <llmux/http.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmux::wasm {

/// Reads a call's arguments from the input buffer, in the order JavaScript wrote them.
class Input {
public:
  /// The next `length` bytes (fewer at the end of the buffer).
  std::string_view take(std::size_t length) noexcept;

private:
  std::size_t at_ = 0;
};

/// Makes `text` the call's answer; returns its length (what the export returns).
std::size_t answer(std::string text);

/// A JavaScript number of milliseconds as an int64, clamped to the range of a date.
std::int64_t to_ms(double ms) noexcept;

/// Headers as wasm/core.mjs writes them: name NUL value NUL, pair after pair. Nothing when
/// the text is not whole pairs.
std::optional<std::vector<Header>> headers_from_text(std::string_view text);

} // namespace llmux::wasm

extern "C" {
/// A buffer of at least `bytes` bytes for the next call's input; its address changes when it
/// grows, so JavaScript asks before each write.
char *llmux_input(std::size_t bytes);
/// Where the last call's answer is (its length is what that call returned).
const char *llmux_output();
}
