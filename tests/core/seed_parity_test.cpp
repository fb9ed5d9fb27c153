// The catalog against the seed product's own document (tests/seed/): every row of its model
// tables, every other model name it uses, and its default settings. The expectations are read
// from the document, not written here, so a change to llmux's figures fails unless docs/models.md's
// table "Where the catalog differs from the document" lists it, with its reason; and that table
// may list nothing the catalog does not do.

#include <llmux/llmux.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace llmux;

namespace {

std::string read_text(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string &seed_document() {
  static const std::string text =
      read_text(std::string(LLMUX_SOURCE_DIR) + "/tests/seed/llm-providers-and-models.md");
  return text;
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string trim(const std::string &text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The cells of a Markdown table row: "| a | b |" is {"a", "b"}.
std::vector<std::string> cells_of(const std::string &line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      cells.push_back(trim(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

// Every `code` span of a text.
std::vector<std::string> code_spans(const std::string &text) {
  std::vector<std::string> spans;
  static const std::regex span("`([^`]+)`");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), span); it != std::sregex_iterator();
       ++it)
    spans.push_back((*it)[1]);
  return spans;
}

std::string lowercase(std::string text) {
  for (char &c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// One row of the document's model tables, with what its section says around it.
struct SeedRow {
  std::string section;            // "OpenAI (Primary Provider)"
  std::string provider_name;      // the section's first word, lowercased: "openai", "local"
  std::string id;                 // as the document writes it
  bool template_id = false;       // the column is "Template ID", not "Model ID"
  std::map<std::string, std::string> cells; // by column header
  std::string base_url;           // the section's "Base URL", if it gives one
  bool zero_cost = false;         // the section says "Zero API costs"
  bool no_streaming = false;      // the section says "No streaming support"
};

// The document's tables under "## Provider Details", one row per model template.
std::vector<SeedRow> seed_rows() {
  std::vector<SeedRow> rows;
  const std::vector<std::string> lines = lines_of(seed_document());
  bool in_details = false;
  std::size_t section_start = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string &line = lines[i];
    if (line.rfind("## ", 0) == 0) {
      in_details = line == "## Provider Details";
      continue;
    }
    if (!in_details)
      continue;
    if (line.rfind("### ", 0) == 0) {
      section_start = rows.size();
      SeedRow proto;
      proto.section = trim(line.substr(line.find('.') + 1));
      proto.provider_name = lowercase(proto.section.substr(0, proto.section.find(' ')));
      // The section's own statements, up to the next section.
      for (std::size_t j = i + 1;
           j < lines.size() && lines[j].rfind("## ", 0) != 0 && lines[j].rfind("### ", 0) != 0;
           ++j) {
        if (lines[j].rfind("**Base URL:**", 0) == 0)
          proto.base_url = code_spans(lines[j]).at(0);
        proto.zero_cost = proto.zero_cost || contains(lines[j], "Zero API costs");
        proto.no_streaming = proto.no_streaming || contains(lines[j], "No streaming support");
      }
      rows.push_back(proto); // a placeholder the section's rows copy, removed below
      continue;
    }
    if (line.rfind("|", 0) == 0 && i + 1 < lines.size() && lines[i + 1].rfind("|---", 0) == 0) {
      const std::vector<std::string> header = cells_of(line);
      const SeedRow proto = rows.at(section_start);
      for (i += 2; i < lines.size() && lines[i].rfind("|", 0) == 0; ++i) {
        SeedRow row = proto;
        const std::vector<std::string> cells = cells_of(lines[i]);
        REQUIRE(cells.size() == header.size());
        for (std::size_t c = 0; c < cells.size(); ++c)
          row.cells[header[c]] = cells[c];
        row.template_id = header[0] == "Template ID";
        REQUIRE((header[0] == "Model ID" || row.template_id));
        row.id = code_spans(cells[0]).at(0);
        rows.push_back(row);
      }
    }
  }
  // Drop the section placeholders (rows without an id).
  std::vector<SeedRow> table_rows;
  for (SeedRow &row : rows)
    if (!row.id.empty())
      table_rows.push_back(std::move(row));
  return table_rows;
}

// The document's "Tool Support by Provider" table: whether a provider calls tools (true),
// does not (false), or only "limited" (nothing).
std::map<std::string, std::optional<bool>> tool_support() {
  std::map<std::string, std::optional<bool>> support;
  const std::vector<std::string> lines = lines_of(seed_document());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "### Tool Support by Provider")
      continue;
    for (; i < lines.size() && lines[i].rfind("|", 0) != 0; ++i) {
    }
    for (i += 2; i < lines.size() && lines[i].rfind("|", 0) == 0; ++i) {
      const std::vector<std::string> cells = cells_of(lines[i]);
      const std::string &calling = cells.at(1);
      support[lowercase(cells.at(0))] = contains(calling, "Yes")       ? std::optional(true)
                                        : contains(calling, "Limited") ? std::nullopt
                                        : contains(calling, "No")      ? std::optional(false)
                                                                       : std::nullopt;
    }
  }
  return support;
}

// docs/models.md's table "Where the catalog differs from the document": (name, what) pairs.
std::set<std::pair<std::string, std::string>> listed_differences() {
  std::set<std::pair<std::string, std::string>> listed;
  const std::vector<std::string> lines =
      lines_of(read_text(std::string(LLMUX_SOURCE_DIR) + "/docs/models.md"));
  std::size_t i = 0;
  while (i < lines.size() && !contains(lines[i], "Where the catalog differs from the document"))
    ++i;
  REQUIRE(i < lines.size());
  while (i < lines.size() && lines[i].rfind("|", 0) != 0)
    ++i;
  for (i += 2; i < lines.size() && lines[i].rfind("|", 0) == 0; ++i) {
    const std::vector<std::string> cells = cells_of(lines[i]);
    REQUIRE(cells.size() >= 2);
    for (const std::string &name : code_spans(cells[0]))
      listed.emplace(name, cells[1]);
  }
  return listed;
}

// The document writes token counts in thousands, loosely: 16K is 16,384 (and 16,385 for
// gpt-3.5-turbo), 65K is 65,536, 128K is 128,000, 131K is 131,072, 1K is 1,024. A figure N K
// stands for any count from N thousand up to, not including, (N + 1) × 1,024.
bool matches_thousands(const std::string &cell, std::int64_t tokens) {
  const std::int64_t n = std::stoll(cell);
  REQUIRE(cell == std::to_string(n) + "K");
  return tokens >= n * 1000 && tokens < (n + 1) * 1024;
}

Settings resolving_settings() {
  // A key for every provider, and where the placeholders of the document's base URLs point.
  Settings settings = {{"AZURE_OPENAI_ENDPOINT", "https://contoso.openai.azure.com"},
                       {"RUNPOD_POD_ID", "abc123"}};
  for (const ProviderInfo &info : all_providers())
    settings[std::string(settings_prefix(info.provider)) + "_API_KEY"] = "key";
  return settings;
}

std::string placeholders_filled(std::string url) {
  for (auto [placeholder, value] : {std::pair<std::string, std::string>{"YOUR-RESOURCE", "contoso"},
                                    {"YOUR_POD_ID", "abc123"}})
    if (auto at = url.find(placeholder); at != std::string::npos)
      url.replace(at, placeholder.size(), value);
  return url;
}

std::string effective_base_url(const ResolvedModel &resolved) {
  std::string base = resolved.endpoint.base_url.empty()
                         ? std::string(provider_info(resolved.model.provider).default_base_url)
                         : resolved.endpoint.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

Usage thousand_in_five_hundred_out() {
  Usage usage;
  usage.input_tokens = 1000;
  usage.output_tokens = 500;
  return usage;
}

// The names the document uses outside its tables, each once: the models its examples call,
// its routing sketch's choices, its template example's id, and its settings' default models
// (as provider/model, the way LLM_PROVIDER and <PROVIDER>_MODEL name one).
std::vector<std::string> names_outside_tables() {
  std::vector<std::string> names;
  auto add = [&](const std::string &name) {
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(name);
  };
  const std::string &text = seed_document();
  for (const char *pattern :
       {R"(unifiedLLMClient\.(?:chat|stream)\(\s*'([^']+)')", R"(case '\w+': return '([^']+)')",
        // A template (a stored model row has the same fields but no description).
        R"(id: '([^']+)',\s*name: '[^']*',\s*provider: '[^']*',\s*description:)"}) {
    const std::regex expression(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), expression);
         it != std::sregex_iterator(); ++it)
      add((*it)[1]);
  }
  for (const auto &[provider, model] : [] {
         std::vector<std::pair<std::string, std::string>> settings;
         const std::regex setting(R"((?:^|\n)([A-Z]+)_MODEL=(\S+))");
         const std::string &document = seed_document();
         for (auto it = std::sregex_iterator(document.begin(), document.end(), setting);
              it != std::sregex_iterator(); ++it)
           settings.emplace_back(lowercase((*it)[1]), (*it)[2]);
         return settings;
       }())
    add(provider + "/" + model);
  return names;
}

} // namespace

TEST_CASE("The repository's copy of the seed document is the document", "[seed]") {
  const std::string original =
      std::string(LLMUX_SOURCE_DIR) + "/../shared/seed/000_f967cc4443d4e852.txt";
  if (!std::ifstream(original)) {
    WARN("the original is not beside this checkout; the copy is checked where it is");
    return;
  }
  CHECK(read_text(original) == seed_document());
}

TEST_CASE("Every row of the document's tables is a template with the document's figures",
          "[seed][catalog]") {
  const std::vector<SeedRow> rows = seed_rows();
  // Five OpenAI, five Anthropic, five Hugging Face, three Ollama, two vLLM, two Azure, four
  // RunPod and three local rows: 29, although the document's summary says 28.
  REQUIRE(rows.size() == 29);
  const auto support = tool_support();
  REQUIRE(support.size() == 8);
  const Catalog catalog = Catalog::builtin();
  const Settings settings = resolving_settings();

  std::set<std::pair<std::string, std::string>> found;
  std::set<const ModelTemplate *> templates;
  for (const SeedRow &row : rows) {
    INFO(row.section << ": " << row.id);
    // The template the row's id names; an id several templates share picks by the row's name.
    std::optional<ResolvedModel> resolved;
    if (auto named = resolve_model(catalog, row.id, settings); named.ok()) {
      resolved = named.value();
      const std::string &sent = resolved->model.upstream_model;
      if (row.template_id ? resolved->model.id != row.id : sent != row.id)
        found.emplace(row.id, "id");
    } else {
      found.emplace(row.id, "id");
      for (const ModelTemplate *candidate : catalog.find_other_name(row.id))
        if (candidate->display_name == row.cells.at("Name"))
          resolved = resolve_model(catalog, candidate->id, settings).value();
    }
    REQUIRE(resolved.has_value());
    REQUIRE(resolved->in_catalog);
    const ModelTemplate &model = resolved->model;
    CHECK(templates.insert(catalog.find(model.id)).second); // one template per row

    const std::string name_column = row.template_id ? "Description" : "Name";
    if (model.display_name != row.cells.at(name_column))
      found.emplace(row.id, "name");
    if (provider_info(model.provider).name != row.provider_name)
      found.emplace(row.id, "provider");
    if (row.cells.count("Context") && !matches_thousands(row.cells.at("Context"), model.context_tokens))
      found.emplace(row.id, "context");
    if (row.cells.count("Max Output") &&
        !matches_thousands(row.cells.at("Max Output"), model.max_output_tokens))
      found.emplace(row.id, "max_output");

    // Prices: the row's, else "Zero API costs" where its section says so, else none known.
    std::optional<Picodollars> expected_cost;
    if (auto price = row.cells.find("Price (Input/Output)"); price != row.cells.end()) {
      std::smatch dollars;
      REQUIRE(std::regex_search(price->second, dollars,
                                std::regex(R"(^\$([0-9.]+)/\$([0-9.]+) per 1M$)")));
      // The document's formula: tokens / 1,000,000 × the price per million, input plus output.
      expected_cost = 1000 * *parse_price_per_million(dollars[1].str()) +
                      500 * *parse_price_per_million(dollars[2].str());
    } else if (row.zero_cost) {
      expected_cost = 0;
    }
    const std::optional<Cost> cost = cost_of(thousand_in_five_hundred_out(), model);
    if (expected_cost != (cost ? std::optional(cost->total) : std::nullopt))
      found.emplace(row.id, "price");

    // Features, as the document names them: Vision, Functions (tools) and Streaming in the
    // row, tool calling in its provider's row of the tool table, and the sections' "No
    // streaming support". Where a row has a Features column it lists what the model does.
    const std::string features = row.cells.count("Features")   ? row.cells.at("Features")
                                 : row.cells.count("Use Case") ? row.cells.at("Use Case")
                                                               : std::string();
    const bool listed_features = row.cells.count("Features") != 0;
    const std::optional<bool> provider_tools = support.at(row.provider_name);
    const bool tools = contains(features, "Functions") || provider_tools == true;
    if (listed_features ? model.features.tools != tools
                        : (tools && !model.features.tools) ||
                              (provider_tools == false && model.features.tools))
      found.emplace(row.id, "tools");
    if (listed_features && model.features.vision != contains(features, "Vision"))
      found.emplace(row.id, "vision");
    if ((contains(features, "Streaming") && !model.features.streaming) ||
        (row.no_streaming && model.features.streaming))
      found.emplace(row.id, "streaming");

    if (!row.base_url.empty() && effective_base_url(*resolved) != placeholders_filled(row.base_url))
      found.emplace(row.id, "base_url");
  }

  const auto listed = listed_differences();
  for (const auto &difference : found) {
    INFO("the catalog differs from the document on " << difference.first << ", "
                                                     << difference.second
                                                     << ": docs/models.md's table does not list it");
    CHECK(listed.count(difference));
  }
  for (const auto &difference : listed) {
    INFO("docs/models.md lists " << difference.first << ", " << difference.second
                         << " as a difference, but the catalog does what the document says");
    CHECK(found.count(difference));
  }
  // The templates of the 29 rows come first in the catalog, in the document's order.
  REQUIRE(catalog.models().size() >= rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    CHECK(templates.count(&catalog.models()[i]));
}

TEST_CASE("Every other model name the document uses resolves to a template", "[seed][resolve]") {
  const std::vector<std::string> names = names_outside_tables();
  // Three models the examples call, four routing choices and three default models (the
  // template example's id is one the examples call).
  REQUIRE(names.size() == 10);
  const Catalog catalog = Catalog::builtin();
  for (const std::string &name : names) {
    INFO(name);
    auto resolved = resolve_model(catalog, name, resolving_settings());
    REQUIRE(resolved.ok());
    CHECK(resolved.value().in_catalog);
    CHECK(resolved.value().model.context_tokens > 0);
    CHECK(cost_of(thousand_in_five_hundred_out(), resolved.value().model).has_value());
  }
}

TEST_CASE("With LLM_PROVIDER set and its _MODEL unset, the document's default model answers",
          "[seed][resolve]") {
  // The document's "Primary Configuration": OPENAI_MODEL=gpt-4o-mini, ANTHROPIC_MODEL=...,
  // OLLAMA_MODEL=llama3.1.
  const Catalog catalog = Catalog::builtin();
  std::size_t checked = 0;
  for (const std::string &name : names_outside_tables()) {
    const std::size_t slash = name.find('/');
    if (slash == std::string::npos || !provider_from_name(name.substr(0, slash)))
      continue;
    INFO(name);
    auto by_default = resolve_from_settings(catalog, {{"LLM_PROVIDER", name.substr(0, slash)}});
    auto named = resolve_model(catalog, name, {});
    REQUIRE(by_default.ok());
    REQUIRE(named.ok());
    CHECK(by_default.value().model.id == named.value().model.id);
    CHECK(by_default.value().model.upstream_model == named.value().model.upstream_model);
    ++checked;
  }
  CHECK(checked == 3);
}
