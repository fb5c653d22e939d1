// Inline suppressions through the engine: each directive form removes what it covers and nothing
// else, stats count the removed findings, meta/unused-suppression reports stale, misspelled and
// malformed directives, whole-program findings are covered like per-file ones, and fingerprints
// of uncovered findings do not depend on suppressions.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "nodescope/rule.h"

namespace nodescope::engine {
namespace {

InputFile mem(std::string path, std::string content, Language lang = Language::kJavaScript) {
  InputFile f;
  f.rel_path = std::move(path);
  f.language = lang;
  f.size = content.size();
  f.content = std::move(content);
  return f;
}

// "rule@line" for every finding, in output order.
std::vector<std::string> summary(const ScanResult& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) {
    out.push_back(f.rule_id + "@" + std::to_string(f.range.line));
  }
  return out;
}

std::vector<const Finding*> of_rule(const ScanResult& r, std::string_view id) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings) {
    if (f.rule_id == id) out.push_back(&f);
  }
  return out;
}

ScanResult run(std::string src, Language lang = Language::kJavaScript) {
  const char* name =
      lang == Language::kTsx ? "a.tsx" : (lang == Language::kTypeScript ? "a.ts" : "a.js");
  return analyze_files({mem(name, std::move(src), lang)}, all_rules(), {});
}

TEST(Suppress, EachFormCoversItsLine) {
  const ScanResult r =
      run("// nodescope-ignore-next-line security/code-injection -- reviewed\n"
          "eval(a);\n"
          "eval(b); // nodescope-ignore security/code-injection\n"
          "eval(c);\n"
          "/* nodescope-ignore-next-line security/code-injection */\n"
          "eval(d);\n"
          "// nodescope-ignore-next-line *\n"
          "eval(e);\n"
          "eval(f); // nodescope-ignore security/code-injection // TODO: sandbox it\n");
  EXPECT_EQ(summary(r), std::vector<std::string>{"security/code-injection@4"});
  EXPECT_EQ(r.stats.suppressed, 5u);
}

TEST(Suppress, CrlfLines) {
  const ScanResult r =
      run("// nodescope-ignore-next-line security/code-injection\r\n"
          "eval(a);\r\n"
          "eval(b); // nodescope-ignore security/code-injection\r\n"
          "// nodescope-ignore security/code-injection\r\n");
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(summary(r), std::vector<std::string>{"meta/unused-suppression@4"});
  EXPECT_EQ(r.stats.suppressed, 2u);
}

TEST(Suppress, SeveralIdsCommasOrSpaces) {
  const ScanResult r =
      run("// nodescope-ignore-next-line reliability/unhandled-promise,security/code-injection\n"
          "eval(a);\n"
          "// nodescope-ignore-next-line reliability/unhandled-promise security/code-injection\n"
          "eval(b);\n");
  // Both comments suppressed eval; the unhandled-promise id in each is unused.
  EXPECT_EQ(summary(r),
            (std::vector<std::string>{"meta/unused-suppression@1", "meta/unused-suppression@3"}));
  EXPECT_NE(r.findings[0].message.find("no reliability/unhandled-promise finding"),
            std::string::npos)
      << r.findings[0].message;
  EXPECT_EQ(r.stats.suppressed, 2u);
}

TEST(Suppress, FileLevelAnywhereInTheFile) {
  const ScanResult r =
      run("eval(a);\n"
          "function f(x) { return eval(x); }\n"
          "// nodescope-ignore-file security/code-injection -- a REPL\n");
  EXPECT_TRUE(r.findings.empty()) << summary(r).size();
  EXPECT_EQ(r.stats.suppressed, 2u);
}

TEST(Suppress, OnlyTheNamedRuleAndOnlyTheNextLine) {
  const ScanResult r =
      run("// nodescope-ignore-next-line reliability/unhandled-promise\n"
          "eval(a);\n"
          "// nodescope-ignore-next-line security/code-injection\n"
          "\n"
          "eval(b);\n");
  EXPECT_EQ(summary(r),
            (std::vector<std::string>{"meta/unused-suppression@1", "security/code-injection@2",
                                      "meta/unused-suppression@3", "security/code-injection@5"}));
  EXPECT_EQ(r.stats.suppressed, 0u);
}

TEST(Suppress, JsxAndBlockComments) {
  const ScanResult r =
      run("export function W(p: { c: string }) {\n"
          "  return (\n"
          "    <div>\n"
          "      {/* nodescope-ignore-next-line security/code-injection -- trusted */}\n"
          "      {eval(p.c)}\n"
          "      {eval(p.c)} {/* nodescope-ignore security/code-injection */}\n"
          "      nodescope-ignore-next-line in JSX text\n"
          "      {eval(p.c)}\n"
          "    </div>\n"
          "  );\n"
          "}\n",
          Language::kTsx);
  EXPECT_EQ(summary(r), std::vector<std::string>{"security/code-injection@8"});
  EXPECT_EQ(r.stats.suppressed, 2u);
}

TEST(Suppress, StringsAndProseAreNotDirectives) {
  const ScanResult r =
      run("const s = '// nodescope-ignore-next-line security/code-injection';\n"
          "eval(a);\n"
          "const t = `nodescope-ignore-file security/code-injection`;\n"
          "// See nodescope-ignore-next-line in the README.\n"
          "eval(b);\n");
  EXPECT_EQ(summary(r),
            (std::vector<std::string>{"security/code-injection@2", "security/code-injection@5"}));
}

