// Route table assembly (see routes.h). Each app that is not mounted elsewhere is a root; its
// registrations are replayed in the order they run: `use` middleware whose path covers a route
// or mount and that ran before it joins the chain, then the mount's own middleware, level by
// level down to the route's own arguments.
#include "model/routes.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "model/evaluator.h"
#include "model/nest.h"
#include "model/test_coverage.h"

namespace nodescope::model {
namespace {

struct PackageKind {
  std::string_view package;
  std::string_view kind;
};

constexpr std::array<PackageKind, 38> kPackageKinds = {{
    {"helmet", "security-headers"},
    {"lusca", "security-headers"},
    {"@fastify/helmet", "security-headers"},
    {"koa-helmet", "security-headers"},
    {"express-rate-limit", "rate-limit"},
    {"rate-limiter-flexible", "rate-limit"},
    {"express-slow-down", "rate-limit"},
    {"express-brute", "rate-limit"},
    {"@fastify/rate-limit", "rate-limit"},
    {"koa-ratelimit", "rate-limit"},
    {"hapi-rate-limit", "rate-limit"},
    {"@nestjs/throttler", "rate-limit"},
    {"express-jwt", "auth"},
    {"koa-jwt", "auth"},
    {"express-openid-connect", "auth"},
    {"express-basic-auth", "auth"},
    {"celebrate", "validation"},
    {"express-validator", "validation"},
    {"express-joi-validation", "validation"},
    {"express-json-validator-middleware", "validation"},
    {"zod-express-middleware", "validation"},
    {"cors", "cors"},
    {"@koa/cors", "cors"},
    {"kcors", "cors"},
    {"@fastify/cors", "cors"},
    {"body-parser", "body-parser"},
    {"multer", "body-parser"},
    {"cookie-parser", "body-parser"},
    {"koa-body", "body-parser"},
    {"koa-bodyparser", "body-parser"},
    {"express-fileupload", "body-parser"},
    {"morgan", "logger"},
    {"pino-http", "logger"},
    {"express-winston", "logger"},
    {"express-pino-logger", "logger"},
    {"koa-logger", "logger"},
    {"passport", ""},
    {"express", ""},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Segment-wise prefix: "/api" covers "/api" and "/api/notes", not "/apis".
bool covers(const std::string& prefix, const std::string& path) {
  if (prefix.empty() || prefix == "/") return true;
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix.back() == '/';
}

std::string join(const std::string& a, const std::string& b) {
  std::string out = a;
  if (!b.empty() && b != "/") {
    if (out.empty() || out.back() != '/') out.push_back('/');
    out += b[0] == '/' ? b.substr(1) : b;
  }
  // Fold doubled slashes and drop a trailing one (but keep the root).
  std::string folded;
  for (char c : out) {
    if (c == '/' && !folded.empty() && folded.back() == '/') continue;
    folded.push_back(c);
  }
  if (folded.empty() || folded[0] != '/') folded.insert(folded.begin(), '/');
  if (folded.size() > 1 && folded.back() == '/') folded.pop_back();
  return folded;
}

// The kind the configuration declares for a middleware name, or null. A declared name matches the
// name as written (`guard.check()`), without its call parentheses (`requireRole` for
// `requireRole('admin')`), or as the last member (`requireUser` for `auth.requireUser` and
// `auth.requireUser()`).
const std::string* declared_kind(std::string_view name,
                                 const std::map<std::string, std::string>& user_kinds) {
  if (user_kinds.empty()) return nullptr;
  std::string_view bare = name;
  if (bare.ends_with("()")) bare.remove_suffix(2);
  const std::size_t dot = bare.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? bare : bare.substr(dot + 1);
  for (std::string_view candidate : {name, bare, last}) {
    if (candidate.empty()) continue;
    if (auto it = user_kinds.find(std::string(candidate)); it != user_kinds.end()) {
      return &it->second;
    }
  }
  return nullptr;
}

struct Builder {
  Evaluator& ev;
  std::vector<Route>& out;
  const std::map<std::string, std::string>& user_kinds;
  std::int32_t app = -1;  // the app whose tree is being walked
  // The walked Express app's App::trailing (null while walking anything else).
  std::vector<RouteMiddleware>* trailing = nullptr;
  bool* opaque = nullptr;  // and its App::opaque_mount

  SourceSpan span_at(std::uint32_t file, std::uint32_t start, std::uint32_t end) const {
    return SourceSpan{ev.program().files()[file].path, start, end, ev.facts(file).line_of(start)};
  }

  // The project function a handler value denotes, as a span; unknown for anything else.
  SourceSpan function_span(const Loc& loc) {
    if (loc.value == facts::kNoValue) return {};
    const Abs a = ev.deref(ev.eval(loc));
    if (a.kind != AbsKind::kFunction || a.fn <= 0) return {};
    const facts::Function& fn = ev.facts(a.file).functions[static_cast<std::size_t>(a.fn)];
    return span_at(a.file, fn.start_byte, fn.end_byte);
  }

  // The function a wrapped handler wraps: the last argument of the call at `loc` that is a
  // project function (`asyncHandler(async (req, res) => ...)`, `catchAsync(controller.list)`);
  // else the handler itself.
  SourceSpan code_span(const Loc& loc, const SourceSpan& handler) {
    if (loc.value == facts::kNoValue) return handler;
    const facts::Value& v = ev.facts(loc.file).at(loc.value);
    if (v.kind != facts::ValueKind::kCall) return handler;
    for (std::uint32_t i = v.count; i-- > 0;) {
      const SourceSpan inner = function_span(Loc{loc.file, ev.facts(loc.file).item(v, i), loc.env});
      if (inner.known()) return inner;
    }
    return handler;
  }

  // A route's handler (null: none): its name, the function the framework calls, and the
  // function holding its own code.
  void set_handler(Route& route, const Loc* handler) {
    if (handler == nullptr || handler->value == facts::kNoValue) {
      route.handler = "(none)";
      return;
    }
    route.handler = ev.name_of(*handler);
    route.handler_site = function_span(*handler);
    route.handler_code = code_span(*handler, route.handler_site);
  }

  // The span of the function that starts at `start_byte` in `file` (a class method).
  SourceSpan method_span(std::uint32_t file, std::uint32_t start_byte) const {
    for (const facts::Function& fn : ev.facts(file).functions) {
      if (fn.start_byte == start_byte) return span_at(file, fn.start_byte, fn.end_byte);
    }
    return {};
  }

  // Whether a project function verifies a token itself: it calls `verify` / `jwtVerify` on
  // jsonwebtoken or jose (`jwt.verify(token, secret)`), directly in its body.
  bool verifies_token(const Abs& fn) {
    const auto& f = ev.facts(fn.file);
    for (facts::ValueId id = 0; id < static_cast<facts::ValueId>(f.values.size()); ++id) {
      const facts::Value& call = f.at(id);
      if (call.kind != facts::ValueKind::kCall || call.a == facts::kNoValue) continue;
      const facts::Value& callee = f.at(call.a);
      const bool member = callee.kind == facts::ValueKind::kMember &&
                          (callee.text == "verify" || callee.text == "jwtVerify");
      const bool bare = callee.kind == facts::ValueKind::kName && callee.scope == fn.fn &&
                        (callee.text == "verify" || callee.text == "jwtVerify");
      if (!member && !bare) continue;
      const facts::ValueId object = member ? callee.a : call.a;
      if (object == facts::kNoValue || f.at(object).scope != fn.fn) continue;
      const Abs target = ev.deref(ev.eval(Loc{fn.file, member ? object : call.a, 0}));
      if (target.kind != AbsKind::kPackage) continue;
      if (target.text.starts_with("jsonwebtoken") || target.text.starts_with("jose")) return true;
    }
    return false;
  }

  struct Mount {
    std::uint32_t child;
    std::string path;
    bool dynamic;
    std::vector<Loc> middleware;
    OrderKey key;
    bool conditional;
    std::uint32_t file;
  };

  RouteMiddleware describe(const Loc& loc, bool conditional) {
    RouteMiddleware m;
    m.name = ev.name_of(loc);
    m.file = ev.program().files()[loc.file].path;
    m.line = ev.facts(loc.file).line_of(ev.facts(loc.file).at(loc.value).start_byte);
    m.conditional = conditional;
    const Abs a = ev.deref(ev.eval(loc));
    m.site = function_span(loc);
    if (a.kind == AbsKind::kFunction &&
        ev.facts(a.file).functions[static_cast<std::size_t>(a.fn)].params.size() == 4) {
      m.kind = "error-handler";
      return m;
    }
    std::string package;
    std::string member;
    if (a.kind == AbsKind::kPackage) {
      // "express-rate-limit()", "passport.authenticate()", "@fastify/helmet", "multer().single()"
      const std::string& t = a.text;
      std::size_t end = t.find_first_of(".(", t[0] == '@' ? t.find('/') + 1 : 0);
      package = t.substr(0, end);
      if (end != std::string::npos && t[end] == '.') {
        const std::size_t next = t.find_first_of(".(", end + 1);
        member = t.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
      }
    }
    m.kind = classify_middleware(package, member, m.name, user_kinds);
    // A function that verifies a token itself is auth, unless the configuration says otherwise.
    if (m.kind == "other" && a.kind == AbsKind::kFunction &&
        declared_kind(m.name, user_kinds) == nullptr && verifies_token(a)) {
      m.kind = "auth";
    }
    return m;
  }

  // Items of a registration that are middleware (flattened), and the mounted instances.
  void split(const Registration& r, std::vector<Loc>& middleware,
             std::vector<std::uint32_t>& mounted) {
    for (const Loc& item : ev.flatten(r.items)) {
      // koa-router's allowedMethods() answers OPTIONS/405 only; it is not in any route's chain.
      if (ev.name_of(item).ends_with(".allowedMethods()")) continue;
      const Abs a = ev.deref(ev.eval(item));
      if (a.kind == AbsKind::kInstance) {
        mounted.push_back(a.instance);
      } else {
        middleware.push_back(item);
      }
    }
  }

  std::vector<Mount> mounts_of(std::uint32_t instance) {
    std::vector<Mount> mounts;
    // By index, on copies: evaluation only reads memoised results here, but must stay safe if a
    // late evaluation ever registers more.
    for (std::size_t k = 0; k < ev.instances()[instance].registrations.size(); ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.is_route) continue;
      std::vector<Loc> middleware;
      std::vector<std::uint32_t> children;
      split(r, middleware, children);
      for (std::uint32_t child : children) {
        if (child == instance) continue;
        mounts.push_back(
            Mount{child, r.path.text, r.path.dynamic, middleware, r.key, r.conditional, r.file});
      }
    }
    return mounts;
  }

  // `use` middleware of an instance that ran before `key` and whose path covers `path`.
  void chain_before(std::uint32_t instance, const OrderKey& key, const std::string& path,
                    std::vector<RouteMiddleware>& chain) {
    for (std::size_t k = 0; k < ev.instances()[instance].registrations.size(); ++k) {
      const Registration& ref = ev.instances()[instance].registrations[k];
      if (ref.is_route || !(ref.key < key)) continue;
      const Registration r = ref;
      if (r.has_path && !r.path.dynamic && !covers(join("", r.path.text), path)) continue;
      std::vector<Loc> middleware;
      std::vector<std::uint32_t> children;
      split(r, middleware, children);
      if (!children.empty()) continue;  // a mount: its middleware applies only below it
      for (const Loc& m : middleware) {
        RouteMiddleware d = describe(m, r.conditional);
        chain.push_back(std::move(d));
      }
    }
  }

  // The parts of a route every framework fills the same way.
  Route route_of(const Registration& r, const std::string& prefix, bool dynamic,
                 std::string framework, const std::vector<RouteMiddleware>& inherited) {
    Route route;
    route.method = r.method;
    route.path = join(prefix, r.path.text);
    route.file = ev.program().files()[r.file].path;
    route.line = r.line;
    route.framework = std::move(framework);
    route.dynamic = dynamic || r.path.dynamic;
    route.middleware = inherited;
    route.app = app;
    route.site = span_at(r.file, r.start_byte, r.end_byte);
    return route;
  }

  // ---- Fastify: encapsulated scopes ------------------------------------------------------------

  static constexpr std::array<std::string_view, 8> kRequestHooks = {
      "onRequest", "preParsing",    "preValidation", "preHandler",     // Fastify
      "onPreAuth", "onCredentials", "onPostAuth",    "onPreHandler"};  // Hapi (and onRequest)

  void add_items(const Loc& loc, bool conditional, std::vector<RouteMiddleware>& chain) {
    if (loc.value == facts::kNoValue) return;
    for (const Loc& item : ev.flatten({loc})) chain.push_back(describe(item, conditional));
  }

  // What a scope contributes to the routes below it: package plugins with a known kind registered
  // before `key`, then every request hook of the scope (hooks apply to the whole scope).
  std::vector<RouteMiddleware> scope_chain(std::uint32_t instance, const OrderKey& key) {
    std::vector<RouteMiddleware> chain;
    const std::size_t n = ev.instances()[instance].registrations.size();
    for (std::size_t k = 0; k < n; ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.kind != RegKind::kPlugin || !(r.key < key) || r.items.empty()) continue;
      RouteMiddleware m = describe(r.items[0], r.conditional);
      // Auth plugins (@hapi/jwt, @fastify/jwt) only provide strategies: routes opt in through
      // their own auth options or hooks, so registering one protects nothing.
      if (m.kind == "other" || m.kind == "auth") continue;
      // @fastify/rate-limit with `global: false` limits only routes that ask for it.
      if (m.kind == "rate-limit" && ev.name_of(ev.object_key(r.options, "global")) == "false") {
        continue;
      }
      chain.push_back(std::move(m));
    }
    for (std::string_view hook : kRequestHooks) {
      for (std::size_t k = 0; k < n; ++k) {
        const Registration r = ev.instances()[instance].registrations[k];
        if (r.kind != RegKind::kHook || r.method != hook || r.items.empty()) continue;
        add_items(r.items[0], r.conditional, chain);
      }
    }
    return chain;
  }

  void walk_fastify(std::uint32_t instance, const std::string& prefix, bool dynamic,
                    const std::vector<RouteMiddleware>& inherited,
                    std::set<std::uint32_t>& active) {
    if (active.count(instance) != 0 || active.size() > 32) return;
    active.insert(instance);
    const std::size_t n = ev.instances()[instance].registrations.size();
    for (std::size_t k = 0; k < n; ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.kind == RegKind::kScope && r.child >= 0) {
        std::vector<RouteMiddleware> chain = inherited;
        for (RouteMiddleware& m : scope_chain(instance, r.key)) chain.push_back(std::move(m));
        walk_fastify(static_cast<std::uint32_t>(r.child), join(prefix, r.path.text),
                     dynamic || r.path.dynamic, chain, active);
        continue;
      }
      if (r.kind != RegKind::kRoute) continue;
      Route route = route_of(r, prefix, dynamic, "fastify", inherited);
      for (RouteMiddleware& m : scope_chain(instance, r.key))
        route.middleware.push_back(std::move(m));
      for (std::string_view hook : {"onRequest", "preValidation", "preHandler"}) {
        add_items(ev.object_key(r.options, hook), r.conditional, route.middleware);
      }
      // A per-route rate limit runs in onRequest, before schema validation: request order.
      const Loc limit = ev.object_key(ev.object_key(r.options, "config"), "rateLimit");
      if (limit.value != facts::kNoValue) {
        if (ev.name_of(limit) == "false") {
          std::erase_if(route.middleware,
                        [](const RouteMiddleware& m) { return m.kind == "rate-limit"; });
        } else {
          route.middleware.push_back(
              pseudo("config.rateLimit", "rate-limit", limit, r.conditional));
        }
      }
      // Which request parts carry a schema, in a fixed order (schema(body,params)): any of them
      // makes the route validated.
      const Loc schema = ev.object_key(r.options, "schema");
      const std::string parts =
          parts_with(schema, {"body", "querystring", "query", "params", "headers"});
      if (!parts.empty()) {
        route.middleware.push_back(
            pseudo("schema(" + parts + ")", "validation", schema, r.conditional));
      }
      set_handler(route, r.items.empty() ? nullptr : &r.items[0]);
      finish(route);
      out.push_back(std::move(route));
    }
    active.erase(instance);
  }

