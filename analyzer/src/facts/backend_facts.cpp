// The collector of backend facts (see backend_facts.h): known packages by category, merged with
// what the project files and the code scan saw, filtered to one service folder and sorted.
#include "facts/backend_facts.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <simdjson.h>

#include "facts/file_facts.h"
#include "facts/json_check.h"
#include "parse/source.h"

namespace nodescope::facts {
namespace {

enum class Category { kDatabase, kOrm, kCache, kSessionStore, kMonitoring, kCompression, kHealth };

struct KnownPackage {
  std::string_view package;
  Category category;
  std::string_view name;
  bool prefix = false;  // package is a scope prefix ("@sentry/")
};

// What each package says about the backend. A package may appear under two categories.
constexpr KnownPackage kKnown[] = {
    {"pg", Category::kDatabase, "PostgreSQL"},
    {"pg-promise", Category::kDatabase, "PostgreSQL"},
    {"postgres", Category::kDatabase, "PostgreSQL"},
    {"slonik", Category::kDatabase, "PostgreSQL"},
    {"@neondatabase/serverless", Category::kDatabase, "PostgreSQL"},
    {"mysql", Category::kDatabase, "MySQL"},
    {"mysql2", Category::kDatabase, "MySQL"},
    {"mariadb", Category::kDatabase, "MariaDB"},
    {"mongodb", Category::kDatabase, "MongoDB"},
    {"mongoose", Category::kDatabase, "MongoDB"},
    {"sqlite3", Category::kDatabase, "SQLite"},
    {"better-sqlite3", Category::kDatabase, "SQLite"},
    {"sqlite", Category::kDatabase, "SQLite"},
    {"mssql", Category::kDatabase, "SQL Server"},
    {"tedious", Category::kDatabase, "SQL Server"},
    {"oracledb", Category::kDatabase, "Oracle"},
    {"cassandra-driver", Category::kDatabase, "Cassandra"},
    {"neo4j-driver", Category::kDatabase, "Neo4j"},
    {"@aws-sdk/client-dynamodb", Category::kDatabase, "DynamoDB"},
    {"@prisma/client", Category::kOrm, "Prisma"},
    {"prisma", Category::kOrm, "Prisma"},
    {"mongoose", Category::kOrm, "Mongoose"},
    {"@nestjs/mongoose", Category::kOrm, "Mongoose"},
    {"typeorm", Category::kOrm, "TypeORM"},
    {"@n8n/typeorm", Category::kOrm, "TypeORM"},
    {"@nestjs/typeorm", Category::kOrm, "TypeORM"},
    {"sequelize", Category::kOrm, "Sequelize"},
    {"sequelize-typescript", Category::kOrm, "Sequelize"},
    {"@nestjs/sequelize", Category::kOrm, "Sequelize"},
    {"knex", Category::kOrm, "Knex"},
    {"objection", Category::kOrm, "Objection"},
    {"@mikro-orm/core", Category::kOrm, "MikroORM"},
    {"drizzle-orm", Category::kOrm, "Drizzle"},
    {"kysely", Category::kOrm, "Kysely"},
    {"bookshelf", Category::kOrm, "Bookshelf"},
    {"redis", Category::kCache, "Redis"},
    {"ioredis", Category::kCache, "Redis"},
    {"@redis/client", Category::kCache, "Redis"},
    {"node-cache", Category::kCache, "node-cache"},
    {"lru-cache", Category::kCache, "lru-cache"},
    {"memcached", Category::kCache, "Memcached"},
    {"memjs", Category::kCache, "Memcached"},
    {"cache-manager", Category::kCache, "cache-manager"},
    {"@nestjs/cache-manager", Category::kCache, "cache-manager"},
    {"keyv", Category::kCache, "Keyv"},
    {"apicache", Category::kCache, "apicache"},
    {"cache-manager-ioredis", Category::kCache, "Redis"},
    {"cache-manager-redis-store", Category::kCache, "Redis"},
    {"@keyv/redis", Category::kCache, "Redis"},
    {"connect-redis", Category::kSessionStore, "connect-redis (Redis)"},
    {"connect-mongo", Category::kSessionStore, "connect-mongo (MongoDB)"},
    {"connect-mongodb-session", Category::kSessionStore, "connect-mongodb-session (MongoDB)"},
    {"connect-pg-simple", Category::kSessionStore, "connect-pg-simple (PostgreSQL)"},
    {"express-mysql-session", Category::kSessionStore, "express-mysql-session (MySQL)"},
    {"connect-session-sequelize", Category::kSessionStore, "connect-session-sequelize (SQL)"},
    {"connect-session-knex", Category::kSessionStore, "connect-session-knex (SQL)"},
    {"memorystore", Category::kSessionStore, "memorystore (in-process memory)"},
    {"session-file-store", Category::kSessionStore, "session-file-store (files)"},
    {"prom-client", Category::kMonitoring, "Prometheus (prom-client)"},
    {"express-prom-bundle", Category::kMonitoring, "Prometheus (prom-client)"},
    {"@opentelemetry/", Category::kMonitoring, "OpenTelemetry", true},
    {"@sentry/", Category::kMonitoring, "Sentry", true},
    {"newrelic", Category::kMonitoring, "New Relic"},
    {"dd-trace", Category::kMonitoring, "Datadog (dd-trace)"},
    {"elastic-apm-node", Category::kMonitoring, "Elastic APM"},
    {"applicationinsights", Category::kMonitoring, "Azure Application Insights"},
    {"@appsignal/nodejs", Category::kMonitoring, "AppSignal"},
    {"compression", Category::kCompression, "compression"},
    {"koa-compress", Category::kCompression, "koa-compress"},
    {"@fastify/compress", Category::kCompression, "@fastify/compress"},
    {"fastify-compress", Category::kCompression, "fastify-compress"},
    {"@godaddy/terminus", Category::kHealth, "@godaddy/terminus"},
    {"@nestjs/terminus", Category::kHealth, "@nestjs/terminus"},
    {"fastify-healthcheck", Category::kHealth, "fastify-healthcheck"},
    {"express-healthcheck", Category::kHealth, "express-healthcheck"},
    {"lightship", Category::kHealth, "lightship"},
    {"@fastify/under-pressure", Category::kHealth, "@fastify/under-pressure"},
};

std::string dir_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash));
}

