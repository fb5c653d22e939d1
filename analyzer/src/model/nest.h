// NestJS routes from decorators; called by build_routes with the shared helpers for describing
// middleware and joining paths, so all frameworks classify and format the same way.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/evaluator.h"
#include "nodescope/model.h"

namespace nodescope::model {

struct NestHelpers {
  std::function<RouteMiddleware(const Loc&, bool)> describe;
  std::function<std::string(const std::string&, const std::string&)> join;
  std::function<void(Route&)> finish;
  // The project function a value denotes, as a span (unknown when it is not project code).
  std::function<SourceSpan(std::uint32_t file, std::uint32_t start_byte)> method_span;
};

// Appends the Nest routes; adds the Nest app (the first NestFactory.create) to `apps` when there
// is one, and points the routes at it.
void build_nest_routes(Evaluator& ev, const NestHelpers& helpers, std::vector<Route>& out,
                       std::vector<App>& apps);

}  // namespace nodescope::model
