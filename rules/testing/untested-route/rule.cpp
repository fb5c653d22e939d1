// testing/untested-route: a route no test sends a matching request to. Whole-program: the model
// knows each route's full path and which test requests (supertest, inject, chai-http, frisby,
// local axios/fetch/got, found in test files during the walk) match it (Route::tested). Reported
// at the route's registration. A project whose tests send no HTTP request at all gets one finding
// per app, at its creation, instead of one per route. Left out: routes whose path is not known
// statically (a test cannot be matched with them), routes registered in test files (scaffolding).
#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "registry.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 0> kCwe = {};
constexpr std::array<std::string_view, 2> kTags = {"testing", "coverage"};
constexpr RuleMeta kMeta{
    .id = "testing/untested-route",
    .summary = "No test in the project sends a request that matches this route.",
    .severity = Severity::kNote,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = {},
    .needs_model = true,
};

class UntestedRoute final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    auto reportable = [&](const Route& r) {
      return !r.dynamic && !r.tested && r.site.known() && !model->is_test_file(r.file);
    };
    if (model->test_request_count() == 0) {
      // No HTTP tests at all: one finding per app creation says so, rather than one per route.
      // Apps made by one factory (`createApp()` called for each sub-app) share a creation site
      // and one finding.
      std::vector<std::size_t> untested(model->apps().size(), 0);
      for (const Route& r : model->routes()) {
        if (reportable(r) && r.app >= 0 && static_cast<std::size_t>(r.app) < untested.size()) {
          ++untested[static_cast<std::size_t>(r.app)];
        }
      }
      std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, std::size_t> by_site;
      std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, const App*> apps;
      for (std::size_t i = 0; i < untested.size(); ++i) {
        const App& app = model->apps()[i];
        if (untested[i] == 0 || !app.site.known() || model->is_test_file(app.site.file)) continue;
        const auto key = std::make_tuple(app.site.file, app.site.start_byte, app.site.end_byte);
        by_site[key] += untested[i];
        apps.emplace(key, &app);
      }
      for (const auto& [key, count] : by_site) {
        const App& app = *apps.at(key);
        ctx.report(
            app.site,
            fmt::format("no test sends an HTTP request to the {} app created here: its {} "
                        "route{} {} untested (no supertest, inject, chai-http, frisby or "
                        "local axios/fetch/got request in any test file)",
                        app.framework, count, count == 1 ? "" : "s", count == 1 ? "is" : "are"),
            kMeta.confidence);
      }
      return;
    }
    for (const Route& r : model->routes()) {
      if (!reportable(r)) continue;
      ctx.report(r.site,
                 fmt::format("route {} {} is not tested: no test sends a {} request to a "
                             "matching path",
                             r.method, r.path, r.method == "ALL" ? "any" : r.method),
                 kMeta.confidence);
    }
  }
};

}  // namespace

const Rule& testing_untested_route() {
  static const UntestedRoute kRule;
  return kRule;
}

}  // namespace nodescope::rules
