// Backend facts (#6): each project-file parser on odd inputs, the code scan on Mongoose, TypeORM
// and Sequelize models, pools, sessions and NODE_ENV, --metrics summaries (autocannon, k6, and
// malformed input as an error with a position, not a crash), and a golden of the three report
// sections for fixtures/apps/shop-api (UPDATE_GOLDEN=1 rewrites tests/golden/backend/).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backend_sections.h"
#include "facts/backend_facts.h"

namespace nodescope::facts {
namespace {

bool has_attr(const ModelField& f, std::string_view a) {
  return std::find(f.attributes.begin(), f.attributes.end(), a) != f.attributes.end();
}

const ModelField* field(const DataModel& m, std::string_view name) {
  for (const auto& f : m.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(BackendFacts, PrismaWithCommentsIndexesAndOptionalFields) {
  DatabaseFacts db;
  parse_prisma_schema("prisma/schema.prisma", R"(// header comment: model Fake {
datasource db {
  provider = "mysql" // a comment with "quotes"
  url = env("URL")
}
/// doc comment
model User {
  id    String @id @default(cuid())
  email String @unique // unique
  name  String?
  posts Post[]
  @@index([name, email(sort: Desc)])
}
model Post {
  authorId String
  slug     String
  author   User @relation(fields: [authorId], references: [id])
  @@id([authorId, slug])
  @@unique([slug])
}
)",
                      db);
  ASSERT_EQ(db.databases.size(), 1u);
  EXPECT_EQ(db.databases[0].name, "MySQL");
  EXPECT_EQ(db.databases[0].source.line, 3u);
  ASSERT_EQ(db.models.size(), 2u);
  const DataModel& user = db.models[0];
  EXPECT_EQ(user.name, "User");
  EXPECT_EQ(user.source.line, 7u);
  ASSERT_EQ(user.fields.size(), 4u);
  EXPECT_TRUE(has_attr(*field(user, "id"), "id"));
  EXPECT_TRUE(has_attr(*field(user, "email"), "unique"));
  EXPECT_TRUE(has_attr(*field(user, "name"), "optional"));
  EXPECT_EQ(field(user, "name")->type, "String");
  ASSERT_EQ(user.indexes.size(), 1u);
  EXPECT_EQ(user.indexes[0].fields, (std::vector<std::string>{"name", "email"}));
  EXPECT_FALSE(user.indexes[0].unique);
  const DataModel& post = db.models[1];
  EXPECT_TRUE(has_attr(*field(post, "authorId"), "id"));
  EXPECT_TRUE(has_attr(*field(post, "author"), "relation"));
  ASSERT_EQ(post.indexes.size(), 1u);
  EXPECT_TRUE(post.indexes[0].unique);
}

TEST(BackendFacts, DockerfileStagesContinuationsAndCase) {
  DeploymentFacts d;
  parse_dockerfile("Dockerfile", R"(# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM node:20 AS build
RUN npm ci \
  # a comment inside a continuation
  && npm run build
from gcr.io/distroless/nodejs20
user 1000
expose 3000 9229/tcp
HEALTHCHECK NONE
)",
                   d);
  ASSERT_EQ(d.dockerfiles.size(), 1u);
  const Dockerfile& f = d.dockerfiles[0];
  EXPECT_EQ(f.stages, (std::vector<std::string>{"node:20", "gcr.io/distroless/nodejs20"}));
  EXPECT_EQ(f.source.line, 2u);
  EXPECT_EQ(f.user, "1000");
  EXPECT_FALSE(f.healthcheck);
  EXPECT_EQ(f.expose, (std::vector<std::string>{"3000", "9229/tcp"}));
  DeploymentFacts none;
  parse_dockerfile("Dockerfile.empty", "# nothing\n", none);
  EXPECT_TRUE(none.dockerfiles.empty());
}

TEST(BackendFacts, ComposeV3AndV1) {
  DeploymentFacts v3;
  parse_compose("docker-compose.yml", R"(version: '3.8'
services:
    api:
        build:
            context: ./api
        ports:
            - target: 3000
              published: 8080
        healthcheck:
            test: curl -f http://localhost
    db:
        image: mongo:7   # comment
x-common: &common
    image: ignored
)",
                v3);
  ASSERT_EQ(v3.compose_services.size(), 2u);
  EXPECT_EQ(v3.compose_services[0].name, "api");
  EXPECT_EQ(v3.compose_services[0].build, "./api");
  EXPECT_EQ(v3.compose_services[0].ports, (std::vector<std::string>{"target: 3000"}));
  EXPECT_TRUE(v3.compose_services[0].healthcheck);
  EXPECT_EQ(v3.compose_services[1].image, "mongo:7");
  EXPECT_EQ(v3.compose_services[1].source.line, 11u);

