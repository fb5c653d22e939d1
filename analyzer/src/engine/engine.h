// The engine: runs a scan end to end. Reads and classifies files, parses them in parallel (one
// tree-sitter parser per thread), walks each tree once dispatching rules by node kind, frees the
// tree, then runs whole-program rule phases, computes fingerprints and sorts everything so the
// result is the same bytes for any thread count. One bad file becomes a diagnostic; the scan goes
// on. Prints nothing; the CLI and reporters present the result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "facts/project.h"
#include "fs/discovery.h"
#include "fs/path_globs.h"
#include "nodescope/result.h"
#include "nodescope/rule.h"
#include "util/expected.h"

namespace nodescope::engine {

struct EngineOptions {
  unsigned jobs = 0;                           // 0: all hardware threads
  std::uint64_t max_file_bytes = 2u << 20;     // larger files: too-large diagnostic
  std::uint32_t parse_timeout_ms = 10'000;     // per file; past it: parse-timeout diagnostic
  std::uint32_t minified_line_bytes = 10'000;  // a line longer than this: skipped-minified
  std::uint32_t minified_average_line = 400;   // or an average line longer than this
  bool parse_only = false;    // read and parse, but run no rules and extract no facts (bench)
  bool build_routes = false;  // assemble the route table (ScanResult::routes)
  // The project's own middleware names and their kinds (from the configuration file).
  std::map<std::string, std::string> middleware_kinds;
  // Every registered rule id, for meta/unused-suppression's unknown-id check (a suppression may
  // name a rule that exists but is not running); empty: the ids of the rules given.
  std::vector<std::string> known_rule_ids;
  // Contents that replace the files on disk, by path relative to the root (`scan --staged`: the
  // staged content from the git index). nullopt drops the file (staged as deleted). A JS/TS path
  // discovery did not find is added when it is missing from disk (staged, then deleted from the
  // working tree) and lies in no always- or default-excluded folder.
  std::map<std::string, std::optional<std::string>> overlay;
  // Called after each file with (files done, total), from worker threads in any order: it must
  // be thread-safe and cheap (the CLI's progress indicator). Not called when empty.
  std::function<void(std::size_t, std::size_t)> progress;
  // Severity per rule id, replacing the rule's default in every finding (the configuration file's
  // "rules", then --rule).
  std::map<std::string, Severity> severity_overrides;
  // The configuration file's test patterns: a match makes a file a test file (ModelView::
  // is_test_file, test requests, route coverage), a negated match makes it not one; files no
  // pattern matches are judged by the built-in names and folders.
  fs::PathGlobs test_globs;
  // Fill ScanResult::summary, the report's facts (needs build_routes; `scan` also reads the
  // .nvmrc, Dockerfile, ... project files it otherwise skips).
  bool build_summary = false;
  // Measured figures for the report's Performance Metrics (`report --metrics FILE`).
  std::optional<PerformanceFacts> metrics;
};

// A file to analyse. `content`, when set, is used instead of reading `abs_path` (tests, staged
// files read from the git index).
struct InputFile {
  std::string rel_path;
  std::filesystem::path abs_path;
  Language language = Language::kJavaScript;
  std::uint64_t size = 0;
  std::optional<std::string> content;
};

// Analyses the given files (any order; the result is sorted). `diagnostics` from earlier phases
// (discovery) are merged into the result. `project_files` (package.json, tsconfig.json, with
// their text) configure module resolution: path aliases and the repository's packages.
ScanResult analyze_files(std::vector<InputFile> files, std::span<const Rule* const> rules,
                         const EngineOptions& options, std::vector<Diagnostic> diagnostics = {},
                         const std::vector<facts::ProjectFileText>& project_files = {});

// Discovery then analysis: the whole `nodescope scan`.
Expected<ScanResult> scan(const std::filesystem::path& root,
                          const std::vector<std::filesystem::path>& inputs,
                          std::span<const Rule* const> rules, const EngineOptions& options,
                          const fs::DiscoveryOptions& discovery);

}  // namespace nodescope::engine
