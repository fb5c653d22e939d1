// --config / --no-config / --rule (see config.h): the CLI's side of .nodescope.json. Loading,
// validation and the mapping to options are the engine's (engine/config.h); this file only
// chooses the file, merges the flags on top and words the errors for a terminal.
#include "cli/config.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/config.h"

namespace nodescope::cli {

void add_config_options(CLI::App& cmd, ConfigFlags& flags, bool with_rules) {
  CLI::Option* config = cmd.add_option("--config", flags.file,
                                       "Read this configuration file instead of the "
                                       ".nodescope.json found in the scan root or the "
                                       "nearest folder above it")
                            ->type_name("FILE");
  cmd.add_flag("--no-config", flags.none, "Ignore .nodescope.json files")->excludes(config);
  if (with_rules) {
    cmd.add_option("--rule", flags.rules,
                   "Set one rule, overriding the configuration file: ID=off|on|error|warning|note "
                   "(repeatable)")
        ->type_name("ID=SETTING")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  }
}

bool configure(const ConfigFlags& flags, const std::filesystem::path& root,
               engine::EngineOptions& options, fs::DiscoveryOptions& discovery,
               std::vector<const Rule*>& rules, std::ostream& err) {
  const std::span<const Rule* const> registered = all_rules();
  std::vector<std::string_view> ids;
  for (const Rule* r : registered) ids.push_back(r->meta().id);

  engine::Config config;
  std::optional<std::filesystem::path> file;
  if (!flags.file.empty()) {
    file = flags.file;
  } else if (!flags.none) {
    file = engine::find_config(root);
  }
  if (file) {
    auto loaded = engine::load_config(*file, ids);
    if (!loaded) {
      err << "nodescope: error: " << loaded.error().message
          << (flags.file.empty() ? "\n(run with --no-config to ignore the file)\n" : "\n");
      return false;
    }
    config = std::move(*loaded);
  }
  for (const std::string& flag : flags.rules) {
    const std::size_t eq = flag.find('=');
    const std::string id = flag.substr(0, eq);
    engine::RuleSetting setting;
    if (eq == std::string::npos || !engine::parse_rule_setting(flag.substr(eq + 1), setting)) {
      err << fmt::format(
          "nodescope: error: --rule {}: expected ID=SETTING with SETTING one of off, on, error, "
          "warning, note (e.g. --rule security/missing-helmet=off)\n",
          flag);
      return false;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      const std::string near = engine::nearest_rule_id(id, ids);
      err << fmt::format(
          "nodescope: error: --rule {}: unknown rule \"{}\"{}; `nodescope rules` "
          "lists every id\n",
          flag, id, near.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", near));
      return false;
    }
    // --rule replaces the file's setting for that rule entirely ("on" restores the default
    // severity even when the file changed it).
    config.rules[id] = setting;
  }
  rules = engine::apply_config(config, root, registered, options, &discovery);
  return true;
}

}  // namespace nodescope::cli
