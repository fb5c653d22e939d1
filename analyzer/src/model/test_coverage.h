// Route coverage by tests: which routes some test request (facts::TestRequest, recorded per test
// file during the walk) matches, by method and full path. Route parameters match any segment;
// parts of a test path known only at run time match any text within a segment; a test path that
// is relative (`posts/`, a client with a base path of its own) or starts with a run-time part
// matches the end of a route's path. Knows nothing about files or trees.
#pragma once

#include <string_view>
#include <vector>

#include "facts/file_facts.h"
#include "model/program.h"
#include "nodescope/model.h"

namespace nodescope::model {

// Whether a test request matches a route (method: ALL matches any, a request whose method is
// known only at run time matches any; HEAD matches GET).
bool request_matches(std::string_view route_method, std::string_view route_path,
                     const facts::TestRequest& request);

// Fills Route::tested and Route::tests from every test file's requests.
void mark_tested_routes(const Program& program, std::vector<Route>& routes);

}  // namespace nodescope::model
