#pragma once
// The user's models file (native::user_models_path): what llmux deploy adds to and
// llmux deploy stop removes from. Changed under a lock and written whole (LockedFile), so
// deploys running at once keep each other's models and a crash never leaves half a file.

#include <llmux/catalog.hpp>
#include <llmux/resolve.hpp>

#include <string>

namespace llmux::cli {

/// Adds `model` to the user's models, replacing one of the same id and keeping the others.
/// False after printing why not (no path, an unreadable file, an invalid model).
bool save_user_model(const Settings &settings, ModelTemplate model);

/// Removes the model `id` from the user's models; true when it is gone (or was never there),
/// false after printing why the file could not be rewritten.
bool remove_user_model(const Settings &settings, const std::string &id);

} // namespace llmux::cli