TEST(Suppress, MalformedAndUnknownAreReported) {
  const ScanResult r =
      run("// nodescope-ignore-next-line\n"
          "eval(a);\n"
          "// nodescope-ignore-next-line security/code-injektion -- typo\n"
          "eval(b);\n"
          "// nodescope-ignore-line security/code-injection\n"
          "eval(c);\n"
          "// nodescope-ignore-next-line meta/unused-suppression\n"
          "f();\n");
  const auto meta = of_rule(r, kUnusedSuppressionRuleId);
  ASSERT_EQ(meta.size(), 4u) << summary(r).size();
  EXPECT_NE(meta[0]->message.find("names no rule"), std::string::npos) << meta[0]->message;
  EXPECT_NE(meta[1]->message.find("unknown rule id security/code-injektion"), std::string::npos)
      << meta[1]->message;
  EXPECT_NE(meta[2]->message.find("'nodescope-ignore-line' is not a nodescope directive"),
            std::string::npos)
      << meta[2]->message;
  EXPECT_NE(meta[3]->message.find("cannot be suppressed inline"), std::string::npos)
      << meta[3]->message;
  EXPECT_EQ(of_rule(r, "security/code-injection").size(), 3u);
  EXPECT_EQ(meta[0]->range.line, 1u);
  EXPECT_EQ(meta[0]->range.column, 1u);
  EXPECT_EQ(meta[0]->severity, Severity::kWarning);
  EXPECT_EQ(meta[0]->fingerprint.size(), 16u);
}

TEST(Suppress, UnusedTrailingAloneOnItsLineGetsAHint) {
  const ScanResult r =
      run("// nodescope-ignore security/code-injection\n"
          "eval(a);\n");
  const auto meta = of_rule(r, kUnusedSuppressionRuleId);
  ASSERT_EQ(meta.size(), 1u);
  EXPECT_NE(meta[0]->message.find("use nodescope-ignore-next-line"), std::string::npos)
      << meta[0]->message;
}

TEST(Suppress, RulesThatDidNotRunAreNeitherUsedNorUnknown) {
  // Only code-injection and meta/unused-suppression run; the others are known (registered).
  std::vector<const Rule*> rules;
  std::vector<std::string> known;
  for (const Rule* r : all_rules()) {
    known.emplace_back(r->meta().id);
    if (r->meta().id == "security/code-injection" || r->meta().id == kUnusedSuppressionRuleId) {
      rules.push_back(r);
    }
  }
  EngineOptions options;
  options.known_rule_ids = known;
  const ScanResult r = analyze_files({mem("a.js",
                                          "// nodescope-ignore-next-line "
                                          "reliability/unhandled-promise\n"
                                          "f();\n"
                                          "// nodescope-ignore-next-line no/such-rule\n"
                                          "f();\n")},
                                     rules, options);
  EXPECT_EQ(summary(r), std::vector<std::string>{"meta/unused-suppression@3"});
}

TEST(Suppress, WithoutTheMetaRuleSuppressionsStillApplyButNothingIsReported) {
  std::vector<const Rule*> rules;
  for (const Rule* r : all_rules()) {
    if (r->meta().id == "security/code-injection") rules.push_back(r);
  }
  const ScanResult r = analyze_files({mem("a.js",
                                          "eval(a); // nodescope-ignore security/code-injection\n"
                                          "// nodescope-ignore-next-line security/typo\n"
                                          "f();\n")},
                                     rules, {});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.suppressed, 1u);
}

TEST(Suppress, CoversWholeProgramFindings) {
  // security/missing-helmet is judged in the whole-program phase, at the app's creation.
  const std::string app =
      "const express = require('express');\n"
      "const app = express(); // nodescope-ignore security/missing-helmet -- behind a proxy\n"
      "app.get('/health', (req, res) => res.send('ok'));\n"
      "app.listen(3000);\n";
  const ScanResult r = analyze_files({mem("app.js", app)}, all_rules(), {});
  EXPECT_TRUE(of_rule(r, "security/missing-helmet").empty()) << summary(r).size();
  EXPECT_TRUE(of_rule(r, kUnusedSuppressionRuleId).empty());
  EXPECT_GE(r.stats.suppressed, 1u);
  // Without the comment it is reported (so the test above means something).
  std::string bare = app;
  bare.erase(bare.find(" // nodescope-ignore"),
             bare.find('\n', bare.find("express();")) - bare.find(" // nodescope-ignore"));
  const ScanResult b = analyze_files({mem("app.js", bare)}, all_rules(), {});
  EXPECT_EQ(of_rule(b, "security/missing-helmet").size(), 1u);
}

TEST(Suppress, UncoveredFingerprintsDoNotDependOnSuppressions) {
  // Two identical lines: suppressing the first leaves the second's fingerprint unchanged
  // (fingerprints are assigned before suppressions are applied).
  const ScanResult plain = run("x();\neval(a);\neval(a);\n");
  const ScanResult suppressed =
      run("// nodescope-ignore-next-line security/code-injection\neval(a);\neval(a);\n");
  ASSERT_EQ(plain.findings.size(), 2u);
  ASSERT_EQ(suppressed.findings.size(), 1u);
  EXPECT_EQ(suppressed.findings[0].fingerprint, plain.findings[1].fingerprint);
}

}  // namespace
}  // namespace nodescope::engine
