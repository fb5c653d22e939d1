// Unit tests of the parse layer: line/UTF-16 column mapping, source refusal reasons, BOM and CRLF
// handling, and the per-file parse deadline.
#include <gtest/gtest.h>

#include <variant>

#include "parse/line_index.h"
#include "parse/parser.h"
#include "parse/source.h"

namespace nodescope::parse {
namespace {

TEST(LineIndex, LinesAndAsciiColumns) {
  const LineIndex idx("ab\ncd\n\nef");
  EXPECT_EQ(idx.line_count(), 4u);
  EXPECT_EQ(idx.line_of(0), 1u);
  EXPECT_EQ(idx.line_of(3), 2u);
  EXPECT_EQ(idx.column_of(4), 2u);
  EXPECT_EQ(idx.line_of(7), 4u);
  EXPECT_EQ(idx.line_text(2), "cd");
  EXPECT_EQ(idx.line_text(3), "");
  EXPECT_EQ(idx.line_text(4), "ef");
}

TEST(LineIndex, Utf16ColumnsForNonAscii) {
  // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 units.
  const std::string src = "const s = '\xC3\xA9\xF0\x9F\x98\x80'; eval(x);";
  const LineIndex idx(src);
  const auto eval_at = static_cast<std::uint32_t>(src.find("eval"));
  EXPECT_EQ(eval_at, 20u);
  EXPECT_EQ(idx.column_of(eval_at), 18u);  // 17 UTF-16 units precede it
}

TEST(LineIndex, CrlfLineText) {
  const LineIndex idx("a\r\nbb\r\n");
  EXPECT_EQ(idx.line_text(1), "a");
  EXPECT_EQ(idx.line_text(2), "bb");
  EXPECT_EQ(idx.line_of(3), 2u);
}

TEST(Source, RefusesWithReasons) {
  SourceLimits limits;
  EXPECT_FALSE(classify("a.js", "const a = 1;\n", limits).has_value());
  EXPECT_FALSE(classify("empty.js", "", limits).has_value());
  EXPECT_EQ(classify("b.js", std::string("a\0b", 3), limits)->kind, "binary");
  EXPECT_EQ(classify("c.js", "const s = '\xff\xfe';", limits)->kind, "not-utf8");
  EXPECT_EQ(classify("d.min.js", "var a=1;", limits)->kind, "skipped-minified");
  EXPECT_EQ(classify("e.js", std::string(20'000, 'a'), limits)->kind, "skipped-minified");
  std::string wide;
  for (int i = 0; i < 20; ++i) wide += std::string(600, 'x') + "\n";
  EXPECT_EQ(classify("f.js", wide, limits)->kind, "skipped-minified");
  limits.max_file_bytes = 10;
  EXPECT_EQ(classify("g.js", "0123456789ABC", limits)->kind, "too-large");
}

TEST(Source, InlineSourceMapDoesNotMakeAFileMinified) {
  // Babel/tsc output: ordinary code, then one huge base64 source-map comment line.
  std::string compiled;
  for (int i = 0; i < 50; ++i) compiled += "var a" + std::to_string(i) + " = require('x');\n";
  const std::string map =
      "//# sourceMappingURL=data:application/json;base64," + std::string(60'000, 'Q');
  EXPECT_FALSE(classify("lib/Auth.js", compiled + map, SourceLimits{}).has_value());
  EXPECT_FALSE(classify("lib/Auth.js", compiled + map + "\n", SourceLimits{}).has_value());
  // ...but a minified body with a source map is still minified.
  EXPECT_EQ(classify("lib/b.js", std::string(20'000, 'a') + "\n" + map, SourceLimits{})->kind,
            "skipped-minified");
}

TEST(Source, SkipsUtf8Bom) {
  auto loaded = load_source("bom.js", "",
                            std::string("\xEF\xBB\xBF"
                                        "eval(x);"),
                            SourceLimits{});
  ASSERT_TRUE(std::holds_alternative<LoadedSource>(loaded));
  EXPECT_EQ(std::get<LoadedSource>(loaded).text(), "eval(x);");
}

TEST(Source, UnreadableFileIsADiagnostic) {
  auto loaded =
      load_source("missing.js", "/nonexistent/nodescope/missing.js", std::nullopt, SourceLimits{});
  ASSERT_TRUE(std::holds_alternative<Diagnostic>(loaded));
  EXPECT_EQ(std::get<Diagnostic>(loaded).kind, "unreadable");
}

TEST(Parser, ParsesAllThreeGrammars) {
  Parser p;
  auto js = p.parse(Language::kJavaScript, "const a = <div/>;", std::chrono::seconds(5));
  ASSERT_TRUE(js.tree);
  EXPECT_FALSE(ts_node_has_error(ts_tree_root_node(js.tree.get())));
  auto ts = p.parse(Language::kTypeScript, "let a: number = 1 as number;", std::chrono::seconds(5));
  ASSERT_TRUE(ts.tree);
  EXPECT_FALSE(ts_node_has_error(ts_tree_root_node(ts.tree.get())));
  auto tsx =
      p.parse(Language::kTsx, "const a = <T,>(x: T) => <b>{x}</b>;", std::chrono::seconds(5));
  ASSERT_TRUE(tsx.tree);
  EXPECT_FALSE(ts_node_has_error(ts_tree_root_node(tsx.tree.get())));
}

TEST(Parser, DeadlineCancelsAndParserStaysUsable) {
  std::string big;
  for (int i = 0; i < 40'000; ++i)
    big += "function f" + std::to_string(i) + "(a) { return a + 1; }\n";
  Parser p;
  auto slow = p.parse(Language::kJavaScript, big, std::chrono::milliseconds(0));
  EXPECT_FALSE(slow.tree);
  EXPECT_TRUE(slow.timed_out);
  auto ok = p.parse(Language::kJavaScript, "let x = 1;", std::chrono::seconds(5));
  EXPECT_TRUE(ok.tree);
}

}  // namespace
}  // namespace nodescope::parse
