// security/unvalidated-input: request input that reaches a sink (database and ORM calls, raw SQL,
// child_process, fs paths, eval/vm, redirects, outbound HTTP) on a route with no validation.
// The per-function summaries come from the shared data-flow engine (rules/dataflow, computed once
// per file for every consumer rule). In `analyze`, each route the model marks unvalidated is
// matched to its handler's summary by byte span; the framework decides which parameter paths are
// request input; calls into project functions are joined up to two levels deep, across files
// through `resolve_module`. A function that validates (a schema call) ends the search.
#include <string>
#include <vector>

#include "dataflow/dataflow.h"
#include "nodescope/syntax.h"
#include "registry.h"

namespace nodescope::rules {
namespace {

using dataflow::Hit;
using dataflow::Joiner;
using dataflow::Summary;

constexpr std::array<int, 1> kCwe = {20};
constexpr std::array<std::string_view, 3> kTags = {"security", "injection", "owasp-a03"};
constexpr RuleMeta kMeta{
    .id = "security/unvalidated-input",
    .summary =
        "Request input reaches a database, shell, file system, evaluator, redirect or outbound "
        "request with no validation on the route.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

class UnvalidatedInput final : public dataflow::Consumer {
 public:
  UnvalidatedInput() : Consumer(kMeta) {}
  void analyze(ProgramContext& ctx) const override;
};

void UnvalidatedInput::analyze(ProgramContext& ctx) const {
  const ModelView* model = ctx.model();
  if (model == nullptr || ctx.facts().empty()) return;
  const Joiner joiner(ctx, *model);

  dataflow::HitGroups groups;

  for (const Route& route : model->routes()) {
    if (route.validated || !route.handler_code.known()) continue;
    const Summary* fn = joiner.at(route.handler_code.file, route.handler_code.start_byte);
    if (fn == nullptr || fn->validates) continue;
    Joiner::Accept accept;
    if (!joiner.route_accept(route, *fn, accept)) continue;
    std::vector<Hit> hits;
    joiner.collect(route.handler_code.file, *fn, accept, 0, "", hits);
    const std::string route_name = route.method + " " + route.path;
    for (Hit& h : hits) groups.add(std::move(h), route_name);
  }
  for (const dataflow::HitGroups::Group* group : groups.in_order()) {
    const dataflow::HitGroups::Group& g = *group;
    std::string message = g.hit.source + " reaches " + g.hit.sink + " (" +
                          std::string(dataflow::describe(g.hit.kind)) + ")";
    if (!g.hit.via.empty()) message += " through " + g.hit.via;
    message += " with no validation on " + g.route + dataflow::other_routes(g.others);
    ctx.report(g.hit.file, g.hit.range, std::move(message),
               g.hit.via.empty() ? Confidence::kHigh : Confidence::kMedium);
  }
}

}  // namespace

const Rule& security_unvalidated_input() {
  static const UnvalidatedInput kRule;
  return kRule;
}

}  // namespace nodescope::rules