std::string_view base_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool under(std::string_view path, std::string_view dir) {
  return dir.empty() ||
         (path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/');
}

bool source_less(const FactSource& a, const FactSource& b) {
  return std::tie(a.file, a.line) < std::tie(b.file, b.line);
}

bool is_yaml(std::string_view name) { return name.ends_with(".yml") || name.ends_with(".yaml"); }

bool is_compose(std::string_view name) {
  return is_yaml(name) && (name.starts_with("docker-compose") || name.starts_with("compose"));
}

// Technologies keyed by display name; the first evidence wins where first means package.json
// over code, then path order.
class TechSet {
 public:
  void add(Technology t, bool from_dependency) {
    auto it = by_name_.find(t.name);
    if (it == by_name_.end()) {
      std::string key = t.name;  // copied first: argument evaluation order is unspecified
      by_name_.emplace(std::move(key), Entry{std::move(t), from_dependency});
      return;
    }
    Entry& e = it->second;
    if ((from_dependency && !e.from_dependency) ||
        (from_dependency == e.from_dependency && source_less(t.source, e.tech.source) &&
         !from_dependency)) {
      e = Entry{std::move(t), from_dependency};
    }
  }
  std::vector<Technology> list() const {
    std::vector<Technology> out;
    for (const auto& [name, e] : by_name_) out.push_back(e.tech);
    return out;
  }
  bool has(std::string_view name) const { return by_name_.count(std::string(name)) != 0; }

 private:
  struct Entry {
    Technology tech;
    bool from_dependency;
  };
  std::map<std::string, Entry> by_name_;
};

struct Dependencies {
  std::map<std::string, std::string> declared;  // name -> range (dependencies, optional, peer)
  std::map<std::string, std::string> dev;       // devDependencies
  std::map<std::string, std::string> scripts;   // name -> command
  std::string file;
};

Dependencies read_package_json(const ProjectFileText* f, std::vector<Diagnostic>& diagnostics) {
  Dependencies deps;
  if (f == nullptr) return deps;
  deps.file = f->rel_path;
  if (check_json(f->text)) return deps;  // the engine reports malformed package.json files
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(f->text).get(root)) return deps;
  (void)diagnostics;
  auto read = [&](const char* section, std::map<std::string, std::string>& into) {
    simdjson::dom::object obj;
    if (root[section].get_object().get(obj)) return;
    for (auto field : obj) {
      std::string_view v;
      if (!field.value.get_string().get(v)) into.emplace(std::string(field.key), std::string(v));
    }
  };
  read("dependencies", deps.declared);
  read("optionalDependencies", deps.declared);
  read("peerDependencies", deps.declared);
  read("devDependencies", deps.dev);
  read("scripts", deps.scripts);
  return deps;
}

