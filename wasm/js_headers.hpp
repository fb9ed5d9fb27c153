#pragma once
// HTTP headers as JavaScript hands them to the bindings, converted once for every binding.

#include <llmux/http.hpp>

#include <emscripten/val.h>

#include <optional>
#include <vector>

namespace llmux::wasm {

/// Headers from a JavaScript array of [name, value] string pairs or a plain object of
/// name: value strings; undefined and null are no headers. Nothing when any entry is not a
/// pair of strings: such values are refused here rather than handed to val::as, which would
/// throw a JavaScript exception through the Wasm frames and leak what they own.
std::optional<std::vector<Header>> headers_from_js(const emscripten::val &headers);

} // namespace llmux::wasm
