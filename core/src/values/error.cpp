#include <llmux/error.hpp>

#include "json/json.hpp"

namespace llmux {
namespace {

// The codes as one table that every lookup loops over: code spelled out once per function for
// each of the codes (a switch case, a comparison, a push_back) came to 3 KB of Wasm.
struct ErrorRow {
  ErrorCode code;
  std::string_view string;
  std::string_view message;
};

constexpr ErrorRow error_rows[] = {
#define LLMUX_ERROR_ROW(number, name, string, message) {ErrorCode::name, string, message},
    LLMUX_ERROR_CODES(LLMUX_ERROR_ROW)
#undef LLMUX_ERROR_ROW
};

const ErrorRow *row_of(ErrorCode code) noexcept {
  for (const ErrorRow &row : error_rows)
    if (row.code == code)
      return &row;
  return nullptr;
}

} // namespace

std::string_view to_string(ErrorCode code) noexcept {
  const ErrorRow *row = row_of(code);
  return row ? row->string : "unknown";
}

std::optional<ErrorCode> error_code_from_string(std::string_view text) noexcept {
  for (const ErrorRow &row : error_rows)
    if (row.string == text)
      return row.code;
  return std::nullopt;
}

std::string_view default_message(ErrorCode code) noexcept {
  const ErrorRow *row = row_of(code);
  return row ? row->message : "unknown error";
}

std::string error_table_json() {
  json::Value table = json::Value::array();
  for (const ErrorRow &row : error_rows)
    table.push_back(json::Value::object({{"number", static_cast<long long>(row.code)},
                                         {"code", row.string},
                                         {"message", row.message}}));
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