const KnownPackage* known_match(std::string_view pkg, Category c, const KnownPackage* after) {
  bool started = after == nullptr;
  for (const KnownPackage& k : kKnown) {
    if (!started) {
      started = &k == after;
      continue;
    }
    if (k.category != c) continue;
    if (k.prefix ? pkg.starts_with(k.package) : pkg == k.package) return &k;
  }
  return nullptr;
}

void add_environment(std::map<std::string, FactSource>& envs, std::string name, FactSource src) {
  auto it = envs.find(name);
  if (it == envs.end()) {
    envs.emplace(std::move(name), std::move(src));
  } else if (source_less(src, it->second)) {
    it->second = std::move(src);
  }
}

// `NODE_ENV=production`, `NODE_ENV: production`, `ENV NODE_ENV production` in a text.
void text_node_env(std::string_view path, std::string_view text,
                   std::map<std::string, FactSource>& envs, bool with_lines = true) {
  std::uint32_t line = 1;
  std::size_t counted = 0;
  for (std::size_t at = text.find("NODE_ENV"); at != std::string_view::npos;
       at = text.find("NODE_ENV", at + 8)) {
    std::size_t i = at + 8;
    if (i < text.size() && (text[i] == '"' || text[i] == '\'')) ++i;
    if (i >= text.size() || (text[i] != '=' && text[i] != ':' && text[i] != ' ')) continue;
    ++i;
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '"' || text[i] == '\'' || text[i] == '='))
      ++i;
    std::size_t j = i;
    while (j < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == '_'))
      ++j;
    if (j == i || j - i > 30) continue;
    for (; counted < at; ++counted) line += text[counted] == '\n';
    add_environment(envs, std::string(text.substr(i, j - i)),
                    FactSource{std::string(path), with_lines ? line : 0});
  }
}

const std::set<std::string_view> kEnvNames = {
    "development", "dev", "production", "prod",    "staging", "stage", "test", "testing",
    "qa",          "uat", "preprod",    "sandbox", "local",   "ci",    "e2e",  "demo"};

std::string migration_tool(const Dependencies& deps) {
  auto has = [&](std::string_view p) {
    return deps.declared.count(std::string(p)) || deps.dev.count(std::string(p));
  };
  if (has("node-pg-migrate")) return "node-pg-migrate";
  if (has("umzug")) return "umzug";
  if (has("knex-migrator")) return "knex-migrator";
  if (has("knex")) return "knex";
  if (has("sequelize-cli")) return "sequelize-cli";
  if (has("typeorm")) return "typeorm";
  if (has("@mikro-orm/migrations")) return "mikro-orm";
  if (has("db-migrate")) return "db-migrate";
  if (has("migrate-mongo")) return "migrate-mongo";
  if (has("sequelize")) return "sequelize";
  return "unknown";
}

}  // namespace

