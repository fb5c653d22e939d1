// Engine tests on in-memory files: hostile inputs become diagnostics and never stop the scan,
// results are identical for any thread count, facts see every binding form, and fingerprints
// survive unrelated line shifts.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

#include "engine/engine.h"
#include "engine/fingerprint.h"
#include "nodescope/reports/reports.h"
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

const Diagnostic* find_diag(const ScanResult& r, std::string_view file) {
  for (const auto& d : r.diagnostics) {
    if (d.file == file) return &d;
  }
  return nullptr;
}

std::vector<InputFile> hostile_files() {
  std::vector<InputFile> files;
  files.push_back(mem("binary.js", std::string("\x7f"
                                               "ELF\0\0\x01\x02",
                                               8)));
  files.push_back(mem("nul.js", std::string("const a = 1;\0\0eval(x);", 22)));
  files.push_back(mem("latin1.js", "const s = 'caf\xe9'; eval(x);"));
  files.push_back(mem("bom.js",
                      "\xEF\xBB\xBF"
                      "eval(x);\n"));
  files.push_back(mem("crlf.js", "// a\r\n// b\r\neval(x);\r\n"));
  files.push_back(mem("empty.js", ""));
  files.push_back(mem("bundle.js", "var a=1;" + std::string(5 * 1024 * 1024, ';')));
  files.push_back(
      mem("deep.js", "x = " + std::string(100'000, '[') + std::string(100'000, ']') + ";"));
  std::string deep_lines;
  for (int i = 0; i < 100'000; ++i) deep_lines += "(\n";
  files.push_back(mem("deep-lines.js", deep_lines));
  files.push_back(mem("broken.ts", "const a = {;\neval(y);\n", Language::kTypeScript));
  return files;
}

TEST(Engine, HostileInputsBecomeDiagnostics) {
  EngineOptions options;
  options.max_file_bytes = 8u << 20;
  const ScanResult r = analyze_files(hostile_files(), all_rules(), options);
  EXPECT_EQ(r.stats.files, 10u);
  ASSERT_NE(find_diag(r, "binary.js"), nullptr);
  EXPECT_EQ(find_diag(r, "binary.js")->kind, "binary");
  EXPECT_EQ(find_diag(r, "nul.js")->kind, "binary");
  EXPECT_EQ(find_diag(r, "latin1.js")->kind, "not-utf8");
  EXPECT_EQ(find_diag(r, "bundle.js")->kind, "skipped-minified");
  EXPECT_EQ(find_diag(r, "deep.js")->kind, "skipped-minified");
  EXPECT_EQ(find_diag(r, "bom.js"), nullptr);
  EXPECT_EQ(find_diag(r, "crlf.js"), nullptr);
  EXPECT_EQ(find_diag(r, "empty.js"), nullptr);
  ASSERT_NE(find_diag(r, "broken.ts"), nullptr);
  EXPECT_EQ(find_diag(r, "broken.ts")->kind, "parse-error");
  EXPECT_GT(find_diag(r, "broken.ts")->line, 0u);
  // 100,000 nested parentheses on separate lines: parsed (with errors) or timed out, never a crash.
  ASSERT_NE(find_diag(r, "deep-lines.js"), nullptr);

  // Findings: the BOM file reports at column 1 of line 1, CRLF at line 3; the partial TS tree is
  // still analysed.
  auto at = [&](std::string_view file) {
    return std::find_if(r.findings.begin(), r.findings.end(),
                        [&](const Finding& f) { return f.file == file; });
  };
  ASSERT_NE(at("bom.js"), r.findings.end());
  EXPECT_EQ(at("bom.js")->range.line, 1u);
  EXPECT_EQ(at("bom.js")->range.column, 1u);
  ASSERT_NE(at("crlf.js"), r.findings.end());
  EXPECT_EQ(at("crlf.js")->range.line, 3u);
  EXPECT_NE(at("broken.ts"), r.findings.end());
  EXPECT_EQ(r.stats.parsed + r.stats.skipped, r.stats.files);
}

TEST(Engine, TooLargeByDefault) {
  const ScanResult r = analyze_files({mem("big.js", std::string(3u << 20, '\n'))}, all_rules(), {});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].kind, "too-large");
  EXPECT_EQ(r.stats.skipped, 1u);
}

TEST(Engine, ParseTimeoutIsADiagnostic) {
  std::string big;
  for (int i = 0; i < 20'000; ++i) big += "if (a) { b(" + std::to_string(i) + "); }\n";
  EngineOptions options;
  options.parse_timeout_ms = 0;
  const ScanResult r = analyze_files({mem("slow.js", big)}, all_rules(), options);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].kind, "parse-timeout");
}

TEST(Engine, SameBytesForAnyThreadCount) {
  std::vector<InputFile> files = hostile_files();
  for (int i = 0; i < 40; ++i) {
    files.push_back(mem("src/f" + std::to_string(i) + ".js",
                        "const vm = require('vm');\nvm.runInNewContext(req.body.c" +
                            std::to_string(i % 3) + ");\neval(a);\neval(a);\n"));
  }
  EngineOptions options;
  options.max_file_bytes = 8u << 20;
  const reports::ToolInfo tool{"nodescope", "t"};
  options.jobs = 1;
  const std::string one = reports::to_json(analyze_files(files, all_rules(), options), tool);
  for (unsigned jobs : {2u, 4u, 8u}) {
    options.jobs = jobs;
    std::reverse(files.begin(), files.end());
    EXPECT_EQ(one, reports::to_json(analyze_files(files, all_rules(), options), tool)) << jobs;
  }
}

