// A developer tool, not a test: prints the Database Schema, Performance Metrics and Deployment
// Strategy sections (markdown, or the JSON of the three) for a folder, so the backend facts can
// be checked on real code before the report command wires them in.
// Usage: backend_facts_dump ROOT [--service DIR] [--metrics FILE] [--json] [--no-default-excludes]
#include <cstdio>
#include <string>

#include "backend_sections.h"
#include "facts/backend_facts.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr,
        "usage: %s ROOT [--service DIR] [--metrics FILE] [--json] [--no-default-excludes]\n",
        argv[0]);
    return 2;
  }
  std::string service;
  std::string metrics;
  bool as_json = false;
  nodescope::fs::DiscoveryOptions discovery;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--service" && i + 1 < argc)
      service = argv[++i];
    else if (a == "--metrics" && i + 1 < argc)
      metrics = argv[++i];
    else if (a == "--json")
      as_json = true;
    else if (a == "--no-default-excludes")
      discovery.default_excluded_dirs.clear();
  }
  std::vector<nodescope::Diagnostic> diagnostics;
  auto facts = nodescope::facts::scan_backend_facts(argv[1], service, discovery, metrics, {}, {},
                                                    diagnostics);
  if (!facts) {
    std::fprintf(stderr, "error: %s\n", facts.error().message.c_str());
    return 2;
  }
  std::string out;
  if (as_json) {
    rapidjson::StringBuffer buf;
    nodescope::reports::json::Writer w(buf);
    w.StartObject();
    nodescope::reports::json::key(w, "database");
    nodescope::reports::write_database_json(w, facts->database);
    nodescope::reports::json::key(w, "performance");
    nodescope::reports::write_performance_json(w, facts->performance);
    nodescope::reports::json::key(w, "deployment");
    nodescope::reports::write_deployment_json(w, facts->deployment);
    w.EndObject();
    out = nodescope::reports::json::finish(buf);
  } else {
    nodescope::reports::append_database_markdown(out, facts->database);
    nodescope::reports::append_performance_markdown(out, facts->performance);
    nodescope::reports::append_deployment_markdown(out, facts->deployment);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  for (const auto& d : diagnostics) {
    std::fprintf(stderr, "%s:%u: %s: %s\n", d.file.c_str(), d.line, d.kind.c_str(),
                 d.message.c_str());
  }
  return 0;
}
