#pragma once
/// The whole public API of the llmux core.

#include <llmux/adapter.hpp>
#include <llmux/catalog.hpp>
#include <llmux/chat_request.hpp>
#include <llmux/chat_response.hpp>
#include <llmux/context_window.hpp>
#include <llmux/cost.hpp>
#include <llmux/decode.hpp>
#include <llmux/error.hpp>
#include <llmux/finish_reason.hpp>
#include <llmux/http.hpp>
#include <llmux/json_schema.hpp>
#include <llmux/message.hpp>
#include <llmux/money.hpp>
#include <llmux/ndjson_decoder.hpp>
#include <llmux/provider.hpp>
#include <llmux/resolve.hpp>
#include <llmux/response_builder.hpp>
#include <llmux/result.hpp>
#include <llmux/sse_decoder.hpp>
#include <llmux/stream_event.hpp>
#include <llmux/token_count.hpp>
#include <llmux/tokenizer.hpp>
#include <llmux/tool.hpp>
#include <llmux/usage.hpp>
#include <llmux/utf8.hpp>