  // ---- Hapi: plugin scopes, route options ----------------------------------------------------

  // The last `server.auth.default(...)` anywhere under a root server (it is server-wide).
  std::optional<Registration> auth_default(std::uint32_t instance, int depth = 0) {
    std::optional<Registration> found;
    if (depth > 16) return found;
    const std::size_t n = ev.instances()[instance].registrations.size();
    for (std::size_t k = 0; k < n; ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.kind == RegKind::kAuthDefault) found = r;
      if (r.kind == RegKind::kScope && r.child >= 0) {
        if (auto inner = auth_default(static_cast<std::uint32_t>(r.child), depth + 1)) {
          found = inner;
        }
      }
    }
    return found;
  }

  // `auth: 'jwt'`, `auth: { strategy: 'jwt' }`, `auth: false`, mode 'try' / 'optional'.
  // Returns the strategy name, "" when the route opts out, nullopt when it says nothing.
  std::optional<std::string> hapi_auth(const Loc& auth) {
    if (auth.value == facts::kNoValue) return std::nullopt;
    if (ev.name_of(auth) == "false") return std::string();
    const Abs a = ev.deref(ev.eval(auth));
    if (a.kind == AbsKind::kString) return a.text;
    const Abs mode = ev.eval(ev.object_key(auth, "mode"));
    if (mode.kind == AbsKind::kString && (mode.text == "try" || mode.text == "optional")) {
      return std::string();
    }
    const Abs strategy = ev.eval(ev.object_key(auth, "strategy"));
    if (strategy.kind == AbsKind::kString) return strategy.text;
    const Loc strategies = ev.object_key(auth, "strategies");
    if (strategies.value != facts::kNoValue) {
      std::string names;
      for (const Loc& s : ev.flatten({strategies})) {
        const Abs one = ev.eval(s);
        if (one.kind == AbsKind::kString) names += (names.empty() ? "" : ",") + one.text;
      }
      return names.empty() ? std::string("(strategy)") : names;
    }
    return std::string("(strategy)");
  }

