#include "ledger/record_validation.hpp"

#include <llmux/utf8.hpp>

namespace llmux {
namespace {

// Records are dated from 1970 to the end of 9999: four-digit years keep the day files' names
// fixed-width (so that they sort by date) and the arithmetic far from overflow.
constexpr std::int64_t first_record_ms = 0;
constexpr std::int64_t end_record_ms = 253'402'300'800'000; // 10000-01-01T00:00:00Z

// Whether a part of a scope looks like a raw provider key: OpenAI ("sk-", "sk-proj-"),
// Anthropic ("sk-ant-"), OpenRouter ("sk-or-") and Google ("AIza") keys, long enough to be
// one (real ones are 39 bytes and more; short ids such as "sk-8" stay allowed).
bool looks_like_api_key(std::string_view part) noexcept {
  constexpr std::size_t min_key_bytes = 20;
  return part.size() >= min_key_bytes &&
         (part.substr(0, 3) == "sk-" || part.substr(0, 4) == "AIza");
}

// Whether valid UTF-8 `text` holds a control character: C0 (a newline, ESC), DEL, or C1
// (U+0080..U+009F, whose U+009B is a terminal's one-byte CSI). A user or scope holding one
// would print as other rows or as escape sequences in `llmux usage`.
bool has_control_character(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f)
      return true;
    if (byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f)
      return true;
  }
  return false;
}

} // namespace

std::optional<std::string> scope_problem(std::string_view scope, RecordSource source) {
  if (scope.empty())
    return std::string("an empty scope");
  if (scope.size() > max_scope_bytes)
    return "a scope longer than " + std::to_string(max_scope_bytes) + " bytes";
  if (!is_valid_utf8(scope))
    return std::string("a scope that is not valid UTF-8");
  // LENIENCY, for storage only: earlier versions of llmux stored scopes and users with
  // control characters, and a stored record holds money that was spent. Refusing it would
  // block the whole ledger, dropping it would lose the money: it is read as it is, and
  // whatever prints it must escape it.
  if (source == RecordSource::Caller && has_control_character(scope))
    return std::string("a scope with a control character (a newline, an escape code)");
  // "key:sk-...", "sk-...", "project:acme:AIza...": check the whole and every part after ':'.
  for (std::string_view rest = scope;;) {
    if (looks_like_api_key(rest))
      return std::string("a scope that looks like a raw API key: pass the key's id or a hash "
                         "of it, never the key");
    std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::optional<std::string> scopes_problem(const std::vector<std::string> &scopes,
                                          RecordSource source) {
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (auto problem = scope_problem(scopes[i], source))
      return problem;
    for (std::size_t j = 0; j < i; ++j)
      if (scopes[j] == scopes[i])
        return "the scope \"" + scopes[i] + "\" listed twice: it would be charged twice";
  }
  return std::nullopt;
}

std::optional<std::string> record_problem(const UsageRecord &record, RecordSource source) {
  if (record.at_ms < first_record_ms || record.at_ms >= end_record_ms)
    return std::string("a record dated outside the years 1970 to 9999");
  if (record.cost && *record.cost < 0)
    return std::string("a record with a negative cost");
  if (static_cast<std::size_t>(record.provider) >= all_providers().size())
    return std::string("a record of no known provider");
  if (!is_valid_utf8(record.user) || !is_valid_utf8(record.model) || !is_valid_utf8(record.outcome))
    return std::string("a record whose user, model or outcome is not valid UTF-8");
  // The same leniency for storage as for scopes (see scope_problem).
  if (source == RecordSource::Caller && has_control_character(record.user))
    return std::string("a record whose user has a control character (a newline, an escape "
                       "code)");
  return scopes_problem(record.scopes, source);
}

} // namespace llmux
