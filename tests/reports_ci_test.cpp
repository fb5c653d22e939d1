// Goldens of the code-host formats: SARIF 2.1.0, GitHub workflow commands, GitLab Code Quality
// and JUnit XML. A canned ScanResult in, exact bytes out (UPDATE_GOLDEN=1 rewrites tests/golden/*;
// review the diff like code). The SARIF goldens are also validated against the official schema by
// tests/sarif/validate-sarif.js (tests/run.sh).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "nodescope/reports/reports.h"
#include "test_util.h"

namespace nodescope::reports {
namespace {

class FakeRule : public Rule {
 public:
  explicit FakeRule(RuleMeta meta) : meta_(meta) {}
  const RuleMeta& meta() const override { return meta_; }

 private:
  RuleMeta meta_;
};

constexpr std::array<int, 2> kInjectionCwe{94, 95};
constexpr std::array<std::string_view, 2> kInjectionTags{"security", "owasp-a03"};
constexpr std::array<std::string_view, 1> kPromiseTags{"reliability"};

const FakeRule kInjection(RuleMeta{"security/code-injection",
                                   "Code built at run time is passed to eval.",
                                   Severity::kError,
                                   Confidence::kHigh,
                                   kInjectionCwe,
                                   kInjectionTags,
                                   {},
                                   false});
const FakeRule kPromise(RuleMeta{"reliability/unhandled-promise",
                                 "A promise is neither awaited nor handled.",
                                 Severity::kWarning,
                                 Confidence::kMedium,
                                 {},
                                 kPromiseTags,
                                 {},
                                 false});
const std::array<const Rule*, 2> kRules{&kPromise, &kInjection};

constexpr std::string_view kInjectionReadme =
    "# security/code-injection\n\nCode built at run time is passed to eval.\n\n"
    "## What it finds\n- `eval(x)` where `x` is not constant.\n\n"
    "## Why it matters\nWhoever controls the string\n  runs code with the server's privileges.\n\n"
    "Second paragraph, not in fullDescription.\n\n## Bad\n```js\neval(req.body.x);\n```\n";

std::string_view help(std::string_view id) {
  return id == "security/code-injection" ? kInjectionReadme : std::string_view();
}

ScanResult canned() {
  ScanResult r;
  Finding a;
  a.rule_id = "security/code-injection";
  a.severity = Severity::kError;
  a.confidence = Confidence::kHigh;
  a.message = "eval() evaluates code built at run time (req.body.x)";
  a.file = "src/app.js";
  a.range = Range{12, 5, 12, 30, 100, 125};
  a.fingerprint = "0123456789abcdef";
  // The line `const é = "😀"; eval(x);`: eval starts after 6 + 1 + 4 + 2 + 3 = 16 UTF-16 code
  // units (byte 19), so column 17; the engine computes these, the reporters copy them.
  Finding b = a;
  b.message = "eval() on a line with non-ASCII text: caf\xC3\xA9 \xF0\x9F\x98\x80";
  b.range = Range{20, 17, 20, 24, 419, 426};
  b.fingerprint = "1111111111111111";
  // Everything the formats must escape: quotes, <, &, %, a colon and comma (GitHub properties),
  // CR/LF, a tab, a control character, and a path with a space, comma, colon and non-ASCII.
  Finding c;
  c.rule_id = "reliability/unhandled-promise";
  c.severity = Severity::kWarning;
  c.confidence = Confidence::kMedium;
  c.message =
      "save() <Promise> & \"result\" 100% dropped: retry, log\r\nsecond line\tand \x01 control";
  c.file = "src/we,ird:name \xC3\xA9.ts";
  c.range = Range{3, 7, 4, 2, 40, 60};
  c.fingerprint = "fedcba9876543210";
  // A rule the driver does not list: the result has a ruleId but no ruleIndex.
  Finding d = c;
  d.rule_id = "meta/other";
  d.severity = Severity::kNote;
  d.confidence = Confidence::kLow;
  d.message = "a note";
  d.file = "src/z.js";
  d.range = Range{1, 1, 1, 2, 0, 1};
  d.fingerprint = "00000000000000ff";
  r.findings = {a, b, c, d};
  r.diagnostics = {
      Diagnostic{"", "internal-error", "scan-wide trouble", 0, 0},
      Diagnostic{"dist/bundle.js", "skipped-minified", "a line of 50000 bytes (over 10000)", 0, 0},
      Diagnostic{"package.json", "malformed-json", "malformed JSON (TAPE_ERROR)", 3, 14},
  };
  r.stats = ScanStats{42, 123456, 40, 2};
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

SarifOptions sarif_options() {
  SarifOptions o;
  o.tool = ToolInfo{"nodescope", "9.9.9"};
  o.information_uri = "https://example.org/nodescope";
  o.rules = kRules;
  o.rule_help = help;
  o.source_root = "/home/ci/my project";
  return o;
}

TEST(ReportsCi, SarifGolden) { check_golden("scan.sarif", to_sarif(canned(), sarif_options())); }

TEST(ReportsCi, SarifEmptyGolden) {
  // No rules, no findings, no root, no home page: the minimal valid log.
  SarifOptions empty;
  empty.tool = ToolInfo{"nodescope", "9.9.9"};
  check_golden("empty.sarif", to_sarif(ScanResult{}, empty));
}

TEST(ReportsCi, SarifIsIdenticalForIdenticalResults) {
  ScanResult slower = canned();
  slower.timings.total_ms = 12345;
  EXPECT_EQ(to_sarif(canned(), sarif_options()), to_sarif(slower, sarif_options()));
}

TEST(ReportsCi, GithubGolden) { check_golden("scan.github.txt", to_github(canned())); }

TEST(ReportsCi, GitlabGolden) { check_golden("scan.gitlab.json", to_gitlab(canned(), kRules)); }

TEST(ReportsCi, JunitGolden) {
  check_golden("scan.junit.xml", to_junit(canned(), ToolInfo{"nodescope", "9.9.9"}));
}

TEST(ReportsCi, EmptyResultInEveryCiFormat) {
  EXPECT_EQ(to_github(ScanResult{}), "");
  EXPECT_EQ(to_gitlab(ScanResult{}, kRules), "[]\n");
  const std::string junit = to_junit(ScanResult{}, ToolInfo{"nodescope", "1"});
  EXPECT_NE(junit.find("tests=\"1\" failures=\"0\""), std::string::npos);
  EXPECT_NE(junit.find("<testcase classname=\"nodescope\" name=\"nodescope\"/>"),
            std::string::npos);
}

// A traced flow (source -> call -> sink): JSON gets an added "flow" array, SARIF a codeFlow with
// one threadFlowLocation per step; findings without a flow are written as before.
ScanResult with_flow() {
  ScanResult r = canned();
  r.findings[0].flow = {
      FlowStep{"src/app.js", Range{10, 20, 10, 28, 80, 88}, "req.query.id is request input"},
      FlowStep{"src/app.js", Range{11, 3, 11, 20, 90, 107}, "passed to buildQuery()"},
      FlowStep{"src/db.js", Range{4, 10, 4, 40, 30, 60}, "reaches knex.raw()"},
  };
  return r;
}

TEST(ReportsCi, FlowGoldens) {
  check_golden("flow.sarif", to_sarif(with_flow(), sarif_options()));
  check_golden("flow.json", to_json(with_flow(), ToolInfo{"nodescope", "9.9.9"}));
}

}  // namespace
}  // namespace nodescope::reports