  void walk_hapi(std::uint32_t instance, const std::string& prefix, bool dynamic,
                 const std::vector<RouteMiddleware>& inherited,
                 const std::optional<Registration>& default_auth, std::set<std::uint32_t>& active) {
    if (active.count(instance) != 0 || active.size() > 32) return;
    active.insert(instance);
    const std::size_t n = ev.instances()[instance].registrations.size();
    for (std::size_t k = 0; k < n; ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.kind == RegKind::kScope && r.child >= 0) {
        std::vector<RouteMiddleware> chain = inherited;
        for (RouteMiddleware& m : scope_chain(instance, r.key)) chain.push_back(std::move(m));
        walk_hapi(static_cast<std::uint32_t>(r.child), join(prefix, r.path.text),
                  dynamic || r.path.dynamic, chain, default_auth, active);
        continue;
      }
      if (r.kind != RegKind::kRoute) continue;
      Route route = route_of(r, prefix, dynamic, "hapi", inherited);
      for (RouteMiddleware& m : scope_chain(instance, r.key)) {
        route.middleware.push_back(std::move(m));
      }
      const Loc auth_loc = ev.object_key(r.options, "auth");
      const auto strategy = hapi_auth(auth_loc);
      if (strategy && !strategy->empty()) {
        route.middleware.push_back(pseudo("auth:" + *strategy, "auth", auth_loc, r.conditional));
      } else if (!strategy && default_auth && !default_auth->items.empty()) {
        const Abs s = ev.eval(default_auth->items[0]);
        const std::string name = s.kind == AbsKind::kString ? s.text : "(strategy)";
        route.middleware.push_back(
            pseudo("auth:" + name, "auth", default_auth->items[0], default_auth->conditional));
      }
      for (const Loc& pre : ev.flatten({ev.object_key(r.options, "pre")})) {
        const Loc method = ev.object_key(pre, "method");  // { method, assign } or a function
        route.middleware.push_back(
            describe(method.value != facts::kNoValue ? method : pre, r.conditional));
      }
      const Loc validate = ev.object_key(r.options, "validate");
      const std::string parts = parts_with(validate, {"payload", "query", "params", "headers"});
      if (!parts.empty()) {
        route.middleware.push_back(
            pseudo("validate(" + parts + ")", "validation", validate, r.conditional));
      }
      const Loc limit = ev.object_key(ev.object_key(r.options, "plugins"), "hapi-rate-limit");
      if (limit.value != facts::kNoValue) {
        if (ev.name_of(limit) == "false" ||
            ev.name_of(ev.object_key(limit, "enabled")) == "false") {
          std::erase_if(route.middleware,
                        [](const RouteMiddleware& m) { return m.kind == "rate-limit"; });
        } else {
          route.middleware.push_back(
              pseudo("plugins.hapi-rate-limit", "rate-limit", limit, r.conditional));
        }
      }
      set_handler(route, r.items.empty() ? nullptr : &r.items[0]);
      finish(route);
      out.push_back(std::move(route));
    }
    active.erase(instance);
  }

  // The keys of an options object that are present, in the given order, comma-separated.
  std::string parts_with(const Loc& object, std::initializer_list<std::string_view> keys) {
    std::string present;
    for (std::string_view key : keys) {
      if (ev.object_key(object, key).value == facts::kNoValue) continue;
      present += (present.empty() ? "" : ",") + std::string(key);
    }
    return present;
  }

  RouteMiddleware pseudo(std::string name, std::string kind, const Loc& at, bool conditional) {
    RouteMiddleware m;
    m.name = std::move(name);
    m.kind = std::move(kind);
    m.file = ev.program().files()[at.file].path;
    m.line = ev.facts(at.file).line_of(ev.facts(at.file).at(at.value).start_byte);
    m.conditional = conditional;
    return m;
  }

  static void finish(Route& route) {
    for (const RouteMiddleware& m : route.middleware) {
      route.auth = route.auth || m.kind == "auth";
      route.validated = route.validated || m.kind == "validation";
      route.rate_limited = route.rate_limited || m.kind == "rate-limit";
    }
  }

  // ---- Express
  // -----------------------------------------------------------------------------------

  // Middleware `use`d on an instance after its first route or mount (App::trailing).
  void collect_trailing(std::uint32_t instance, const std::vector<Mount>& mounts) {
    std::optional<OrderKey> first;
    for (const Mount& m : mounts) {
      if (!first || m.key < *first) first = m.key;
    }
    for (const Registration& r : ev.instances()[instance].registrations) {
      if (r.is_route && (!first || r.key < *first)) first = r.key;
    }
    if (!first) return;
    for (std::size_t k = 0; k < ev.instances()[instance].registrations.size(); ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.is_route || r.kind != RegKind::kUse || !(*first < r.key)) continue;
      std::vector<Loc> middleware;
      std::vector<std::uint32_t> children;
      split(r, middleware, children);
      if (!children.empty()) continue;  // a mount
      for (const Loc& m : middleware) trailing->push_back(describe(m, r.conditional));
    }
  }

  // Whether an instance `use`s a name or member the model cannot resolve (App::opaque_mount).
  bool opaque_mount(std::uint32_t instance) {
    for (std::size_t k = 0; k < ev.instances()[instance].registrations.size(); ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (r.is_route || r.kind != RegKind::kUse) continue;
      const std::vector<Loc> items = ev.flatten(r.items);
      // Without a known path, the first of several items may be the path (`options.mountPath`).
      for (std::size_t i = !r.has_path && items.size() > 1 ? 1 : 0; i < items.size(); ++i) {
        // A name or member (`this.api`, `options.app`), not a call: calls are middleware
        // factories (`cors()`).
        const facts::ValueKind vk = ev.facts(items[i].file).at(items[i].value).kind;
        if (vk != facts::ValueKind::kName && vk != facts::ValueKind::kMember) continue;
        if (ev.deref(ev.eval(items[i])).kind == AbsKind::kUnknown) return true;
      }
    }
    return false;
  }

  void walk(std::uint32_t instance, const std::string& prefix, bool dynamic,
            const std::vector<RouteMiddleware>& inherited, std::set<std::uint32_t>& active) {
    if (active.count(instance) != 0 || active.size() > 32) return;  // mount cycles
    active.insert(instance);
    const Instance& self = ev.instances()[instance];
    const bool koa = self.kind == InstanceKind::kKoaApp || self.kind == InstanceKind::kKoaRouter;
    // A Koa router's own prefix applies to everything registered on it.
    const std::string here = koa && !self.prefix.empty() ? join(prefix, self.prefix) : prefix;
    dynamic = dynamic || self.prefix_dynamic;
    for (std::size_t k = 0; k < ev.instances()[instance].registrations.size(); ++k) {
      const Registration r = ev.instances()[instance].registrations[k];
      if (!r.is_route) continue;
      const std::string local = join("", r.path.text);
      Route route = route_of(r, here, dynamic, koa ? "koa" : "express", inherited);
      chain_before(instance, r.key, local, route.middleware);
      const std::vector<Loc> items = ev.flatten(r.items);
      for (std::size_t i = 0; i + 1 < items.size(); ++i) {
        route.middleware.push_back(describe(items[i], r.conditional));
      }
      set_handler(route, items.empty() ? nullptr : &items.back());
      finish(route);
      out.push_back(std::move(route));
    }
    const std::vector<Mount> mounts = mounts_of(instance);
    if (trailing != nullptr && !koa) {
      collect_trailing(instance, mounts);
      if (opaque != nullptr && opaque_mount(instance)) *opaque = true;
    }
    for (const Mount& m : mounts) {
      std::vector<RouteMiddleware> chain = inherited;
      chain_before(instance, m.key, join("", m.path), chain);
      for (const Loc& loc : m.middleware) chain.push_back(describe(loc, m.conditional));
      walk(m.child, join(here, m.path), dynamic || m.dynamic, chain, active);
    }
    active.erase(instance);
  }
};

}  // namespace

