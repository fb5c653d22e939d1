// Route table reporters (see reports.h): JSON with RapidJSON, text with fmt.
#include <algorithm>

#include <fmt/format.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "nodescope/reports/reports.h"

namespace nodescope::reports {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void key(Writer& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void str(Writer& w, std::string_view v) {
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

}  // namespace

std::string routes_to_json(const std::vector<Route>& routes) {
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
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string out(buf.GetString(), buf.GetSize());
  out.push_back('\n');
  return out;
}

std::string routes_to_text(const std::vector<Route>& routes) {
  std::size_t method_w = 6;
  std::size_t path_w = 4;
  for (const Route& r : routes) {
    method_w = std::max(method_w, r.method.size());
    path_w = std::min<std::size_t>(60, std::max(path_w, r.path.size()));
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<4} {:<4} {:<4}  {}\n", "METHOD", method_w,
                                "PATH", path_w, "AUTH", "VAL", "RATE", "HANDLER (FILE:LINE)");
  for (const Route& r : routes) {
    auto flag = [](bool b) { return b ? "yes" : "-"; };
    out += fmt::format("{:<{}}  {:<{}}  {:<4} {:<4} {:<4}  {} ({}:{})\n", r.method, method_w,
                       r.path, path_w, flag(r.auth), flag(r.validated), flag(r.rate_limited),
                       r.handler, r.file, r.line);
  }
  std::size_t auth = 0;
  for (const Route& r : routes) auth += r.auth ? 1 : 0;
  out += fmt::format("{} route{} ({} with authentication)\n", routes.size(),
                     routes.size() == 1 ? "" : "s", auth);
  return out;
}

}  // namespace nodescope::reports
