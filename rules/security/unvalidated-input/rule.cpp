// security/unvalidated-input: request input that reaches a sink (database and ORM calls, raw SQL,
// child_process, fs paths, eval/vm, redirects, outbound HTTP) on a route with no validation.
// The per-function summaries come from the shared data-flow engine (rules/dataflow, computed once
// per file for every consumer rule). In `analyze`, each route the model marks unvalidated is
// matched to its handler's summary by byte span; the framework decides which parameter paths are
// request input; calls into project functions are joined up to two levels deep, across files
// through `resolve_module`. A function that validates (a schema call) ends the search.
#include <map>
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

  struct Group {
    Hit hit;
    std::string route;
    int others = 0;
    bool direct = false;
  };
  std::map<std::pair<std::string, std::uint32_t>, Group> groups;
  std::vector<std::pair<std::string, std::uint32_t>> order;

  for (const Route& route : model->routes()) {
    if (route.validated || !route.handler_code.known()) continue;
    const Summary* fn = joiner.at(route.handler_code.file, route.handler_code.start_byte);
    if (fn == nullptr || fn->validates) continue;
    Joiner::Accept accept;
    if (!joiner.route_accept(route, *fn, accept)) continue;
    std::vector<Hit> hits;
    joiner.collect(route.handler_code.file, *fn, accept, 0, "", hits);
    const std::string route_name = route.method + " " + route.path;
    for (Hit& h : hits) {
      const auto key = std::make_pair(h.file, h.range.start_byte);
      auto it = groups.find(key);
      if (it == groups.end()) {
        order.push_back(key);
        groups.emplace(key, Group{std::move(h), route_name, 0, false});
      } else if (it->second.route != route_name) {
        ++it->second.others;
      }
    }
  }
  for (const auto& key : order) {
    const Group& g = groups.at(key);
    std::string message = g.hit.source + " reaches " + g.hit.sink + " (" +
                          std::string(dataflow::describe(g.hit.kind)) + ")";
    if (!g.hit.via.empty()) message += " through " + g.hit.via;
    message += " with no validation on " + g.route;
    if (g.others > 0) {
      message +=
          " (and " + std::to_string(g.others) + " other route" + (g.others > 1 ? "s" : "") + ")";
    }
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
