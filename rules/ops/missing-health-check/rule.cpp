// ops/missing-health-check: a service whose apps serve routes but none of them is a health,
// readiness or liveness endpoint, and no package provides one. Whole-program over the model's
// routes: a route counts when a segment of its full path names a probe (/health, /healthz,
// /ready, /readyz, /live, /livez, /status, /ping, /heartbeat, ... or any segment containing
// "health"). One health route anywhere in the project satisfies every app (the orchestrator probes
// one of them; a second app is often an admin or metrics port). Reported per app creation site,
// at note level. Per file, the walk also notes route-registering calls with a literal probe path
// (`this.app.get('/healthz', ...)`, `api.use('/health', handler)`) that the model may not follow.
// Not judged: apps created in test files or other non-server code (rules/server_code.h), and apps
// whose route paths are mostly not known statically (half or more end in {dynamic}: routes built
// from data, one of which could be the probe; Ghost's few regex redirects do not count).
#include <array>
#include <string>
#include <vector>

#include "nodescope/model.h"
#include "registry.h"
#include "rule_util.h"
#include "server_code.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 0> kCwe = {};
constexpr std::array<std::string_view, 2> kTags = {"ops", "availability"};
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "ops/missing-health-check",
    .summary =
        "A service serves routes but has no health or readiness endpoint for its "
        "orchestrator or load balancer to probe.",
    .severity = Severity::kNote,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// Packages that serve a health or readiness endpoint themselves.
constexpr std::array<std::string_view, 14> kHealthPackages = {"@godaddy/terminus",
                                                              "terminus",
                                                              "@nestjs/terminus",
                                                              "fastify-healthcheck",
                                                              "@fastify/under-pressure",
                                                              "under-pressure",
                                                              "hapi-alive",
                                                              "hapi-healthcheck",
                                                              "express-healthcheck",
                                                              "express-actuator",
                                                              "lightship",
                                                              "koa-healthcheck",
                                                              "express-health-check",
                                                              "@cloudnative/health-connect"};

constexpr std::array<std::string_view, 16> kProbeSegments = {
    "ready", "readyz", "readiness", "live", "livez", "liveness", "alive",   "status",
    "ping",  "pong",   "heartbeat", "up",   "_ping", "_status",  "startup", "startupz"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whether a route's full path is a probe: a segment containing "health" anywhere, or a probe
// word as the last segment of a path without parameters (`/api/status`, not `/orders/:id/status`).
bool probe_path(std::string_view path) {
  const std::string p = lower(path);
  bool params = false;
  std::string_view last;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string_view seg = std::string_view(p).substr(start, end - start);
    if (seg.find("health") != std::string_view::npos) return true;
    if (!seg.empty()) {
      params = params || seg[0] == ':' || seg[0] == '{' || seg.find('*') != std::string_view::npos;
      last = seg;
    }
    start = end + 1;
  }
  if (last.ends_with(".json")) last.remove_suffix(5);
  return !params && one_of(last, kProbeSegments);
}

// A probe registered where the model may not follow it (`this.app.get('/healthz', ...)` in a class
// whose instance the model never sees, `api.use('/health', healthHandler)`): a route-registering
// call whose first argument is a literal probe path.
constexpr std::array<std::string_view, 5> kRegisterMethods = {"get", "use", "all", "head", "route"};

struct Facts : RuleFacts {};

struct State : RuleState {
  bool probe = false;
};

class MissingHealthCheck final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const SyntaxNode callee = node.field("function");
    if (!callee.is("member_expression")) return;
    if (!one_of(ctx.text(callee.field("property")), kRegisterMethods)) return;
    const SyntaxNode args = node.field("arguments");
    if (args.named_child_count() < 2) return;
    const std::string_view path = string_value(args.named_child(0), ctx);
    if (path.empty() || path[0] != '/' || !probe_path(path)) return;
    ctx.state<State>().probe = true;
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    if (!ctx.state<State>().probe || !non_server_reason(ctx.path()).empty()) return nullptr;
    return std::make_unique<Facts>();
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    for (const auto& ff : ctx.facts()) {
      if (!model->is_test_file(ff.path)) return;  // a probe registered in server code
    }
    for (std::string_view p : kHealthPackages) {
      if (model->has_dependency(p)) return;
    }
    const auto apps = model->apps();
    const std::vector<std::size_t> site_of = app_sites(apps);
    std::vector<std::size_t> total(apps.size(), 0);
    std::vector<std::size_t> unknown(apps.size(), 0);
    for (const Route& r : model->routes()) {
      if (model->is_test_file(r.file)) continue;
      if (probe_path(r.path)) return;  // the project has a probe
      if (r.app < 0) continue;
      const std::size_t a = site_of[static_cast<std::size_t>(r.app)];
      ++total[a];
      if (r.path.ends_with("{dynamic}")) ++unknown[a];
    }
    for (std::size_t a = 0; a < apps.size(); ++a) {
      if (total[a] == 0 || 2 * unknown[a] >= total[a] || !apps[a].site.known() ||
          model->is_test_file(apps[a].site.file) || !non_server_reason(apps[a].site.file).empty()) {
        continue;
      }
      ctx.report(apps[a].site,
                 "the " + apps[a].framework + " app created here serves " +
                     std::to_string(total[a]) + (total[a] == 1 ? " route" : " routes") +
                     " but the project has no health or readiness route (/health, /healthz, "
                     "/ready, /livez, /ping, ...): an orchestrator or load balancer cannot tell a "
                     "hung or still-starting instance from a healthy one; add a cheap GET /health "
                     "(and a /ready that checks dependencies) or use @godaddy/terminus / "
                     "@nestjs/terminus / fastify-healthcheck",
                 Confidence::kMedium);
    }
  }
};

}  // namespace

const Rule& ops_missing_health_check() {
  static const MissingHealthCheck kRule;
  return kRule;
}

}  // namespace nodescope::rules