  DeploymentFacts v2;  // v2: `services:` too, two-space indent, flow-style ports
  parse_compose("compose.yaml", R"(version: "2.4"
services:
  app:
    image: "node:20"
    ports: ["3000:3000", '9229:9229']
networks:
  default: {}
)",
                v2);
  ASSERT_EQ(v2.compose_services.size(), 1u);
  EXPECT_EQ(v2.compose_services[0].image, "node:20");
  EXPECT_EQ(v2.compose_services[0].ports, (std::vector<std::string>{"3000:3000", "9229:9229"}));

  DeploymentFacts v1;  // v1: services at the top level, no `services:` key
  parse_compose("docker-compose.yml",
                "web:\n  build: .\n  ports:\n   - \"80:80\"\nredis:\n  image: redis\n", v1);
  ASSERT_EQ(v1.compose_services.size(), 2u);
  EXPECT_EQ(v1.compose_services[0].name, "web");
  EXPECT_EQ(v1.compose_services[0].build, ".");
  EXPECT_EQ(v1.compose_services[0].ports, (std::vector<std::string>{"80:80"}));
  EXPECT_EQ(v1.compose_services[1].image, "redis");
}

TEST(BackendFacts, KubernetesMultiDocument) {
  DeploymentFacts d;
  EXPECT_TRUE(parse_kubernetes("k8s/all.yaml", R"(---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          livenessProbe:
            httpGet: {path: /healthz, port: 80}
---
# a comment-only document
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: worker
spec:
  template:
    spec:
      containers:
        - name: w
          startupProbe: {exec: {command: [true]}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
)",
                               d));
  ASSERT_EQ(d.kubernetes.size(), 2u);
  EXPECT_EQ(d.kubernetes[0].kind, "Deployment");
  EXPECT_EQ(d.kubernetes[0].name, "api");
  EXPECT_EQ(d.kubernetes[0].replicas, "2");
  EXPECT_TRUE(d.kubernetes[0].liveness);
  EXPECT_FALSE(d.kubernetes[0].readiness);
  EXPECT_EQ(d.kubernetes[0].source.line, 2u);
  EXPECT_EQ(d.kubernetes[1].name, "worker");
  EXPECT_EQ(d.kubernetes[1].replicas, "");
  EXPECT_TRUE(d.kubernetes[1].startup);
  DeploymentFacts other;
  EXPECT_FALSE(parse_kubernetes(".github/workflows/ci.yml", "name: ci\non: push\n", other));
  EXPECT_TRUE(other.kubernetes.empty());
}

TEST(BackendFacts, Pm2JsonAndJs) {
  DeploymentFacts json;
  parse_pm2(
      "ecosystem.config.json",
      R"({"apps": [{"name": "api", "script": "server.js", "instances": 4, "exec_mode": "cluster"}]})",
      json);
  ASSERT_EQ(json.process_managers.size(), 1u);
  EXPECT_EQ(json.process_managers[0].what,
            "PM2 (ecosystem.config.json; apps: api; instances: 4; exec_mode: cluster)");
  ASSERT_EQ(json.clustering.size(), 1u);
  EXPECT_EQ(json.clustering[0].what, "PM2 cluster mode (instances: 4)");

  DeploymentFacts js;
  parse_pm2("ecosystem.config.js", R"(module.exports = {
  apps: [
    {
      name: 'worker',
      script: './worker.js',
      instances: 1,
    },
  ],
};
)",
            js);
  ASSERT_EQ(js.process_managers.size(), 1u);
  EXPECT_EQ(js.process_managers[0].what, "PM2 (ecosystem.config.js; apps: worker; instances: 1)");
  EXPECT_EQ(js.process_managers[0].source.line, 4u);
  EXPECT_TRUE(js.clustering.empty());  // one instance in fork mode is no cluster
}

TEST(BackendFacts, ProcfileAndSystemd) {
  DeploymentFacts d;
  parse_procfile("Procfile", "# heroku\nweb: node server.js\nworker: node worker.js\n", d);
  parse_systemd_unit("deploy/api.service",
                     "[Service]\nExecStart=/usr/bin/node /srv/api/server.js\n", d);
  ASSERT_EQ(d.process_managers.size(), 3u);
  EXPECT_EQ(d.process_managers[0].what, "Procfile (web: node server.js)");
  EXPECT_EQ(d.process_managers[2].what,
            "systemd unit api.service (/usr/bin/node /srv/api/server.js)");
}

