// End-to-end tests of the code-host outputs: `--format sarif|github|gitlab|junit`, extra outputs
// written in the same run (--sarif, --json, --gitlab, --junit), UTF-16 columns of a non-ASCII line
// in SARIF, and the error cases (an unwritable extra output, two outputs naming one file).
#include <gtest/gtest.h>

#include <simdjson.h>

#include "test_util.h"

namespace nodescope::testing {
namespace {

std::string sample() { return (source_dir() / "fixtures/apps/express-sample").string(); }

CommandResult ns(const std::string& args) { return run_command(quote(binary()) + " " + args); }

TEST(CliCi, SarifOfTheSample) {
  auto r = ns("scan " + quote(sample()) + " --format sarif");
  EXPECT_EQ(r.exit_code, 1);  // findings still decide the exit code
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(doc["version"].get_string().value(), "2.1.0");
  auto run = doc["runs"].at(0).value();
  EXPECT_EQ(run["columnKind"].get_string().value(), "utf16CodeUnits");
  EXPECT_EQ(run["automationDetails"]["id"].get_string().value(), "nodescope/");
  const simdjson::dom::array rules = run["tool"]["driver"]["rules"].get_array().value();
  ASSERT_GT(rules.size(), 0u);
  // help comes from the README embedded at build time.
  bool injection_help = false;
  for (simdjson::dom::element rule : rules) {
    if (rule["id"].get_string().value() == "security/code-injection") {
      const std::string_view md = rule["help"]["markdown"].get_string().value();
      injection_help = md.starts_with("# security/code-injection\n") &&
                       md.find("## How to fix") != std::string_view::npos;
      EXPECT_EQ(rule["properties"]["security-severity"].get_string().value(), "8.0");
    }
  }
  EXPECT_TRUE(injection_help);
  bool found = false;
  const simdjson::dom::array results = run["results"].get_array().value();
  for (auto res : results) {
    const std::string_view id = res["ruleId"].get_string().value();
    const auto index = res["ruleIndex"].get_uint64().value();
    EXPECT_EQ(rules.at(index).value()["id"].get_string().value(), id);
    auto loc = res["locations"].at(0).value()["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uriBaseId"].get_string().value(), "%SRCROOT%");
    EXPECT_FALSE(
        res["partialFingerprints"]["nodescopeFingerprint/v1"].get_string().value().empty());
    if (id == "security/code-injection") {
      found = true;
      EXPECT_EQ(loc["artifactLocation"]["uri"].get_string().value(), "src/routes/reports.js");
    }
  }
  EXPECT_TRUE(found);
  // Same bytes for any thread count.
  EXPECT_EQ(r.out, ns("scan " + quote(sample()) + " --format sarif --jobs 1").out);
}

TEST(CliCi, Utf16ColumnsOfANonAsciiLine) {
  TempDir tmp;
  // eval starts after `const é = "😀"; ` = 6 + 1 + 4 + 2 + 3 UTF-16 code units (19 bytes).
  tmp.write("app.js", "const \xC3\xA9 = \"\xF0\x9F\x98\x80\"; eval(process.argv[2]);\n");
  auto sarif = ns("scan " + quote(tmp.path().string()) + " --format sarif");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(sarif.out).get(doc), simdjson::SUCCESS);
  const simdjson::dom::array results = doc["runs"].at(0).value()["results"].get_array().value();
  ASSERT_EQ(results.size(), 1u);
  auto region = results.at(0).value()["locations"].at(0).value()["physicalLocation"]["region"];
  EXPECT_EQ(region["startLine"].get_uint64().value(), 1u);
  EXPECT_EQ(region["startColumn"].get_uint64().value(), 17u);
  auto github = ns("scan " + quote(tmp.path().string()) + " --format github");
  EXPECT_EQ(github.exit_code, 1);
  EXPECT_NE(github.out.find("::error file=app.js,line=1,col=17,"), std::string::npos) << github.out;
}

