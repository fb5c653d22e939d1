// End-to-end tests of `nodescope report`: markdown to stdout and to --output, the same bytes as
// `scan --format markdown`, `--format json` equal to `scan --format json --summary`, a plain
// `scan --format json` without `summary` (the scan contract only grows on request), exit code 0
// even with error findings, and the same bytes for any --jobs.
#include <gtest/gtest.h>

#include "test_util.h"

namespace nodescope::testing {
namespace {

CommandResult ns(const std::string& args) { return run_command(quote(binary()) + " " + args); }

std::string app(const char* name) {
  return quote((source_dir() / "fixtures/apps" / name).string());
}

TEST(CliReport, MarkdownJsonAndScanAgree) {
  const std::string ws = app("workspace-services");
  const auto md = ns("report " + ws + " --jobs 1");
  EXPECT_EQ(md.exit_code, 0);
  EXPECT_TRUE(md.out.starts_with("# 🟢 NODE.JS BACKEND ANALYSIS\n")) << md.out;
  for (const char* heading :
       {"## Architecture Overview 🏗️", "## API Design 🌐", "## Database Schema 💾",
        "## Performance Metrics 📊", "## Security Measures 🔒", "## Deployment Strategy 🚀",
        "## Self-Verification ✅"}) {
    EXPECT_NE(md.out.find(heading), std::string::npos) << heading;
  }
  EXPECT_NE(md.out.find("# Service @acme/gateway"), std::string::npos);
  EXPECT_NE(md.out.find("# Service @acme/tickets"), std::string::npos);
  EXPECT_EQ(ns("scan " + ws + " --format markdown --jobs 3").out, md.out);

  TempDir dir;
  const auto file = dir.path() / "report.md";
  EXPECT_EQ(ns("report " + ws + " -o " + quote(file.string())).exit_code, 0);
  EXPECT_EQ(read_file(file), md.out);

  const auto json = ns("report " + ws + " --format json --jobs 2");
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"summary\": {"), std::string::npos);
  EXPECT_EQ(ns("scan " + ws + " --format json --summary --jobs 1").out, json.out);
  EXPECT_EQ(ns("scan " + ws + " --format json").out.find("\"summary\""), std::string::npos);
}

TEST(CliReport, ErrorFindingsDoNotFailTheReport) {
  const std::string sample = app("express-sample");
  EXPECT_EQ(ns("scan " + sample).exit_code, 1);
  EXPECT_EQ(ns("report " + sample).exit_code, 0);
  EXPECT_EQ(ns("report " + sample + " --format yaml 2>&1").exit_code, 2);
}

// A broken package.json, a tsconfig extending a package and a pipe in a route path: the report
// names the broken file, keeps the table valid and still exits 0.
TEST(CliReport, OddProjectStillReports) {
  TempDir dir;
  dir.write("package.json", "{\"name\": \"x\",\n");
  dir.write("tsconfig.json", "{ \"extends\": \"@tsconfig/node20/tsconfig.json\" }\n");
  dir.write("src/index.js",
            "const app = require('express')();\napp.get('/a|b', (req, res) => res.send('1'));\n"
            "app.listen(3000);\n");
  const auto r = ns("report " + quote(dir.path().string()));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("- package.json:2: malformed-json: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| /a\\|b | GET |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("- Entry point: `src/index.js:3` (calls listen())"), std::string::npos)
      << r.out;
}

// --metrics fills Performance Metrics from an autocannon summary; a malformed one is a usage
// error (exit 2) named before the scan.
TEST(CliReport, MetricsFile) {
  TempDir dir;
  const auto good = dir.write("ac.json", R"j({"latency": {"p50": 12, "p97_5": 40.5, "p99": 55.25},
    "requests": {"average": 1834.6}, "throughput": {"average": 1}})j");
  const auto bad = dir.write("bad.json", "{ \"latency\": ");
  const std::string ws = app("workspace-services");
  const auto r = ns("report " + ws + " --metrics " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("autocannon"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("| p50 latency | not measured"), std::string::npos) << r.out;
  const auto e = ns("report " + ws + " --metrics " + quote(bad.string()) + " 2>&1");
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.out.find("bad.json"), std::string::npos) << e.out;
}

}  // namespace
}  // namespace nodescope::testing
