#pragma once
// Reading messages in the JavaScript API's form; messages_json (api_json.hpp) writes them.

#include <llmux/message.hpp>

#include "api/api_reader.hpp"

#include <string_view>
#include <vector>

namespace llmux::api {

/// The messages of the array `messages`; failures go to `reader`, naming items under `path`.
std::vector<Message> read_messages(ApiReader &reader, const json::Value &messages,
                                   std::string_view path);

} // namespace llmux::api