TEST(BackendFacts, MetricsAutocannonK6AndMalformed) {
  auto a = parse_metrics("ac.json", R"j({"latency": {"p50": 12, "p97_5": 40.5, "p99": 55.25},
    "requests": {"average": 1834.6}, "throughput": {"average": 1}})j");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->metrics_tool, "autocannon");
  ASSERT_EQ(a->measured.size(), 4u);
  EXPECT_EQ(a->measured[0].name, "p50");
  EXPECT_EQ(a->measured[1].name, "p97.5");  // autocannon has no p95
  EXPECT_EQ(a->measured[3].field, "requests.average");

  auto k = parse_metrics("k6.json", R"j({"metrics": {"http_req_duration": {"avg": 10, "med": 8,
    "p(90)": 20, "p(95)": 25.5}, "http_reqs": {"count": 100, "rate": 99.5}}})j");
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->metrics_tool, "k6");
  ASSERT_EQ(k->measured.size(), 3u);
  EXPECT_EQ(k->measured[1].field, "metrics.http_req_duration.p(95)");
  EXPECT_DOUBLE_EQ(k->measured[2].value, 99.5);

  auto k2 = parse_metrics("summary.json", R"j({"metrics": {"http_req_duration": {"type": "trend",
    "values": {"p(95)": 30, "p(99)": 60, "med": 9}}, "http_reqs": {"values": {"rate": 12}}}})j");
  ASSERT_TRUE(k2.ok()) << k2.error().message;
  EXPECT_EQ(k2->measured[1].field, "metrics.http_req_duration.values.p(95)");

  auto bad = parse_metrics("bad.json", "{\n  \"latency\": {\"p50\": 1,}\n}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("bad.json:2:", 0), 0u) << bad.error().message;
  auto other = parse_metrics("other.json", R"j({"hello": 1})j");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("not an autocannon result"), std::string::npos);
  EXPECT_FALSE(parse_metrics("empty.json", "").ok());
  EXPECT_FALSE(parse_metrics("k6.json", R"j({"metrics": {}})j").ok());
}

TEST(BackendFacts, MongooseSchemaFieldsIndexesAndModelName) {
  auto c = scan_backend_code("src/models/user.js", R"(const mongoose = require('mongoose');
const { Schema } = mongoose;
const userSchema = new Schema({
  email: { type: String, required: true, unique: true },
  name: String,
  tags: [String],
  org: { type: Schema.Types.ObjectId, ref: 'Org', index: true },
  profile: { bio: String },
});
userSchema.index({ name: 1, email: -1 }, { unique: true });
module.exports = mongoose.model('User', userSchema);
)",
                             Language::kJavaScript);
  ASSERT_EQ(c.models.size(), 1u);
  const DataModel& m = c.models[0];
  EXPECT_EQ(m.name, "User");
  EXPECT_EQ(m.kind, "mongoose");
  EXPECT_EQ(m.source.line, 3u);
  ASSERT_EQ(m.fields.size(), 5u);
  EXPECT_EQ(m.fields[0].type, "String");
  EXPECT_TRUE(has_attr(m.fields[0], "unique"));
  EXPECT_TRUE(has_attr(m.fields[0], "required"));
  EXPECT_EQ(m.fields[2].type, "[String]");
  EXPECT_TRUE(has_attr(m.fields[3], "index"));
  EXPECT_TRUE(has_attr(m.fields[3], "relation"));
  EXPECT_EQ(m.fields[4].type, "Object");
  ASSERT_EQ(m.indexes.size(), 1u);
  EXPECT_TRUE(m.indexes[0].unique);
  EXPECT_EQ(m.indexes[0].fields, (std::vector<std::string>{"name", "email"}));

  // A look-alike: a `Schema` class of another library is no Mongoose model.
  auto trap = scan_backend_code(
      "src/validation.js", "const { Schema } = require('yup');\nconst s = new Schema({ a: 1 });\n",
      Language::kJavaScript);
  EXPECT_TRUE(trap.models.empty());
}

