// The Database Schema, Performance Metrics and Deployment Strategy sections of the report (see
// backend_sections.h): markdown and JSON from BackendFacts, nothing else. Every value shows its
// evidence (file:line); what was not found says "not found" / "not measured" with what was
// looked for, never a guess. Text that goes into tables has its pipes escaped.
#include "backend_sections.h"

#include <cstdio>

namespace nodescope::reports {
namespace {

std::string where(const FactSource& s) {
  if (s.file.empty()) return {};
  return s.line == 0 ? s.file : s.file + ":" + std::to_string(s.line);
}

// Inline text: pipes escaped (tables), line breaks flattened, backticks kept out of code spans.
std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string code(std::string_view s) {
  std::string t;
  for (char c : s) t.push_back(c == '`' ? '\'' : c);
  return "`" + esc(t) + "`";
}

std::string tech(const Technology& t) {
  std::string out = esc(t.name);
  if (!t.package.empty() && t.package != t.name) {
    out += " (" + code(t.package + (t.version.empty() ? "" : " " + t.version));
    out += ", " + code(where(t.source)) + ")";
  } else {
    out += " (" + code(where(t.source)) + ")";
  }
  return out;
}

std::string techs(const std::vector<Technology>& list, std::string_view none) {
  if (list.empty()) return std::string(none);
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "; " : "") + tech(list[i]);
  return out;
}

std::string observations(const std::vector<Observation>& list, std::string_view none) {
  if (list.empty()) return std::string(none);
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out += (i ? "; " : "") + esc(list[i].what) + " (" + code(where(list[i].source)) + ")";
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

void source_json(json::Writer& w, const FactSource& s) {
  w.StartObject();
  json::key(w, "file");
  json::str(w, s.file);
  json::key(w, "line");
  w.Uint(s.line);
  w.EndObject();
}

void tech_json(json::Writer& w, const std::vector<Technology>& list) {
  w.StartArray();
  for (const Technology& t : list) {
    w.StartObject();
    json::key(w, "name");
    json::str(w, t.name);
    json::key(w, "package");
    json::str(w, t.package);
    json::key(w, "version");
    json::str(w, t.version);
    json::key(w, "source");
    source_json(w, t.source);
    w.EndObject();
  }
  w.EndArray();
}

void observations_json(json::Writer& w, const std::vector<Observation>& list) {
  w.StartArray();
  for (const Observation& o : list) {
    w.StartObject();
    json::key(w, "what");
    json::str(w, o.what);
    json::key(w, "source");
    source_json(w, o.source);
    w.EndObject();
  }
  w.EndArray();
}

void strings_json(json::Writer& w, const std::vector<std::string>& list) {
  w.StartArray();
  for (const std::string& s : list) json::str(w, s);
  w.EndArray();
}

}  // namespace

void append_database_markdown(std::string& out, const DatabaseFacts& f) {
  out += "## Database Schema 💾\n\n";
  out += "- **Primary database:** " +
         techs(f.databases,
               "not found (no database driver in the dependencies or imports, no "
               "Prisma datasource)") +
         "\n";
  out += "- **ORM/ODM:** " +
         techs(f.orms,
               "none found (no Prisma, Mongoose, TypeORM, Sequelize, Knex, Objection, "
               "MikroORM or Drizzle)") +
         "\n";
  if (f.migrations.empty()) {
    out +=
        "- **Migrations:** none found (no Prisma migrations, no migrations folder next to a "
        "migration tool)\n";
  } else {
    out += "- **Migrations:** ";
    for (std::size_t i = 0; i < f.migrations.size(); ++i) {
      const MigrationSet& m = f.migrations[i];
      out += (i ? "; " : "") + esc(m.tool) + ", " + std::to_string(m.count) +
             (m.tool == "prisma" ? " migration folder" : " file") + (m.count == 1 ? "" : "s") +
             " in " + code(m.dir);
    }
    out += "\n";
  }
  out +=
      "- **Connection pooling:** " + observations(f.pool, "no pool settings found in code") + "\n";
  out += "- **Caching layer:** " + techs(f.caches, "none found") + "\n";
  out += "- **Session store:** ";
  if (f.session_stores.empty() && f.default_memory_store.empty() && f.session_code.empty()) {
    out += "none found\n";
  } else {
    out += techs(f.session_stores, "");
    if (f.session_stores.empty() && !f.session_code.empty()) {
      out += "express-session with the store ";
      for (std::size_t i = 0; i < f.session_code.size(); ++i) {
        out += (i ? ", " : "") + code(f.session_code[i].what) + " (" +
               code(where(f.session_code[i].source)) + ")";
      }
    }
    if (!f.default_memory_store.empty()) {
      out += f.session_stores.empty() && f.session_code.empty() ? "" : "; ";
      out +=
          "⚠️ express-session without a `store` (default MemoryStore: leaks memory, lost on "
          "restart, not shared between processes) at ";
      for (std::size_t i = 0; i < f.default_memory_store.size(); ++i) {
        out += (i ? ", " : "") + code(where(f.default_memory_store[i]));
      }
    }
    out += "\n";
  }
  out += "\n";
  if (f.models.empty()) {
    out +=
        "No models found (Prisma schema, Mongoose schemas, TypeORM entities, Sequelize "
        "models).\n\n";
    return;
  }
  out += "| Model | Kind | Fields | Indexes | Source |\n| --- | --- | --- | --- | --- |\n";
  for (const DataModel& m : f.models) {
    std::vector<std::string> fields;
    for (const ModelField& fl : m.fields) {
      std::string s = fl.name;
      if (!fl.type.empty()) s += ": " + fl.type;
      if (!fl.attributes.empty()) s += " (" + join(fl.attributes, ", ") + ")";
      fields.push_back(s);
    }
    std::vector<std::string> indexes;
    for (const ModelIndex& ix : m.indexes) {
      indexes.push_back((ix.unique ? "unique(" : "index(") + join(ix.fields, ", ") + ")");
    }
    out += "| " + esc(m.name) + " | " + esc(m.kind) + " | " +
           (fields.empty() ? "—" : esc(join(fields, "; "))) + " | " +
           (indexes.empty() ? "—" : esc(join(indexes, "; "))) + " | " + code(where(m.source)) +
           " |\n";
  }
  out += "\n";
}

void append_performance_markdown(std::string& out, const PerformanceFacts& f) {
  out += "## Performance Metrics 📊\n\n";
  if (f.metrics_tool.empty()) {
    out +=
        "Not measured: run a load test and pass its summary with `--metrics FILE` "
        "(autocannon `--json` output or a k6 `--summary-export` file).\n\n";
  } else {
    out += "Measured by " + esc(f.metrics_tool) + " (" + code(f.metrics_file) + "):\n\n";
  }
  out += "| Metric | Value | Source field |\n| --- | --- | --- |\n";
  const std::pair<std::string_view, std::string_view> rows[] = {
      {"p50", "p50 latency"},  {"p95", "p95 latency"}, {"p99", "p99 latency"},
      {"req/s", "Throughput"}, {"memory", "Memory"},   {"cpu", "CPU"}};
  for (const auto& [name, label] : rows) {
    const MetricValue* found = nullptr;
    for (const MetricValue& m : f.measured) {
      if (m.name == name) found = &m;
    }
    out += "| " + std::string(label) + " | ";
    if (found) {
      out += number(found->value) + " " + esc(found->unit) + " | " + code(found->field) + " |\n";
      continue;
    }
    std::string note = "not measured";
    if (name == "p95") {
      for (const MetricValue& m : f.measured) {
        if (m.name == "p97.5") {
          note += " (" + esc(f.metrics_tool) + " reports p97.5: " + number(m.value) + " " +
                  esc(m.unit) + ", " + code(m.field) + ")";
        }
      }
    }
    out += note + " | — |\n";
  }
  out += "\nStatic observations:\n\n";
  out += "- **Compression:** " +
         techs(f.compression,
               "no compression middleware found (compression, koa-compress, "
               "@fastify/compress)") +
         "\n";
  out += "- **Clustering:** " +
         observations(f.clustering,
                      "none found (one process per instance, unless the platform "
                      "runs several)") +
         "\n";
  out +=
      "- **Connection pooling:** " + observations(f.pool, "no pool settings found in code") + "\n";
  out += "- **Blocking calls in handlers:** ";
  if (f.blocking.empty()) {
    out += "none reported by the performance rules\n";
  } else {
    for (std::size_t i = 0; i < f.blocking.size(); ++i) {
      const FindingCount& c = f.blocking[i];
      out += (i ? "; " : "") + code(c.rule_id) + ": " + std::to_string(c.count) + " finding" +
             (c.count == 1 ? "" : "s") + " (first at " + code(where(c.first)) + ")";
    }
    out += "\n";
  }
  out += "\n";
}

void append_deployment_markdown(std::string& out, const DeploymentFacts& f) {
  out += "## Deployment Strategy 🚀\n\n";
  out += "- **Environments:** " +
         observations(f.environments,
                      "none found (no NODE_ENV comparisons, .env.* files or config/<env> files)") +
         "\n";
  out += "- **Process manager:** " +
         observations(f.process_managers,
                      "none found (no PM2 ecosystem file, Procfile, systemd unit or forever)") +
         "\n";
  out += "- **Docker:** ";
  if (f.dockerfiles.empty()) {
    out += "no Dockerfile\n";
  } else {
    for (std::size_t i = 0; i < f.dockerfiles.size(); ++i) {
      const Dockerfile& d = f.dockerfiles[i];
      out += (i ? "; " : "") + code(where(d.source)) + ": base " + code(d.stages.back());
      if (d.stages.size() > 1)
        out += ", multi-stage (" + std::to_string(d.stages.size()) + " stages)";
      out += d.user.empty() ? ", runs as root (no USER)" : ", USER " + code(d.user);
      out += d.healthcheck ? ", HEALTHCHECK" : ", no HEALTHCHECK";
      if (!d.expose.empty()) out += ", EXPOSE " + esc(join(d.expose, " "));
    }
    out += "\n";
  }
  out += "- **Compose services:** ";
  if (f.compose_services.empty()) {
    out += "none\n";
  } else {
    for (std::size_t i = 0; i < f.compose_services.size(); ++i) {
      const ComposeService& s = f.compose_services[i];
      out += (i ? "; " : "") + esc(s.name) + " (";
      out += s.image.empty() ? "build " + code(s.build.empty() ? "?" : s.build) : code(s.image);
      if (!s.ports.empty()) out += ", ports " + esc(join(s.ports, ", "));
      out += ", " + code(where(s.source)) + ")";
    }
    out += "\n";
  }
  out += "- **Kubernetes:** ";
  if (f.kubernetes.empty()) {
    out += "no manifests\n";
  } else {
    for (std::size_t i = 0; i < f.kubernetes.size(); ++i) {
      const KubernetesWorkload& k = f.kubernetes[i];
      out += (i ? "; " : "") + esc(k.kind) + " " + esc(k.name) + " (replicas " +
             (k.replicas.empty() ? "not set" : esc(k.replicas)) + ", " + code(where(k.source)) +
             ")";
    }
    out += "\n";
  }
  out += "- **Clustering:** " + observations(f.clustering, "none found") + "\n";
  out += "- **Monitoring:** " +
         techs(f.monitoring,
               "none found (no prom-client, OpenTelemetry, Sentry, New Relic, "
               "dd-trace or Elastic APM)") +
         "\n";
  out += "- **Health checks:** " +
         observations(f.health_checks,
                      "none found (no health/ready/live route, terminus, "
                      "HEALTHCHECK or probe)") +
         "\n\n";
}

void write_database_json(json::Writer& w, const DatabaseFacts& f) {
  w.StartObject();
  json::key(w, "databases");
  tech_json(w, f.databases);
  json::key(w, "orms");
  tech_json(w, f.orms);
  json::key(w, "models");
  w.StartArray();
  for (const DataModel& m : f.models) {
    w.StartObject();
    json::key(w, "name");
    json::str(w, m.name);
    json::key(w, "kind");
    json::str(w, m.kind);
    json::key(w, "fields");
    w.StartArray();
    for (const ModelField& fl : m.fields) {
      w.StartObject();
      json::key(w, "name");
      json::str(w, fl.name);
      json::key(w, "type");
      json::str(w, fl.type);
      json::key(w, "attributes");
      strings_json(w, fl.attributes);
      w.EndObject();
    }
    w.EndArray();
    json::key(w, "indexes");
    w.StartArray();
    for (const ModelIndex& ix : m.indexes) {
      w.StartObject();
      json::key(w, "fields");
      strings_json(w, ix.fields);
      json::key(w, "unique");
      w.Bool(ix.unique);
      json::key(w, "source");
      source_json(w, ix.source);
      w.EndObject();
    }
    w.EndArray();
    json::key(w, "source");
    source_json(w, m.source);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "migrations");
  w.StartArray();
  for (const MigrationSet& m : f.migrations) {
    w.StartObject();
    json::key(w, "tool");
    json::str(w, m.tool);
    json::key(w, "dir");
    json::str(w, m.dir);
    json::key(w, "count");
    w.Uint(m.count);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "pool");
  observations_json(w, f.pool);
  json::key(w, "caches");
  tech_json(w, f.caches);
  json::key(w, "sessionStores");
  tech_json(w, f.session_stores);
  json::key(w, "defaultMemoryStore");
  w.StartArray();
  for (const FactSource& s : f.default_memory_store) source_json(w, s);
  w.EndArray();
  json::key(w, "sessionCode");
  observations_json(w, f.session_code);
  w.EndObject();
}

void write_performance_json(json::Writer& w, const PerformanceFacts& f) {
  w.StartObject();
  json::key(w, "metricsTool");
  json::str(w, f.metrics_tool);
  json::key(w, "metricsFile");
  json::str(w, f.metrics_file);
  json::key(w, "measured");
  w.StartArray();
  for (const MetricValue& m : f.measured) {
    w.StartObject();
    json::key(w, "name");
    json::str(w, m.name);
    json::key(w, "value");
    w.Double(m.value);
    json::key(w, "unit");
    json::str(w, m.unit);
    json::key(w, "field");
    json::str(w, m.field);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "compression");
  tech_json(w, f.compression);
  json::key(w, "clustering");
  observations_json(w, f.clustering);
  json::key(w, "pool");
  observations_json(w, f.pool);
  json::key(w, "blocking");
  w.StartArray();
  for (const FindingCount& c : f.blocking) {
    w.StartObject();
    json::key(w, "ruleId");
    json::str(w, c.rule_id);
    json::key(w, "count");
    w.Uint(c.count);
    json::key(w, "first");
    source_json(w, c.first);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void write_deployment_json(json::Writer& w, const DeploymentFacts& f) {
  w.StartObject();
  json::key(w, "environments");
  observations_json(w, f.environments);
  json::key(w, "processManagers");
  observations_json(w, f.process_managers);
  json::key(w, "dockerfiles");
  w.StartArray();
  for (const Dockerfile& d : f.dockerfiles) {
    w.StartObject();
    json::key(w, "source");
    source_json(w, d.source);
    json::key(w, "stages");
    strings_json(w, d.stages);
    json::key(w, "user");
    json::str(w, d.user);
    json::key(w, "healthcheck");
    w.Bool(d.healthcheck);
    json::key(w, "expose");
    strings_json(w, d.expose);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "composeServices");
  w.StartArray();
  for (const ComposeService& s : f.compose_services) {
    w.StartObject();
    json::key(w, "name");
    json::str(w, s.name);
    json::key(w, "image");
    json::str(w, s.image);
    json::key(w, "build");
    json::str(w, s.build);
    json::key(w, "ports");
    strings_json(w, s.ports);
    json::key(w, "healthcheck");
    w.Bool(s.healthcheck);
    json::key(w, "source");
    source_json(w, s.source);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "kubernetes");
  w.StartArray();
  for (const KubernetesWorkload& k : f.kubernetes) {
    w.StartObject();
    json::key(w, "kind");
    json::str(w, k.kind);
    json::key(w, "name");
    json::str(w, k.name);
    json::key(w, "replicas");
    json::str(w, k.replicas);
    json::key(w, "livenessProbe");
    w.Bool(k.liveness);
    json::key(w, "readinessProbe");
    w.Bool(k.readiness);
    json::key(w, "startupProbe");
    w.Bool(k.startup);
    json::key(w, "source");
    source_json(w, k.source);
    w.EndObject();
  }
  w.EndArray();
  json::key(w, "clustering");
  observations_json(w, f.clustering);
  json::key(w, "monitoring");
  tech_json(w, f.monitoring);
  json::key(w, "healthChecks");
  observations_json(w, f.health_checks);
  w.EndObject();
}

}  // namespace nodescope::reports
