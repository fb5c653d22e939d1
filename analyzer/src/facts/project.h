// Project configuration that module resolution needs: TypeScript path mapping (tsconfig.json /
// jsconfig.json `compilerOptions.baseUrl` and `paths`, following relative `extends`) and the
// packages of the repository (every package.json with a name: npm/yarn/pnpm workspaces and nested
// packages), with their entry points. Read with simdjson; tsconfig is JSONC (comments and
// trailing commas). Malformed files become diagnostics; nothing here throws or prints.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nodescope/result.h"

namespace nodescope::facts {

struct TsPathMapping {
  std::string dir;       // folder of the tsconfig (relative to the scan root, "" for the root)
  std::string base_url;  // resolved against dir; "" when not set (then paths are relative to dir)
  bool has_base_url = false;
  std::string paths_dir;  // the folder `paths` targets are relative to
  std::vector<std::pair<std::string, std::vector<std::string>>> paths;  // "@app/*" -> ["src/*"]
};

struct PackageEntry {
  std::string name;   // "@acme/auth"
  std::string dir;    // folder of its package.json, relative to the scan root
  std::string entry;  // "src/index.ts" (relative to dir) from exports / main; "" when unset
};

// A dependency's version as the project pins it: resolved from a lockfile when there is one
// (package-lock.json v1-v3, yarn.lock v1 and berry, pnpm-lock.yaml), else the range declared in
// package.json.
struct DependencyVersion {
  std::string name;
  std::string version;  // "4.21.2" (lockfile) or "^4.21.2" (package.json range)
  std::string source;   // the file it was read from
  int major = -1;       // -1 when no major can be read
};

struct ProjectConfig {
  std::vector<TsPathMapping> tsconfigs;         // sorted by dir
  std::vector<PackageEntry> packages;           // sorted by name
  std::vector<DependencyVersion> dependencies;  // sorted by name; lockfile entries win

  const DependencyVersion* dependency(std::string_view name) const;
};

// The first number of a version or range: "^4.21.2" -> 4, "~5" -> 5, ">=4 <6" -> 4, "*" -> -1.
int major_of(std::string_view version);

struct ProjectFileText {
  std::string rel_path;
  std::string text;
};

ProjectConfig load_project(const std::vector<ProjectFileText>& files,
                           std::vector<Diagnostic>& diagnostics);

// JSONC to JSON: comments removed (outside strings) and trailing commas dropped; offsets keep
// their line structure so error positions still point at the right line.
std::string strip_jsonc(std::string_view text);

}  // namespace nodescope::facts
