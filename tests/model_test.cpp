// Unit and robustness tests of the backend model: module resolution, and route tables of small
// in-memory apps, including hostile shapes (require cycles, a router mounted in itself, recursive
// factories, thousands of routes) that must finish with a sane table.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>

#include "engine/engine.h"
#include "model/program.h"
#include "model/resolve.h"
#include "model/test_coverage.h"
#include "nodescope/rule.h"

namespace nodescope::model {
namespace {

Program program_of(std::vector<std::string> paths) {
  std::vector<FileRecord> files;
  for (auto& p : paths) files.push_back(FileRecord{std::move(p), Language::kJavaScript, {}});
  return Program(std::move(files));
}

std::string resolved(const Program& p, std::string_view from, std::string_view spec) {
  auto r = resolve_module(p, from, spec);
  return r ? p.files()[*r].path : "(none)";
}

TEST(Resolve, RelativePathsExtensionsAndIndexes) {
  const Program p = program_of({"src/app.js", "src/routes/index.ts", "src/routes/users.ts",
                                "src/util.mjs", "lib/a.cjs", "src/view.tsx", "index.js"});
  EXPECT_EQ(resolved(p, "src/app.js", "./routes"), "src/routes/index.ts");
  EXPECT_EQ(resolved(p, "src/app.js", "./routes/users"), "src/routes/users.ts");
  EXPECT_EQ(resolved(p, "src/app.js", "./routes/users.js"), "src/routes/users.ts");  // NodeNext
  EXPECT_EQ(resolved(p, "src/app.js", "./util.mjs"), "src/util.mjs");
  EXPECT_EQ(resolved(p, "src/app.js", "../lib/a.cjs"), "lib/a.cjs");
  EXPECT_EQ(resolved(p, "src/app.js", "./view"), "src/view.tsx");
  EXPECT_EQ(resolved(p, "src/routes/users.ts", ".."), "(none)");
  EXPECT_EQ(resolved(p, "src/routes/users.ts", "../.."), "index.js");
  EXPECT_EQ(resolved(p, "src/app.js", "express"), "(none)");
  EXPECT_EQ(resolved(p, "src/app.js", "../../../etc/passwd"), "(none)");
  EXPECT_EQ(normalize_path("a/./b/../c//d"), std::optional<std::string>("a/c/d"));
  EXPECT_FALSE(normalize_path("../x").has_value());
}

// In-memory sources: (path, text) pairs; `.ts` paths are TypeScript.
std::vector<engine::InputFile> inputs_of(std::vector<std::pair<std::string, std::string>> files) {
  std::vector<engine::InputFile> inputs;
  for (auto& [path, text] : files) {
    engine::InputFile f;
    f.rel_path = path;
    f.language = path.ends_with(".ts") ? Language::kTypeScript : Language::kJavaScript;
    f.size = text.size();
    f.content = text;
    inputs.push_back(std::move(f));
  }
  return inputs;
}

std::vector<Route> routes_of(std::vector<std::pair<std::string, std::string>> files,
                             std::map<std::string, std::string> kinds = {}) {
  std::vector<engine::InputFile> inputs = inputs_of(std::move(files));
  engine::EngineOptions options;
  options.build_routes = true;
  options.jobs = 2;
  options.middleware_kinds = std::move(kinds);
  return engine::analyze_files(std::move(inputs), all_rules(), options).routes;
}

std::vector<std::string> summary(const std::vector<Route>& routes) {
  std::vector<std::string> out;
  for (const Route& r : routes) out.push_back(r.method + " " + r.path);
  return out;
}

TEST(RouteModel, RequireCyclesTerminate) {
  const auto routes = routes_of({
      {"a.js",
       "const b = require('./b');\nconst express = require('express');\n"
       "const app = express();\napp.use('/b', b.router);\nmodule.exports = { app };\n"},
      {"b.js",
       "const a = require('./a');\nconst router = require('express').Router();\n"
       "router.get('/x', (req, res) => res.end());\nmodule.exports = { router, a };\n"},
  });
  EXPECT_EQ(summary(routes), (std::vector<std::string>{"GET /b/x"}));
}

TEST(RouteModel, RouterMountedInItselfAndRecursiveFactories) {
  const auto routes = routes_of({
      {"app.js",
       "const express = require('express');\nconst app = express();\n"
       "const r = express.Router();\nr.use('/again', r);\nr.get('/leaf', h);\n"
       "app.use('/r', r);\n"
       "function make(n) { const x = express.Router(); x.use('/n', make(n + 1)); "
       "x.get('/y', h); return x; }\napp.use('/m', make(0));\nfunction h() {}\n"},
  });
  // The self-mount is cut at the cycle; the recursive factory is followed at most three calls
  // deep (a helper may run inside itself through another instance), then cut.
  const auto s = summary(routes);
  EXPECT_NE(std::find(s.begin(), s.end(), "GET /r/leaf"), s.end());
  EXPECT_NE(std::find(s.begin(), s.end(), "GET /m/y"), s.end());
  EXPECT_LT(s.size(), 5u);
  EXPECT_EQ(std::find(s.begin(), s.end(), "GET /m/n/n/n/y"), s.end());
}

TEST(RouteModel, ManyRoutesStayLinear) {
  std::string src = "const app = require('express')();\n";
  for (int i = 0; i < 5000; ++i) {
    src += "app.get('/r" + std::to_string(i) + "', (req, res) => res.end());\n";
  }
  const auto routes = routes_of({{"big.js", src}});
  EXPECT_EQ(routes.size(), 5000u);
}

facts::TestRequest req(std::string method, std::string path) {
  for (char& c : path) {
    if (c == '*') c = facts::kTestWildcard;  // `*` stands for a run-time part in these tests
  }
  return facts::TestRequest{std::move(method), std::move(path), 1};
}

TEST(TestCoverage, RequestsMatchRoutesByMethodAndFullPath) {
  EXPECT_TRUE(request_matches("GET", "/users/:id", req("GET", "/users/1")));
  EXPECT_TRUE(request_matches("GET", "/users/:id", req("GET", "/users/*")));
  EXPECT_TRUE(request_matches("GET", "/users/{id}", req("GET", "/users/1/")));
  EXPECT_FALSE(request_matches("GET", "/users", req("GET", "/user")));
  EXPECT_FALSE(request_matches("POST", "/users", req("GET", "/users")));
  EXPECT_TRUE(request_matches("ALL", "/users", req("DELETE", "/users")));
  EXPECT_TRUE(request_matches("GET", "/users", req("", "/users")));  // method chosen at run time
  EXPECT_TRUE(request_matches("GET", "/users", req("HEAD", "/users")));
  EXPECT_FALSE(request_matches("GET", "/users/:id", req("GET", "/users")));
  EXPECT_TRUE(request_matches("GET", "/users/:id?", req("GET", "/users")));
  EXPECT_TRUE(request_matches("GET", "/files/*", req("GET", "/files/a/b.txt")));
  EXPECT_TRUE(request_matches("GET", "/users/:id/posts", req("GET", "/users/u-*/posts")));
  EXPECT_FALSE(request_matches("GET", "/api/users", req("GET", "/users")));  // anchored
  // Relative paths and run-time prefixes match a route's end, from a literal segment.
  EXPECT_TRUE(request_matches("GET", "/ghost/api/admin/labels", req("GET", "labels/")));
  EXPECT_TRUE(request_matches("PUT", "/api/labels/:id", req("PUT", "labels/*")));
  EXPECT_TRUE(request_matches("GET", "/api/v1/users", req("GET", "*/users")));
  EXPECT_FALSE(request_matches("GET", "/api/posts/:id", req("GET", "labels")));
  EXPECT_FALSE(request_matches("GET", "/{dynamic}", req("GET", "/labels")));
  EXPECT_TRUE(request_matches("GET", "/{dynamic}/labels/:id", req("GET", "/api/labels/1")));
  EXPECT_FALSE(request_matches("GET", "/users", req("GET", "")));  // path unknown
}

TEST(TestCoverage, TestFilesAndTheirRequestsAreFacts) {
  EXPECT_TRUE(facts::is_test_path("test/users.js"));
  EXPECT_TRUE(facts::is_test_path("src/__tests__/a.js"));
  EXPECT_TRUE(facts::is_test_path("src/users.spec.ts"));
  EXPECT_TRUE(facts::is_test_path("apps/api/e2e/x.ts"));
  EXPECT_TRUE(facts::is_test_path("src/cats.e2e-spec.ts"));
  EXPECT_FALSE(facts::is_test_path("src/testing.js"));
  EXPECT_FALSE(facts::is_test_path("src/latest/test.js"));
  const auto routes = routes_of({
      {"src/app.js",
       "const express = require('express');\nconst app = express();\n"
       "app.get('/a/:id', (req, res) => res.end());\napp.post('/a', (req, res) => res.end());\n"
       "module.exports = app;\n"},
      {"test/a.test.js",
       "const request = require('supertest');\nconst app = require('../src/app');\n"
       "it('a', async () => {\n  await request(app).get(`/a/${1}`);\n"
       "  // await request(app).post('/a');\n});\n"},
  });
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "POST");
  EXPECT_FALSE(routes[0].tested);
  EXPECT_TRUE(routes[1].tested);
  ASSERT_EQ(routes[1].tests.size(), 1u);
  EXPECT_EQ(routes[1].tests[0].file, "test/a.test.js");
  EXPECT_EQ(routes[1].tests[0].line, 4u);
}

TEST(RouteModel, DynamicAndConditional) {
  const auto routes = routes_of({
      {"app.js",
       "const express = require('express');\nconst rateLimit = require('express-rate-limit');\n"
       "const app = express();\nconst V = 'v2';\n"
       "if (process.env.NODE_ENV === 'production') app.use(rateLimit());\n"
       "app.get(`/api/${V}/items`, list);\napp.get(process.env.P, list);\n"
       "app.get('/a' + someVar, list);\nfunction list() {}\n"},
  });
  ASSERT_EQ(routes.size(), 3u);  // sorted by bytes: '{' comes after letters
  EXPECT_EQ(routes[0].path, "/api/v2/items");
  EXPECT_FALSE(routes[0].dynamic);
  ASSERT_EQ(routes[0].middleware.size(), 1u);
  EXPECT_TRUE(routes[0].middleware[0].conditional);
  EXPECT_TRUE(routes[0].rate_limited);
  EXPECT_EQ(routes[1].path, "/a{dynamic}");
  EXPECT_TRUE(routes[1].dynamic);
  EXPECT_EQ(routes[2].path, "/{dynamic}");
}

TEST(RouteModel, JwtVerifyingMiddlewareIsAuth) {
  const auto routes = routes_of({
      {"app.js",
       "const express = require('express');\nconst jwt = require('jsonwebtoken');\n"
       "const app = express();\n"
       "function checkUser(req, res, next) {\n"
       "  const payload = jwt.verify(req.headers.token, process.env.SECRET);\n"
       "  req.user = payload;\n  next();\n}\n"
       "function checkShape(req, res, next) {\n"
       "  const ok = schema.verify(req.body);\n  next();\n}\n"
       "app.get('/me', checkUser, h);\napp.post('/shape', checkShape, h);\n"
       "function h() {}\n"},
  });
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].path, "/me");
  ASSERT_EQ(routes[0].middleware.size(), 1u);
  EXPECT_EQ(routes[0].middleware[0].kind, "auth");  // verifies a token with jsonwebtoken
  EXPECT_TRUE(routes[0].auth);
  EXPECT_EQ(routes[1].middleware[0].kind, "other");  // `verify` of something else
  EXPECT_FALSE(routes[1].auth);
}

