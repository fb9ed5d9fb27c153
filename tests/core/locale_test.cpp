// Numbers in text do not depend on the C locale. A host program may call setlocale (a GUI
// toolkit does, and so does any program that formats numbers for its user); under a locale
// whose decimal point is a comma, C's strtod stops at the '.' of "0.7" and printf writes
// "0,7". llmux must still read OPENAI_TEMPERATURE=0.7 as 0.7, write request bodies that are
// JSON, and answer the model's arithmetic with a point.
//
// The test sets de_DE.UTF-8 (scripts/setup.sh generates it) and FAILS when it cannot: a
// machine without the locale would otherwise pass it without testing anything.

#include "json/format_double.hpp"
#include "json/json.hpp"

#include "support/requests.hpp"

#include <llmux/builtin_tools.hpp>
#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <clocale>
#include <cstdio>
#include <locale>
#include <string>

using namespace llmux;

namespace {

constexpr const char *comma_locale = "de_DE.UTF-8";

// Sets the comma-decimal locale, for C (setlocale) and C++ (std::locale::global), and puts
// back what was there before.
class CommaDecimalLocale {
public:
  CommaDecimalLocale() : previous_c_(std::setlocale(LC_ALL, nullptr)) {
    if (!std::setlocale(LC_ALL, comma_locale))
      FAIL("cannot set the locale " << comma_locale << ": run scripts/setup.sh (it generates it)");
    previous_cpp_ = std::locale::global(std::locale(comma_locale));
  }
  ~CommaDecimalLocale() {
    std::locale::global(previous_cpp_);
    std::setlocale(LC_ALL, previous_c_.c_str());
  }
  CommaDecimalLocale(const CommaDecimalLocale &) = delete;
  CommaDecimalLocale &operator=(const CommaDecimalLocale &) = delete;

private:
  std::string previous_c_;
  std::locale previous_cpp_;
};

// What printf writes for 0.5 under the current locale.
std::string printf_half() {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", 0.5);
  return text;
}

std::string calc(std::string_view expression) {
  auto result = evaluate_expression(expression);
  return result.ok() ? to_string(result.value()) : "error: " + result.error().message;
}

std::string tool(std::string_view name, std::string_view arguments) {
  auto result = run_builtin_tool(name, arguments, 1795600800000);
  return result.ok() ? result.value() : "error: " + result.error().message;
}

} // namespace

TEST_CASE("Numbers read and write the same under a comma-decimal locale", "[locale]") {
  // The fixture's premise: printf really writes a comma now, and the locale comes back after.
  const std::string before = std::setlocale(LC_ALL, nullptr);
  {
    CommaDecimalLocale comma;
    REQUIRE(printf_half() == "0,5");

    SECTION("JSON numbers parse and print with a point") {
      auto parsed = json::parse(R"({"t":0.7,"list":[1.5e-7,12470.4,-2.5E+300,1e21,3]})");
      REQUIRE(parsed.ok());
      CHECK(json::find(parsed.value(), "t")->as_double() == 0.7);
      CHECK(json::dump(parsed.value()) ==
            R"({"t":0.7,"list":[1.5e-07,12470.4,-2.5e+300,1e+21,3]})");
      CHECK(json::dump(json::Value(0.1 + 0.2)) == "0.30000000000000004");
      CHECK(json::format_double(0.7, json::DoubleStyle::General, 17).view() ==
            "0.69999999999999996");
      CHECK(json::format_double(1234.5, json::DoubleStyle::Exponent, 3).view() == "1.234e+03");
    }

    SECTION("prices and costs") {
      CHECK(parse_price_per_million("0.15") == 150000);
      CHECK(parse_price_per_million("1.25") == 1250000);
      CHECK(format_usd(450000000) == "$0.00045");
      CHECK(format_usd(-500000000000) == "-$0.5");
    }

    SECTION("settings such as OPENAI_TEMPERATURE=0.7") {
      auto model = resolve_model(Catalog::builtin(), "gpt-4o-mini",
                                 {{"OPENAI_API_KEY", "sk-test"}, {"OPENAI_TEMPERATURE", "0.7"}});
      REQUIRE(model.ok());
      CHECK(model.value().temperature == 0.7);
    }

    SECTION("the calculator") {
      CHECK(calc("0.5 + 0.25") == "0.75");
      CHECK(calc("1/3") == "0.3333333333333333");
      CHECK(calc("sqrt(2)") == "1.4142135623730951");
      CHECK(calc("1e300 * 2") == "2e+300");
      CHECK(calc("2,5") != "2.5"); // a comma is never a decimal point to the calculator
      CHECK(tool("calculator", R"({"expression":"0.5 + 0.25"})") ==
            R"({"expression":"0.5 + 0.25","result":0.75})");
      CHECK(tool("calculator", R"({"expression":"1/3"})") ==
            R"({"expression":"1/3","result":0.3333333333333333})");
    }

    SECTION("request bodies with temperature 0.7, for every provider") {
      for (Provider provider :
           {Provider::OpenAi, Provider::AzureOpenAi, Provider::Vllm, Provider::RunPod,
            Provider::Local, Provider::HuggingFace, Provider::Mistral, Provider::Xai,
            Provider::OpenRouter, Provider::Anthropic, Provider::Ollama, Provider::Gemini,
            Provider::Cohere}) {
        INFO(provider_info(provider).name);
        ChatRequest request = testing::hello("some-model");
        request.temperature = 0.7;
        request.top_p = 0.95;
        Endpoint endpoint;
        endpoint.base_url = "http://127.0.0.1:9";
        endpoint.api_key = "test-key";
        const HttpRequest http = testing::build(provider, request, endpoint);
        CHECK(http.body.find("\"temperature\":0.7") != std::string::npos);
        CHECK(http.body.find("0.95") != std::string::npos);
        CHECK(http.body.find("0,") == std::string::npos);
        CHECK(json::parse(http.body).ok());
      }
    }

    SECTION("the datetime tool") {
      CHECK(tool("datetime", R"({"operation":"add","time":"2026-11-25T10:00:00Z","hours":1.5})") ==
            R"({"operation":"add","time":"2026-11-25T11:30:00Z","weekday":"Wednesday"})");
      CHECK(
          tool(
              "datetime",
              R"({"operation":"diff","start":"2026-11-25T10:00:00Z","end":"2026-11-25T10:00:01.5Z"})") ==
          R"({"operation":"diff","seconds":1.5,"breakdown":{"days":0,"hours":0,"minutes":0,)"
          R"("seconds":1.5},"calendar_days":0})");
    }
  }
  CHECK(std::string(std::setlocale(LC_ALL, nullptr)) == before);
  CHECK(printf_half() == "0.5");
}