std::string classify_middleware(std::string_view package, std::string_view member,
                                std::string_view name,
                                const std::map<std::string, std::string>& user_kinds) {
  // Names the project declares (the config file's auth / validation / rate-limit middleware)
  // win over every heuristic. A declared name matches the name as written (`guard.check()`),
  // without its call parentheses (`requireRole` for `requireRole('admin')`), or as the last
  // member (`requireUser` for `auth.requireUser` and `auth.requireUser()`).
  if (const std::string* declared = declared_kind(name, user_kinds)) return *declared;
  if (!package.empty()) {
    // express and passport export many things: the member decides, else the name patterns below
    // (passport.authenticateJwt is auth, passport.initialize() is not).
    if (package == "express" &&
        (member == "json" || member == "urlencoded" || member == "raw" || member == "text")) {
      return "body-parser";
    }
    for (const PackageKind& pk : kPackageKinds) {
      if (pk.package == package && !pk.kind.empty()) return std::string(pk.kind);
    }
  }
  const std::string n = lower(name);
  if (contains(n, "helmet")) return "security-headers";
  if (contains(n, "ratelimit") || contains(n, "limiter") || contains(n, "throttl") ||
      contains(n, "slowdown") || contains(n, "brute")) {  // express-brute, Ghost's brute.*
    return "rate-limit";
  }
  if (contains(n, "auth") || contains(n, "jwt") || contains(n, "verifytoken") ||
      contains(n, "loggedin") || contains(n, "requirelogin")) {
    return "auth";
  }
  if (contains(n, "validat") || contains(n, "celebrate") || contains(n, "checkschema") ||
      (n.starts_with("parse") && contains(n, "pipe"))) {
    return "validation";
  }
  if (contains(n, "cors")) return "cors";
  if (contains(n, "bodyparser") || contains(n, "cookieparser")) return "body-parser";
  if (contains(n, "logger") || contains(n, "morgan")) return "logger";
  return "other";
}

