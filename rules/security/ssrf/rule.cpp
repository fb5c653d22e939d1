// security/ssrf: Request input chooses the host of an outbound HTTP request.
// Source to sink within each route's handler and the project functions it calls (up to two
// calls deep, across files), on the shared data-flow summaries (rules/dataflow, computed once per
// file for every consumer). Request input is what the framework hands the handler (req.body,
// query, params, headers, cookies; Koa ctx.request.*; Hapi request.payload; Nest @Body/@Query/
// @Param/@Headers without a pipe or a validating DTO). Casts (Number, parseInt, String, ...),
// checker functions (validate*, sanitize*, isValid*), allow-list checks (`LIST.includes(x)`,
// `set.has(x)`, `x === 'a'`) before the sink sanitise; a schema validation elsewhere on the route
// only lowers the confidence (it does not prove this value is constrained).
#include <array>

#include "dataflow/dataflow.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {918};
constexpr std::array<std::string_view, 2> kTags = {"security", "owasp-a10"};
constexpr RuleMeta kMeta{
    .id = "security/ssrf",
    .summary = "Request input chooses the host of an outbound HTTP request.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

// fetch, axios, got, node-fetch, needle, superagent, undici, http(s).request/get: the URL (first
// argument, or the url/baseURL/host/hostname keys of an options object). Input placed after a
// constant prefix that fixes the host (`https://api.example.com/users/${id}`) is left out: it
// chooses a path on a fixed host, not where the request goes.
bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.kind != dataflow::SinkKind::kHttp) return false;
  if (s.first_object && !s.url_keyed) return false;
  for (const dataflow::Source& src : s.taint) {
    if (!src.in_path) out.push_back(src);
  }
  return !out.empty();
}

}  // namespace

const Rule& security_ssrf() {
  static const dataflow::RouteSinkRule kRule(
      kMeta, {.select = select, .noun = "outbound request URL", .with_prefix = true});
  return kRule;
}

}  // namespace nodescope::rules
