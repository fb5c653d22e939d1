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
};

void build_nest_routes(Evaluator& ev, const NestHelpers& helpers, std::vector<Route>& out);

}  // namespace nodescope::model