TEST(RouteModel, ProjectDeclaredMiddlewareKinds) {
  const std::string app =
      "const app = require('express')();\napp.use(sessionGate);\napp.get('/x', h);\n"
      "function sessionGate(req, res, next) { next(); }\nfunction h() {}\n";
  EXPECT_EQ(routes_of({{"app.js", app}})[0].middleware[0].kind, "other");
  const auto routes = routes_of({{"app.js", app}}, {{"sessionGate", "auth"}});
  EXPECT_EQ(routes[0].middleware[0].kind, "auth");
  EXPECT_TRUE(routes[0].auth);
}

TEST(RouteModel, NoFrameworkNoRoutes) {
  const auto routes = routes_of({
      {"lib.js",
       "const m = new Map();\nm.get('/x', 1);\nconst o = { get(a, b) {} };\n"
       "o.get('/y', () => 1);\nmodule.exports = m;\n"},
  });
  EXPECT_TRUE(routes.empty());
}

// A rule that reads the model: reports each app at its creation and each route at its
// registration and at its handler, so the test sees what rules see (spans turned into ranges).
class ModelProbe final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta kMeta{.id = "test/model-probe",
                                .summary = "Probe.",
                                .severity = Severity::kNote,
                                .confidence = Confidence::kHigh,
                                .cwe = {},
                                .tags = {},
                                .node_kinds = {},
                                .needs_model = true};
    return kMeta;
  }
  void analyze(ProgramContext& ctx) const override {
    const ModelView* m = ctx.model();
    if (m == nullptr) return;
    for (const App& a : m->apps()) ctx.report(a.site, "app " + a.framework, Confidence::kHigh);
    for (const Route& r : m->routes()) {
      const std::string app =
          r.app >= 0 ? m->apps()[static_cast<std::size_t>(r.app)].framework : std::string("none");
      ctx.report(r.site, "route " + r.method + " " + r.path + " of " + app, Confidence::kHigh);
      ctx.report(r.handler_site, "handler of " + r.path, Confidence::kHigh);
      for (const RouteMiddleware& mw : r.middleware) {
        ctx.report(mw.site, "middleware " + mw.name + " of " + r.path, Confidence::kHigh);
      }
    }
    ctx.report(SourceSpan{"app.js", 0, 1, 1},
               "resolves ./routes to " + m->resolve_module("app.js", "./routes"),
               Confidence::kHigh);
  }
};

