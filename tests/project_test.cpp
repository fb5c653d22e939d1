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

namespace nodescope::facts {
namespace {

TEST(Project, LockfileVersionsWinOverRanges) {
  std::vector<Diagnostic> diags;
  const ProjectConfig c = load_project(
      {
          {"package.json",
           "{\"dependencies\": {\"express\": \"^4.18.0\", \"koa\": \"~2.15.0\", \"fastify\": "
           "\"*\"}}"},
          {"package-lock.json",
           "{\"lockfileVersion\": 3, \"packages\": {\"\": {}, \"node_modules/express\": "
           "{\"version\": \"4.21.2\"}, \"node_modules/a/node_modules/express\": {\"version\": "
           "\"3.0.0\"}}}"},
          {"svc/yarn.lock",
           "# yarn v1\n\"koa@^2.15.0\", koa@~2.15.0:\n  version \"2.15.3\"\n  resolved \"x\"\n"},
          {"berry/yarn.lock", "\"@hapi/hapi@npm:^21.0.0\":\n  version: 21.3.12\n"},
          {"pn/pnpm-lock.yaml",
           "lockfileVersion: '9.0'\npackages:\n  fastify@5.4.0:\n    resolution: {}\n"
           "  /@nestjs/core@11.1.2(rxjs@7.8.1):\n    resolution: {}\n"},
      },
      diags);
  auto version = [&](std::string_view name) {
    const DependencyVersion* d = c.dependency(name);
    return d == nullptr ? std::string("(none)") : d->version + "@" + d->source;
  };
  EXPECT_EQ(version("express"), "4.21.2@package-lock.json");  // not the nested 3.0.0
  EXPECT_EQ(version("koa"), "2.15.3@svc/yarn.lock");
  EXPECT_EQ(version("@hapi/hapi"), "21.3.12@berry/yarn.lock");
  EXPECT_EQ(version("fastify"), "5.4.0@pn/pnpm-lock.yaml");
  EXPECT_EQ(version("@nestjs/core"), "11.1.2@pn/pnpm-lock.yaml");
  EXPECT_EQ(c.dependency("express")->major, 4);
  EXPECT_EQ(major_of("^5.1.0"), 5);
  EXPECT_EQ(major_of(">=4 <6"), 4);
  EXPECT_EQ(major_of("*"), -1);
  EXPECT_EQ(major_of("latest"), -1);
  EXPECT_TRUE(diags.empty());
}

}  // namespace
}  // namespace nodescope::facts
