// security/command-injection: Request input reaches a shell command or the program a child process
// runs. Source to sink within each route's handler and the project functions it calls (up to two
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

constexpr std::array<int, 1> kCwe = {78};
constexpr std::array<std::string_view, 3> kTags = {"security", "injection", "owasp-a03"};
constexpr RuleMeta kMeta{
    .id = "security/command-injection",
    .summary = "Request input reaches a shell command or the program a child process runs.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

// child_process exec/execSync/spawn/spawnSync/execFile/execFileSync/fork: the command or program
// (first argument). Arguments passed as an array to execFile/spawn without a shell are not
// commands and are left out.
bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.kind != dataflow::SinkKind::kExec || s.taint.empty()) return false;
  out = s.taint;
  return true;
}

}  // namespace

const Rule& security_command_injection() {
  static const dataflow::RouteSinkRule kRule(kMeta, {.select = select, .noun = "command"});
  return kRule;
}

}  // namespace nodescope::rules
