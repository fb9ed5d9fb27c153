// llmux decode: a provider's response body, read from stdin, decoded by the core into the
// neutral result (and, with --events, the stream events), as JSON.

#include "commands.hpp"
#include "standard_input.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <iostream>
#include <memory>

namespace llmux::cli {
namespace {

struct DecodeOptions {
  std::optional<Provider> provider;
  bool stream = false;
  bool print_events = false;
  std::int64_t status = 200;
  std::vector<Header> headers;
};

int decode(const DecodeOptions &options) {
  HttpResponseHead head;
  head.received_at_ms = native::now_ms();
  head.status = static_cast<int>(options.status);
  head.headers = options.headers;
  std::string body = read_stdin();
  ResponseDecoder decoder(*options.provider, options.stream, head);
  std::vector<StreamEvent> events;
  decoder.feed(body, events);
  DecodedResponse result = decoder.finish(events);
  if (options.print_events)
    for (const StreamEvent &event : events)
      std::cout << to_json(event) << '\n';
  std::cout << to_json(result) << '\n';
  return 0;
}

std::string provider_names() {
  std::string names;
  for (const ProviderInfo &info : all_providers())
    names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names;
}

} // namespace

void add_decode_command(CLI::App &parent, Commands &commands) {
  auto options = std::make_shared<DecodeOptions>();
  CLI::App *command = parent.add_subcommand(
      "decode", "Decode a provider's response body (read from stdin) and print the result as JSON");
  set_footer(*command,
             "The body is decoded as the provider sends it: whole JSON, or with --stream its SSE "
             "or NDJSON stream. Errors in the body (rate limits, overloads, bad bytes) become the "
             "result's \"error\" with a stable code, never a crash.\n\n"
             "Example: curl -s ... | llmux decode --provider anthropic --stream --events");
  command
      ->add_option_function<std::string>(
          "--provider",
          [options](const std::string &name) { options->provider = provider_from_name(name); },
          "The provider whose format the body is in: " + provider_names())
      ->required()
      ->check(CLI::Validator(
          [](const std::string &name) -> std::string {
            return provider_from_name(name) ? std::string()
                                            : "unknown provider: " + name + " (the providers are " +
                                                  provider_names() + ")";
          },
          "", "provider"))
      ->type_name("P");
  command->add_flag("--stream", options->stream,
                    "The body is a stream (SSE or NDJSON), not one JSON document");
  command->add_flag("--events", options->print_events,
                    "Also print each stream event, one JSON object per line, before the result");
  add_count_option(*command, "--status", options->status,
                   "The response's HTTP status (default 200): 400 and up decode as errors",
                   "an HTTP status code", 100, 999);
  command
      ->add_option_function<std::vector<std::string>>(
          "--header",
          [options](const std::vector<std::string> &lines) {
            for (const std::string &line : lines) {
              const std::size_t colon = line.find(':');
              std::string_view value = std::string_view(line).substr(colon + 1);
              while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
              options->headers.push_back({line.substr(0, colon), std::string(value)});
            }
          },
          "A response header, 'Name: value' (repeatable): retry-after, rate-limit headers, ...")
      ->check(CLI::Validator(
          [](const std::string &line) -> std::string {
            const std::size_t colon = line.find(':');
            return colon == std::string::npos || colon == 0 ? "expected 'Name: value'" : "";
          },
          "", "header"))
      ->type_name("'NAME: VALUE'")
      ->allow_extra_args(false);
  commands.push_back({command, [options] { return decode(*options); }});
}

} // namespace llmux::cli
