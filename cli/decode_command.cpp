#include "commands.hpp"
#include "standard_input.hpp"
#include <llmux/native/environment.hpp>

#include <llmux/llmux.hpp>

#include <iostream>

namespace llmux::cli {

int decode_command(Arguments args) {
  std::optional<Provider> provider;
  bool stream = false;
  bool print_events = false;
  HttpResponseHead head;
  head.received_at_ms = native::now_ms();
  while (auto arg = args.next()) {
    if (*arg == "--provider") {
      auto name = args.value();
      if (!name)
        return usage_error("--provider needs a name");
      provider = provider_from_name(*name);
      if (!provider)
        return usage_error("unknown provider: " + std::string(*name));
    } else if (*arg == "--stream") {
      stream = true;
    } else if (*arg == "--events") {
      print_events = true;
    } else if (*arg == "--status") {
      auto text = args.value();
      auto status = text ? parse_count(*text) : std::nullopt;
      if (!status || *status < 100 || *status > 999)
        return usage_error("--status needs an HTTP status code");
      head.status = static_cast<int>(*status);
    } else if (*arg == "--header") {
      auto text = args.value();
      std::size_t colon = text ? text->find(':') : std::string_view::npos;
      if (colon == std::string_view::npos || colon == 0)
        return usage_error("--header needs 'Name: value'");
      std::string_view value = text->substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      head.headers.push_back({std::string(text->substr(0, colon)), std::string(value)});
    } else {
      return usage_error("unknown argument to decode: " + std::string(*arg));
    }
  }
  if (!provider)
    return usage_error("decode needs --provider");

  std::string body = read_stdin();
  ResponseDecoder decoder(*provider, stream, head);
  std::vector<StreamEvent> events;
  decoder.feed(body, events);
  DecodedResponse result = decoder.finish(events);
  if (print_events)
    for (const StreamEvent &event : events)
      std::cout << to_json(event) << '\n';
  std::cout << to_json(result) << '\n';
  return 0;
}

} // namespace llmux::cli
