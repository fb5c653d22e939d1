// The NODE.JS BACKEND ANALYSIS report (#6): markdown (`nodescope report`, `scan --format
// markdown`) and the `summary` object of the JSON output, both rendered from one evaluation of
// the sections (judge once, print twice), so the two formats always say the same thing. A pure
// function of a finished ScanResult with its summary; the data sections (database, performance,
// deployment) are rendered by backend_sections.h. Not responsible for finding any fact.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "backend_sections.h"
#include "json_writer.h"
#include "nodescope/reports/reports.h"
#include "summary_json.h"

namespace nodescope::reports {
namespace {

using json::key;
using json::str;
using json::Writer;

// A table cell: pipes escaped, line breaks flattened, never empty.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? "—" : out;
}

// Inline code that survives backticks and pipes inside.
std::string code(std::string_view s) {
  std::string body = cell(s);
  if (body.find('`') != std::string::npos) return fmt::format("`` {} ``", body);
  return fmt::format("`{}`", body);
}

bool inside(std::string_view file, std::string_view dir) {
  return dir.empty() ||
         (file.size() > dir.size() && file.starts_with(dir) && file[dir.size()] == '/');
}

bool matches_any(std::string_view id, std::initializer_list<std::string_view> parts) {
  return std::any_of(parts.begin(), parts.end(),
                     [&](std::string_view p) { return id.find(p) != std::string_view::npos; });
}

struct RuleHits {
  std::string rule_id;
  std::size_t count = 0;
  std::vector<std::string> where;  // first few file:line
};

struct Item {
  std::string name;
  bool checked = false;
  std::string reason;
  std::vector<std::string> evidence;  // file:line, what
  std::vector<RuleHits> findings;
};

Item named(std::string name) {
  Item item;
  item.name = std::move(name);
  return item;
}

struct ServiceView {
  const ServiceSummary* s = nullptr;
  std::vector<const Route*> routes;
  std::vector<std::size_t> route_index;
  std::vector<const Finding*> findings;
  std::vector<Item> security;
  std::vector<Item> checks;
  std::size_t tested = 0;
};

std::vector<RuleHits> hits(const ServiceView& v, std::initializer_list<std::string_view> parts) {
  std::map<std::string, RuleHits> by_rule;
  for (const Finding* f : v.findings) {
    if (!matches_any(f->rule_id, parts)) continue;
    RuleHits& h = by_rule[f->rule_id];
    h.rule_id = f->rule_id;
    if (h.count++ < 3) h.where.push_back(fmt::format("{}:{}", f->file, f->range.line));
  }
  std::vector<RuleHits> out;
  for (auto& [id, h] : by_rule) out.push_back(std::move(h));
  return out;
}

bool ran_any(const Summary& summary, std::initializer_list<std::string_view> parts) {
  return std::any_of(summary.rules_run.begin(), summary.rules_run.end(),
                     [&](const std::string& id) { return matches_any(id, parts); });
}

// Each distinct middleware of `kind` once, at its first place, and how many routes have one.
std::vector<std::string> middleware_evidence(const ServiceView& v, std::string_view kind,
                                             std::size_t* routes_with = nullptr) {
  std::map<std::string, std::pair<std::string, std::uint32_t>> first;  // name -> (file, line)
  std::size_t with = 0;
  for (const Route* r : v.routes) {
    bool any = false;
    for (const RouteMiddleware& m : r->middleware) {
      if (m.kind != kind) continue;
      any = true;
      auto [it, added] = first.emplace(m.name, std::make_pair(m.file, m.line));
      if (!added && std::tie(m.file, m.line) < std::tie(it->second.first, it->second.second)) {
        it->second = {m.file, m.line};
      }
    }
    with += any ? 1 : 0;
  }
  if (routes_with != nullptr) *routes_with = with;
  std::vector<std::tuple<std::string, std::uint32_t, std::string>> seen;
  for (const auto& [name, at] : first) seen.emplace_back(at.first, at.second, name);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> out;
  for (const auto& [file, line, name] : seen) {
    if (out.size() == 5) {
      out.push_back(fmt::format("and {} more", seen.size() - 5));
      break;
    }
    out.push_back(line != 0 ? fmt::format("{} at {}:{}", name, file, line)
                            : fmt::format("{} in {}", name, file));
  }
  return out;
}

std::string count_text(std::size_t n, std::string_view one) {
  return n == 1 ? fmt::format("1 {}", one) : fmt::format("{} {}s", n, one);
}

Item middleware_item(const ServiceView& v, std::string name, std::string_view kind,
                     std::string_view what, std::initializer_list<std::string_view> rules) {
  Item item;
  item.name = std::move(name);
  std::size_t with = 0;
  item.evidence = middleware_evidence(v, kind, &with);
  item.findings = hits(v, rules);
  item.checked = !item.evidence.empty() && item.findings.empty();
  if (!item.evidence.empty()) {
    item.reason = fmt::format("on {} of {} routes", with, v.routes.size());
  }
  if (!item.findings.empty()) {
    item.reason +=
        item.reason.empty() ? "findings leave it unchecked" : "; findings leave it unchecked";
  } else if (item.evidence.empty()) {
    item.reason =
        v.routes.empty() ? "no routes found" : fmt::format("no {} middleware on any route", what);
  }
  return item;
}

void judge_security(const Summary& summary, ServiceView& v) {
  v.security.push_back(middleware_item(v, "Input validation", "validation", "validation",
                                       {"unvalidated", "mass-assignment", "validation"}));
  v.security.push_back(
      middleware_item(v, "Rate limiting", "rate-limit", "rate-limit", {"rate-limit"}));
  v.security.push_back(middleware_item(v, "CORS configuration", "cors", "CORS", {"cors"}));
  v.security.push_back(middleware_item(v, "Helmet.js security headers", "security-headers",
                                       "security-headers (helmet)",
                                       {"helmet", "security-headers"}));
  Item sql;
  sql.name = "SQL injection prevention";
  sql.findings = hits(v, {"sql-injection"});
  if (!sql.findings.empty()) {
    sql.reason = "findings leave it unchecked";
  } else if (ran_any(summary, {"sql-injection"})) {
    sql.checked = true;
    sql.reason = "no injection found by the sql-injection rules";
  } else {
    sql.reason = "not verified: no SQL injection rule ran";
  }
  v.security.push_back(std::move(sql));
  v.security.push_back(middleware_item(v, "Authentication/Authorization", "auth", "auth",
                                       {"auth", "jwt", "idor", "access-control"}));
}

std::string hits_text(const std::vector<RuleHits>& list) {
  std::string out;
  for (const RuleHits& h : list) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} ({}: {}", h.rule_id, count_text(h.count, "finding"),
                       fmt::join(h.where, ", "));
    if (h.count > h.where.size()) out += ", ...";
    out += ")";
  }
  return out;
}

