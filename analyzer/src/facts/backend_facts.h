// Collecting the backend facts of the report (#6: Database Schema, Deployment Strategy,
// Performance Metrics) for one service: from dependencies (package.json, lockfiles), project files
// (schema.prisma, Dockerfiles, compose and Kubernetes YAML, PM2 ecosystem files, Procfile, systemd
// units, .env.* names), a dedicated scan of the source code (models, pools, sessions, clustering,
// NODE_ENV values, imports), findings of performance rules and an optional --metrics summary.
// The code scan is NOT part of the engine's walk: it runs only when a report asks for it, parses
// only files whose text names something it looks for, and never touches the hot path.
// Nothing here prints or throws; malformed inputs become diagnostics.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/project.h"
#include "fs/discovery.h"
#include "nodescope/backend_facts.h"
#include "nodescope/result.h"
#include "util/expected.h"

namespace nodescope::facts {

// What the code scan saw in one source file (plain data; positions are 1-based lines).
struct BackendCodeFacts {
  std::string path;
  struct Import {
    std::string spec;  // "mongoose", "@sentry/node"
    std::uint32_t line = 0;
  };
  std::vector<Import> imports;        // package specifiers only (no relative paths)
  std::vector<DataModel> models;      // source.file is `path`
  std::vector<Observation> pool;      // "max: 20"
  std::vector<Observation> sessions;  // what = the store expression, "" when no store is given
  std::vector<Observation> clustering;
  std::vector<Observation> environments;  // NODE_ENV compared with a string literal
};

// Scans one file. Cheap when the text names nothing of interest (a substring check, no parse).
BackendCodeFacts scan_backend_code(std::string_view path, std::string_view text, Language language);

// Parsers of single project files, exposed for tests. Each appends what it finds to `out`.
void parse_prisma_schema(std::string_view path, std::string_view text, DatabaseFacts& out);
void parse_dockerfile(std::string_view path, std::string_view text, DeploymentFacts& out);
void parse_compose(std::string_view path, std::string_view text, DeploymentFacts& out);
// Returns false when the text is no Kubernetes manifest (no `apiVersion:` and `kind:`).
bool parse_kubernetes(std::string_view path, std::string_view text, DeploymentFacts& out);
// ecosystem.config.{js,cjs,mjs,json}: apps with instances / exec_mode (line-wise, no evaluation).
void parse_pm2(std::string_view path, std::string_view text, DeploymentFacts& out);
void parse_procfile(std::string_view path, std::string_view text, DeploymentFacts& out);
void parse_systemd_unit(std::string_view path, std::string_view text, DeploymentFacts& out);

// A --metrics summary: autocannon JSON (latency.p50/p97_5/p99, requests.average) or a k6
// summary export (metrics.http_req_duration["p(95)"], metrics.http_reqs.rate). On malformed or
// unrecognised input returns an Error "file:line:col: what" and fills nothing.
Expected<PerformanceFacts> parse_metrics(std::string_view path, std::string_view text);

struct RouteRef {
  std::string method;
  std::string path;
  FactSource source;
};

struct FindingRef {
  std::string rule_id;
  FactSource source;
};

struct BackendInputs {
  // The service's folder relative to the scan root ("" for the root). Only files under it count;
  // its package.json gives the dependencies.
  std::string service_dir;
  const ProjectConfig* project = nullptr;   // resolved versions (may be null: ranges only)
  std::vector<ProjectFileText> files;       // project files' texts (read_backend_files)
  std::vector<std::string> source_paths;    // every discovered source file (migration counts)
  std::vector<BackendCodeFacts> code;       // scan_backend_code of the sources, any order
  std::vector<FindingRef> findings;         // the scan's findings (performance/* are counted)
  std::vector<RouteRef> routes;             // the model's routes (health checks); may be empty
  std::optional<PerformanceFacts> metrics;  // parse_metrics of --metrics, when given
};

// The project files the collector reads (package.json, schema.prisma, Dockerfile*, compose,
// Kubernetes YAML, ecosystem.config.*, Procfile, *.service), loaded with the usual limits; .env.*
// files are listed by name only and never read. Refused files become diagnostics.
std::vector<ProjectFileText> read_backend_files(const std::vector<fs::ProjectFileEntry>& entries,
                                                std::uint64_t max_bytes,
                                                std::vector<Diagnostic>& diagnostics);

// The entry point: all facts of one service, every list sorted, byte-identical on every run.
BackendFacts collect_backend_facts(const BackendInputs& inputs,
                                   std::vector<Diagnostic>& diagnostics);

// Convenience for tools and tests: discovery, reading, the code scan and collection for one
// folder of `root` (no findings or routes unless given). `metrics_path` may be empty.
Expected<BackendFacts> scan_backend_facts(const std::filesystem::path& root,
                                          const std::string& service_dir,
                                          const fs::DiscoveryOptions& discovery,
                                          const std::filesystem::path& metrics_path,
                                          std::vector<FindingRef> findings,
                                          std::vector<RouteRef> routes,
                                          std::vector<Diagnostic>& diagnostics);

}  // namespace nodescope::facts