std::vector<ProjectFileText> read_backend_files(const std::vector<fs::ProjectFileEntry>& entries,
                                                std::uint64_t max_bytes,
                                                std::vector<Diagnostic>& diagnostics) {
  std::vector<ProjectFileText> out;
  for (const fs::ProjectFileEntry& e : entries) {
    const std::string_view name = base_of(e.rel_path);
    const bool wanted = name == "package.json" || name.ends_with(".prisma") ||
                        name.starts_with("Dockerfile") || name.starts_with("ecosystem.config.") ||
                        name == "Procfile" || name.ends_with(".service") ||
                        (is_yaml(name) && name != "pnpm-lock.yaml");
    if (!wanted) {
      // Listed by name only (.env.* may hold secrets; migration.sql only counts).
      if (name.starts_with(".env.") || name == "migration.sql" || name.ends_with(".json")) {
        out.push_back(ProjectFileText{e.rel_path, {}});
      }
      continue;
    }
    parse::SourceLimits limits;
    limits.max_file_bytes = max_bytes;
    limits.minified_line_bytes = UINT32_MAX;
    limits.minified_average_line = UINT32_MAX;
    auto loaded = parse::load_source(e.rel_path, e.abs_path, std::nullopt, limits);
    if (auto* refused = std::get_if<Diagnostic>(&loaded)) {
      diagnostics.push_back(std::move(*refused));
      continue;
    }
    out.push_back(
        ProjectFileText{e.rel_path, std::string(std::get<parse::LoadedSource>(loaded).text())});
  }
  return out;
}