TEST(BackendFacts, TypeormAndSequelizeTypescriptEntities) {
  auto c = scan_backend_code(
      "src/entities/order.ts",
      R"(import { Entity, Column, PrimaryGeneratedColumn, Index, ManyToOne } from 'typeorm';
import { Customer } from './customer';

@Entity('orders')
@Index(['customerId', 'createdAt'], { unique: true })
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true })
  reference: string;

  @Index()
  @Column()
  customerId: string;

  @ManyToOne(() => Customer)
  customer: Customer;

  notAColumn = 1;
}

class Plain {
  @Column() x: number;
}
)",
      Language::kTypeScript);
  ASSERT_EQ(c.models.size(), 1u);
  const DataModel& m = c.models[0];
  EXPECT_EQ(m.name, "Order");
  EXPECT_EQ(m.kind, "typeorm");
  ASSERT_EQ(m.fields.size(), 4u);
  EXPECT_EQ(m.fields[0].name, "id");
  EXPECT_EQ(m.fields[0].type, "string");
  EXPECT_TRUE(has_attr(m.fields[0], "id"));
  EXPECT_TRUE(has_attr(m.fields[1], "unique"));
  EXPECT_TRUE(has_attr(m.fields[2], "index"));
  EXPECT_TRUE(has_attr(m.fields[3], "relation"));
  ASSERT_EQ(m.indexes.size(), 1u);
  EXPECT_TRUE(m.indexes[0].unique);

  auto s =
      scan_backend_code("src/models/tag.ts",
                        R"(import { Table, Column, Model, PrimaryKey } from 'sequelize-typescript';
@Table
export class Tag extends Model {
  @PrimaryKey
  @Column
  id!: number;
  @Column
  label!: string;
}
)",
                        Language::kTypeScript);
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_EQ(s.models[0].kind, "sequelize");
  ASSERT_EQ(s.models[0].fields.size(), 2u);
  EXPECT_TRUE(has_attr(s.models[0].fields[0], "id"));
}

TEST(BackendFacts, NestMongooseSchemaClass) {
  auto c = scan_backend_code("src/cats/cat.schema.ts",
                             R"(import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

@Schema({ timestamps: true })
export class Cat {
  @Prop({ required: true, index: true })
  name: string;

  @Prop()
  age: number;

  helper(): void {}
}
export const CatSchema = SchemaFactory.createForClass(Cat);
)",
                             Language::kTypeScript);
  ASSERT_EQ(c.models.size(), 1u);
  EXPECT_EQ(c.models[0].name, "Cat");
  EXPECT_EQ(c.models[0].kind, "mongoose");
  ASSERT_EQ(c.models[0].fields.size(), 2u);
  EXPECT_EQ(c.models[0].fields[0].type, "string");
  EXPECT_EQ(c.models[0].fields[0].attributes, (std::vector<std::string>{"index", "required"}));
  // A class decorated @Schema from another library is no model.
  auto trap = scan_backend_code(
      "src/x.ts", "import { Schema } from 'other';\n@Schema()\nclass X { @Prop() a: string; }\n",
      Language::kTypeScript);
  EXPECT_TRUE(trap.models.empty());
}

TEST(BackendFacts, SequelizeDefineAndInit) {
  auto c = scan_backend_code("src/models.js",
                             R"(const { Sequelize, DataTypes, Model } = require('sequelize');
const sequelize = new Sequelize(process.env.DB_URL, { pool: { max: 10, min: 2 } });
const User = sequelize.define('User', {
  id: { type: DataTypes.INTEGER, primaryKey: true },
  email: { type: DataTypes.STRING, unique: true, allowNull: false },
  bio: DataTypes.TEXT,
}, { indexes: [{ fields: ['email'], unique: true }] });
class Project extends Model {}
Project.init({ title: DataTypes.STRING }, { sequelize, modelName: 'project' });
Other.init({ a: 1 }, { other: true });
)",
                             Language::kJavaScript);
  ASSERT_EQ(c.models.size(), 2u);
  EXPECT_EQ(c.models[0].name, "User");
  EXPECT_EQ(c.models[0].fields[1].type, "DataTypes.STRING");
  EXPECT_TRUE(has_attr(c.models[0].fields[1], "required"));
  EXPECT_TRUE(has_attr(c.models[0].fields[0], "id"));
  ASSERT_EQ(c.models[0].indexes.size(), 1u);
  EXPECT_EQ(c.models[1].name, "Project");
  ASSERT_EQ(c.pool.size(), 2u);
  EXPECT_EQ(c.pool[0].what, "pool.max: 10");
  EXPECT_EQ(c.pool[0].source.line, 2u);
}