TEST(Engine, ParseOnlyRunsNoRules) {
  EngineOptions options;
  options.parse_only = true;
  const ScanResult r = analyze_files({mem("a.js", "eval(x);")}, all_rules(), options);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.stats.parsed, 1u);
}

TEST(Fingerprint, SurvivesUnrelatedLineShifts) {
  const std::string body = "function f(x) {\n  return eval(x);\n}\n";
  const ScanResult before = analyze_files({mem("a.js", body)}, all_rules(), {});
  const ScanResult after =
      analyze_files({mem("a.js", "// a new header\n\n'use strict';\n" + body)}, all_rules(), {});
  ASSERT_EQ(before.findings.size(), 1u);
  ASSERT_EQ(after.findings.size(), 1u);
  EXPECT_NE(before.findings[0].range.line, after.findings[0].range.line);
  EXPECT_EQ(before.findings[0].fingerprint, after.findings[0].fingerprint);
  EXPECT_EQ(before.findings[0].fingerprint.size(), 16u);
}

TEST(Fingerprint, IdenticalLinesGetDistinctFingerprints) {
  const ScanResult r = analyze_files({mem("a.js", "eval(a);\neval(a);\n")}, all_rules(), {});
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_NE(r.findings[0].fingerprint, r.findings[1].fingerprint);
  EXPECT_EQ(line_hash("  eval(a);\t"), line_hash("eval(a);"));
  EXPECT_EQ(line_hash("a  =\tb"), line_hash("a = b"));
  EXPECT_NE(line_hash("a = b"), line_hash("a = c"));
}

// A rule that records what the facts extractor bound, to test extraction through the engine.
class BindingProbe final : public Rule {
 public:
  const RuleMeta& meta() const override { return meta_; }
  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
      if (const ImportBinding* b = ctx.import_of(name)) {
        ctx.report(b->range, std::string(name) + "=" + b->module + "#" + b->imported,
                   Confidence::kHigh);
      }
    }
    return nullptr;
  }

 private:
  RuleMeta meta_{
      .id = "test/bindings", .summary = "probe", .cwe = {}, .tags = {}, .node_kinds = {}};
};

TEST(Facts, ImportBindings) {
  const std::string src =
      "const a = require('vm');\n"
      "const { Script: b, c } = require('node:vm');\n"
      "const d = require('m').x;\n"
      "import e from 'e-mod';\n"
      "import * as f from 'f-mod';\n"
      "import { g0 as g } from 'g-mod';\n"
      "import h = require('h-mod');\n";
  BindingProbe probe;
  const Rule* rules[] = {&probe};
  const ScanResult r = analyze_files({mem("a.ts", src, Language::kTypeScript)}, rules, {});
  std::vector<std::string> got;
  for (const auto& f : r.findings) got.push_back(f.message);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got,
            (std::vector<std::string>{"a=vm#", "b=node:vm#Script", "c=node:vm#c", "d=m#x",
                                      "e=e-mod#default", "f=f-mod#*", "g=g-mod#g0", "h=h-mod#"}));
}

// Two rules sharing one per-file slot (FileContext::shared, ADR 0004): the first to touch it owns
// the work; both see the same object; each file gets a fresh slot.
struct SharedCounter : RuleState {
  const Rule* owner = nullptr;
  int nodes = 0;
};
class SharedProbe final : public Rule {
 public:
  explicit SharedProbe(std::string_view id) { meta_.id = id; }
  const RuleMeta& meta() const override { return meta_; }
  void on_node(const SyntaxNode& /*node*/, FileContext& ctx) const override {
    SharedCounter& c = ctx.shared<SharedCounter>();
    if (c.owner == nullptr) c.owner = this;
    if (c.owner == this) ++c.nodes;
  }
  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    const SharedCounter& c = ctx.shared<SharedCounter>();
    ctx.report(Range{},
               std::string(meta_.id) + ":" + std::to_string(c.nodes) +
                   (c.owner == this ? ":owner" : ":reader"),
               Confidence::kHigh);
    return nullptr;
  }

 private:
  static constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
  RuleMeta meta_{.id = "", .summary = "probe", .cwe = {}, .tags = {}, .node_kinds = kKinds};
};

TEST(Engine, SharedSlotIsPerFileAndFilledOnce) {
  SharedProbe first("test/a");
  SharedProbe second("test/b");
  const Rule* rules[] = {&first, &second};
  const ScanResult r =
      analyze_files({mem("a.js", "f(); g(); h();\n"), mem("b.js", "f();\n")}, rules, {});
  std::vector<std::string> got;
  for (const auto& f : r.findings) got.push_back(f.file + " " + f.message);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a.js test/a:3:owner", "a.js test/b:3:reader",
                                           "b.js test/a:1:owner", "b.js test/b:1:reader"}));
}

}  // namespace
}  // namespace nodescope::engine
