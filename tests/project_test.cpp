// Tests of project configuration loading: JSONC, tsconfig extends and paths, package entries,
// and malformed files becoming diagnostics.
#include <gtest/gtest.h>

#include "facts/project.h"

namespace nodescope::facts {
namespace {

TEST(Jsonc, CommentsAndTrailingCommas) {
  EXPECT_EQ(strip_jsonc("{\"a\": 1, // c\n \"b\": \"//x\", /* d */ }"),
            "{\"a\": 1, \n \"b\": \"//x\"   }");  // comma and comment become blanks
  EXPECT_EQ(strip_jsonc("[1, 2,\n]"), "[1, 2 \n]");
  EXPECT_EQ(strip_jsonc("{\"s\": \"a,}\\\"/*\"}"), "{\"s\": \"a,}\\\"/*\"}");
}

TEST(Project, TsconfigExtendsPathsAndPackages) {
  std::vector<Diagnostic> diags;
  const ProjectConfig c = load_project(
      {
          {"tsconfig.base.json",
           "{ // base\n \"compilerOptions\": { \"baseUrl\": \"./src\", \"paths\": { \"@app/*\": "
           "[\"app/*\"], }, }, }"},
          {"svc/tsconfig.json", "{ \"extends\": \"../tsconfig.base\" }"},
          {"packages/a/package.json",
           "{\"name\": \"@x/a\", \"exports\": { \".\": { \"import\": \"./src/index.ts\" } } }"},
          {"packages/b/package.json", "{\"name\": \"@x/b\", \"main\": \"lib/b.js\"}"},
          {"broken/tsconfig.json", "{ \"compilerOptions\": { \"baseUrl\": } }"},
          {"nameless/package.json", "{\"private\": true}"},
      },
      diags);
  // Only tsconfig.json / jsconfig.json are project configs (TypeScript's nearest-config rule);
  // a base config counts through `extends`.
  ASSERT_EQ(c.tsconfigs.size(), 1u);
  EXPECT_EQ(c.tsconfigs[0].dir, "svc");
  EXPECT_EQ(c.tsconfigs[0].base_url, "src");
  EXPECT_EQ(c.tsconfigs[0].paths_dir, "src");
  ASSERT_EQ(c.tsconfigs[0].paths.size(), 1u);
  EXPECT_EQ(c.tsconfigs[0].paths[0].first, "@app/*");
  ASSERT_EQ(c.packages.size(), 2u);
  EXPECT_EQ(c.packages[0].name, "@x/a");
  EXPECT_EQ(c.packages[0].entry, "./src/index.ts");
  EXPECT_EQ(c.packages[1].entry, "lib/b.js");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].file, "broken/tsconfig.json");
  EXPECT_EQ(diags[0].kind, "malformed-json");
  EXPECT_EQ(diags[0].line, 1u);
}

}  // namespace
}  // namespace nodescope::facts