std::vector<std::string> probe(std::vector<std::pair<std::string, std::string>> files,
                               bool build_routes = false) {
  std::vector<engine::InputFile> inputs = inputs_of(std::move(files));
  static const ModelProbe kProbe;
  static const std::array<const Rule*, 1> kRules = {&kProbe};
  engine::EngineOptions options;
  options.build_routes = build_routes;
  const ScanResult result = engine::analyze_files(std::move(inputs), kRules, options);
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    out.push_back(f.file + ":" + std::to_string(f.range.line) + ":" +
                  std::to_string(f.range.column) + "-" + std::to_string(f.range.end_line) + ":" +
                  std::to_string(f.range.end_column) + " " + f.message);
  }
  // A scan that did not ask for routes carries none, though its rules saw them.
  if (!build_routes) {
    EXPECT_TRUE(result.routes.empty());
  }
  return out;
}

TEST(ModelView, RulesSeeAppsRoutesSitesAndHandlers) {
  const auto out = probe({
      {"app.js",
       "const express = require('express');\nconst app = express();\n"
       "app.use('/api', require('./routes'));\n"},
      {"routes.js",
       "const r = require('express').Router();\n"
       "function list(req, res) { res.end(); }\n"
       "r.get('/é', list);\nmodule.exports = r;\n"
       "r.post('/m', (q, s, n) => n(), list);\n"},
      {"nest.ts",
       "import { NestFactory } from '@nestjs/core';\n"
       "@Controller('cats')\nclass Cats {\n  @Get()\n  all() { return []; }\n}\n"
       "async function main() { const app = await NestFactory.create(M); app.use(helmet()); }\n"},
  });
  EXPECT_EQ(out, (std::vector<std::string>{
                     "app.js:1:1-1:2 resolves ./routes to routes.js",
                     "app.js:2:13-2:22 app express",
                     "nest.ts:4:3-4:7 route GET /cats of nestjs",
                     "nest.ts:5:3-5:23 handler of /cats",
                     "nest.ts:7:43-7:64 app nestjs",
                     "routes.js:2:1-2:39 handler of /api/m",
                     "routes.js:2:1-2:39 handler of /api/é",
                     "routes.js:3:1-3:6 route GET /api/é of express",
                     "routes.js:5:1-5:7 route POST /api/m of express",
                     "routes.js:5:14-5:30 middleware (anonymous) of /api/m",
                 }));
}

