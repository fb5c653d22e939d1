// Module resolution inside the project: which analysed file a specifier names. Relative paths
// with extension and index probing, and `.js`/`.mjs`/`.cjs` specifiers that name TypeScript
// sources (NodeNext style). Bare specifiers are packages (tsconfig paths and workspace packages
// are the next step). Pure path arithmetic over the program's file list: no file system access.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/program.h"

namespace nodescope::model {

// The index in program.files() of the file `spec` names from `from_file`, or nullopt.
std::optional<std::size_t> resolve_module(const Program& program, std::string_view from_file,
                                          std::string_view spec);

// Whether a specifier names a project file rather than a package.
bool is_relative_specifier(std::string_view spec);

// "/a/./b/../c" -> "a/c" (forward slashes, no leading "./"); nullopt when it climbs above root.
std::optional<std::string> normalize_path(std::string_view path);

}  // namespace nodescope::model
