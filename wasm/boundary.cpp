#include "boundary.hpp"

#include <emscripten/emscripten.h>

#include <utility>

namespace {

std::vector<char> input_buffer;
std::string output_buffer;

/// The input buffer keeps at most this much between calls: one grown for a large answer (up
/// to max_response_body_bytes) is given back at the next small call, so that the memory a call
/// used is returned after it.
constexpr std::size_t kept_input_bytes = std::size_t{1} << 20;

} // namespace

namespace llmux::wasm {

std::string_view Input::take(std::size_t length) noexcept {
  const std::size_t start = at_ < input_buffer.size() ? at_ : input_buffer.size();
  const std::size_t available = input_buffer.size() - start;
  const std::size_t taken = length < available ? length : available;
  at_ = start + taken;
  return {input_buffer.data() + start, taken};
}

std::size_t answer(std::string text) {
  output_buffer = std::move(text);
  return output_buffer.size();
}

std::int64_t to_ms(double ms) noexcept {
  // NaN and anything beyond the range of a date clamp (a double outside int64 would be UB).
  constexpr double limit = 9.0e15;
  if (!(ms > -limit))
    return static_cast<std::int64_t>(-limit);
  if (!(ms < limit))
    return static_cast<std::int64_t>(limit);
  return static_cast<std::int64_t>(ms);
}

std::optional<std::vector<Header>> headers_from_text(std::string_view text) {
  std::vector<Header> headers;
  while (!text.empty()) {
    const std::size_t name_end = text.find('\0');
    if (name_end == std::string_view::npos)
      return std::nullopt;
    const std::size_t value_end = text.find('\0', name_end + 1);
    if (value_end == std::string_view::npos)
      return std::nullopt;
    headers.push_back({std::string(text.substr(0, name_end)),
                       std::string(text.substr(name_end + 1, value_end - name_end - 1))});
    text.remove_prefix(value_end + 1);
  }
  return headers;
}

} // namespace llmux::wasm

extern "C" {

EMSCRIPTEN_KEEPALIVE char *llmux_input(std::size_t bytes) {
  if (input_buffer.size() > kept_input_bytes && bytes <= kept_input_bytes)
    std::vector<char>().swap(input_buffer);
  if (input_buffer.size() < bytes)
    input_buffer.resize(bytes);
  return input_buffer.data();
}

EMSCRIPTEN_KEEPALIVE const char *llmux_output() {
  return output_buffer.data();
}

} // extern "C"
