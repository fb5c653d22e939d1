// The configuration flags of `scan`, `baseline` and `routes` (--config FILE, --no-config,
// --rule ID=SETTING) and their effect: find and load .nodescope.json (engine/config.h), let
// --rule override its "rules", and turn both into the engine's and discovery's options.
// Precedence, lowest first: each rule's default, the configuration file, --rule.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/engine.h"
#include "fs/discovery.h"
#include "nodescope/rule.h"

namespace nodescope::cli {

struct ConfigFlags {
  std::string file;                // --config: this file instead of the one found upward
  bool none = false;               // --no-config
  std::vector<std::string> rules;  // --rule ID=SETTING, in order (a later one wins)
};

// Adds --config and --no-config, and --rule when `with_rules`.
void add_config_options(CLI::App& cmd, ConfigFlags& flags, bool with_rules);

// Loads the configuration for a scan rooted at `root` and applies it with the --rule flags.
// Returns false after writing a designed error to `err` (the caller exits 2). On success `rules`
// holds the rules to run.
bool configure(const ConfigFlags& flags, const std::filesystem::path& root,
               engine::EngineOptions& options, fs::DiscoveryOptions& discovery,
               std::vector<const Rule*>& rules, std::ostream& err);

}  // namespace nodescope::cli
