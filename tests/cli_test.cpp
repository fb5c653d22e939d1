// End-to-end tests of the nodescope binary: flags, exit codes, output formats, the sample scan,
// determinism across --jobs, scanning the current folder by default, and a hostile tree on disk
// (binary, non-UTF-8, NUL, BOM, CRLF, a 5 MB bundle, deep nesting, an empty file, a folder named
// x.js, a symlink loop, a broken package.json) that must finish with diagnostics.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include <simdjson.h>

#include "test_util.h"

namespace nodescope::testing {
namespace {

namespace stdfs = std::filesystem;

std::string sample() { return (source_dir() / "fixtures/apps/express-sample").string(); }

CommandResult ns(const std::string& args) { return run_command(quote(binary()) + " " + args); }

TEST(Cli, VersionAndHelp) {
  auto v = ns("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("nodescope 0."), std::string::npos);
  EXPECT_NE(v.out.find("tree-sitter 0.25.1"), std::string::npos);
  auto h = ns("scan --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--fail-on"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(ns("2>&1").exit_code, 2);  // no subcommand
  auto bad = ns("scan --format yaml 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--format"), std::string::npos);
  EXPECT_EQ(ns("scan --jobs 0 2>&1").exit_code, 2);
  EXPECT_EQ(ns("frobnicate 2>&1").exit_code, 2);
  auto missing = ns("scan /nonexistent/nodescope-path 2>&1");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("/nonexistent/nodescope-path"), std::string::npos);
}

TEST(Cli, SampleScanFindsAndFailsOnError) {
  auto text = ns("scan " + quote(sample()));
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("src/routes/reports.js"), std::string::npos);
  EXPECT_NE(text.out.find("security/code-injection"), std::string::npos);
  EXPECT_EQ(ns("scan " + quote(sample()) + " --fail-on none").exit_code, 0);
  EXPECT_EQ(ns("scan " + quote(sample()) + " --fail-on warning").exit_code, 1);
}

// --quiet reports errors only; --max-warnings N fails the run above N warnings (ESLint's flags).
TEST(Cli, QuietAndMaxWarnings) {
  const auto quiet = ns("scan --quiet " + quote(sample()));
  EXPECT_EQ(quiet.exit_code, 1);  // the sample's error is still there
  EXPECT_NE(quiet.out.find("security/code-injection"), std::string::npos);
  EXPECT_EQ(quiet.out.find("warning "), std::string::npos) << quiet.out;
  EXPECT_EQ(quiet.out.find("testing/untested-route"), std::string::npos);
  // The sample has one warning (security/unvalidated-input on the eval).
  EXPECT_EQ(ns("scan --fail-on none --max-warnings 1 " + quote(sample())).exit_code, 0);
  const auto over = ns("scan --fail-on none --max-warnings 0 " + quote(sample()) + " 2>&1");
  EXPECT_EQ(over.exit_code, 1);
  EXPECT_NE(over.out.find("more than --max-warnings 0"), std::string::npos);
  EXPECT_EQ(ns("scan --max-warnings -1 " + quote(sample()) + " 2>&1").exit_code, 2);
}

TEST(Cli, JsonShapeAndDeterminismAcrossJobs) {
  auto one = ns("scan " + quote(sample()) + " --format json --jobs 1");
  auto two = ns("scan " + quote(sample()) + " --format json --jobs 2");
  auto eight = ns("scan " + quote(sample()) + " --format json --jobs 8");
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, eight.out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(one.out).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(doc["version"].get_uint64().value(), 1u);
  EXPECT_EQ(doc["tool"]["name"].get_string().value(), "nodescope");
  // One code-injection finding; testing/untested-route notes the sample's untested routes.
  auto findings = doc["findings"].get_array().value();
  std::size_t injection = findings.size();
  std::size_t injections = 0;
  std::size_t untested = 0;
  auto count = [&](std::string_view rule) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < findings.size(); ++i) {
      n += findings.at(i).value()["ruleId"].get_string().value() == rule ? 1 : 0;
    }
    return n;
  };
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const std::string_view id = findings.at(i).value()["ruleId"].get_string().value();
    if (id == "security/code-injection") {
      injection = i;
      ++injections;
    }
    untested += id == "testing/untested-route" ? 1 : 0;
  }
  ASSERT_EQ(injections, 1u);
  // The eval of req.body.formula is also request input reaching a sink on an unvalidated route.
  EXPECT_EQ(count("security/unvalidated-input"), 1u);
  EXPECT_EQ(untested, 4u);
  auto f = findings.at(injection).value();
  EXPECT_EQ(f["file"].get_string().value(), "src/routes/reports.js");
  EXPECT_EQ(f["severity"].get_string().value(), "error");
  for (const char* k : {"confidence", "message", "fingerprint"}) {
    EXPECT_EQ(f[k].error(), simdjson::SUCCESS) << k;
  }
  for (const char* k : {"line", "column", "endLine", "endColumn"}) {
    EXPECT_GE(f[k].get_uint64().value(), 1u) << k;
  }
  EXPECT_EQ(doc["stats"]["files"].get_uint64().value(), 8u);
  EXPECT_EQ(doc["stats"]["skipped"].get_uint64().value(), 0u);
  // Route coverage by tests (the model is built since some rules read it).
  EXPECT_EQ(doc["stats"]["routes"]["total"].get_uint64().value(), 5u);
  EXPECT_EQ(doc["stats"]["routes"]["tested"].get_uint64().value(), 1u);
}

