#pragma once
// The built-in catalog document, core/catalog/models.json, embedded in the build.

#include <string_view>

namespace llmux {

/// The text of core/catalog/models.json as it was at build time, without its "about" and its
/// line breaks (core/CMakeLists.txt).
std::string_view builtin_catalog_json() noexcept;

} // namespace llmux