TEST(BackendFacts, PoolsSessionsClusterAndNodeEnv) {
  auto c = scan_backend_code("src/server.js", R"(const { Pool } = require('pg');
const session = require('express-session');
const cluster = require('node:cluster');
const pool = new Pool({ max: 20, idleTimeoutMillis: 30000 });
const mysqlOpts = { connectionLimit: 5 };
app.use(session({ secret: 's', resave: false }));
app.use(session({ secret: 's', store: new RedisStore({ client }) }));
if (process.env.NODE_ENV === 'production') { cluster.fork(); }
if ('staging' == process.env.NODE_ENV) {}
if (process.env.NODE_ENV !== someVar) {}
)",
                             Language::kJavaScript);
  ASSERT_EQ(c.pool.size(), 3u);
  EXPECT_EQ(c.pool[0].what, "max: 20");
  EXPECT_EQ(c.pool[2].what, "connectionLimit: 5");
  ASSERT_EQ(c.sessions.size(), 2u);
  EXPECT_EQ(c.sessions[0].what, "");
  EXPECT_EQ(c.sessions[0].source.line, 6u);
  EXPECT_EQ(c.sessions[1].what, "new RedisStore({ client })");
  ASSERT_EQ(c.clustering.size(), 1u);
  ASSERT_EQ(c.imports.size(), 3u);
  EXPECT_EQ(c.imports[2].spec, "cluster");  // node:cluster
  EXPECT_EQ(c.imports[2].line, 3u);
  ASSERT_EQ(c.environments.size(), 2u);
  EXPECT_EQ(c.environments[0].what, "production");
  EXPECT_EQ(c.environments[1].what, "staging");
  // Nothing of interest: no parse, nothing found.
  auto plain =
      scan_backend_code("src/util.js", "module.exports = (a) => a + 1;\n", Language::kJavaScript);
  EXPECT_TRUE(plain.imports.empty());
  EXPECT_TRUE(plain.models.empty());
}

TEST(BackendFacts, CollectorFiltersByServiceAndCountsFindings) {
  BackendInputs in;
  in.service_dir = "apps/api";
  in.files = {
      {"apps/api/package.json",
       R"({"dependencies": {"pg": "^8.11.0", "ioredis": "5.3.2", "connect-redis": "^7.0.0", "@sentry/node": "^7"}, "scripts": {"start": "NODE_ENV=production pm2 start ecosystem.config.js"}})"},
      {"apps/web/package.json", R"({"dependencies": {"mongoose": "^8"}})"},
      {"apps/api/.env.production", ""},
      {"apps/api/.env.example", ""},
      {"apps/api/db/migrations/20240101_init/migration.sql", ""}};
  in.source_paths = {"apps/api/src/migrations/001-init.js", "apps/api/src/migrations/002-more.js",
                     "apps/api/src/config/test.json.js", "apps/web/src/migrations/x.js"};
  in.findings = {{"performance/sync-io-in-handler", {"apps/api/src/b.js", 9}},
                 {"performance/sync-io-in-handler", {"apps/api/src/a.js", 3}},
                 {"security/x", {"apps/api/src/a.js", 1}},
                 {"performance/sync-io-in-handler", {"apps/web/src/a.js", 1}}};
  in.routes = {{"GET", "/healthz", {"apps/api/src/app.js", 12}},
               {"GET", "/users", {"apps/api/src/app.js", 13}}};
  std::vector<Diagnostic> diags;
  const BackendFacts f = collect_backend_facts(in, diags);
  ASSERT_EQ(f.database.databases.size(), 1u);
  EXPECT_EQ(f.database.databases[0].name, "PostgreSQL");
  EXPECT_EQ(f.database.databases[0].version, "^8.11.0");
  ASSERT_EQ(f.database.caches.size(), 1u);
  EXPECT_EQ(f.database.caches[0].name, "Redis");
  ASSERT_EQ(f.database.session_stores.size(), 1u);
  // <dir>/migrations/<name>/migration.sql is Prisma's layout; src/migrations counts only with a
  // migration tool among the dependencies (there is none here).
  ASSERT_EQ(f.database.migrations.size(), 1u);
  EXPECT_EQ(f.database.migrations[0].tool, "prisma");
  EXPECT_EQ(f.database.migrations[0].count, 1u);
  in.files[0].text = R"({"dependencies": {"knex": "^3"}})";
  const BackendFacts k = collect_backend_facts(in, diags);
  ASSERT_EQ(k.database.migrations.size(), 2u);
  EXPECT_EQ(k.database.migrations[1].tool, "knex");
  EXPECT_EQ(k.database.migrations[1].dir, "apps/api/src/migrations");
  EXPECT_EQ(k.database.migrations[1].count, 2u);
  ASSERT_EQ(f.deployment.environments.size(), 2u);
  EXPECT_EQ(f.deployment.environments[0].what, "production");
  EXPECT_EQ(f.deployment.environments[1].what, "test");
  ASSERT_EQ(f.deployment.monitoring.size(), 1u);
  EXPECT_EQ(f.deployment.monitoring[0].name, "Sentry");
  ASSERT_EQ(f.deployment.process_managers.size(), 1u);
  EXPECT_EQ(f.deployment.process_managers[0].what, "PM2 (npm script \"start\")");
  ASSERT_EQ(f.deployment.health_checks.size(), 1u);
  EXPECT_EQ(f.deployment.health_checks[0].what, "GET /healthz");
  ASSERT_EQ(f.performance.blocking.size(), 1u);
  EXPECT_EQ(f.performance.blocking[0].count, 2u);
  EXPECT_EQ(f.performance.blocking[0].first.file, "apps/api/src/a.js");
}

