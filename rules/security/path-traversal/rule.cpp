// security/path-traversal: Request input reaches a file system path or a file sent in the response.
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

constexpr std::array<int, 1> kCwe = {22};
constexpr std::array<std::string_view, 2> kTags = {"security", "owasp-a01"};
constexpr RuleMeta kMeta{
    .id = "security/path-traversal",
    .summary = "Request input reaches a file system path or a file sent in the response.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

// fs / fs-extra / fs.promises calls (the path argument) and Express res.sendFile / res.download
// without a `root` option (with one, `send` refuses paths that climb out of it). Fastify's
// reply.sendFile is confined to its plugin root and is left out.
bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.kind == dataflow::SinkKind::kFs && !s.taint.empty()) {
    out = s.taint;
    return true;
  }
  if (s.kind == dataflow::SinkKind::kFileSend && !s.first_options && !s.first.empty()) {
    out = s.first;
    return true;
  }
  return false;
}

}  // namespace

const Rule& security_path_traversal() {
  static const dataflow::RouteSinkRule kRule(
      kMeta, {.select = select, .noun = "file path", .with_prefix = true});
  return kRule;
}

}  // namespace nodescope::rules
