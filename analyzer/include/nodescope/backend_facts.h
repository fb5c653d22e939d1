// Facts about a backend beyond its code's routes, for the NODE.JS BACKEND ANALYSIS report (#6):
// its data layer, how it is deployed, and what was measured of its performance. Plain values,
// filled in by analyzer/src/facts (from package.json, lockfiles, schema and model files,
// Dockerfiles, compose and Kubernetes manifests, process-manager files, a --metrics summary) and
// rendered by reports/. Every value says where it came from; unknown stays empty (the report
// prints "unknown" with the reason), never a guess.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodescope {

// Where a fact was read: a file relative to the scan root and a 1-based line (0: whole file).
struct FactSource {
  std::string file;
  std::uint32_t line = 0;
};

// Databases, ORMs/ODMs, models with fields and indexes, migrations, pooling, cache, session store.
struct DatabaseFacts {};

// Environments, process managers, containers and orchestration, clustering, monitoring, health.
struct DeploymentFacts {};

// Measured figures (from `--metrics FILE`, an autocannon or k6 JSON summary) and static
// observations (blocking calls in handlers, clustering, compression, pool settings).
struct PerformanceFacts {};

// All of them, for one service (a package of the repository that runs a server, or the root).
struct BackendFacts {
  DatabaseFacts database;
  DeploymentFacts deployment;
  PerformanceFacts performance;
};

}  // namespace nodescope