TEST(BackendFacts, GoldenSectionsForShopApi) {
  const std::filesystem::path src = NODESCOPE_SOURCE_DIR;
  std::vector<Diagnostic> diags;
  auto facts = scan_backend_facts(src / "fixtures/apps/shop-api", "", fs::DiscoveryOptions{}, {},
                                  {{"performance/sync-io-in-handler", {"src/routes/orders.js", 7}}},
                                  {}, diags);
  ASSERT_TRUE(facts.ok()) << facts.error().message;
  std::string out;
  reports::append_database_markdown(out, facts->database);
  reports::append_performance_markdown(out, facts->performance);
  reports::append_deployment_markdown(out, facts->deployment);
  const std::filesystem::path golden = src / "tests/golden/backend/shop-api.md";
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::filesystem::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << out;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in.good()) << golden << " missing: run with UPDATE_GOLDEN=1";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(out, want.str());
  EXPECT_TRUE(diags.empty());

  // The same facts as the report's JSON summary carries them.
  rapidjson::StringBuffer buf;
  reports::json::Writer w(buf);
  w.StartObject();
  reports::json::key(w, "database");
  reports::write_database_json(w, facts->database);
  reports::json::key(w, "performance");
  reports::write_performance_json(w, facts->performance);
  reports::json::key(w, "deployment");
  reports::write_deployment_json(w, facts->deployment);
  w.EndObject();
  const std::string json_out = reports::json::finish(buf);
  const std::filesystem::path json_golden = src / "tests/golden/backend/shop-api.json";
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(json_golden, std::ios::binary) << json_out;
  }
  std::ifstream json_in(json_golden, std::ios::binary);
  ASSERT_TRUE(json_in.good()) << json_golden << " missing: run with UPDATE_GOLDEN=1";
  std::stringstream json_want;
  json_want << json_in.rdbuf();
  EXPECT_EQ(json_out, json_want.str());
}

// A lone service whose package.json sits one folder down (an npm tarball's package/, a repo
// whose backend lives in server/) still reads its dependencies from that manifest.
TEST(BackendFacts, LoneServiceReadsTheShallowestPackageJson) {
  BackendInputs in;
  in.service_dir = "";
  in.files = {{"package/package.json", R"({"dependencies": {"mysql2": "^3.0.0", "knex": "^3"}})"},
              {"package/node_modules/x/package.json", R"({"dependencies": {"pg": "^8"}})"}};
  std::vector<Diagnostic> diags;
  const BackendFacts f = collect_backend_facts(in, diags);
  ASSERT_EQ(f.database.databases.size(), 1u);
  EXPECT_EQ(f.database.databases[0].name, "MySQL");
  ASSERT_EQ(f.database.orms.size(), 1u);
  EXPECT_EQ(f.database.orms[0].name, "Knex");
  // Two manifests at the same depth: neither is the service's, nothing is guessed.
  in.files = {{"a/package.json", R"({"dependencies": {"mysql2": "^3.0.0"}})"},
              {"b/package.json", R"({"dependencies": {"pg": "^8"}})"}};
  const BackendFacts g = collect_backend_facts(in, diags);
  EXPECT_TRUE(g.database.databases.empty());
}

}  // namespace
}  // namespace nodescope::facts
