// The facts behind the NODE.JS BACKEND ANALYSIS report (#6), per service: the header facts
// (framework, TypeScript, Node version, package manager), the folder tree with roles, entry
// points, which routes belong to the service and a Purpose per route, plus the BackendFacts the
// data sections read. Plain values filled in by analyzer/src/facts/summary.cpp from project
// files, the route table and the apps; rendered by reports/summary.cpp together with the
// findings. A fact that cannot be read is "unknown (reason)", never a guess.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nodescope/backend_facts.h"

namespace nodescope {

// One header fact: its value ("express 4.21.2", "unknown (no lockfile or engines.node)"), the
// file it was read from ("" when unknown or derived), and anything that contradicts it.
struct SummaryFact {
  std::string value;
  std::string source;
  std::vector<std::string> notes;  // conflicts and caveats, each "value (file)"
};

// A folder of the service, depth-limited, in path order (a folder before its children).
struct SummaryFolder {
  std::string path;         // relative to the scan root, forward slashes; "" is the root
  int depth = 0;            // 0 for the service's own folder
  std::string role;         // routes|controllers|services|models|middlewares|config|utils|tests|""
  std::string why;          // "by name" | "registers routes" | "holds test files" | ...
  std::uint32_t files = 0;  // JS/TS files directly inside
};

struct ServiceSummary {
  std::string name;  // package.json name, else the folder's name
  std::string dir;   // relative to the scan root; "" for the root
  SummaryFact framework;
  SummaryFact typescript;
  bool typescript_strict = false;  // TypeScript with compilerOptions.strict true (via extends)
  SummaryFact node_version;
  SummaryFact package_manager;
  std::vector<SummaryFolder> folders;
  bool folders_truncated = false;         // deeper or more folders exist than shown
  std::vector<SummaryFact> entry_points;  // value = file, source = why (package.json main, ...)
  std::vector<std::uint32_t> routes;      // indices into ScanResult::routes
  // For the Self-Verification checks: how configuration is read (dotenv, @nestjs/config, ...),
  // the structured logger (pino, winston, ...) and API docs (swagger/OpenAPI packages); value ""
  // when none was found (notes say what was looked for).
  SummaryFact env_config;
  SummaryFact logging;
  SummaryFact api_docs;
  BackendFacts backend;
};

struct RoutePurpose {
  std::string text;    // "Create user"; "" when nothing says
  std::string source;  // "doc comment" | "@ApiOperation" | "handler name" | ""
};

struct Summary {
  std::vector<ServiceSummary> services;  // by dir; one (the root) when the repository has one
  // Purpose of each route, parallel to ScanResult::routes (doc comment, @ApiOperation summary,
  // the handler's name in words, or "" when none).
  std::vector<RoutePurpose> route_purposes;
  // The ids of the rules that ran (sorted): a check keyed on a rule that did not run says "not
  // verified" instead of "clean".
  std::vector<std::string> rules_run;
};

}  // namespace nodescope
