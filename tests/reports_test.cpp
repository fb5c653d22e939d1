// Reporter goldens: a canned ScanResult in, exact bytes out. Run with UPDATE_GOLDEN=1 to rewrite
// tests/golden/* after an intended change, then review the diff like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "nodescope/reports/reports.h"
#include "test_util.h"

namespace nodescope::reports {
namespace {

ScanResult canned() {
  ScanResult r;
  Finding a;
  a.rule_id = "security/code-injection";
  a.severity = Severity::kError;
  a.confidence = Confidence::kHigh;
  a.message = "eval() evaluates code built at run time (req.body.x); \"quoted\" and \\ escaped";
  a.file = "src/app.js";
  a.range = Range{12, 5, 12, 30, 100, 125};
  a.fingerprint = "0123456789abcdef";
  Finding b = a;
  b.severity = Severity::kWarning;
  b.confidence = Confidence::kMedium;
  b.message = "non-ASCII: caf\xC3\xA9 \xF0\x9F\x98\x80 and a tab\t";
  b.range = Range{40, 1, 41, 2, 900, 950};
  b.fingerprint = "fedcba9876543210";
  Finding c = a;
  c.file = "src/routes/users.ts";
  c.severity = Severity::kNote;
  c.confidence = Confidence::kLow;
  c.range = Range{3, 7, 3, 9, 40, 42};
  c.fingerprint = "00000000000000ff";
  r.findings = {a, b, c};
  r.diagnostics = {
      Diagnostic{"dist/bundle.js", "skipped-minified", "a line of 50000 bytes (over 10000)", 0, 0},
      Diagnostic{"package.json", "malformed-json", "malformed JSON (TAPE_ERROR)", 3, 14},
  };
  r.stats = ScanStats{42, 123456, 40, 2};
  r.timings = ScanTimings{1.5, 20.25, 0.5, 22.25};
  return r;
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto path = testing::source_dir() / "tests/golden" / name;
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update != nullptr && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "golden rewritten: " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing: run with UPDATE_GOLDEN=1";
  EXPECT_EQ(testing::read_file(path), actual) << "golden " << name << " differs";
}

TEST(Reports, JsonGolden) {
  check_golden("scan.json", to_json(canned(), ToolInfo{"nodescope", "9.9.9"}));
}

TEST(Reports, TextGolden) { check_golden("scan.txt", to_text(canned(), TextOptions{})); }

TEST(Reports, TextGoldenColorAndTimings) {
  check_golden("scan-color.txt", to_text(canned(), TextOptions{true, true}));
}

// Route coverage ends the text output when the model was built, and only then.
TEST(Reports, TextShowsRouteCoverageWhenTheModelWasBuilt) {
  ScanResult r = canned();
  EXPECT_EQ(to_text(r, TextOptions{}).find("Routes:"), std::string::npos);
  r.stats.model = true;
  r.stats.routes = 8;
  r.stats.tested_routes = 3;
  const std::string text = to_text(r, TextOptions{});
  EXPECT_NE(text.find("\nRoutes: 3 tested of 8 (38%).\n"), std::string::npos) << text;
}

TEST(Reports, EmptyResult) {
  check_golden("empty.json", to_json(ScanResult{}, ToolInfo{"nodescope", "9.9.9"}));
  EXPECT_EQ(to_text(ScanResult{}, TextOptions{}),
            "No problems found in 0 files (0 parsed, 0 skipped).\n");
}

TEST(Reports, JsonIsIdenticalForIdenticalResults) {
  EXPECT_EQ(to_json(canned(), ToolInfo{"n", "1"}), to_json(canned(), ToolInfo{"n", "1"}));
  ScanResult slower = canned();
  slower.timings.total_ms = 99999;  // timings never reach JSON
  EXPECT_EQ(to_json(canned(), ToolInfo{"n", "1"}), to_json(slower, ToolInfo{"n", "1"}));
}

}  // namespace
}  // namespace nodescope::reports
