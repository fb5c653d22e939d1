// The configuration file (.nodescope.json): the loader's every error case with its position, the
// JSONC leniency, the example table shared with the JSON Schema check (tests/config/examples:
// the loader must accept exactly the valid ones), upward search, path globs, how a config turns
// into engine options, forgiving middleware names, and end-to-end runs of the binary on small
// projects (rule off, severity change and --rule precedence, ignore paths, a config found above
// the scan root, custom auth and rate-limit middleware, custom test patterns, bad files).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "engine/config.h"
#include "facts/file_facts.h"
#include "fs/path_globs.h"
#include "model/routes.h"
#include "nodescope/rule.h"
#include "test_util.h"

namespace nodescope::testing {
namespace {

namespace stdfs = std::filesystem;
using engine::Config;
using engine::parse_config;

std::vector<std::string_view> rule_ids() {
  std::vector<std::string_view> ids;
  for (const Rule* r : all_rules()) ids.push_back(r->meta().id);
  return ids;
}

Expected<Config> parse(std::string_view text) {
  const auto ids = rule_ids();
  return parse_config(text, ".nodescope.json", ids);
}

// The error message of a text the loader must reject ("" when it accepts it).
std::string error_of(std::string_view text) {
  auto c = parse(text);
  return c ? std::string() : c.error().message;
}

::testing::AssertionResult starts_with(const std::string& text, const std::string& prefix) {
  if (text.starts_with(prefix)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not start with '" << prefix << "'";
}

TEST(ConfigLoader, ReadsEveryKey) {
  auto c = parse(R"({
    "$schema": "./node_modules/nodescope/nodescope.schema.json",
    "rules": {"security/missing-helmet": "off", "testing/untested-route": "error",
              "security/code-injection": "warn", "security/missing-rate-limit": "note",
              "reliability/unhandled-promise": "on"},
    "ignore": ["legacy/", "*.gen.js"],
    "tests": ["qa/**"],
    "middleware": {"auth": ["requireUser"], "validation": ["checkBody"],
                   "rateLimit": ["throttle"], "securityHeaders": ["secure"],
                   "other": ["authorPage"]}
  })");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->rules.at("security/missing-helmet").enabled);
  EXPECT_EQ(c->rules.at("testing/untested-route").severity, Severity::kError);
  EXPECT_EQ(c->rules.at("security/code-injection").severity, Severity::kWarning);
  EXPECT_EQ(c->rules.at("security/missing-rate-limit").severity, Severity::kNote);
  EXPECT_TRUE(c->rules.at("reliability/unhandled-promise").enabled);
  EXPECT_FALSE(c->rules.at("reliability/unhandled-promise").severity.has_value());
  EXPECT_EQ(c->ignore, (std::vector<std::string>{"legacy/", "*.gen.js"}));
  EXPECT_EQ(c->tests, (std::vector<std::string>{"qa/**"}));
  const std::map<std::string, std::string> kinds = {{"requireUser", "auth"},
                                                    {"checkBody", "validation"},
                                                    {"throttle", "rate-limit"},
                                                    {"secure", "security-headers"},
                                                    {"authorPage", "other"}};
  EXPECT_EQ(c->middleware, kinds);
}

TEST(ConfigLoader, EmptyObjectIsTheDefault) {
  auto c = parse("{}\n");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->rules.empty() && c->ignore.empty() && c->tests.empty() && c->middleware.empty());
}

TEST(ConfigLoader, ToleratesCommentsTrailingCommasAndABom) {
  auto c = parse(
      "\xEF\xBB\xBF{\n"
      "  // the helmet is set by the proxy\n"
      "  \"rules\": { \"security/missing-helmet\": \"off\", },\n"
      "  /* generated code */ \"ignore\": [\"gen/\",],\n"
      "  \"tests\": [\"a//b\", \"c/*d\"]\n"
      "}\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->rules.at("security/missing-helmet").enabled);
  EXPECT_EQ(c->ignore, std::vector<std::string>{"gen/"});
  // Comment markers inside strings are text.
  EXPECT_EQ(c->tests, (std::vector<std::string>{"a//b", "c/*d"}));
  // Positions after a block comment still point at the right column.
  EXPECT_TRUE(starts_with(error_of("{ /* x */ \"rulez\": {} }"), ".nodescope.json:1:11: "));
}

TEST(ConfigLoader, MalformedJsonNamesLineAndColumn) {
  const std::string e = error_of("{\n  \"rules\": {\n    \"security/missing-helmet\" \"off\"\n");
  EXPECT_TRUE(starts_with(e, ".nodescope.json:3:")) << e;
  EXPECT_NE(e.find("malformed JSON"), std::string::npos) << e;
  EXPECT_NE(e.find("comments and trailing commas are allowed"), std::string::npos) << e;
  EXPECT_TRUE(starts_with(error_of(""), ".nodescope.json:")) << error_of("");
}

TEST(ConfigLoader, TopLevelMustBeAnObject) {
  const std::string e = error_of("\n  [1, 2]");
  EXPECT_TRUE(starts_with(e, ".nodescope.json:2:3: the top level must be an object")) << e;
  EXPECT_TRUE(starts_with(error_of("\"rules\""), ".nodescope.json:1:1: the top level")) << e;
}

TEST(ConfigLoader, UnknownKeysSuggestTheNearestAndListTheExpected) {
  const std::string e = error_of("{\n  \"rules\": {},\n  \"ignores\": [\"dist/\"]\n}");
  EXPECT_EQ(e,
            ".nodescope.json:3:3: unknown key \"ignores\" (did you mean \"ignore\"?); expected one "
            "of \"$schema\", \"rules\", \"ignore\", \"tests\", \"middleware\"");
  const std::string far = error_of(R"({"extends": "x"})");
  EXPECT_TRUE(starts_with(far, ".nodescope.json:1:2: unknown key \"extends\"; expected")) << far;
}

TEST(ConfigLoader, UnknownRuleIdsSuggestTheNearest) {
  const std::string typo =
      error_of("{\n  \"rules\": {\n    \"security/missing-helmett\": \"off\"\n  }\n}");
  EXPECT_EQ(typo,
            ".nodescope.json:3:5: unknown rule \"security/missing-helmett\" (did you mean "
            "\"security/missing-helmet\"?); `nodescope rules` lists every id");
  // The pack left out: the one rule of that name.
  const std::string no_pack = error_of(R"({"rules": {"missing-rate-limit": "off"}})");
  EXPECT_NE(no_pack.find("(did you mean \"security/missing-rate-limit\"?)"), std::string::npos)
      << no_pack;
  const std::string nothing_near = error_of(R"({"rules": {"style/semicolons": "off"}})");
  EXPECT_EQ(nothing_near.find("did you mean"), std::string::npos) << nothing_near;
  EXPECT_NE(nothing_near.find("unknown rule \"style/semicolons\""), std::string::npos);
}

TEST(ConfigLoader, BadRuleSettingsNameTheValueAndTheExpectedForm) {
  const std::string word =
      error_of("{\n  \"rules\": {\n    \"security/missing-helmet\": \"fatal\"\n  }\n}");
  EXPECT_EQ(word,
            ".nodescope.json:3:32: the setting of \"security/missing-helmet\" must be one of "
            "\"off\", \"on\", \"error\", \"warning\" (or \"warn\"), \"note\"; got \"fatal\"");
  const std::string number = error_of(R"({"rules": {"security/missing-helmet": 2}})");
  EXPECT_TRUE(starts_with(number, ".nodescope.json:1:39: the setting")) << number;
  EXPECT_NE(number.find("got 2"), std::string::npos) << number;
  const std::string array = error_of(R"({"rules": {"security/missing-helmet": ["error", {}]}})");
  EXPECT_NE(array.find("got an array"), std::string::npos) << array;
  const std::string rules_list = error_of(R"({"rules": ["security/missing-helmet"]})");
  EXPECT_TRUE(starts_with(rules_list, ".nodescope.json:1:11: \"rules\" must be an object"))
      << rules_list;
  EXPECT_NE(rules_list.find("got an array"), std::string::npos);
}

TEST(ConfigLoader, BadPatternLists) {
  EXPECT_TRUE(starts_with(error_of(R"({"ignore": "dist/"})"),
                          R"(.nodescope.json:1:12: "ignore" must be an array of strings)"));
  EXPECT_NE(error_of(R"({"ignore": "dist/"})").find(R"(got "dist/")"), std::string::npos);
  EXPECT_EQ(error_of("{\"tests\": [\"qa/\",\n  3]}"),
            ".nodescope.json:2:3: each entry of \"tests\" must be a string; got 3");
  EXPECT_EQ(error_of(R"({"tests": ["qa/", " "]})"),
            ".nodescope.json:1:19: empty entry in \"tests\"; remove it");
  EXPECT_NE(error_of(R"({"ignore": ["a\nb"]})").find("has a line break"), std::string::npos);
  const std::string hash = error_of(R"({"ignore": ["#gen"]})");
  EXPECT_TRUE(starts_with(hash, ".nodescope.json:1:13: an entry of \"ignore\" starts with '#'"))
      << hash;
  EXPECT_NE(hash.find(R"(write "\\#...")"), std::string::npos) << hash;
  // An escaped '#' is a literal one.
  EXPECT_TRUE(parse(R"({"ignore": ["\\#gen"]})"));
}

TEST(ConfigLoader, BadMiddleware) {
  EXPECT_EQ(error_of("{\"middleware\": {\n  \"rateLimits\": [\"x\"]}}"),
            ".nodescope.json:2:3: unknown middleware kind \"rateLimits\" (did you mean "
            "\"rateLimit\"?); expected one of \"auth\", \"validation\", \"rateLimit\", "
            "\"securityHeaders\", \"other\"");
  EXPECT_TRUE(starts_with(error_of(R"({"middleware": {"auth": "requireUser"}})"),
                          R"(.nodescope.json:1:25: "middleware"."auth" must be an array)"));
  EXPECT_TRUE(starts_with(error_of(R"({"middleware": ["requireUser"]})"),
                          R"(.nodescope.json:1:16: "middleware" must be an object)"));
  EXPECT_EQ(error_of("{\"middleware\": {\"auth\": [\"check\"],\n \"validation\": [\"check\"]}}"),
            ".nodescope.json:2:16: \"check\" is listed under both \"auth\" and \"validation\" in "
            "\"middleware\"; keep it under one kind");
}

TEST(ConfigLoader, DuplicateKeysAndSchemaType) {
  EXPECT_EQ(error_of("{\"tests\": [],\n \"tests\": []}"),
            ".nodescope.json:2:2: \"tests\" appears twice in the top level; keep one");
  EXPECT_EQ(
      error_of(R"({"rules": {"security/missing-helmet": "off", "security/missing-helmet": "on"}})"),
      ".nodescope.json:1:46: \"security/missing-helmet\" appears twice in \"rules\"; keep "
      "one");
  EXPECT_TRUE(starts_with(error_of(R"({"$schema": 1})"),
                          R"(.nodescope.json:1:13: "$schema" must be a string)"));
}

TEST(ConfigLoader, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes; the column is where an editor puts the cursor.
  const std::string e = error_of("{\"$schema\": \"é\", \"bad\": 1}");
  EXPECT_TRUE(starts_with(e, ".nodescope.json:1:18: unknown key \"bad\"")) << e;
}

// Whatever the text, the loader answers with a config or an error: every prefix of a full file
// and every single-byte damage of it (a fuzzing smoke test; tests/fuzz.sh covers the scan).
TEST(ConfigLoader, NeverCrashesOnDamagedText) {
  const std::string full =
      read_file(stdfs::path(NODESCOPE_SOURCE_DIR) / "tests/config/examples/valid/full.json");
  ASSERT_FALSE(full.empty());
  std::size_t rejected = 0;
  for (std::size_t n = 0; n < full.size(); ++n) rejected += parse(full.substr(0, n)) ? 0 : 1;
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (const char c : {'"', '{', ']', ',', '\\', '/', '\0', '\xff'}) {
      std::string damaged = full;
      damaged[i] = c;
      auto c1 = parse(damaged);
      if (!c1) {
        EXPECT_TRUE(c1.error().message.starts_with(".nodescope.json:")) << c1.error().message;
      }
    }
  }
  EXPECT_GT(rejected, full.size() / 2);
}

// The examples the JSON Schema check validates (tests/config/validate-config.js): the loader
// accepts exactly the valid ones and rejects the others with the position given here. A new
// example needs a row.
TEST(ConfigLoader, AcceptsExactlyTheValidExamples) {
  const std::map<std::string, std::string> expected = {
      {"valid/empty.json", ""},
      {"valid/empty-lists.json", ""},
      {"valid/full.json", ""},
      {"valid/rules-only.json", ""},
      {"invalid/bad-severity.json", ":3:32: the setting of"},
      {"invalid/comment-pattern.json", ":2:14: an entry of \"ignore\" starts with '#'"},
      {"invalid/empty-pattern.json", ":2:22: empty entry in \"tests\""},
      {"invalid/ignore-number-entry.json", ":2:23: each entry of \"ignore\" must be a string"},
      {"invalid/ignore-string.json", ":2:13: \"ignore\" must be an array"},
      {"invalid/malformed.json", ":3:"},
      {"invalid/middleware-not-list.json", ":3:13: \"middleware\".\"auth\" must be an array"},
      {"invalid/rule-id-shape.json", ":3:5: unknown rule \"Missing Helmet\""},
      {"invalid/rules-array.json", ":2:12: \"rules\" must be an object"},
      {"invalid/schema-not-string.json", ":2:14: \"$schema\" must be a string"},
      {"invalid/severity-number.json", ":3:32: the setting of"},
      {"invalid/top-level-array.json", ":1:1: the top level must be an object"},
      {"invalid/unknown-key.json", ":3:3: unknown key \"ignores\""},
      {"invalid/unknown-middleware-kind.json", ":3:5: unknown middleware kind \"authentication\""},
      {"invalid-loader-only/duplicate-key.json", ":3:3: \"rules\" appears twice"},
      {"invalid-loader-only/name-in-two-kinds.json", ":4:19: \"checkUser\" is listed under both"},
      {"invalid-loader-only/unknown-rule.json", ":3:5: unknown rule \"security/missing-helmett\""},
  };
  const stdfs::path examples = stdfs::path(NODESCOPE_SOURCE_DIR) / "tests/config/examples";
  std::set<std::string> on_disk;
  for (const auto& e : stdfs::recursive_directory_iterator(examples)) {
    if (e.is_regular_file()) on_disk.insert(stdfs::relative(e.path(), examples).generic_string());
  }
  std::set<std::string> in_table;
  for (const auto& [name, error] : expected) in_table.insert(name);
  EXPECT_EQ(on_disk, in_table) << "every example in tests/config/examples needs a row here";
  const auto ids = rule_ids();
  for (const auto& [name, error] : expected) {
    auto c = engine::load_config(examples / name, ids);
    if (error.empty()) {
      EXPECT_TRUE(c) << name << ": " << c.error().message;
    } else {
      ASSERT_FALSE(c) << name << " was accepted";
      const std::string where = (examples / name).generic_string() + error;
      EXPECT_TRUE(starts_with(c.error().message, where)) << name;
    }
  }
}

TEST(ConfigLoader, FindsTheNearestFileUpward) {
  TempDir dir;
  dir.write("repo/.nodescope.json", "{}");
  dir.write("repo/packages/api/src/index.js", "");
  dir.write("repo/packages/web/.nodescope.json", "{}");
  auto found = engine::find_config(dir.path() / "repo/packages/api/src");
  ASSERT_TRUE(found);
  EXPECT_EQ(stdfs::weakly_canonical(*found),
            stdfs::weakly_canonical(dir.path() / "repo/.nodescope.json"));
  found = engine::find_config(dir.path() / "repo/packages/web");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->parent_path().filename(), "web");
  // A folder named .nodescope.json is not a configuration file.
  stdfs::create_directories(dir.path() / "other/.nodescope.json");
  found = engine::find_config(dir.path() / "other");
  EXPECT_TRUE(!found || found->parent_path() != stdfs::weakly_canonical(dir.path() / "other"));
  auto missing = engine::load_config(dir.path() / "nope.json", rule_ids());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read the configuration file"), std::string::npos);
  auto folder = engine::load_config(dir.path() / "repo", rule_ids());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("is a folder"), std::string::npos);
}

TEST(PathGlobs, MatchesFilesWithTheirFoldersBelowAPrefix) {
  const fs::PathGlobs g({"qa/", "*.check.js", "!keep.check.js", "packages/api/legacy/**"}, "");
  EXPECT_EQ(g.match_file("qa/smoke.js"), fs::IgnoreVerdict::kIgnore);
  EXPECT_EQ(g.match_file("src/qa/x.js"), fs::IgnoreVerdict::kIgnore);  // no slash: any depth
  EXPECT_EQ(g.match_file("src/a.check.js"), fs::IgnoreVerdict::kIgnore);
  EXPECT_EQ(g.match_file("src/keep.check.js"), fs::IgnoreVerdict::kInclude);
  EXPECT_EQ(g.match_file("src/app.js"), fs::IgnoreVerdict::kNone);
  EXPECT_EQ(g.match_file("packages/api/legacy/a/b.js"), fs::IgnoreVerdict::kIgnore);
  // Scanning packages/api of a repository whose config is at the top.
  const fs::PathGlobs below({"packages/api/legacy/", "/qa/"}, "packages/api");
  EXPECT_EQ(below.match_file("legacy/old.js"), fs::IgnoreVerdict::kIgnore);
  EXPECT_EQ(below.match_file("src/legacy/old.js"), fs::IgnoreVerdict::kNone);
  EXPECT_EQ(below.match_file("qa/x.js"), fs::IgnoreVerdict::kNone);  // /qa/ is the top's qa
  const std::vector<std::string_view> parts = {"legacy"};
  EXPECT_EQ(below.match(parts, true), fs::IgnoreVerdict::kIgnore);
  EXPECT_TRUE(fs::PathGlobs().empty());
}

TEST(ConfigApply, TurnsTheFileIntoOptions) {
  auto c = parse(R"({"rules": {"security/missing-helmet": "off", "testing/untested-route": "error"},
                     "tests": ["qa/"], "ignore": ["legacy/"],
                     "middleware": {"auth": ["requireUser"]}})");
  ASSERT_TRUE(c);
  c->folder = "/repo";
  engine::EngineOptions options;
  fs::DiscoveryOptions discovery;
  const auto rules =
      engine::apply_config(*c, "/repo/packages/api", all_rules(), options, &discovery);
  EXPECT_EQ(rules.size() + 1, all_rules().size());
  for (const Rule* r : rules) EXPECT_NE(r->meta().id, "security/missing-helmet");
  EXPECT_EQ(options.known_rule_ids.size(), all_rules().size());  // suppressions may still name it
  EXPECT_EQ(options.severity_overrides.at("testing/untested-route"), Severity::kError);
  EXPECT_EQ(options.middleware_kinds.at("requireUser"), "auth");
  // Patterns are relative to the config's folder, the scan root is two folders below it.
  EXPECT_EQ(options.test_globs.match_file("qa/x.js"), fs::IgnoreVerdict::kIgnore);
  EXPECT_FALSE(discovery.ignore_globs.empty());
  const fs::PathGlobs anchored({"/packages/api/qa/"}, "packages/api");
  EXPECT_EQ(anchored.match_file("qa/x.js"), fs::IgnoreVerdict::kIgnore);
}

TEST(ConfigApply, TestPatternsDecideBeforeTheBuiltInNames) {
  const fs::PathGlobs g({"qa/", "!test/support/"}, "");
  EXPECT_TRUE(facts::is_test_path("qa/smoke.js", &g));
  EXPECT_FALSE(facts::is_test_path("test/support/server.js", &g));
  EXPECT_TRUE(facts::is_test_path("test/users.js", &g));  // no pattern: the built-in folders
  EXPECT_FALSE(facts::is_test_path("src/app.js", &g));
  EXPECT_TRUE(facts::is_test_path("src/__mocks__/db.js"));
  EXPECT_TRUE(facts::is_test_path("fixtures/server.js"));
}

TEST(ConfigApply, DeclaredMiddlewareNamesMatchAsWrittenBareOrByLastMember) {
  const std::map<std::string, std::string> kinds = {
      {"requireUser", "auth"}, {"guard.check()", "rate-limit"}, {"authorPage", "other"}};
  EXPECT_EQ(model::classify_middleware("", "", "requireUser", kinds), "auth");
  EXPECT_EQ(model::classify_middleware("", "", "requireUser()", kinds), "auth");
  EXPECT_EQ(model::classify_middleware("", "", "auth.requireUser", kinds), "auth");
  EXPECT_EQ(model::classify_middleware("", "", "users.requireUser()", kinds), "auth");
  EXPECT_EQ(model::classify_middleware("", "", "guard.check()", kinds), "rate-limit");
  EXPECT_EQ(model::classify_middleware("", "", "check()", kinds), "other");  // not declared
  // Declared names win over the heuristics ("auth" in the name).
  EXPECT_EQ(model::classify_middleware("", "", "authorPage", kinds), "other");
  EXPECT_EQ(model::classify_middleware("", "", "authorPage", {}), "auth");
  EXPECT_EQ(model::classify_middleware("", "", "requireUserName", kinds), "other");
}

// ---- End to end through the binary ----------------------------------------------------------

CommandResult ns(const std::string& args) {
  return run_command(quote(binary()) + " " + args + " 2>&1");
}

struct Found {
  std::string rule;
  std::string file;
  std::uint64_t line;
  std::string severity;
};

// The findings of a JSON report (nothing when it is not one).
std::vector<Found> findings(const std::string& json) {
  std::vector<Found> out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array arr;
  if (parser.parse(json).get(doc) || doc["findings"].get(arr)) return out;
  for (simdjson::dom::element f : arr) {
    Found x;
    x.rule = std::string(f["ruleId"].get_string().value_unsafe());
    x.file = std::string(f["file"].get_string().value_unsafe());
    x.line = f["line"].get_uint64().value_unsafe();
    x.severity = std::string(f["severity"].get_string().value_unsafe());
    out.push_back(std::move(x));
  }
  return out;
}

std::size_t count(const std::vector<Found>& list, std::string_view rule) {
  return static_cast<std::size_t>(
      std::count_if(list.begin(), list.end(), [&](const Found& f) { return f.rule == rule; }));
}

const char* const kEval = "function run(code) {\n  return eval(code);\n}\nmodule.exports = run;\n";

TEST(CliConfig, RuleOffAndSeverityWithRuleFlagPrecedence) {
  TempDir dir;
  dir.write("src/run.js", kEval);
  const std::string root = quote(dir.path().string());
  auto plain = ns("scan " + root + " --format json");
  const auto before = findings(plain.out);
  ASSERT_EQ(count(before, "security/code-injection"), 1u) << plain.out;
  const std::string default_severity = before[0].severity;

  dir.write(".nodescope.json", R"({"rules": {"security/code-injection": "off"}})");
  auto off = ns("scan " + root + " --format json");
  EXPECT_EQ(count(findings(off.out), "security/code-injection"), 0u) << off.out;
  // --rule wins over the file.
  auto back = ns("scan " + root + " --format json --rule security/code-injection=on");
  EXPECT_EQ(count(findings(back.out), "security/code-injection"), 1u) << back.out;
  // --no-config ignores the file.
  auto ignored = ns("scan " + root + " --format json --no-config");
  EXPECT_EQ(count(findings(ignored.out), "security/code-injection"), 1u) << ignored.out;

  dir.write(".nodescope.json", R"({"rules": {"security/code-injection": "note"}})");
  auto note = ns("scan " + root + " --format json");
  const auto noted = findings(note.out);
  ASSERT_EQ(count(noted, "security/code-injection"), 1u) << note.out;
  EXPECT_EQ(noted[0].severity, "note");
  EXPECT_NE(default_severity, "note");
  EXPECT_EQ(note.exit_code, 0);  // --fail-on error: a note does not fail the run
  // Every format carries the new severity.
  auto sarif = ns("scan " + root + " --format sarif");
  EXPECT_NE(sarif.out.find("\"level\": \"note\""), std::string::npos) << sarif.out;
  auto text = ns("scan " + root);
  EXPECT_NE(text.out.find("note"), std::string::npos) << text.out;
  auto github = ns("scan " + root + " --format github");
  EXPECT_NE(github.out.find("::notice"), std::string::npos) << github.out;
  auto raised = ns("scan " + root + " --format json --rule security/code-injection=error");
  EXPECT_EQ(findings(raised.out)[0].severity, "error");
  EXPECT_EQ(raised.exit_code, 1);
}

TEST(CliConfig, RuleFlagErrors) {
  TempDir dir;
  dir.write("a.js", "");
  const std::string root = quote(dir.path().string());
  auto typo = ns("scan " + root + " --rule security/code-injectoin=off");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.out.find("did you mean \"security/code-injection\"?"), std::string::npos)
      << typo.out;
  auto bad = ns("scan " + root + " --rule security/code-injection");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("expected ID=SETTING"), std::string::npos) << bad.out;
  // Several --rule flags and paths after them.
  auto many = ns("scan --rule security/code-injection=off --rule testing/untested-route=note " +
                 root + " --format json");
  EXPECT_EQ(many.exit_code, 0) << many.out;
}

TEST(CliConfig, IgnorePatternsAreRelativeToTheFileFoundAboveTheRoot) {
  TempDir dir;
  dir.write(".nodescope.json",
            "{\n  // generated and vendored code\n  \"ignore\": "
            "[\"packages/api/legacy/\", \"*.gen.js\"]\n}\n");
  dir.write("packages/api/legacy/old.js", kEval);
  dir.write("packages/api/src/new.js", kEval);
  dir.write("packages/api/src/api.gen.js", kEval);
  auto r = ns("scan " + quote((dir.path() / "packages/api").string()) + " --format json");
  const auto list = findings(r.out);
  ASSERT_EQ(list.size(), 1u) << r.out;
  EXPECT_EQ(list[0].file, "src/new.js");
  // Named explicitly, an ignored file is still scanned (as with .gitignore).
  auto named =
      ns("scan " + quote((dir.path() / "packages/api/legacy/old.js").string()) + " --format json");
  EXPECT_EQ(findings(named.out).size(), 1u) << named.out;
}

TEST(CliConfig, ConfigFlagAndErrorsExitTwoWithThePosition) {
  TempDir dir;
  dir.write("src/run.js", kEval);
  dir.write("ci/strict.json", R"({"rules": {"security/code-injection": "off"}})");
  const std::string root = quote(dir.path().string());
  auto chosen = ns("scan " + root + " --format json --config " +
                   quote((dir.path() / "ci/strict.json").string()));
  EXPECT_EQ(chosen.exit_code, 0) << chosen.out;
  EXPECT_EQ(findings(chosen.out).size(), 0u);

  dir.write(".nodescope.json", "{\n  \"rules\": {\"security/code-injection\": \"of\"}\n}\n");
  auto bad = ns("scan " + root);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find(".nodescope.json:2:40: the setting of \"security/code-injection\""),
            std::string::npos)
      << bad.out;
  EXPECT_NE(bad.out.find("--no-config"), std::string::npos) << bad.out;
  // routes and baseline read the same file.
  EXPECT_EQ(ns("routes " + root).exit_code, 2);
  EXPECT_EQ(ns("baseline " + root + " -o " + quote((dir.path() / "b.json").string())).exit_code, 2);
  auto missing = ns("scan " + root + " --config " + quote((dir.path() / "nope.json").string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("cannot read the configuration file"), std::string::npos);
  auto both = ns("scan " + root + " --no-config --config x.json");
  EXPECT_EQ(both.exit_code, 2);
}

const char* const kLoginApp =
    "const express = require('express');\n"
    "const app = express();\n"
    "function guardLogin(req, res, next) { next(); }\n"
    "function requireUser(req, res, next) { next(); }\n"
    "app.post('/login', guardLogin, (req, res) => res.end());\n"
    "app.post('/password/reset', requireUser, (req, res) => res.end());\n"
    "app.post('/signup', (req, res) => res.end());\n"
    "app.listen(3000);\n";

TEST(CliConfig, DeclaredMiddlewareMakesRoutesAuthenticatedAndRateLimited) {
  TempDir dir;
  dir.write("package.json", R"({"dependencies": {"express": "^4.21.0"}})");
  dir.write("src/app.js", kLoginApp);
  const std::string root = quote(dir.path().string());
  // Nothing limited: one finding for the whole app, at express().
  auto plain = ns("scan " + root + " --format json");
  auto list = findings(plain.out);
  ASSERT_EQ(count(list, "security/missing-rate-limit"), 1u) << plain.out;
  for (const Found& f : list) {
    if (f.rule == "security/missing-rate-limit") {
      EXPECT_EQ(f.line, 2u);
    }
  }

  dir.write(".nodescope.json",
            R"({"middleware": {"rateLimit": ["guardLogin"], "auth": ["requireUser"]}})");
  auto configured = ns("scan " + root + " --format json");
  list = findings(configured.out);
  ASSERT_EQ(count(list, "security/missing-rate-limit"), 1u) << configured.out;
  for (const Found& f : list) {
    if (f.rule == "security/missing-rate-limit") {
      EXPECT_EQ(f.line, 7u);  // only /signup
    }
  }
  // The route table shows the kinds and flags.
  auto routes = ns("routes " + root + " --format json");
  EXPECT_NE(routes.out.find("\"kind\": \"rate-limit\""), std::string::npos) << routes.out;
  EXPECT_NE(routes.out.find("\"kind\": \"auth\""), std::string::npos) << routes.out;
  EXPECT_NE(routes.out.find("\"auth\": true"), std::string::npos) << routes.out;
  EXPECT_NE(routes.out.find("\"rateLimited\": true"), std::string::npos) << routes.out;
}

TEST(CliConfig, TestPatternsMakeRoutesTested) {
  TempDir dir;
  dir.write("src/app.js",
            "const express = require('express');\n"
            "const app = express();\n"
            "app.get('/health', (req, res) => res.send('ok'));\n"
            "app.get('/status', (req, res) => res.send('ok'));\n"
            "module.exports = app;\n");
  dir.write("test/app.test.js",
            "const request = require('supertest');\n"
            "const app = require('../src/app');\n"
            "it('status', () => request(app).get('/status').expect(200));\n");
  dir.write("qa/smoke.js",
            "const axios = require('axios');\n"
            "axios.get('http://localhost:3000/health');\n");
  const std::string root = quote(dir.path().string());
  auto plain = ns("scan " + root + " --format json --fail-on none");
  auto list = findings(plain.out);
  ASSERT_EQ(count(list, "testing/untested-route"), 1u) << plain.out;

  dir.write(".nodescope.json", R"({"tests": ["qa/"]})");
  auto configured = ns("scan " + root + " --format json --fail-on none");
  EXPECT_EQ(count(findings(configured.out), "testing/untested-route"), 0u) << configured.out;
  auto routes = ns("routes " + root + " --format json");
  EXPECT_EQ(routes.out.find("\"tested\": false"), std::string::npos) << routes.out;
}

}  // namespace
}  // namespace nodescope::testing