TEST(Cli, OutputFileAndUnwritableOutput) {
  TempDir tmp;
  const auto out = tmp.path() / "report.json";
  auto r = ns("scan " + quote(sample()) + " --format json --output " + quote(out.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(read_file(out).find("\"findings\""), std::string::npos);
  auto bad = ns("scan " + quote(sample()) + " --output /nonexistent/dir/r.json 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("/nonexistent/dir/r.json"), std::string::npos);
}

TEST(Cli, NoPathScansTheCurrentFolder) {
  TempDir tmp;
  tmp.write("server.js", "eval(process.argv[2]);\n");
  auto r = run_command("cd " + quote(tmp.path().string()) + " && " + quote(binary()) +
                       " scan --format json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"file\": \"server.js\""), std::string::npos);
}

TEST(Cli, FileArgumentsAreRelativeToTheCurrentFolder) {
  auto r = run_command("cd " + quote(sample()) + " && " + quote(binary()) +
                       " scan src/routes/reports.js src/routes/users.js --format json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\"file\": \"src/routes/reports.js\""), std::string::npos);
  EXPECT_NE(r.out.find("\"files\": 2"), std::string::npos);
}

TEST(Cli, FileOutsideTheCurrentFolder) {
  TempDir tmp;
  const auto file = tmp.write("svc/handler.js", "eval(process.argv[2]);\n");
  const std::string elsewhere = "cd " + quote(source_dir().string()) + " && ";
  auto r =
      run_command(elsewhere + quote(binary()) + " scan " + quote(file.string()) + " --format json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("\"file\": \"handler.js\""), std::string::npos) << r.out;
  auto two = run_command(elsewhere + quote(binary()) + " scan " + quote(file.string()) + " " +
                         quote((tmp.path() / "svc").string()) + "/../svc/handler.js --format json");
  EXPECT_EQ(two.exit_code, 1) << two.out;
  EXPECT_NE(two.out.find("\"files\": 1"), std::string::npos) << two.out;
}

TEST(Cli, RulesListing) {
  auto text = ns("rules");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("security/code-injection"), std::string::npos);
  auto json = ns("rules --format json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS);
  EXPECT_GE(doc["rules"].get_array().value().size(), 1u);
}

