// llmux::json::parse against nlohmann/json as a reference (the test's oracle; the core does
// not use it). For any bytes:
//   - parse never aborts, and accepts exactly the texts nlohmann accepts that nest at most
//     max_depth deep;
//   - what it accepts holds the same values nlohmann reads: strings byte for byte, integers
//     that fit std::int64_t exactly, other numbers as the same double, duplicated keys as
//     their last occurrence;
//   - dump writes valid UTF-8 that parses back to an equal value.
// Tolerated difference: a number too large for a double (1e400) is an error for nlohmann
// (its error 406) and an infinity for llmux, which dump writes as null.
//
// Input: the text.

#include "fuzz_support.hpp"

#include "json/json.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

using llmux::json::Value;

// nlohmann's SAX parser, recording how deep the text nests and nlohmann's error id.
class Oracle {
public:
  using json = nlohmann::json;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t &) { return true; }
  bool string(json::string_t &) { return true; }
  bool binary(json::binary_t &) { return true; }
  bool start_object(std::size_t) { return enter(); }
  bool key(json::string_t &) { return true; }
  bool end_object() { return leave(); }
  bool start_array(std::size_t) { return enter(); }
  bool end_array() { return leave(); }
  bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &error) {
    error_id = error.id;
    return false;
  }

  int deepest = 0;
  int error_id = 0;

private:
  bool enter() {
    deepest = std::max(deepest, ++depth_);
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
  int depth_ = 0;
};

constexpr int number_overflow = 406; // nlohmann's out_of_range.406

// Whether llmux's value holds what nlohmann read; prints the first difference.
bool same(const nlohmann::json &expected, const Value &value) {
  auto differ = [&](const char *what) {
    std::fprintf(stderr, "differs (%s): nlohmann %s, llmux %s\n", what,
                 llmux::fuzz::escaped(
                     expected.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                     .c_str(),
                 llmux::fuzz::escaped(llmux::json::dump(value)).c_str());
    return false;
  };
  using nlohmann::json;
  switch (expected.type()) {
    case json::value_t::null:
      return value.is_null() || differ("null");
    case json::value_t::boolean:
      return (value.is_bool() && value.as_bool() == expected.get<bool>()) || differ("boolean");
    case json::value_t::string:
      return (value.is_string() && value.as_string() == expected.get_ref<const std::string &>()) ||
             differ("string");
    case json::value_t::number_integer:
      return (value.is_integer() && value.as_integer() == expected.get<std::int64_t>()) ||
             differ("integer");
    case json::value_t::number_unsigned: {
      auto number = expected.get<std::uint64_t>();
      if (number <= static_cast<std::uint64_t>(INT64_MAX))
        return (value.is_integer() && value.as_integer() == static_cast<std::int64_t>(number)) ||
               differ("integer");
      return (value.is_number() && value.as_double() == static_cast<double>(number)) ||
             differ("large integer");
    }
    case json::value_t::number_float:
      return (value.is_number() && value.as_double() == expected.get<double>()) || differ("number");
    case json::value_t::array: {
      if (!value.is_array() || value.size() != expected.size())
        return differ("array");
      for (std::size_t i = 0; i < expected.size(); ++i)
        if (!same(expected[i], value.items()[i]))
          return false;
      return true;
    }
    case json::value_t::object: {
      if (!value.is_object())
        return differ("object");
      // nlohmann keeps one member per key (the last); llmux keeps them all and finds the last.
      std::size_t distinct = 0;
      const auto &members = value.members();
      for (std::size_t i = 0; i < members.size(); ++i) {
        bool later = false;
        for (std::size_t j = i + 1; j < members.size() && !later; ++j)
          later = members[j].key == members[i].key;
        distinct += later ? 0 : 1;
      }
      if (distinct != expected.size())
        return differ("object keys");
      for (const auto &[key, member] : expected.items()) {
        const Value *found = value.find(key);
        if (!found)
          return differ("object key");
        if (!same(member, *found))
          return false;
      }
      return true;
    }
    case json::value_t::binary:
    case json::value_t::discarded:
      break;
  }
  return differ("type");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  auto parsed = llmux::json::parse(text);

  // nlohmann reads a NUL byte as the end of its input and would accept "1\0x"; in JSON a NUL
  // is never valid (outside strings it is no token, inside it is an unescaped control).
  if (text.find('\0') != std::string_view::npos) {
    LLMUX_FUZZ_CHECK(!parsed.ok());
    return 0;
  }

  Oracle oracle;
  const bool valid = nlohmann::json::sax_parse(text.begin(), text.end(), &oracle);
  if (oracle.error_id == number_overflow) {
    // Tolerated: see the comment at the top. Anything llmux accepts still dumps and parses.
    if (parsed.ok())
      LLMUX_FUZZ_CHECK(llmux::json::parse(llmux::json::dump(parsed.value())).ok());
    return 0;
  }
  const bool expected_ok = valid && oracle.deepest <= llmux::json::max_depth;
  if (parsed.ok() != expected_ok)
    std::fprintf(stderr, "json::parse %s; nlohmann: %s (error %d), depth %d; llmux error: %s\n",
                 parsed.ok() ? "accepted" : "rejected", valid ? "valid" : "invalid",
                 oracle.error_id, oracle.deepest,
                 parsed.ok() ? "(none)" : parsed.error().message.c_str());
  LLMUX_FUZZ_CHECK(parsed.ok() == expected_ok);
  if (!parsed.ok()) {
    LLMUX_FUZZ_CHECK(parsed.error().code == llmux::ErrorCode::BadResponse);
    return 0;
  }

  const Value &value = parsed.value();
  const nlohmann::json expected = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  LLMUX_FUZZ_CHECK(!expected.is_discarded());
  LLMUX_FUZZ_CHECK(same(expected, value));

  const std::string dumped = llmux::json::dump(value);
  LLMUX_FUZZ_CHECK(llmux::fuzz::valid_utf8(dumped));
  LLMUX_FUZZ_CHECK(nlohmann::json::accept(dumped));
  auto again = llmux::json::parse(dumped);
  LLMUX_FUZZ_CHECK(again.ok());
  if (!(again.value() == value))
    std::fprintf(stderr, "dump does not read back: %s\n", llmux::fuzz::escaped(dumped).c_str());
  LLMUX_FUZZ_CHECK(again.value() == value);
  LLMUX_FUZZ_CHECK(llmux::json::dump(again.value()) == dumped);
  return 0;
}
