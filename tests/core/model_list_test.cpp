// Reading the model lists of OpenAI-compatible servers and Ollama.

#include <llmux/model_list.hpp>

#include <catch2/catch.hpp>

using namespace llmux;

TEST_CASE("Model list reads vLLM's /v1/models with its context length", "[discovery]") {
  auto models = parse_model_list(R"({"object":"list","data":[
    {"id":"Qwen/Qwen2.5-7B-Instruct","object":"model","created":1732000000,"owned_by":"vllm",
     "root":"Qwen/Qwen2.5-7B-Instruct","parent":null,"max_model_len":32768},
    {"id":"lora-adapter","object":"model","owned_by":"vllm"}]})");
  REQUIRE(models.ok());
  REQUIRE(models.value().size() == 2);
  CHECK(models.value()[0] == ListedModel{"Qwen/Qwen2.5-7B-Instruct", 32768});
  CHECK(models.value()[1] == ListedModel{"lora-adapter", 0});
}

TEST_CASE("Model list reads Ollama's /api/tags", "[discovery]") {
  auto models = parse_model_list(R"({"models":[{"name":"llama3.1:8b","model":"llama3.1:8b",
    "modified_at":"2025-01-01T00:00:00Z","size":4920753328,"digest":"abc",
    "details":{"format":"gguf","family":"llama","parameter_size":"8.0B"}},{"name":"mistral:7b"}]})");
  REQUIRE(models.ok());
  REQUIRE(models.value().size() == 2);
  CHECK(models.value()[0].id == "llama3.1:8b");
  CHECK(models.value()[1].id == "mistral:7b");
}

TEST_CASE("Model list refuses what is not a model list", "[discovery]") {
  for (const char *bad : {"", "not json", "[]", R"({"data": {}})", R"({"data": [{"name": "x"}]})",
                          R"({"models": [{"id": "x"}]})", R"({"data": [{"id": ""}]})", R"({"data": [1]})"}) {
    INFO(bad);
    auto models = parse_model_list(bad);
    REQUIRE_FALSE(models.ok());
    CHECK(models.error().code == ErrorCode::BadResponse);
  }
  auto empty = parse_model_list(R"({"object":"list","data":[]})");
  REQUIRE(empty.ok());
  CHECK(empty.value().empty());
}