TEST(CliCi, GithubGitlabJunitFormats) {
  auto gh = ns("scan " + quote(sample()) + " --format github");
  EXPECT_EQ(gh.exit_code, 1);
  EXPECT_TRUE(gh.out.starts_with("::")) << gh.out;
  EXPECT_NE(gh.out.find("file=src/routes/reports.js,"), std::string::npos);
  EXPECT_NE(gh.out.find("title=security/code-injection::"), std::string::npos);
  auto gl = ns("scan " + quote(sample()) + " --format gitlab");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(gl.out).get(doc), simdjson::SUCCESS);
  const simdjson::dom::array issues = doc.get_array().value();
  ASSERT_GT(issues.size(), 0u);
  for (auto issue : issues) {
    EXPECT_FALSE(issue["fingerprint"].get_string().value().empty());
    EXPECT_GE(issue["location"]["lines"]["begin"].get_uint64().value(), 1u);
  }
  auto junit = ns("scan " + quote(sample()) + " --format junit");
  EXPECT_TRUE(junit.out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
  EXPECT_NE(junit.out.find("<failure type=\"error\""), std::string::npos);
}

TEST(CliCi, SeveralOutputsInOneRun) {
  TempDir tmp;
  const auto sarif = tmp.path() / "out.sarif";
  const auto json = tmp.path() / "out.json";
  const auto gitlab = tmp.path() / "gl-code-quality.json";
  const auto junit = tmp.path() / "junit.xml";
  auto r = ns("scan " + quote(sample()) + " --jobs 2 --sarif " + quote(sarif.string()) +
              " --json " + quote(json.string()) + " --gitlab " + quote(gitlab.string()) +
              " --junit " + quote(junit.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("security/code-injection"), std::string::npos);  // text on stdout
  EXPECT_EQ(read_file(sarif), ns("scan " + quote(sample()) + " --format sarif").out);
  EXPECT_EQ(read_file(json), ns("scan " + quote(sample()) + " --format json").out);
  EXPECT_EQ(read_file(gitlab), ns("scan " + quote(sample()) + " --format gitlab").out);
  EXPECT_EQ(read_file(junit), ns("scan " + quote(sample()) + " --format junit").out);
  // Nothing else is written beside them.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp.path())) ++files;
  EXPECT_EQ(files, 4u);

  // With -o the main report goes to its file and stdout stays empty.
  const auto text = tmp.path() / "report.txt";
  auto o = ns("scan " + quote(sample()) + " -o " + quote(text.string()) + " --sarif " +
              quote(sarif.string()));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_TRUE(o.out.empty());
  EXPECT_NE(read_file(text).find("security/code-injection"), std::string::npos);
}

TEST(CliCi, UnwritableExtraOutputExitsTwo) {
  TempDir tmp;
  const auto json = tmp.path() / "out.json";
  auto r = ns("scan " + quote(sample()) + " --json " + quote(json.string()) +
              " --sarif /nonexistent/nodescope-dir/out.sarif 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("nodescope: error: cannot write the report to "
                       "'/nonexistent/nodescope-dir/out.sarif'"),
            std::string::npos)
      << r.out;
  // The other outputs are still written.
  EXPECT_NE(read_file(json).find("\"findings\""), std::string::npos);
}

TEST(CliCi, TwoOutputsNamingOneFileAreRefused) {
  TempDir tmp;
  const auto same = tmp.path() / "out.json";
  auto r = ns("scan " + quote(sample()) + " --json " + quote(same.string()) + " --gitlab " +
              quote((tmp.path() / "." / "out.json").string()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("the json and the gitlab report would both be written to"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(std::filesystem::exists(same));
  auto o = ns("scan " + quote(sample()) + " --format sarif -o " + quote(same.string()) +
              " --sarif " + quote(same.string()) + " 2>&1");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(same));
}

TEST(CliCi, HelpListsTheOutputs) {
  auto h = ns("scan --help");
  for (const char* flag : {"--sarif", "--json", "--gitlab", "--junit", "sarif", "github"}) {
    EXPECT_NE(h.out.find(flag), std::string::npos) << flag;
  }
  auto bad = ns("scan --format sarif2 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
}

}  // namespace
}  // namespace nodescope::testing
