// The project configuration file, `.nodescope.json`: which rules run and at what severity, paths
// to leave out, test file patterns and the names of the project's own auth / validation /
// rate-limit middleware. This file finds it (upward from the scan root), parses it (simdjson,
// JSONC tolerated: comments and trailing commas) and turns it into EngineOptions and
// DiscoveryOptions. Every problem is an Error naming file:line:column, what is wrong and the
// form expected (the CLI prints it and exits 2). The file's shape is a contract: the JSON Schema
// in analyzer/config/nodescope.schema.json describes the same keys, and tests/config checks
// that both accept exactly the same examples. Reads the file; never prints.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "fs/discovery.h"
#include "nodescope/result.h"
#include "nodescope/rule.h"
#include "util/expected.h"

namespace nodescope::engine {

inline constexpr std::string_view kConfigFileName = ".nodescope.json";

// One rule's setting: off, or on with its default severity, or on with another severity.
struct RuleSetting {
  bool enabled = true;
  std::optional<Severity> severity;
};

struct Config {
  std::string path;              // as messages show it
  std::filesystem::path folder;  // the file's folder: `ignore` and `tests` are relative to it
  std::map<std::string, RuleSetting> rules;
  std::vector<std::string> ignore;  // gitignore-syntax patterns
  std::vector<std::string> tests;   // gitignore-syntax patterns
  // Middleware name as written in route registrations -> the model's kind (auth, validation,
  // rate-limit, security-headers, other).
  std::map<std::string, std::string> middleware;
};

// Parses a configuration file's text. `known_rule_ids` are the ids `rules` may name (a typo gets
// the nearest one suggested). `folder` is left empty.
Expected<Config> parse_config(std::string_view text, const std::string& display_path,
                              std::span<const std::string_view> known_rule_ids);

// The configuration file for a scan of `root`: `.nodescope.json` in root or, failing that, in the
// nearest folder above it (up to the file system's root); nullopt when there is none.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& root);

// Reads and parses a configuration file; `folder` is set to its absolute folder.
Expected<Config> load_config(const std::filesystem::path& file,
                             std::span<const std::string_view> known_rule_ids);

// "off", "on", "error", "warning" (or ESLint's "warn"), "note"; false for anything else.
bool parse_rule_setting(std::string_view text, RuleSetting& out);

// The id among `known` nearest to `id` (same rule name in another pack, else the smallest edit
// distance within a third of the length), or "" when none is close.
std::string nearest_rule_id(std::string_view id, std::span<const std::string_view> known);

// Applies a configuration to a scan of `root`: returns the rules to run (those not turned off, in
// registry order) and fills `options` (severity overrides, middleware kinds, test patterns, every
// registered id as known to suppressions) and, when given, `discovery` (ignore patterns).
// Patterns are relative to the config's folder; when the scan root is not inside it (a
// `--config` elsewhere), relative to the scan root.
std::vector<const Rule*> apply_config(const Config& config, const std::filesystem::path& root,
                                      std::span<const Rule* const> rules, EngineOptions& options,
                                      fs::DiscoveryOptions* discovery);

}  // namespace nodescope::engine