bool verb_path(std::string_view path) {
  static constexpr std::string_view kVerbs[] = {"get", "create", "update", "delete", "remove",
                                                "add", "fetch",  "list",   "edit",   "save"};
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view seg = path.substr(i, j - i);
    for (std::string_view verb : kVerbs) {
      if (seg.size() > verb.size() && seg.starts_with(verb) &&
          (std::isupper(static_cast<unsigned char>(seg[verb.size()])) || seg[verb.size()] == '-' ||
           seg[verb.size()] == '_')) {
        return true;
      }
      if (seg == verb) return true;
    }
    i = j + 1;
  }
  return false;
}

void judge_checks(const Summary& summary, ServiceView& v) {
  const ServiceSummary& s = *v.s;
  {
    Item i = named("REST practices");
    std::vector<std::string> bad;
    for (const Route* r : v.routes) {
      if (verb_path(r->path)) bad.push_back(fmt::format("{} {}", r->method, r->path));
    }
    if (v.routes.empty()) {
      i.reason = "no routes found";
    } else if (bad.empty()) {
      i.checked = true;
      i.reason =
          fmt::format("{}: resource paths, no verbs in them", count_text(v.routes.size(), "route"));
    } else {
      const std::size_t n = bad.size();
      if (bad.size() > 3) bad.resize(3);
      i.reason = fmt::format("{} with a verb in the path: {}{}", count_text(n, "route"),
                             fmt::join(bad, ", "), n > 3 ? ", ..." : "");
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Error handling");
    i.evidence = middleware_evidence(v, "error-handler");
    i.findings = hits(v, {"reliability/", "error"});
    bool builtin = false;
    for (const Route* r : v.routes) {
      builtin = builtin || r->framework == "nestjs" || r->framework == "fastify" ||
                r->framework == "hapi";
    }
    if (!i.findings.empty()) {
      i.reason = "findings leave it unchecked";
    } else if (!i.evidence.empty()) {
      i.checked = true;
      i.reason = "error-handling middleware in the route chains";
    } else if (builtin) {
      i.checked = true;
      i.reason = "the framework's own error handling (no unhandled-error findings)";
    } else {
      i.reason = v.routes.empty() ? "no routes found"
                                  : "no error-handling middleware in any route's chain";
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Security measures");
    std::vector<std::string> missing;
    for (const Item& m : v.security) {
      if (!m.checked) missing.push_back(m.name);
    }
    i.checked = missing.empty();
    i.reason = missing.empty() ? "every measure above is in place"
                               : fmt::format("unchecked: {}", fmt::join(missing, ", "));
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Optimised queries");
    i.findings = hits(v, {"performance/", "n-plus-one", "unbounded-query"});
    if (!i.findings.empty()) {
      i.reason = "findings leave it unchecked";
    } else if (ran_any(summary, {"performance/", "n-plus-one", "unbounded-query"})) {
      i.checked = true;
      i.reason = "no query findings from the performance rules";
    } else {
      i.reason = "not verified: no query rule ran";
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Typing");
    i.checked = s.typescript_strict;
    i.reason = fmt::format("TypeScript: {}", s.typescript.value);
    for (const std::string& n : s.typescript.notes) i.reason += "; " + n;
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Environment configuration");
    i.findings = hits(v, {"secret", "hardcoded", "credential"});
    if (!i.findings.empty()) {
      i.reason = "findings leave it unchecked";
    } else if (!s.env_config.value.empty()) {
      i.checked = true;
      i.reason =
          fmt::format("configuration through {} ({})", s.env_config.value, s.env_config.source);
    } else {
      i.reason = fmt::format("no configuration library: {}", fmt::join(s.env_config.notes, "; "));
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Structured logging");
    i.findings = hits(v, {"console"});
    if (!i.findings.empty()) {
      i.reason = "findings leave it unchecked";
    } else if (!s.logging.value.empty()) {
      i.checked = true;
      i.reason = s.logging.source.empty()
                     ? s.logging.value
                     : fmt::format("{} ({})", s.logging.value, s.logging.source);
    } else {
      i.reason = fmt::format("no structured logger: {}", fmt::join(s.logging.notes, "; "));
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Tests on critical paths");
    if (v.routes.empty()) {
      i.reason = "no routes found";
    } else {
      const std::size_t pct = v.tested * 100 / v.routes.size();
      i.checked = pct >= 80;
      i.reason = fmt::format("route coverage {}%: {} of {} routes are requested by a test{}", pct,
                             v.tested, v.routes.size(), i.checked ? "" : " (80% wanted)");
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Performance");
    i.findings = hits(v, {"performance/", "blocking"});
    if (!i.findings.empty()) {
      i.reason = "findings leave it unchecked";
    } else if (ran_any(summary, {"performance/", "blocking"})) {
      i.checked = true;
      i.reason = "no findings from the performance rules (figures: Performance Metrics)";
    } else {
      i.reason = "not verified: no performance rule ran (figures: Performance Metrics)";
    }
    v.checks.push_back(std::move(i));
  }
  {
    Item i = named("Documentation");
    std::size_t documented = 0;
    for (std::size_t r : v.route_index) {
      const std::string& src = summary.route_purposes[r].source;
      documented += (src == "doc comment" || src == "@ApiOperation") ? 1 : 0;
    }
    if (!s.api_docs.value.empty()) {
      i.checked = true;
      i.reason = fmt::format("OpenAPI through {} ({}); {} of {} routes have a doc comment",
                             s.api_docs.value, s.api_docs.source, documented, v.routes.size());
    } else if (!v.routes.empty() && documented * 2 >= v.routes.size()) {
      i.checked = true;
      i.reason =
          fmt::format("{} of {} routes have a doc comment or summary", documented, v.routes.size());
    } else {
      i.reason = fmt::format("no OpenAPI package; {} of {} routes have a doc comment", documented,
                             v.routes.size());
    }
    v.checks.push_back(std::move(i));
  }
}

std::vector<ServiceView> views_of(const ScanResult& result) {
  const Summary& summary = result.summary;
  std::vector<ServiceView> views(summary.services.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    ServiceView& v = views[i];
    v.s = &summary.services[i];
    for (std::uint32_t r : v.s->routes) {
      if (r >= result.routes.size()) continue;
      v.routes.push_back(&result.routes[r]);
      v.route_index.push_back(r);
      v.tested += result.routes[r].tested ? 1 : 0;
    }
  }
  for (const Finding& f : result.findings) {
    std::size_t best = views.size();
    for (std::size_t i = 0; i < views.size(); ++i) {
      if (inside(f.file, views[i].s->dir) &&
          (best == views.size() || views[i].s->dir.size() > views[best].s->dir.size())) {
        best = i;
      }
    }
    if (best == views.size() && !views.empty()) best = 0;
    if (best < views.size()) views[best].findings.push_back(&f);
  }
  for (ServiceView& v : views) {
    judge_security(summary, v);
    judge_checks(summary, v);
  }
  return views;
}

std::string fact_text(const SummaryFact& f) {
  std::string out = f.value;
  if (!f.source.empty()) out += fmt::format(" (from {})", code(f.source));
  if (!f.notes.empty()) {
    out += "; also found: ";
    for (std::size_t i = 0; i < f.notes.size(); ++i) {
      if (i != 0) out += ", ";
      out += f.notes[i];
    }
  }
  return out;
}

std::string_view mark(bool b) { return b ? "✅" : "❌"; }

void append_item(std::string& out, const Item& item) {
  out += fmt::format("- [{}] **{}**", item.checked ? "x" : " ", item.name);
  std::vector<std::string> parts;
  if (!item.evidence.empty()) {
    std::vector<std::string> ev;
    for (const std::string& e : item.evidence) ev.push_back(cell(e));
    parts.push_back(fmt::format("evidence: {}", fmt::join(ev, "; ")));
  }
  if (!item.reason.empty()) parts.push_back(item.reason);
  if (!item.findings.empty()) parts.push_back(hits_text(item.findings));
  if (!parts.empty()) out += fmt::format(" — {}", fmt::join(parts, "; "));
  out += "\n";
}

void append_service_markdown(std::string& out, const ScanResult& result, const ServiceView& v,
                             bool several) {
  const ServiceSummary& s = *v.s;
  if (several) {
    out += fmt::format("# Service {} ({})\n\n", cell(s.name), code(s.dir.empty() ? "." : s.dir));
  }
  out += fmt::format("- **Framework:** {}\n", fact_text(s.framework));
  out += fmt::format("- **TypeScript:** {}\n", fact_text(s.typescript));
  out += fmt::format("- **Node Version:** {}\n", fact_text(s.node_version));
  out += fmt::format("- **Package Manager:** {}\n", fact_text(s.package_manager));
  std::size_t errors = 0;
  for (const Finding* f : v.findings) errors += f->severity == Severity::kError ? 1 : 0;
  out += fmt::format("- **Findings:** {} ({})\n\n", v.findings.size(), count_text(errors, "error"));

  out += "## Architecture Overview 🏗️\n\n";
  if (s.entry_points.empty()) {
    out +=
        "Entry point: unknown (no package.json main, bin or start script, and no file calling "
        "listen())\n\n";
  } else {
    for (const SummaryFact& e : s.entry_points) {
      out += fmt::format("- Entry point: {} ({})\n", code(e.value), e.source);
    }
    out += "\n";
  }
  for (const SummaryFolder& f : s.folders) {
    const std::string name = f.depth == 0 ? (f.path.empty() ? std::string("./") : f.path + "/")
                                          : f.path.substr(f.path.rfind('/') + 1) + "/";
    out +=
        fmt::format("{}- {}", std::string(static_cast<std::size_t>(f.depth) * 2, ' '), code(name));
    if (!f.role.empty()) out += fmt::format(" — **{}** ({})", f.role, f.why);
    if (f.files != 0) out += fmt::format(" · {}", count_text(f.files, "file"));
    out += "\n";
  }
  if (s.folders_truncated) out += "\n(deeper folders not shown)\n";
  out += "\n";

  out += "## API Design 🌐\n\n";
  if (v.routes.empty()) {
    out += "No routes found.\n\n";
  } else {
    out += "| Endpoint | Method | Purpose | Auth | Validation | Rate limit | Tested |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (std::size_t k = 0; k < v.routes.size(); ++k) {
      const Route& r = *v.routes[k];
      const RoutePurpose& p = result.summary.route_purposes[v.route_index[k]];
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", cell(r.path), cell(r.method),
                         cell(p.text), mark(r.auth), mark(r.validated), mark(r.rate_limited),
                         mark(r.tested));
    }
    out += "\n";
  }
  append_database_markdown(out, s.backend.database);
  append_performance_markdown(out, s.backend.performance);
  out += "## Security Measures 🔒\n\n";
  for (const Item& i : v.security) append_item(out, i);
  out += "\n";
  append_deployment_markdown(out, s.backend.deployment);
  out += "## Self-Verification ✅\n\n";
  for (const Item& i : v.checks) append_item(out, i);
  out += "\n";
}

void write_fact(Writer& w, std::string_view name, const SummaryFact& f) {
  key(w, name);
  w.StartObject();
  key(w, "value");
  str(w, f.value);
  key(w, "source");
  str(w, f.source);
  key(w, "notes");
  w.StartArray();
  for (const std::string& n : f.notes) str(w, n);
  w.EndArray();
  w.EndObject();
}

void write_items(Writer& w, std::string_view name, const std::vector<Item>& items) {
  key(w, name);
  w.StartArray();
  for (const Item& i : items) {
    w.StartObject();
    key(w, "name");
    str(w, i.name);
    key(w, "checked");
    w.Bool(i.checked);
    key(w, "reason");
    str(w, i.reason);
    key(w, "evidence");
    w.StartArray();
    for (const std::string& e : i.evidence) str(w, e);
    w.EndArray();
    key(w, "findings");
    w.StartArray();
    for (const RuleHits& h : i.findings) {
      w.StartObject();
      key(w, "ruleId");
      str(w, h.rule_id);
      key(w, "count");
      w.Uint64(h.count);
      key(w, "at");
      w.StartArray();
      for (const std::string& at : h.where) str(w, at);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

void write_service_json(Writer& w, const ScanResult& result, const ServiceView& v) {
  const ServiceSummary& s = *v.s;
  w.StartObject();
  key(w, "name");
  str(w, s.name);
  key(w, "dir");
  str(w, s.dir);
  write_fact(w, "framework", s.framework);
  write_fact(w, "typescript", s.typescript);
  write_fact(w, "nodeVersion", s.node_version);
  write_fact(w, "packageManager", s.package_manager);
  key(w, "architecture");
  w.StartObject();
  key(w, "entryPoints");
  w.StartArray();
  for (const SummaryFact& e : s.entry_points) {
    w.StartObject();
    key(w, "file");
    str(w, e.value);
    key(w, "source");
    str(w, e.source);
    w.EndObject();
  }
  w.EndArray();
  key(w, "folders");
  w.StartArray();
  for (const SummaryFolder& f : s.folders) {
    w.StartObject();
    key(w, "path");
    str(w, f.path);
    key(w, "depth");
    w.Int(f.depth);
    key(w, "role");
    str(w, f.role);
    key(w, "why");
    str(w, f.why);
    key(w, "files");
    w.Uint(f.files);
    w.EndObject();
  }
  w.EndArray();
  key(w, "truncated");
  w.Bool(s.folders_truncated);
  w.EndObject();
  key(w, "api");
  w.StartArray();
  for (std::size_t k = 0; k < v.routes.size(); ++k) {
    const Route& r = *v.routes[k];
    const RoutePurpose& p = result.summary.route_purposes[v.route_index[k]];
    w.StartObject();
    key(w, "method");
    str(w, r.method);
    key(w, "path");
    str(w, r.path);
    key(w, "purpose");
    str(w, p.text);
    key(w, "purposeSource");
    str(w, p.source);
    key(w, "file");
    str(w, r.file);
    key(w, "line");
    w.Uint(r.line);
    key(w, "auth");
    w.Bool(r.auth);
    key(w, "validated");
    w.Bool(r.validated);
    key(w, "rateLimited");
    w.Bool(r.rate_limited);
    key(w, "tested");
    w.Bool(r.tested);
    w.EndObject();
  }
  w.EndArray();
  key(w, "routeCoverage");
  w.StartObject();
  key(w, "routes");
  w.Uint64(v.routes.size());
  key(w, "tested");
  w.Uint64(v.tested);
  w.EndObject();
  key(w, "findings");
  w.Uint64(v.findings.size());
  key(w, "database");
  write_database_json(w, s.backend.database);
  key(w, "performance");
  write_performance_json(w, s.backend.performance);
  write_items(w, "security", v.security);
  key(w, "deployment");
  write_deployment_json(w, s.backend.deployment);
  write_items(w, "selfVerification", v.checks);
  w.EndObject();
}

}  // namespace

// `--explain`: the report lists findings per item only as counts, so explained findings get
// their own list at the end, in the findings' order; absent when nothing was explained.
static void append_explanations_markdown(std::string& out, const ScanResult& result) {
  bool any = false;
  for (const Finding& f : result.findings) {
    if (f.explanation.empty()) continue;
    if (!any) out += "## Explanations\n\n";
    any = true;
    out +=
        fmt::format("- **{}** at {}:{}: {}\n\n", f.rule_id, code(f.file), f.range.line, f.message);
    std::string_view rest = f.explanation;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      out += line.empty() ? "  >\n" : fmt::format("  > {}\n", line);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    out += "\n";
  }
}

std::string to_markdown(const ScanResult& result) {
  const std::vector<ServiceView> views = views_of(result);
  std::string out = "# 🟢 NODE.JS BACKEND ANALYSIS\n\n";
  if (views.size() > 1) {
    std::vector<std::string> names;
    for (const ServiceView& v : views) {
      names.push_back(fmt::format("{} ({})", cell(v.s->name), code(v.s->dir)));
    }
    out += fmt::format("{} services: {}.\n\n", views.size(), fmt::join(names, ", "));
  }
  // What could not be read makes every fact below less certain: say so first (routine skips
  // such as minified bundles are left to `nodescope scan`).
  std::vector<const Diagnostic*> problems;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.kind == diag::kMalformedJson || d.kind == diag::kParseError ||
        d.kind == diag::kParseTimeout || d.kind == diag::kUnreadable ||
        d.kind == diag::kInternalError) {
      problems.push_back(&d);
    }
  }
  if (!problems.empty()) {
    out += fmt::format("Read with problems ({}):\n\n", problems.size());
    for (std::size_t i = 0; i < problems.size() && i < 5; ++i) {
      const Diagnostic& d = *problems[i];
      out +=
          fmt::format("- {}{}: {}: {}\n", d.file.empty() ? "(scan)" : d.file,
                      d.line != 0 ? fmt::format(":{}", d.line) : std::string(), d.kind, d.message);
    }
    if (problems.size() > 5) out += fmt::format("- and {} more\n", problems.size() - 5);
    out += "\n";
  }
  for (const ServiceView& v : views) append_service_markdown(out, result, v, views.size() > 1);
  append_explanations_markdown(out, result);
  while (out.size() > 1 && out.ends_with("\n\n")) out.pop_back();
  return out;
}

void write_summary_json(json::Writer& w, const ScanResult& result) {
  const std::vector<ServiceView> views = views_of(result);
  w.StartObject();
  key(w, "services");
  w.StartArray();
  for (const ServiceView& v : views) write_service_json(w, result, v);
  w.EndArray();
  w.EndObject();
}

}  // namespace nodescope::reports
