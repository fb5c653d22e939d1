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

// A technology the project uses, known by a dependency (package.json, version resolved from the
// lockfile when there is one) and/or by code (an import, a schema's provider).
struct Technology {
  std::string name;     // "PostgreSQL", "Prisma", "Redis", "Sentry"
  std::string package;  // "pg", "@prisma/client", "ioredis"; "" when known from code only
  std::string version;  // "8.11.3" (lockfile) or "^8.11.0" (range); "" when unknown
  FactSource source;    // package.json, lockfile, or the file and line that showed it
};

// A plain observation with its evidence: "cluster.fork()", "pool max: 20", "HEALTHCHECK".
struct Observation {
  std::string what;
  FactSource source;
};

struct ModelField {
  std::string name;
  std::string type;  // as written: "String", "varchar", "DataTypes.STRING"; "" unknown
  std::vector<std::string>
      attributes;  // "id", "unique", "index", "required", "optional", "relation"
};

struct ModelIndex {
  std::vector<std::string> fields;
  bool unique = false;
  FactSource source;
};

// A data model: a Prisma model, a Mongoose schema, a TypeORM entity, a Sequelize model.
struct DataModel {
  std::string name;  // model name ("User"); the schema variable when no model name is seen
  std::string kind;  // "prisma", "mongoose", "typeorm", "sequelize"
  std::vector<ModelField> fields;
  std::vector<ModelIndex> indexes;  // compound and field indexes (field ones also as attributes)
  FactSource source;
};

struct MigrationSet {
  std::string
      tool;  // "prisma", "knex", "sequelize", "typeorm", "node-pg-migrate", "umzug", "unknown"
  std::string dir;          // relative to the scan root
  std::uint32_t count = 0;  // migration files (Prisma: migration folders)
};

// Databases, ORMs/ODMs, models with fields and indexes, migrations, pooling, cache, session store.
struct DatabaseFacts {
  std::vector<Technology> databases;  // drivers and Prisma datasource providers
  std::vector<Technology> orms;       // ORMs/ODMs/query builders
  std::vector<DataModel> models;      // sorted by file, line
  std::vector<MigrationSet> migrations;
  std::vector<Observation> pool;  // "max: 20" at the call that configures a pool
  std::vector<Technology> caches;
  std::vector<Technology> session_stores;  // connect-redis, connect-mongo, ...
  // express-session used without a `store` (its default MemoryStore leaks and is per-process).
  std::vector<FactSource> default_memory_store;
  // express-session stores as the code passes them (`store: new RedisStore(...)`), for stores
  // no known package names (a project's own Store subclass).
  std::vector<Observation> session_code;
};

struct Dockerfile {
  FactSource source;
  std::vector<std::string> stages;  // base image of each FROM, in order (multi-stage when > 1)
  std::string user;                 // last USER; "" when never set (runs as root)
  bool healthcheck = false;
  std::vector<std::string> expose;
  std::uint32_t healthcheck_line = 0;
};

struct ComposeService {
  std::string name;
  std::string image;  // "" when built
  std::string build;  // build context; "" when from an image
  std::vector<std::string> ports;
  bool healthcheck = false;
  FactSource source;
};

struct KubernetesWorkload {
  std::string kind;  // Deployment, StatefulSet, DaemonSet
  std::string name;
  std::string replicas;  // as written; "" when not set
  bool liveness = false;
  bool readiness = false;
  bool startup = false;
  FactSource source;
};

// Environments, process managers, containers and orchestration, clustering, monitoring, health.
struct DeploymentFacts {
  std::vector<Observation> environments;      // what = the name ("production"), first evidence
  std::vector<Observation> process_managers;  // "PM2 (instances: max, exec_mode: cluster)", ...
  std::vector<Dockerfile> dockerfiles;
  std::vector<ComposeService> compose_services;
  std::vector<KubernetesWorkload> kubernetes;
  std::vector<Observation> clustering;  // cluster module, PM2 cluster mode, throng
  std::vector<Technology> monitoring;
  std::vector<Observation> health_checks;  // routes, terminus packages, HEALTHCHECK, probes
};

// One figure from a --metrics summary, with the field it came from.
struct MetricValue {
  std::string name;  // "p50", "p95", "p99", "req/s", "memory", "cpu"
  double value = 0;
  std::string unit;   // "ms", "req/s", "MB", "%"
  std::string field;  // "latency.p50", "metrics.http_req_duration.p(95)"
};

struct FindingCount {
  std::string rule_id;
  std::uint32_t count = 0;
  FactSource first;  // the first finding in path order
};

// Measured figures (from `--metrics FILE`, an autocannon or k6 JSON summary) and static
// observations (blocking calls in handlers, clustering, compression, pool settings).
struct PerformanceFacts {
  std::string metrics_tool;  // "autocannon", "k6"; "" when nothing was measured
  std::string metrics_file;
  std::vector<MetricValue> measured;  // in the order p50, p95, p99, req/s, memory, cpu
  std::vector<Technology> compression;
  std::vector<Observation> clustering;
  std::vector<Observation> pool;
  std::vector<FindingCount> blocking;  // performance/* findings (sync I/O in handlers, ...)
};

// All of them, for one service (a package of the repository that runs a server, or the root).
struct BackendFacts {
  DatabaseFacts database;
  DeploymentFacts deployment;
  PerformanceFacts performance;
};

}  // namespace nodescope