// The hostile tree: every entry must end in a diagnostic or a clean analysis, never a crash, and
// the exit code must reflect findings only.
void write_hostile_tree(const TempDir& tmp) {
  tmp.write("binary.js", std::string("\x7f"
                                     "ELF\x02\x01\x01\0\0\0\0",
                                     12));
  tmp.write("latin1.js", "const s = 'caf\xe9';\n");
  tmp.write("nul.js", std::string("const a = 1;\0\n", 14));
  tmp.write("bom.js",
            "\xEF\xBB\xBF"
            "module.exports = 1;\n");
  tmp.write("crlf.js", "const a = 1;\r\nmodule.exports = a;\r\n");
  tmp.write("empty.js", "");
  tmp.write("vendor/bundle.js", "!function(){" + std::string(5 * 1024 * 1024, 'a') + "}();");
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "[\n";
  tmp.write("deep.js", "x = " + deep);
  stdfs::create_directories(tmp.path() / "x.js");
  tmp.write("x.js/inner.ts", "export const a: number = 1;\n");
  stdfs::create_directory_symlink(".", tmp.path() / "loop");
  tmp.write("package.json", "{\n  \"name\": \"hostile\",\n  \"version\": 1.0.0\n}\n");
}

TEST(Cli, HostileTreeFinishesWithDiagnostics) {
  TempDir tmp;
  write_hostile_tree(tmp);
  auto r = ns("scan " + quote(tmp.path().string()) + " --format json --jobs 2");
  EXPECT_EQ(r.exit_code, 0) << r.out;  // no findings: diagnostics alone never fail the run
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(r.out).get(doc), simdjson::SUCCESS) << r.out;
  std::map<std::string, std::string> kinds;
  // Copy the array out first: value() of a temporary result would dangle in a range-for.
  const simdjson::dom::array diagnostics = doc["diagnostics"].get_array().value();
  for (auto d : diagnostics) {
    kinds[std::string(d["file"].get_string().value())] =
        std::string(d["kind"].get_string().value());
  }
  EXPECT_EQ(kinds["binary.js"], "binary");
  EXPECT_EQ(kinds["latin1.js"], "not-utf8");
  EXPECT_EQ(kinds["nul.js"], "binary");
  EXPECT_EQ(kinds["vendor/bundle.js"], "too-large");
  EXPECT_EQ(kinds["loop"], "symlink-loop");
  EXPECT_EQ(kinds["package.json"], "malformed-json");
  EXPECT_EQ(kinds.count("bom.js"), 0u);
  EXPECT_EQ(kinds.count("crlf.js"), 0u);
  EXPECT_EQ(kinds.count("empty.js"), 0u);
  EXPECT_EQ(kinds.count("x.js/inner.ts"), 0u);
  EXPECT_NE(r.out.find("package.json"), std::string::npos);
  // The folder named x.js was walked, not read: its file was analysed.
  EXPECT_EQ(doc["stats"]["files"].get_uint64().value(), 9u);

  // With a real finding added, the exit code becomes 1; the hostile files change nothing else.
  tmp.write("app.js", "eval(process.argv[2]);\n");
  EXPECT_EQ(ns("scan " + quote(tmp.path().string()) + " --format json").exit_code, 1);
  // A larger size cap turns the bundle into a minified skip rather than a too-large one.
  auto big = ns("scan " + quote(tmp.path().string()) + " --format json --max-file-size 8000000");
  EXPECT_NE(big.out.find("skipped-minified"), std::string::npos);
}

TEST(Cli, MalformedPackageJsonNamesFileAndLine) {
  TempDir tmp;
  tmp.write("package.json", "{\n  \"name\": \"x\",\n  \"version\": 1.0.0\n}\n");
  tmp.write("index.js", "module.exports = {};\n");
  auto r = ns("scan " + quote(tmp.path().string()));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("package.json:3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("malformed-json"), std::string::npos);
}

}  // namespace
}  // namespace nodescope::testing
