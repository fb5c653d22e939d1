// End-to-end tests of baselines and inline suppressions through the binary: `nodescope baseline`
// writes .nodescope-baseline.json in the scan root (or --output), `scan --baseline FILE` reports
// only findings not in it and counts the rest, moving code within a file (in a real git
// repository: commit, edit, commit) does not resurrect baselined findings, a malformed or missing
// baseline is a clear error with exit code 2, and suppressions show up in JSON stats. Also unit
// tests of the baseline reader's errors.
#include <gtest/gtest.h>

#include <filesystem>

#include <simdjson.h>

#include "engine/baseline.h"
#include "test_util.h"

namespace nodescope::testing {
namespace {

namespace stdfs = std::filesystem;

CommandResult ns(const std::string& args) { return run_command(quote(binary()) + " " + args); }

CommandResult in(const TempDir& dir, const std::string& command) {
  return run_command("cd " + quote(dir.path().string()) + " && " + command);
}

std::string nsq() { return quote(binary()); }

const char* const kTwoEvals =
    "function f(x) {\n"
    "  return eval(x);\n"
    "}\n"
    "function g(y) {\n"
    "  return eval(y);\n"
    "}\n";

// stats.<key> of a JSON report, or -1.
std::int64_t stat(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return -1;
  std::uint64_t v = 0;
  if (doc["stats"][key].get(v)) return -1;
  return static_cast<std::int64_t>(v);
}

std::size_t finding_count(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array arr;
  if (parser.parse(json).get(doc) || doc["findings"].get(arr)) return 999;
  return arr.size();
}

TEST(CliBaseline, WritesInTheScanRootAndHidesRecordedFindings) {
  TempDir dir;
  dir.write("src/a.js", kTwoEvals);
  auto made = ns("baseline " + quote(dir.path().string()));
  EXPECT_EQ(made.exit_code, 0) << made.out;
  EXPECT_NE(made.out.find("recorded 2 findings"), std::string::npos) << made.out;
  const auto file = dir.path() / ".nodescope-baseline.json";
  ASSERT_TRUE(stdfs::exists(file));
  const std::string text = read_file(file);
  EXPECT_NE(text.find("\"version\": 1"), std::string::npos);
  EXPECT_NE(text.find("\"fingerprint\""), std::string::npos);
  EXPECT_NE(text.find("\"file\": \"src/a.js\""), std::string::npos);

  auto scan = ns("scan " + quote(dir.path().string()) + " --format json --baseline " +
                 quote(file.string()));
  EXPECT_EQ(scan.exit_code, 0) << scan.out;  // nothing new: clean
  EXPECT_EQ(finding_count(scan.out), 0u);
  EXPECT_EQ(stat(scan.out, "baselined"), 2);
  // Without --baseline, stats carry no "baselined" field.
  auto plain = ns("scan " + quote(dir.path().string()) + " --format json");
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_EQ(finding_count(plain.out), 2u);
  EXPECT_EQ(stat(plain.out, "baselined"), -1);
  // Text output says what is not shown.
  auto text_out = ns("scan " + quote(dir.path().string()) + " --baseline " + quote(file.string()));
  EXPECT_NE(text_out.out.find("Not shown: 2 in the baseline."), std::string::npos) << text_out.out;
}

TEST(CliBaseline, OutputFlagAndSameBytesForAnyJobs) {
  TempDir dir;
  for (const char* name : {"a.js", "b.js", "c.js", "d.js", "e.js", "f.js", "g.js", "h.js"}) {
    dir.write(name, kTwoEvals);
  }
  EXPECT_EQ(in(dir, nsq() + " baseline --jobs 1 -o one.json").exit_code, 0);
  EXPECT_EQ(in(dir, nsq() + " baseline --jobs 4 -o four.json").exit_code, 0);
  EXPECT_FALSE(stdfs::exists(dir.path() / ".nodescope-baseline.json"));
  EXPECT_EQ(read_file(dir.path() / "one.json"), read_file(dir.path() / "four.json"));
}

TEST(CliBaseline, MovingCodeInAGitRepoDoesNotResurrectFindings) {
  TempDir dir;
  dir.write("app.js", kTwoEvals);
  auto git = [&](const std::string& args) {
    return in(dir, "git -c user.name=t -c user.email=t@t " + args + " >/dev/null 2>&1");
  };
  ASSERT_EQ(git("init -q .").exit_code, 0);
  ASSERT_EQ(in(dir, nsq() + " baseline >/dev/null").exit_code, 0);
  ASSERT_EQ(git("add -A").exit_code, 0);
  ASSERT_EQ(git("commit -q -m base").exit_code, 0);

  // Shift every line, swap the two functions, re-indent, and add one new finding.
  dir.write("app.js",
            "'use strict';\n"
            "// a header that shifts every line\n"
            "\n"
            "function g(y) {\n"
            "    return eval(y);\n"
            "}\n"
            "\n"
            "function f(x) {\n"
            "\treturn eval(x);\n"
            "}\n"
            "function h(z) { return eval(z); }\n");
  ASSERT_EQ(git("commit -q -am move").exit_code, 0);
  auto scan = in(dir, nsq() + " scan --format json --baseline .nodescope-baseline.json");
  EXPECT_EQ(scan.exit_code, 1);
  EXPECT_EQ(finding_count(scan.out), 1u) << scan.out;
  EXPECT_NE(scan.out.find("\"line\": 11"), std::string::npos) << scan.out;
  EXPECT_EQ(stat(scan.out, "baselined"), 2);

  // Regenerating after the move records the same fingerprints for the old findings.
  ASSERT_EQ(in(dir, nsq() + " baseline -o again.json >/dev/null").exit_code, 0);
  const std::string before = read_file(dir.path() / ".nodescope-baseline.json");
  const std::string after = read_file(dir.path() / "again.json");
  simdjson::dom::parser p1;
  simdjson::dom::parser p2;
  simdjson::dom::element b;
  simdjson::dom::element a;
  ASSERT_FALSE(p1.parse(before).get(b));
  ASSERT_FALSE(p2.parse(after).get(a));
  std::set<std::string> old_prints;
  std::set<std::string> new_prints;
  for (auto e : b["findings"].get_array()) old_prints.emplace(std::string_view(e["fingerprint"]));
  for (auto e : a["findings"].get_array()) new_prints.emplace(std::string_view(e["fingerprint"]));
  EXPECT_EQ(new_prints.size(), 3u);
  for (const auto& fp : old_prints) EXPECT_TRUE(new_prints.contains(fp)) << fp;
}

TEST(CliBaseline, BadBaselinesExitTwoNamingFileAndLine) {
  TempDir dir;
  dir.write("a.js", "eval(x);\n");
  const auto broken = dir.write("broken.json", "{\"version\": 1,\n \"findings\": [\n  {,}\n]}\n");
  auto r =
      ns("scan " + quote(dir.path().string()) + " --baseline " + quote(broken.string()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("broken.json:3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("malformed JSON"), std::string::npos) << r.out;

  const auto shape =
      dir.write("shape.json", "{\"version\": 1,\n \"findings\": [\n  {\"ruleId\": 1}\n]}\n");
  r = ns("scan " + quote(dir.path().string()) + " --baseline " + quote(shape.string()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("shape.json:3:14: not a nodescope baseline: \"ruleId\" must be a "
                       "non-empty string"),
            std::string::npos)
      << r.out;

  r = ns("scan " + quote(dir.path().string()) + " --baseline " +
         quote((dir.path() / "missing.json").string()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("cannot read the baseline"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nodescope baseline"), std::string::npos) << r.out;
}

TEST(CliBaseline, SuppressedCountInJson) {
  TempDir dir;
  dir.write("a.js",
            "eval(a); // nodescope-ignore security/code-injection -- reviewed\n"
            "// nodescope-ignore-next-line security/code-injection\n"
            "f();\n");
  auto r = ns("scan " + quote(dir.path().string()) + " --format json --fail-on warning");
  EXPECT_EQ(r.exit_code, 1);  // the unused suppression is a warning
  EXPECT_EQ(stat(r.out, "suppressed"), 1);
  EXPECT_NE(r.out.find("meta/unused-suppression"), std::string::npos);
  auto rules = ns("rules");
  EXPECT_NE(rules.out.find("meta/unused-suppression"), std::string::npos);
}

}  // namespace
}  // namespace nodescope::testing

namespace nodescope::engine {
namespace {

TEST(Baseline, ParseErrorsNameLineAndExpectation) {
  auto missing = parse_baseline("{\"version\": 1}", "b.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "b.json:1:1: not a nodescope baseline: \"findings\" is missing; regenerate it with "
            "`nodescope baseline`");
  auto version = parse_baseline("{\n\"version\": \"1\", \"findings\": []}", "b.json");
  ASSERT_FALSE(version);
  EXPECT_NE(version.error().message.find("b.json:2:12: not a nodescope baseline: \"version\" "
                                         "must be a whole number"),
            std::string::npos)
      << version.error().message;
  auto entry = parse_baseline("{\"version\": 1, \"findings\": [\n  []\n]}", "b.json");
  ASSERT_FALSE(entry);
  EXPECT_NE(entry.error().message.find("b.json:2:3:"), std::string::npos) << entry.error().message;
  auto ok = parse_baseline(
      "{\"version\": 1, \"tool\": \"nodescope\", \"later\": {\"x\": [1]}, \"findings\": [\n"
      "  {\"ruleId\": \"r/x\", \"file\": \"a.js\", \"fingerprint\": \"00ff\", \"message\": "
      "\"m\", \"extra\": 1}]}",
      "b.json");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->entries.size(), 1u);
}

TEST(Baseline, ApplyMatchesRuleFileAndFingerprint) {
  ScanResult r;
  auto add = [&](std::string rule, std::string file, std::string fp) {
    Finding f;
    f.rule_id = std::move(rule);
    f.file = std::move(file);
    f.fingerprint = std::move(fp);
    r.findings.push_back(f);
  };
  add("r/x", "a.js", "01");
  add("r/x", "b.js", "01");  // same fingerprint, other file: not baselined
  add("r/y", "a.js", "01");  // other rule: not baselined
  Baseline b;
  b.entries.emplace("r/x", "a.js", "01");
  apply_baseline(r, b);
  EXPECT_TRUE(r.stats.baseline);
  EXPECT_EQ(r.stats.baselined, 1u);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].file, "b.js");
  EXPECT_EQ(r.findings[1].rule_id, "r/y");
}

}  // namespace
}  // namespace nodescope::engine
