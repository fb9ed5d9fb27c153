#pragma once
// The error bodies of both APIs, shared by the whole replies (write_openai_error,
// write_anthropic_error) and the streams' error events.

#include <llmux/error.hpp>
#include <llmux/secret_scrubber.hpp>

#include <string>

namespace llmux {

/// Appends {"error": {"message", "type", "param", "code"}}.
void write_openai_error_object(const Error &error, const SecretScrubber &scrubber,
                               std::string &out);

/// Appends {"type": "error", "error": {"type", "message"}}.
void write_anthropic_error_object(const Error &error, const SecretScrubber &scrubber,
                                  std::string &out);

} // namespace llmux