// Comments between a method's decorators (a regression: they used to drop the decorators above).
TEST(RouteModel, CommentsBetweenNestDecoratorsKeepThem) {
  const auto routes = routes_of({
      {"c.ts",
       "@Controller('auth')\nexport class A {\n  @SkipThrottle()\n  // why\n  /* and */\n"
       "  @Post('reset')\n  reset() {}\n}\n"},
      {"m.ts",
       "import { APP_GUARD } from '@nestjs/core';\n"
       "import { ThrottlerGuard } from '@nestjs/throttler';\n"
       "@Module({ controllers: [A], providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard "
       "}] })\nexport class M {}\n"},
  });
  ASSERT_EQ(summary(routes), (std::vector<std::string>{"POST /auth/reset"}));
  EXPECT_FALSE(routes[0].rate_limited);
}

// Ghost's shape: every app comes from one factory; the parent's setup is never called where the
// model can see it (a framework boots it), and it mounts the sub-app's setup. The sub-app's own
// caller-less run must not add a second copy of its routes without the mount prefix (callers are
// followed, not closures: the factory's frame has no lexical parent).
TEST(RouteModel, SetupFunctionsRunOnceWhereTheyAreMounted) {
  const auto routes = routes_of({
      {"shared/express.js",
       "const express = require('express');\n"
       "module.exports = (name) => { const app = express(); return app; };\n"},
      {"api/app.js",
       "const express = require('../shared/express');\n"
       "module.exports = function setupApi() {\n  const api = express('api');\n"
       "  api.get('/posts', (req, res) => res.end());\n  return api;\n};\n"},
      {"parent/app.js",
       "const express = require('../shared/express');\n"
       "module.exports = function setupParent() {\n  const parent = express('parent');\n"
       "  parent.use('/ghost/api', require('../api/app')());\n  return parent;\n};\n"},
  });
  EXPECT_EQ(summary(routes), (std::vector<std::string>{"GET /ghost/api/posts"}));
}

