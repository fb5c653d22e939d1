// security/open-redirect: Request input chooses where a redirect sends the user.
// Source to sink within each route's handler and the project functions it calls (up to two
// calls deep, across files), on the shared data-flow summaries (rules/dataflow, computed once per
// file for every consumer). Request input is what the framework hands the handler (req.body,
// query, params, headers, cookies; Koa ctx.request.*; Hapi request.payload; Nest @Body/@Query/
// @Param/@Headers without a pipe or a validating DTO). Casts (Number, parseInt, String, ...),
// checker functions (validate*, sanitize*, isValid*), allow-list checks (`LIST.includes(x)`,
// `set.has(x)`, `x === 'a'`) before the sink sanitise; a schema validation elsewhere on the route
// only lowers the confidence (it does not prove this value is constrained).
#include <array>
#include <string>

#include "dataflow/dataflow.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {601};
constexpr std::array<std::string_view, 2> kTags = {"security", "owasp-a01"};
constexpr RuleMeta kMeta{
    .id = "security/open-redirect",
    .summary = "Request input chooses where a redirect sends the user.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

// res.redirect / ctx.redirect / reply.redirect / h.redirect on the handler's own response object;
// input placed after a constant prefix that fixes the origin (`/users/${id}`,
// `https://app.example.com/${x}`) cannot send the user elsewhere and is left out.
bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.kind != dataflow::SinkKind::kRedirect) return false;
  for (const dataflow::Source& src : s.taint) {
    if (!src.in_path) out.push_back(src);
  }
  return !out.empty();
}

// Headers are left out: a redirect built from the request's own Host or Referer (the common HTTPS
// upgrade `https://${req.headers.host}${req.url}`) only sends the requester where their own
// request says; it is not a link an attacker can hand to a victim.
bool source_ok(const Route& /*route*/, const std::string& source) {
  return source.find(".headers") == std::string::npos &&
         source.find("@Headers()") == std::string::npos;
}

}  // namespace

const Rule& security_open_redirect() {
  static const dataflow::RouteSinkRule kRule(
      kMeta,
      {.select = select, .noun = "redirect target", .with_prefix = true, .source_ok = source_ok});
  return kRule;
}

}  // namespace nodescope::rules
