// Matching test requests with routes (see test_coverage.h).
#include "model/test_coverage.h"

#include <algorithm>
#include <string>
#include <tuple>

namespace nodescope::model {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

enum class SegKind : std::uint8_t { kLiteral, kParam, kOptional, kRest, kUnknown };

// Express `:id`, `:id?`, `:id(\\d+)`, `*`, `(.*)`; Hapi `{id}`, `{id?}`, `{any*}`; the model's
// `{dynamic}` (a part of the path not known statically: any number of segments).
SegKind kind_of(std::string_view seg) {
  if (seg.starts_with("{dynamic}")) return SegKind::kUnknown;
  if (seg == "*" || seg.find("(.*)") != std::string_view::npos || seg.ends_with("*") ||
      seg.ends_with("*}") || seg.starts_with("*")) {
    return SegKind::kRest;
  }
  if (seg.find(':') != std::string_view::npos || (seg.starts_with("{") && seg.ends_with("}"))) {
    return seg.ends_with("?") || seg.ends_with("?}") ? SegKind::kOptional : SegKind::kParam;
  }
  return SegKind::kLiteral;
}

// A test segment with run-time parts (kTestWildcard: any text) against a literal segment.
bool glob(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == facts::kTestWildcard) {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == facts::kTestWildcard) ++p;
  return p == pattern.size();
}

bool segment_matches(std::string_view route, SegKind kind, std::string_view test) {
  if (kind != SegKind::kLiteral) return true;
  if (test.find(facts::kTestWildcard) != std::string_view::npos) return glob(test, route);
  return route == test;
}

// Segment matching with backtracking over optional, rest and unknown segments. `literals`
// demands that at least one literal segment of the route be matched by a literal of the test
// path, and `first_literal` that the test path's first segment meet a literal route segment:
// without them a relative `labels` would match `/posts/:id` and `/{dynamic}` would match anything.
struct Matcher {
  std::vector<std::string_view> route;
  std::vector<SegKind> kinds;
  std::vector<std::string_view> test;
  bool literals = false;
  bool first_literal = false;
  int steps = 0;

  bool from(std::size_t ri, std::size_t ti, int hits) {
    if (++steps > 10'000) return false;  // bounded: a test path never has many segments
    if (ti == test.size()) {
      for (std::size_t i = ri; i < route.size(); ++i) {
        if (kinds[i] == SegKind::kLiteral || kinds[i] == SegKind::kParam) return false;
      }
      return !literals || hits > 0;
    }
    if (ri == route.size()) return false;
    const bool literal_test = test[ti].find(facts::kTestWildcard) == std::string_view::npos;
    if (ti == 0 && first_literal && literal_test && kinds[ri] != SegKind::kLiteral) return false;
    switch (kinds[ri]) {
      case SegKind::kRest:
        return !literals || hits > 0;
      case SegKind::kUnknown:
        return from(ri + 1, ti, hits) || from(ri, ti + 1, hits) || from(ri + 1, ti + 1, hits);
      case SegKind::kOptional:
        return from(ri + 1, ti, hits) || from(ri + 1, ti + 1, hits);
      case SegKind::kParam:
        return from(ri + 1, ti + 1, hits);
      case SegKind::kLiteral:
        return segment_matches(route[ri], kinds[ri], test[ti]) &&
               from(ri + 1, ti + 1, hits + (literal_test ? 1 : 0));
    }
    return false;
  }
};

bool method_matches(std::string_view route, std::string_view request) {
  if (request.empty() || route == "ALL" || route == "*" || route == request) return true;
  return request == "HEAD" && route == "GET";
}

}  // namespace

bool request_matches(std::string_view route_method, std::string_view route_path,
                     const facts::TestRequest& request) {
  if (request.path.empty() || !method_matches(route_method, request.method)) return false;
  Matcher m;
  m.route = segments(route_path);
  for (std::string_view s : m.route) m.kinds.push_back(kind_of(s));
  m.test = segments(request.path);
  // `posts/` (a client with its own base path) and `${base}/posts` match a route's end.
  bool anchored = request.path.front() == '/';
  if (!m.test.empty() &&
      m.test.front().find_first_not_of(facts::kTestWildcard) == std::string_view::npos) {
    m.test.erase(m.test.begin());
    anchored = false;
  }
  const bool unknown =
      std::find(m.kinds.begin(), m.kinds.end(), SegKind::kUnknown) != m.kinds.end();
  m.literals = !anchored || unknown;
  m.first_literal = !anchored;
  if (anchored) return m.from(0, 0, 0);
  for (std::size_t start = 0; start <= m.route.size(); ++start) {
    if (m.from(start, 0, 0)) return true;
  }
  return false;
}

void mark_tested_routes(const Program& program, std::vector<Route>& routes) {
  for (const FileRecord& file : program.files()) {
    if (!file.facts.test_file) continue;
    for (const facts::TestRequest& req : file.facts.test_requests) {
      if (req.path.empty()) continue;
      for (Route& r : routes) {
        if (request_matches(r.method, r.path, req))
          r.tests.push_back(RouteTest{file.path, req.line});
      }
    }
  }
  for (Route& r : routes) {
    // Files come in path order and requests in source order, so the list is sorted already.
    r.tests.erase(std::unique(r.tests.begin(), r.tests.end(),
                              [](const RouteTest& a, const RouteTest& b) {
                                return a.file == b.file && a.line == b.line;
                              }),
                  r.tests.end());
    r.tested = !r.tests.empty();
  }
}

}  // namespace nodescope::model