// A method handed the app (`handler.mountRoutes(siteApp)`, Ghost's llms handler): the call is
// followed like `mount(siteApp)` is, through the object a factory returns.
TEST(RouteModel, MethodsHandedTheAppAreFollowed) {
  const auto routes = routes_of({
      {"handler.js",
       "function createHandler() {\n  function mountRoutes(siteApp) {\n"
       "    siteApp.get('/llms.txt', (req, res) => res.end());\n  }\n"
       "  return { mountRoutes };\n}\nmodule.exports = { createHandler };\n"},
      {"site.js",
       "const express = require('express');\nconst { createHandler } = require('./handler');\n"
       "const siteApp = express();\nconst handler = createHandler();\n"
       "handler.mountRoutes(siteApp);\n"},
  });
  EXPECT_EQ(summary(routes), (std::vector<std::string>{"GET /llms.txt"}));
}

// A wrapped handler: what Express calls is the wrapper's closure (handler_site); the handler's own
// code is the function given to the wrapper (handler_code), for a project or a package wrapper.
TEST(RouteModel, WrappedHandlersKeepTheirOwnCode) {
  const std::string app =
      "const express = require('express');\nconst asyncHandler = "
      "require('express-async-handler');\n"
      "const wrap = (fn) => (req, res, next) => fn(req, res, next).catch(next);\n"
      "const app = express();\n"
      "app.post('/a', wrap(async (req, res) => res.json(req.body)));\n"
      "app.post('/b', asyncHandler(async (req, res) => res.end()));\n"
      "app.post('/c', async (req, res) => res.end());\n";
  const auto routes = routes_of({{"app.js", app}});
  ASSERT_EQ(summary(routes), (std::vector<std::string>{"POST /a", "POST /b", "POST /c"}));
  auto at = [&](const SourceSpan& s) { return s.known() ? app.substr(s.start_byte, 11) : "-"; };
  EXPECT_EQ(at(routes[0].handler_site), "(req, res, ");  // the wrapper's closure
  EXPECT_EQ(at(routes[0].handler_code), "async (req,");
  EXPECT_EQ(at(routes[1].handler_site), "-");  // a package wrapper: not project code
  EXPECT_EQ(at(routes[1].handler_code), "async (req,");
  EXPECT_EQ(at(routes[2].handler_code), at(routes[2].handler_site));
}

