// The reporters: pure functions from a finished scan result (or rule metadata) to the bytes of one
// output format. No I/O, no clocks, no environment: the caller decides where bytes go and passes
// anything run-specific (tool version, colour, timings) in explicitly.
#pragma once

#include <span>
#include <string>

#include "nodescope/result.h"
#include "nodescope/rule.h"

namespace nodescope::reports {

struct ToolInfo {
  std::string name = "nodescope";
  std::string version;
};

// The JSON contract (README "JSON output"): version, tool, findings, diagnostics, stats. Pretty
// printed with two-space indent and a final newline. Byte-identical for identical results.
std::string to_json(const ScanResult& result, const ToolInfo& tool);

struct TextOptions {
  bool color = false;
  bool show_timings = false;  // append the timing line (not deterministic; text output only)
};

// ESLint-style text: findings grouped by file, then diagnostics, then a summary line.
std::string to_text(const ScanResult& result, const TextOptions& options);

// `nodescope routes`: the route table. JSON: {"routes": [...]} in the documented shape; text: a
// table with method, path, flags (auth, validation, rate limit), handler and where it is defined.
std::string routes_to_json(const std::vector<Route>& routes,
                           const std::vector<FrameworkVersion>& frameworks = {});
std::string routes_to_text(const std::vector<Route>& routes);
// OpenAPI 3.1: one path item per route path (`:id` and Hapi's `{id*}` become `{id}` with a path
// parameter), an operation per method (ALL becomes every standard method the path does not
// define otherwise), a security requirement where the chain authenticates, and the chain and
// source location as x-nodescope-* extensions. Dynamic routes are left out (counted in
// info.description), since their paths are not known.
std::string routes_to_openapi(const std::vector<Route>& routes, const std::string& title);

// `nodescope rules`: every rule's metadata.
std::string rules_to_json(std::span<const Rule* const> rules, const ToolInfo& tool);
std::string rules_to_text(std::span<const Rule* const> rules);

}  // namespace nodescope::reports
