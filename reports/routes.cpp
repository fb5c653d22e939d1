// Route table reporters (see reports.h): JSON with RapidJSON, text with fmt.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "json_writer.h"
#include "nodescope/reports/reports.h"

namespace nodescope::reports {

using json::key;
using json::str;
using json::Writer;

std::string routes_to_json(const std::vector<Route>& routes,
                           const std::vector<FrameworkVersion>& frameworks) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "routes");
  w.StartArray();
  for (const Route& r : routes) {
    w.StartObject();
    key(w, "method");
    str(w, r.method);
    key(w, "path");
    str(w, r.path);
    key(w, "file");
    str(w, r.file);
    key(w, "line");
    w.Uint(r.line);
    key(w, "framework");
    str(w, r.framework);
    key(w, "handler");
    str(w, r.handler);
    key(w, "middleware");
    w.StartArray();
    for (const RouteMiddleware& m : r.middleware) {
      w.StartObject();
      key(w, "name");
      str(w, m.name);
      key(w, "kind");
      str(w, m.kind);
      key(w, "file");
      str(w, m.file);
      key(w, "line");
      w.Uint(m.line);
      key(w, "conditional");
      w.Bool(m.conditional);
      w.EndObject();
    }
    w.EndArray();
    key(w, "auth");
    w.Bool(r.auth);
    key(w, "validated");
    w.Bool(r.validated);
    key(w, "rateLimited");
    w.Bool(r.rate_limited);
    key(w, "dynamic");
    w.Bool(r.dynamic);
    key(w, "tested");
    w.Bool(r.tested);
    key(w, "tests");
    w.StartArray();
    for (const RouteTest& t : r.tests) {
      w.StartObject();
      key(w, "file");
      str(w, t.file);
      key(w, "line");
      w.Uint(t.line);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  key(w, "frameworks");
  w.StartArray();
  for (const FrameworkVersion& f : frameworks) {
    w.StartObject();
    key(w, "name");
    str(w, f.name);
    key(w, "package");
    str(w, f.package);
    key(w, "version");
    str(w, f.version);
    key(w, "major");
    if (f.major >= 0) {
      w.Int(f.major);
    } else {
      w.Null();
    }
    key(w, "source");
    str(w, f.source);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json::finish(buf);
}

std::string routes_to_text(const std::vector<Route>& routes) {
  std::size_t method_w = 6;
  std::size_t path_w = 4;
  for (const Route& r : routes) {
    method_w = std::max(method_w, r.method.size());
    path_w = std::min<std::size_t>(60, std::max(path_w, r.path.size()));
  }
  std::string out =
      fmt::format("{:<{}}  {:<{}}  {:<4} {:<4} {:<4} {:<4}  {}\n", "METHOD", method_w, "PATH",
                  path_w, "AUTH", "VAL", "RATE", "TEST", "HANDLER (FILE:LINE)");
  for (const Route& r : routes) {
    auto flag = [](bool b) { return b ? "yes" : "-"; };
    out += fmt::format("{:<{}}  {:<{}}  {:<4} {:<4} {:<4} {:<4}  {} ({}:{})\n", r.method, method_w,
                       r.path, path_w, flag(r.auth), flag(r.validated), flag(r.rate_limited),
                       flag(r.tested), r.handler, r.file, r.line);
  }
  std::size_t auth = 0;
  std::size_t tested = 0;
  for (const Route& r : routes) {
    auth += r.auth ? 1 : 0;
    tested += r.tested ? 1 : 0;
  }
  out += fmt::format("{} route{} ({} with authentication; tested {}/{})\n", routes.size(),
                     routes.size() == 1 ? "" : "s", auth, tested, routes.size());
  return out;
}

}  // namespace nodescope::reports

namespace nodescope::reports {
namespace {

struct OpenApiPath {
  std::string path;                 // OpenAPI form: /users/{id}
  std::vector<std::string> params;  // path parameter names, in order
};

// Express `:id`, `:id?`, `:id(\\d+)` and Hapi `{id}`, `{id?}`, `{any*}` -> `{id}` / `{any}`.
OpenApiPath openapi_path(const std::string& path) {
  OpenApiPath out;
  for (std::size_t i = 0; i < path.size();) {
    if (path[i] == ':' || path[i] == '{') {
      const bool brace = path[i] == '{';
      std::size_t j = i + 1;
      std::string name;
      while (j < path.size() &&
             (std::isalnum(static_cast<unsigned char>(path[j])) != 0 || path[j] == '_')) {
        name.push_back(path[j++]);
      }
      // Skip modifiers and patterns up to the end of the segment (or the closing brace).
      while (j < path.size() && path[j] != '/' && !(brace && path[j - 1] == '}')) ++j;
      if (name.empty()) name = "param" + std::to_string(out.params.size() + 1);
      out.path += "{" + name + "}";
      out.params.push_back(name);
      i = j;
      continue;
    }
    out.path.push_back(path[i++]);
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string routes_to_openapi(const std::vector<Route>& routes, const std::string& title) {
  static constexpr std::array<std::string_view, 7> kMethods = {"get",   "put",     "post", "delete",
                                                               "patch", "options", "head"};
  // Group by OpenAPI path, keeping the route order (sorted by path, then method).
  std::vector<std::pair<OpenApiPath, std::vector<const Route*>>> paths;
  std::size_t dynamic = 0;
  bool any_auth = false;
  for (const Route& r : routes) {
    if (r.dynamic) {
      ++dynamic;
      continue;
    }
    any_auth = any_auth || r.auth;
    OpenApiPath p = openapi_path(r.path);
    auto it = std::find_if(paths.begin(), paths.end(),
                           [&](const auto& e) { return e.first.path == p.path; });
    if (it == paths.end()) {
      paths.emplace_back(std::move(p), std::vector<const Route*>{});
      it = paths.end() - 1;
    }
    it->second.push_back(&r);
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "openapi");
  str(w, "3.1.0");
  key(w, "info");
  w.StartObject();
  key(w, "title");
  str(w, title);
  key(w, "version");
  str(w, "0.0.0");
  key(w, "description");
  str(w, fmt::format("Generated by nodescope from the source code ({} routes; {} with paths that "
                     "cannot be known statically are not listed).",
                     routes.size(), dynamic));
  w.EndObject();
  key(w, "paths");
  w.StartObject();
  std::set<std::string> operation_ids;
  for (const auto& [p, list] : paths) {
    key(w, p.path);
    w.StartObject();
    // Methods defined explicitly win over ALL.
    std::vector<std::pair<std::string, const Route*>> ops;
    for (const Route* r : list) {
      if (r->method != "ALL") ops.emplace_back(lower(r->method), r);
    }
    for (const Route* r : list) {
      if (r->method != "ALL") continue;
      for (std::string_view m : kMethods) {
        if (std::none_of(ops.begin(), ops.end(), [&](const auto& o) { return o.first == m; })) {
          ops.emplace_back(std::string(m), r);
        }
      }
    }
    std::stable_sort(ops.begin(), ops.end(), [&](const auto& a, const auto& b) {
      auto rank = [&](const std::string& m) {
        return std::find(kMethods.begin(), kMethods.end(), m) - kMethods.begin();
      };
      return rank(a.first) < rank(b.first);
    });
    for (const auto& [method, r] : ops) {
      if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) continue;
      key(w, method);
      w.StartObject();
      std::string id = r->handler == "(anonymous)" || r->handler == "(none)"
                           ? method + p.path
                           : r->handler + "." + method;
      for (char& c : id) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '_') c = '_';
      }
      std::string unique = id;
      for (int n = 2; !operation_ids.insert(unique).second; ++n)
        unique = id + "_" + std::to_string(n);
      key(w, "operationId");
      str(w, unique);
      if (!p.params.empty()) {
        key(w, "parameters");
        w.StartArray();
        for (const std::string& name : p.params) {
          w.StartObject();
          key(w, "name");
          str(w, name);
          key(w, "in");
          str(w, "path");
          key(w, "required");
          w.Bool(true);
          key(w, "schema");
          w.StartObject();
          key(w, "type");
          str(w, "string");
          w.EndObject();
          w.EndObject();
        }
        w.EndArray();
      }
      if (r->auth) {
        key(w, "security");
        w.StartArray();
        w.StartObject();
        key(w, "detected");
        w.StartArray();
        w.EndArray();
        w.EndObject();
        w.EndArray();
      }
      key(w, "responses");
      w.StartObject();
      key(w, "default");
      w.StartObject();
      key(w, "description");
      str(w, "Not documented in the source.");
      w.EndObject();
      w.EndObject();
      key(w, "x-nodescope-source");
      str(w, fmt::format("{}:{}", r->file, r->line));
      key(w, "x-nodescope-middleware");
      w.StartArray();
      for (const RouteMiddleware& m : r->middleware) {
        w.StartObject();
        key(w, "name");
        str(w, m.name);
        key(w, "kind");
        str(w, m.kind);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  if (any_auth) {
    key(w, "components");
    w.StartObject();
    key(w, "securitySchemes");
    w.StartObject();
    key(w, "detected");
    w.StartObject();
    key(w, "type");
    str(w, "http");
    key(w, "scheme");
    str(w, "bearer");
    key(w, "description");
    str(w,
        "Authentication middleware detected by nodescope; the real scheme may differ (see "
        "x-nodescope-middleware).");
    w.EndObject();
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return json::finish(buf);
}

}  // namespace nodescope::reports
