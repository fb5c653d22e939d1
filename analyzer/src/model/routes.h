// The route table: every route of every app with its full path and effective middleware chain,
// assembled from the evaluator's framework instances and registrations (Express today).
// Deterministic: sorted by path, method, file, line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/program.h"
#include "nodescope/model.h"
#include "nodescope/result.h"

namespace nodescope::model {

// `middleware_kinds`: names of the project's own middleware with their kind (auth, validation,
// rate-limit, ...), as the configuration file declares them; they win over every heuristic.
// `apps`, when given, receives the apps the route trees hang from (Route::app indexes it).
std::vector<Route> build_routes(const Program& program, std::vector<Diagnostic>& diagnostics,
                                const std::map<std::string, std::string>& middleware_kinds = {},
                                std::vector<App>* apps = nullptr);

// The frameworks the routes use, with the versions package.json and lockfiles pin (a lockfile's
// resolved version wins over a package.json range; Express 4 and 5 differ in what they do with
// rejected promises, which rules need to know).
std::vector<FrameworkVersion> framework_versions(const Program& program,
                                                 const std::vector<Route>& routes);

// The middleware kind of a package export or a name (README "Route table"). `package` is the
// package a value comes from ("" when it is project code), `member` the first property used on it
// (`passport.authenticate()` -> "authenticate"), `name` the source-like name.
std::string classify_middleware(std::string_view package, std::string_view member,
                                std::string_view name,
                                const std::map<std::string, std::string>& user_kinds = {});

}  // namespace nodescope::model