std::vector<FrameworkVersion> framework_versions(const Program& program,
                                                 const std::vector<Route>& routes) {
  struct Known {
    std::string_view name;
    std::array<std::string_view, 2> packages;
  };
  static constexpr std::array<Known, 5> kKnown = {{{"express", {"express", ""}},
                                                   {"fastify", {"fastify", ""}},
                                                   {"hapi", {"@hapi/hapi", "hapi"}},
                                                   {"koa", {"koa", ""}},
                                                   {"nestjs", {"@nestjs/core", "@nestjs/common"}}}};
  std::set<std::string> used;
  for (const Route& r : routes) used.insert(r.framework);
  std::vector<FrameworkVersion> out;
  for (const Known& k : kKnown) {
    if (used.count(std::string(k.name)) == 0) continue;
    FrameworkVersion fv;
    fv.name = std::string(k.name);
    fv.package = std::string(k.packages[0]);
    for (std::string_view pkg : k.packages) {
      if (pkg.empty()) continue;
      if (const facts::DependencyVersion* d = program.config().dependency(pkg)) {
        fv.package = std::string(pkg);
        fv.version = d->version;
        fv.major = d->major;
        fv.source = d->source;
        break;
      }
    }
    out.push_back(std::move(fv));
  }
  return out;
}

