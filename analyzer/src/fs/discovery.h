// Discovery: which files a scan looks at. Walks the given paths under a scan root, honouring
// nested .gitignore and .nodescopeignore files (and those of parent folders up to the enclosing
// git repository), always skipping .git and node_modules and, by default, dist/, build/ and
// coverage/. Classifies files by language from the extension (.d.ts files are skipped). Never
// follows a symlink out of the root and survives symlink loops, reporting both as diagnostics.
// Reads no file contents (the engine does that in parallel) and never writes anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fs/path_globs.h"
#include "nodescope/result.h"
#include "util/expected.h"

namespace nodescope::fs {

struct DiscoveryOptions {
  // Folder names skipped wherever they appear, in addition to .git and node_modules.
  std::vector<std::string> default_excluded_dirs = {"dist", "build", "coverage"};
  bool use_ignore_files = true;  // .gitignore and .nodescopeignore
  // The configuration file's "ignore" patterns: what they match is left out like an ignored path
  // (a negated pattern only re-includes what an earlier pattern of the list left out).
  PathGlobs ignore_globs;
};

struct SourceEntry {
  std::string rel_path;            // relative to the root, forward slashes
  std::filesystem::path abs_path;  // what to open
  Language language = Language::kJavaScript;
  std::uint64_t size = 0;
};

// Non-source files later phases read (package.json, tsconfig*.json, lockfiles, ...).
struct ProjectFileEntry {
  std::string rel_path;
  std::filesystem::path abs_path;
  std::uint64_t size = 0;
};

struct DiscoveryResult {
  std::vector<SourceEntry> sources;             // sorted by rel_path, no duplicates
  std::vector<ProjectFileEntry> project_files;  // sorted by rel_path
  std::vector<Diagnostic> diagnostics;          // sorted by file, kind
};

// The language of a path by its extension, or nullopt when it is not a JS/TS source we analyse
// (including .d.ts, .d.mts, .d.cts).
std::optional<Language> language_of(std::string_view path);

// True for the project files later phases want: package.json, tsconfig*.json / jsconfig.json,
// package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, bun.lock, .nvmrc,
// .node-version, .tool-versions, Dockerfile*, docker-compose*.yml/.yaml, compose*.yml/.yaml,
// Procfile, ecosystem.config.*, .nodescope.json; for the backend facts also *.prisma,
// migration.sql, every *.yml/*.yaml, *.service and .env.* (by name only);
// bun.lockb (its presence: bun).
bool is_project_file(std::string_view file_name);

// Walks `inputs` (files or folders; each absolute or relative to the current directory) and
// returns paths relative to `root`. An explicitly named file is taken even when an ignore file
// would exclude it (as linters do). An empty `inputs` means the root itself. Errors (a missing
// input, an unreadable root) stop the scan; problems with individual entries become diagnostics.
Expected<DiscoveryResult> discover(const std::filesystem::path& root,
                                   const std::vector<std::filesystem::path>& inputs,
                                   const DiscoveryOptions& options);

}  // namespace nodescope::fs