namespace {

// A service with no package.json of its own (an npm tarball's package/, a backend kept in
// server/): the one manifest nearest below it, outside node_modules; none when two tie.
const ProjectFileText* shallowest_package_json(const std::vector<const ProjectFileText*>& files,
                                               const std::string& root) {
  const ProjectFileText* best = nullptr;
  std::size_t best_depth = 0;
  bool tie = false;
  for (const ProjectFileText* f : files) {
    const std::string_view path = f->rel_path;
    if (!(path == "package.json" || path.ends_with("/package.json"))) continue;
    if (path.find("node_modules/") != std::string_view::npos) continue;
    const std::string_view rest = path.substr(root.empty() ? 0 : root.size() + 1);
    const auto depth = static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/'));
    if (best == nullptr || depth < best_depth) {
      best = f;
      best_depth = depth;
      tie = false;
    } else if (depth == best_depth) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

}  // namespace

BackendFacts collect_backend_facts(const BackendInputs& in, std::vector<Diagnostic>& diagnostics) {
  BackendFacts facts;
  DatabaseFacts& db = facts.database;
  DeploymentFacts& dep = facts.deployment;
  PerformanceFacts& perf = facts.performance;
  const std::string& root = in.service_dir;

  std::vector<const ProjectFileText*> files;
  const ProjectFileText* package_json = nullptr;
  for (const auto& f : in.files) {
    if (!under(f.rel_path, root)) continue;
    files.push_back(&f);
    if (f.rel_path == (root.empty() ? "package.json" : root + "/package.json")) package_json = &f;
  }
  std::sort(files.begin(), files.end(),
            [](const auto* a, const auto* b) { return a->rel_path < b->rel_path; });
  if (package_json == nullptr) package_json = shallowest_package_json(files, root);
  const Dependencies deps = read_package_json(package_json, diagnostics);

  // Technologies by dependency, then by import in code.
  TechSet databases, orms, caches, sessions, monitoring, compression, health;
  auto set_of = [&](Category c) -> TechSet& {
    switch (c) {
      case Category::kDatabase:
        return databases;
      case Category::kOrm:
        return orms;
      case Category::kCache:
        return caches;
      case Category::kSessionStore:
        return sessions;
      case Category::kMonitoring:
        return monitoring;
      case Category::kCompression:
        return compression;
      case Category::kHealth:
        return health;
    }
    return databases;
  };
  auto version_of = [&](const std::string& pkg, const std::string& range) {
    if (in.project != nullptr) {
      if (const DependencyVersion* v = in.project->dependency(pkg)) {
        return std::make_pair(v->version, v->source);
      }
    }
    return std::make_pair(range, deps.file);
  };
  constexpr Category kAll[] = {
      Category::kDatabase,   Category::kOrm,         Category::kCache, Category::kSessionStore,
      Category::kMonitoring, Category::kCompression, Category::kHealth};
  for (const auto& [pkg, range] : deps.declared) {
    for (Category c : kAll) {
      for (const KnownPackage* k = known_match(pkg, c, nullptr); k; k = known_match(pkg, c, k)) {
        auto [version, src] = version_of(pkg, range);
        set_of(c).add(Technology{std::string(k->name), pkg, version, FactSource{src, 0}}, true);
      }
    }
  }
  // `prisma` (the CLI) is a devDependency next to @prisma/client.
  if (deps.dev.count("prisma") && !orms.has("Prisma")) {
    auto [version, src] = version_of("prisma", deps.dev.at("prisma"));
    orms.add(Technology{"Prisma", "prisma", version, FactSource{src, 0}}, true);
  }
  std::vector<const BackendCodeFacts*> code;
  for (const auto& c : in.code) {
    // Test files set NODE_ENV, build throwaway schemas and pools: not the service's facts.
    if (under(c.path, root) && !is_test_path(c.path)) code.push_back(&c);
  }
  std::sort(code.begin(), code.end(),
            [](const auto* a, const auto* b) { return a->path < b->path; });
  for (const BackendCodeFacts* c : code) {
    for (const auto& imp : c->imports) {
      for (Category c2 : kAll) {
        for (const KnownPackage* k = known_match(imp.spec, c2, nullptr); k;
             k = known_match(imp.spec, c2, k)) {
          auto it = deps.declared.find(imp.spec);
          std::string version;
          if (it != deps.declared.end()) version = version_of(imp.spec, it->second).first;
          set_of(c2).add(
              Technology{std::string(k->name), imp.spec, version, FactSource{c->path, imp.line}},
              false);
        }
      }
    }
  }

  // Database: models, migrations, pools, sessions.
  std::set<std::string> migration_dirs_prisma;
  std::map<std::string, std::uint32_t> prisma_migrations;  // migrations dir -> folders
  for (const ProjectFileText* f : files) {
    const std::string_view name = base_of(f->rel_path);
    if (name.ends_with(".prisma")) {
      parse_prisma_schema(f->rel_path, f->text, db);
      orms.add(Technology{"Prisma", "", "", FactSource{f->rel_path, 0}}, false);
    } else if (name == "migration.sql") {
      const std::string folder = dir_of(f->rel_path);
      const std::string migrations = dir_of(folder);
      if (base_of(migrations) == "migrations") ++prisma_migrations[migrations];
    }
  }
  for (auto& t : db.databases) databases.add(t, false);
  db.databases.clear();
  for (const auto& [dir, count] : prisma_migrations) {
    db.migrations.push_back(MigrationSet{"prisma", dir, count});
  }
  {
    std::map<std::string, std::uint32_t> by_dir;
    for (const std::string& p : in.source_paths) {
      if (!under(p, root)) continue;
      const std::size_t at = p.find("migrations/");
      if (at == std::string::npos || (at > 0 && p[at - 1] != '/')) continue;
      const std::string_view file = base_of(p);
      if (file.starts_with("index.") || file.find(".test.") != std::string_view::npos ||
          file.find(".spec.") != std::string_view::npos)
        continue;
      ++by_dir[p.substr(0, at + 10)];
    }
    // A folder named migrations counts only next to a migration tool: "migrations" means other
    // things too (n8n's breaking-changes/migrations are not database migrations).
    const std::string tool = migration_tool(deps);
    for (const auto& [dir, count] : by_dir) {
      if (tool != "unknown") db.migrations.push_back(MigrationSet{tool, dir, count});
    }
  }
  for (const BackendCodeFacts* c : code) {
    for (const auto& m : c->models) db.models.push_back(m);
    // One-off scripts configure their own small pools; the service's pool is elsewhere.
    if (c->path.find("scripts/") == std::string::npos) {
      for (const auto& p : c->pool) db.pool.push_back(p);
    }
    for (const auto& s : c->sessions) {
      if (s.what.empty()) {
        db.default_memory_store.push_back(s.source);
      } else {
        db.session_code.push_back(s);
      }
    }
  }
  std::stable_sort(db.models.begin(), db.models.end(),
                   [](const auto& a, const auto& b) { return source_less(a.source, b.source); });
  db.orms = orms.list();
  db.caches = caches.list();
  db.session_stores = sessions.list();
  db.databases = databases.list();
  // Redis is the cache; it is the database only when nothing else is.
  if (db.databases.empty()) {
    for (const auto& c : db.caches) {
      if (c.name == "Redis") db.databases.push_back(c);
    }
  }

  // Deployment.
  std::map<std::string, FactSource> envs;
  for (const BackendCodeFacts* c : code) {
    for (const auto& e : c->environments) add_environment(envs, e.what, e.source);
    for (const auto& o : c->clustering) dep.clustering.push_back(o);
  }
  for (const ProjectFileText* f : files) {
    const std::string_view name = base_of(f->rel_path);
    if (name.starts_with(".env.")) {
      std::string env(name.substr(5));
      if (env != "example" && env != "sample" && env != "template" && env != "dist" &&
          env != "defaults" && !env.ends_with(".example") && !env.ends_with(".sample")) {
        add_environment(envs, env, FactSource{f->rel_path, 0});
      }
      continue;
    }
    if (name.starts_with("Dockerfile")) {
      parse_dockerfile(f->rel_path, f->text, dep);
      text_node_env(f->rel_path, f->text, envs);
    } else if (is_compose(name)) {
      parse_compose(f->rel_path, f->text, dep);
      text_node_env(f->rel_path, f->text, envs);
    } else if (name.starts_with("ecosystem.config.")) {
      parse_pm2(f->rel_path, f->text, dep);
      text_node_env(f->rel_path, f->text, envs);
    } else if (name == "Procfile") {
      parse_procfile(f->rel_path, f->text, dep);
    } else if (name.ends_with(".service")) {
      parse_systemd_unit(f->rel_path, f->text, dep);
    } else if (is_yaml(name) && name != "pnpm-lock.yaml") {
      parse_kubernetes(f->rel_path, f->text, dep);
    } else if (f == package_json) {
      for (const auto& [script, command] : deps.scripts) {
        (void)script;
        text_node_env(f->rel_path, command, envs, false);
      }
    }
  }
  // config/<env>.{js,json,yaml,...} (node-config) and config.<env>.json (nconf-style).
  auto config_env = [&](const std::string& p) {
    if (!under(p, root) || is_test_path(p)) return;
    std::string_view name = base_of(p);
    const bool in_config = dir_of(p).find("config") != std::string::npos;
    if (name.starts_with("config.")) {
      name.remove_prefix(7);
    } else if (!in_config) {
      return;
    }
    const std::string_view stem = name.substr(0, name.find('.'));
    if (name.find('.') == std::string_view::npos) return;
    if (kEnvNames.count(stem)) add_environment(envs, std::string(stem), FactSource{p, 0});
  };
  for (const std::string& p : in.source_paths) config_env(p);
  for (const ProjectFileText* f : files) {
    const std::string_view name = base_of(f->rel_path);
    if (name.ends_with(".json") || is_yaml(name)) config_env(f->rel_path);
  }
  for (auto& [name, src] : envs) dep.environments.push_back(Observation{name, src});
  auto script_uses = [&](std::string_view tool) -> const std::string* {
    for (const auto& [script, command] : deps.scripts) {
      if (command.find(tool) != std::string::npos) return &script;
    }
    return nullptr;
  };
  if (!std::any_of(dep.process_managers.begin(), dep.process_managers.end(),
                   [](const Observation& o) { return o.what.starts_with("PM2"); })) {
    if (const std::string* s = script_uses("pm2 ")) {
      dep.process_managers.push_back(
          Observation{"PM2 (npm script \"" + *s + "\")", FactSource{deps.file, 0}});
    } else if (const std::string* s2 = script_uses("pm2-runtime")) {
      dep.process_managers.push_back(
          Observation{"PM2 (npm script \"" + *s2 + "\")", FactSource{deps.file, 0}});
    } else if (deps.declared.count("pm2")) {
      dep.process_managers.push_back(Observation{"PM2 (dependency)", FactSource{deps.file, 0}});
    }
  }
  if (const std::string* s = script_uses("forever ")) {
    dep.process_managers.push_back(
        Observation{"forever (npm script \"" + *s + "\")", FactSource{deps.file, 0}});
  } else if (deps.declared.count("forever")) {
    dep.process_managers.push_back(Observation{"forever (dependency)", FactSource{deps.file, 0}});
  }
  if (deps.declared.count("throng") &&
      !std::any_of(dep.clustering.begin(), dep.clustering.end(),
                   [](const Observation& o) { return o.what == "throng"; })) {
    dep.clustering.push_back(Observation{"throng (dependency)", FactSource{deps.file, 0}});
  }
  dep.monitoring = monitoring.list();
  for (const Technology& t : health.list()) {
    dep.health_checks.push_back(Observation{t.name, t.source});
  }
  for (const RouteRef& r : in.routes) {
    if (!under(r.source.file, root)) continue;
    std::string_view last = r.path;
    while (!last.empty() && last.back() == '/') last.remove_suffix(1);
    last = base_of(last);
    std::string lower(last);
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.starts_with("health") || lower.starts_with("ready") || lower.starts_with("live") ||
        lower == "ping" || lower == "readiness" || lower == "liveness") {
      dep.health_checks.push_back(Observation{r.method + " " + r.path, r.source});
    }
  }
  for (const Dockerfile& d : dep.dockerfiles) {
    if (d.healthcheck) {
      dep.health_checks.push_back(
          Observation{"Dockerfile HEALTHCHECK", FactSource{d.source.file, d.healthcheck_line}});
    }
  }
  for (const ComposeService& s : dep.compose_services) {
    if (s.healthcheck)
      dep.health_checks.push_back(Observation{"compose healthcheck (" + s.name + ")", s.source});
  }
  for (const KubernetesWorkload& k : dep.kubernetes) {
    if (k.liveness || k.readiness || k.startup) {
      std::string probes;
      if (k.liveness) probes += "liveness";
      if (k.readiness) probes += std::string(probes.empty() ? "" : ", ") + "readiness";
      if (k.startup) probes += std::string(probes.empty() ? "" : ", ") + "startup";
      dep.health_checks.push_back(
          Observation{"Kubernetes probes (" + k.name + ": " + probes + ")", k.source});
    }
  }
  auto by_source = [](const Observation& a, const Observation& b) {
    return std::tie(a.source.file, a.source.line, a.what) <
           std::tie(b.source.file, b.source.line, b.what);
  };
  std::sort(dep.process_managers.begin(), dep.process_managers.end(), by_source);
  std::sort(dep.clustering.begin(), dep.clustering.end(), by_source);
  std::sort(dep.health_checks.begin(), dep.health_checks.end(), by_source);
  std::sort(db.pool.begin(), db.pool.end(), by_source);
  db.pool.erase(std::unique(db.pool.begin(), db.pool.end(),
                            [](const auto& a, const auto& b) {
                              return a.what == b.what && a.source.file == b.source.file &&
                                     a.source.line == b.source.line;
                            }),
                db.pool.end());

  // Performance.
  if (in.metrics) perf = *in.metrics;
  perf.compression = compression.list();
  perf.clustering = dep.clustering;
  perf.pool = db.pool;
  std::map<std::string, FindingCount> blocking;
  for (const FindingRef& f : in.findings) {
    if (!f.rule_id.starts_with("performance/") || !under(f.source.file, root)) continue;
    auto [it, inserted] = blocking.try_emplace(f.rule_id, FindingCount{f.rule_id, 0, f.source});
    ++it->second.count;
    if (source_less(f.source, it->second.first)) it->second.first = f.source;
  }
  for (auto& [id, c] : blocking) perf.blocking.push_back(c);
  return facts;
}

Expected<BackendFacts> scan_backend_facts(const std::filesystem::path& root,
                                          const std::string& service_dir,
                                          const fs::DiscoveryOptions& discovery,
                                          const std::filesystem::path& metrics_path,
                                          std::vector<FindingRef> findings,
                                          std::vector<RouteRef> routes,
                                          std::vector<Diagnostic>& diagnostics) {
  auto found = fs::discover(root, {}, discovery);
  if (!found) return found.error();
  constexpr std::uint64_t kMaxBytes = 4u << 20;
  BackendInputs in;
  in.service_dir = service_dir;
  std::vector<ProjectFileText> lock_and_config;
  for (const auto& e : found->project_files) {
    const std::string_view name = base_of(e.rel_path);
    if (name == "package-lock.json" || name == "yarn.lock" || name == "pnpm-lock.yaml" ||
        name == "npm-shrinkwrap.json" || name == "package.json") {
      auto loaded = parse::load_source(e.rel_path, e.abs_path, std::nullopt,
                                       parse::SourceLimits{64u << 20, UINT32_MAX, UINT32_MAX});
      if (auto* ok = std::get_if<parse::LoadedSource>(&loaded)) {
        lock_and_config.push_back(ProjectFileText{e.rel_path, std::string(ok->text())});
      }
    }
  }
  const ProjectConfig project = load_project(lock_and_config, diagnostics);
  in.project = &project;
  in.files = read_backend_files(found->project_files, kMaxBytes, diagnostics);
  for (const auto& s : found->sources) {
    in.source_paths.push_back(s.rel_path);
    if (!under(s.rel_path, service_dir)) continue;
    parse::SourceLimits limits;
    limits.max_file_bytes = kMaxBytes;
    auto loaded = parse::load_source(s.rel_path, s.abs_path, std::nullopt, limits);
    if (auto* ok = std::get_if<parse::LoadedSource>(&loaded)) {
      in.code.push_back(scan_backend_code(s.rel_path, ok->text(), s.language));
    }
  }
  in.findings = std::move(findings);
  in.routes = std::move(routes);
  if (!metrics_path.empty()) {
    auto loaded = parse::load_source(metrics_path.string(), metrics_path, std::nullopt,
                                     parse::SourceLimits{64u << 20, UINT32_MAX, UINT32_MAX});
    if (auto* refused = std::get_if<Diagnostic>(&loaded)) {
      return Error{metrics_path.string() + ": " + refused->message};
    }
    auto metrics =
        parse_metrics(metrics_path.string(), std::get<parse::LoadedSource>(loaded).text());
    if (!metrics) return metrics.error();
    in.metrics = std::move(*metrics);
  }
  return collect_backend_facts(in, diagnostics);
}

}  // namespace nodescope::facts
