#include <llmux/error.hpp>

#include "json/json.hpp"

namespace llmux {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
#define LLMUX_ERROR_STRING(number, name, string, message)                                          \
  case ErrorCode::name:                                                                            \
    return string;
    LLMUX_ERROR_CODES(LLMUX_ERROR_STRING)
#undef LLMUX_ERROR_STRING
  }
  return "unknown";
}

std::optional<ErrorCode> error_code_from_string(std::string_view text) noexcept {
#define LLMUX_ERROR_FROM_STRING(number, name, string, message)                                     \
  if (text == string)                                                                              \
    return ErrorCode::name;
  LLMUX_ERROR_CODES(LLMUX_ERROR_FROM_STRING)
#undef LLMUX_ERROR_FROM_STRING
  return std::nullopt;
}

std::string_view default_message(ErrorCode code) noexcept {
  switch (code) {
#define LLMUX_ERROR_MESSAGE(number, name, string, message)                                         \
  case ErrorCode::name:                                                                            \
    return message;
    LLMUX_ERROR_CODES(LLMUX_ERROR_MESSAGE)
#undef LLMUX_ERROR_MESSAGE
  }
  return "unknown error";
}

std::string error_table_json() {
  json::Value table = json::Value::array();
#define LLMUX_ERROR_ROW(number, name, string, message)                                             \
  table.push_back(json::Value::object({{"number", number}, {"code", string}, {"message", message}}));
  LLMUX_ERROR_CODES(LLMUX_ERROR_ROW)
#undef LLMUX_ERROR_ROW
  return json::dump(table);
}

std::string_view to_string(ErrorOrigin origin) noexcept {
  switch (origin) {
    case ErrorOrigin::Provider:
      return "provider";
    case ErrorOrigin::Decoder:
      return "decoder";
    case ErrorOrigin::Caller:
      return "caller";
    case ErrorOrigin::Network:
      return "network";
    case ErrorOrigin::Session:
      return "session";
  }
  return "unknown";
}

Error make_error(ErrorCode code, ErrorOrigin origin, std::string message) {
  Error error;
  error.code = code;
  error.origin = origin;
  error.message = std::move(message);
  return error;
}

Error bad_response(std::string message) {
  return make_error(ErrorCode::BadResponse, ErrorOrigin::Decoder, std::move(message));
}

} // namespace llmux