// App::trailing: middleware `use`d after an Express app's (or a mounted router's) first route or
// mount, where error handlers belong; middleware before them and mounts are not in it. And
// App::opaque_mount: a `use` at a path of a value the model cannot resolve.
class TrailingProbe final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta kMeta{.id = "test/trailing-probe",
                                .summary = "Probe.",
                                .severity = Severity::kNote,
                                .confidence = Confidence::kHigh,
                                .cwe = {},
                                .tags = {},
                                .node_kinds = {},
                                .needs_model = true};
    return kMeta;
  }
  void analyze(ProgramContext& ctx) const override {
    if (ctx.model() == nullptr) return;
    for (const App& a : ctx.model()->apps()) {
      if (a.opaque_mount) ctx.report(a.site, a.framework + " opaque mount", Confidence::kHigh);
      for (const RouteMiddleware& m : a.trailing) {
        ctx.report(a.site, a.framework + " trailing " + m.name + " " + m.kind, Confidence::kHigh);
      }
    }
  }
};

TEST(ModelView, AppTrailingMiddlewareIsWhatRunsAfterTheRoutes) {
  std::vector<engine::InputFile> inputs = inputs_of({
      {"app.js",
       "const express = require('express');\nconst app = express();\n"
       "app.use(express.json());\n"
       "app.use('/api', require('./routes'));\n"
       "app.use((req, res, next) => res.status(404).end());\n"
       "app.use(function onError(err, req, res, next) { res.status(500).end(); });\n"},
      {"routes.js",
       "const r = require('express').Router();\nr.use(auth);\n"
       "r.get('/a', (req, res) => res.end());\n"
       "r.use(function routerErrors(err, req, res, next) { next(err); });\n"
       "function auth(req, res, next) { next(); }\nmodule.exports = r;\n"},
      {"koa.js",
       "const Koa = require('koa');\nconst Router = require('@koa/router');\n"
       "const router = new Router();\nrouter.get('/b', (ctx) => {});\n"
       "const k = new Koa();\nk.use(router.routes());\nk.use(async (ctx, next) => next());\n"},
      {"ext.js",
       "const express = require('express');\nmodule.exports = function (options) {\n"
       "  const e = express();\n  e.use('/x', options.api);\n"
       "  e.get('/y', (req, res) => res.end());\n};\n"},
  });
  static const TrailingProbe kProbe;
  static const std::array<const Rule*, 1> kRules = {&kProbe};
  const ScanResult result = engine::analyze_files(std::move(inputs), kRules, {});
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    out.push_back(f.file + ":" + std::to_string(f.range.line) + " " + f.message);
  }
  EXPECT_EQ(out, (std::vector<std::string>{
                     "app.js:2 express trailing (anonymous) other",
                     "app.js:2 express trailing onError error-handler",
                     "app.js:2 express trailing routerErrors error-handler",
                     "ext.js:3 express opaque mount",
                 }));
}
}  // namespace
}  // namespace nodescope::model