std::vector<Route> build_routes(const Program& program, std::vector<Diagnostic>& diagnostics,
                                const std::map<std::string, std::string>& middleware_kinds,
                                std::vector<App>* apps_out) {
  Evaluator ev(program);
  ev.run();
  std::vector<Route> routes;
  std::vector<App> apps;
  Builder builder{ev, routes, middleware_kinds};
  // A root instance becomes an app; its routes point at it.
  auto open_app = [&](const Instance& inst, std::string framework) {
    const facts::Value& site = ev.facts(inst.site.file).at(inst.site.value);
    apps.push_back(App{std::move(framework),
                       builder.span_at(inst.site.file, site.start_byte, site.end_byte),
                       {},
                       false});
    builder.app = static_cast<std::int32_t>(apps.size() - 1);
    builder.trailing = apps.back().framework == "express" ? &apps.back().trailing : nullptr;
    builder.opaque = &apps.back().opaque_mount;
  };

  std::set<std::uint32_t> mounted;
  for (std::uint32_t i = 0; i < ev.instances().size(); ++i) {
    for (const auto& m : builder.mounts_of(i)) mounted.insert(m.child);
  }
  for (std::uint32_t i = 0; i < ev.instances().size(); ++i) {
    if (mounted.count(i) != 0) continue;
    const Instance& inst = ev.instances()[i];
    if (ev.superseded(inst)) continue;
    std::set<std::uint32_t> active;
    builder.app = -1;
    builder.trailing = nullptr;
    if (inst.kind == InstanceKind::kFastify) {
      if (inst.parent >= 0) continue;
      open_app(inst, "fastify");
      builder.walk_fastify(i, "", false, {}, active);
    } else if (inst.kind == InstanceKind::kHapi) {
      if (inst.parent >= 0) continue;
      open_app(inst, "hapi");
      builder.walk_hapi(i, "", false, {}, builder.auth_default(i), active);
    } else if (inst.kind == InstanceKind::kExpressApp || inst.kind == InstanceKind::kKoaApp) {
      open_app(inst, inst.kind == InstanceKind::kKoaApp ? "koa" : "express");
      builder.walk(i, "", false, {}, active);
    } else if (!inst.registrations.empty() && inst.kind != InstanceKind::kNestApp) {
      // A router never mounted where we can see it: its routes are listed under an unknown
      // prefix rather than dropped.
      const std::size_t before = routes.size();
      builder.walk(i, "/{dynamic}", true, {}, active);
      if (routes.size() > before) {
        Diagnostic d;
        d.file = program.files()[inst.site.file].path;
        d.kind = "dynamic-route";
        d.line = ev.facts(inst.site.file)
                     .line_of(ev.facts(inst.site.file).at(inst.site.value).start_byte);
        d.message =
            "router is not mounted anywhere nodescope can see; its routes are listed "
            "under /{dynamic}";
        diagnostics.push_back(std::move(d));
      }
    }
  }
  NestHelpers nest{
      [&](const Loc& loc, bool conditional) { return builder.describe(loc, conditional); },
      [](const std::string& a, const std::string& b) { return join(a, b); },
      [](Route& r) { Builder::finish(r); },
      [&](std::uint32_t file, std::uint32_t start) { return builder.method_span(file, start); }};
  build_nest_routes(ev, nest, routes, apps);
  if (apps_out != nullptr) *apps_out = std::move(apps);
  std::sort(routes.begin(), routes.end(), [](const Route& a, const Route& b) {
    return std::tie(a.path, a.method, a.file, a.line, a.handler) <
           std::tie(b.path, b.method, b.file, b.line, b.handler);
  });
  mark_tested_routes(program, routes);
  // (a) Every route whose path is not fully known says so.
  for (const Route& r : routes) {
    if (!r.dynamic) continue;
    Diagnostic d;
    d.file = r.file;
    d.kind = "dynamic-route";
    d.line = r.line;
    d.message = r.method + " route's path cannot be known statically; listed as " + r.path;
    diagnostics.push_back(std::move(d));
  }
  return routes;
}

}  // namespace nodescope::model
