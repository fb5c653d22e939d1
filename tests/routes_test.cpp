// Route tables of the fixture apps: `nodescope routes --format json` must equal each app's
// routes.expected.json byte for byte (written by hand from the README's conventions, and checked
// against the framework itself by tests/route_oracle for the apps it can load). On a mismatch the
// first differing line is shown; UPDATE_GOLDEN is deliberately not honoured here: expected tables
// are reviewed by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "test_util.h"

namespace nodescope::testing {
namespace {

namespace stdfs = std::filesystem;

std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected);
  std::istringstream a(actual);
  std::string le;
  std::string la;
  for (int line = 1;; ++line) {
    const bool ge = static_cast<bool>(std::getline(e, le));
    const bool ga = static_cast<bool>(std::getline(a, la));
    if (!ge && !ga) return "identical";
    if (!ge || !ga || le != la) {
      return "line " + std::to_string(line) + "\n  expected: " + (ge ? le : "<end>") +
             "\n  actual:   " + (ga ? la : "<end>");
    }
  }
}

TEST(Routes, FixtureAppsMatchTheirExpectedTables) {
  int checked = 0;
  for (const auto& entry : stdfs::directory_iterator(source_dir() / "fixtures/apps")) {
    const auto expected_file = entry.path() / "routes.expected.json";
    if (!stdfs::exists(expected_file)) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const auto r = run_command(quote(binary()) + " routes " + quote(entry.path().string()) +
                               " --format json --jobs 2");
    EXPECT_EQ(r.exit_code, 0);
    const std::string expected = read_file(expected_file);
    EXPECT_TRUE(expected == r.out) << first_difference(expected, r.out);
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST(Routes, OpenApiPathsAndParameters) {
  const auto app = source_dir() / "fixtures/apps/notes-service";
  const auto r =
      run_command(quote(binary()) + " routes " + quote(app.string()) + " --format openapi");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"openapi\": \"3.1.0\""), std::string::npos);
  EXPECT_NE(r.out.find("\"/api/notes/{id}\""), std::string::npos);  // :id -> {id}
  EXPECT_NE(r.out.find("\"in\": \"path\""), std::string::npos);
  EXPECT_EQ(r.out.find("{dynamic}"), std::string::npos);  // dynamic routes are left out
  EXPECT_NE(r.out.find("\"security\""), std::string::npos);
}

TEST(Routes, DynamicRoutesGetADiagnosticOnStderr) {
  const auto app = source_dir() / "fixtures/apps/notes-service";
  const auto r = run_command(quote(binary()) + " routes " + quote(app.string()) +
                             " --format json 2>&1 >/dev/null");
  EXPECT_NE(r.out.find("src/routes/health.js:5: dynamic-route: GET route's path cannot be known "
                       "statically; listed as /{dynamic}"),
            std::string::npos)
      << r.out;
}

TEST(Routes, SameBytesForAnyThreadCount) {
  const auto app = source_dir() / "fixtures/apps/notes-service";
  const auto one =
      run_command(quote(binary()) + " routes " + quote(app.string()) + " --format json --jobs 1");
  const auto four =
      run_command(quote(binary()) + " routes " + quote(app.string()) + " --format json --jobs 4");
  EXPECT_EQ(one.out, four.out);
  EXPECT_NE(one.out.find("\"routes\""), std::string::npos);
}

}  // namespace
}  // namespace nodescope::testing
