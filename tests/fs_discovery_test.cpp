// Discovery on real folder trees the tests build in the temp folder: ignore files (nested, tool,
// parent and repository ones), exclusions, explicit inputs, symlink loops and escapes, special
// files, unreadable folders, errors, ordering and deduplication. The matcher's syntax is covered
// by fs_ignore_test.cpp. POSIX only (symlinks, mkfifo, permissions).
#include "fs/discovery.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace nodescope::fs {
namespace {

namespace stdfs = std::filesystem;

// A scratch folder, removed (with any permissions the test took away restored) on destruction.
class TempTree {
 public:
  TempTree() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string name = std::string("nodescope-fs-") + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++) + "-" + (info ? info->name() : "x");
    root_ = stdfs::temp_directory_path() / name;
    stdfs::remove_all(root_);
    stdfs::create_directories(root_);
  }
  ~TempTree() {
    std::error_code ec;
    for (auto it = stdfs::recursive_directory_iterator(
             root_, stdfs::directory_options::skip_permission_denied, ec);
         !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) {
        stdfs::permissions(it->path(), stdfs::perms::owner_all, stdfs::perm_options::add, ec);
      }
    }
    stdfs::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const stdfs::path& root() const { return root_; }
  stdfs::path path(std::string_view rel) const { return root_ / rel; }

  void file(std::string_view rel, std::string_view content = "x\n") const {
    const stdfs::path p = path(rel);
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  void dir(std::string_view rel) const { stdfs::create_directories(path(rel)); }
  void link(std::string_view rel, std::string_view target) const {
    stdfs::create_directories(path(rel).parent_path());
    stdfs::create_symlink(target, path(rel));
  }

 private:
  stdfs::path root_;
};

DiscoveryResult discover_ok(const stdfs::path& root, const std::vector<stdfs::path>& inputs,
                            const DiscoveryOptions& options = {}) {
  Expected<DiscoveryResult> result = discover(root, inputs, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result.value()) : DiscoveryResult{};
}

std::vector<std::string> sources(const DiscoveryResult& r) {
  std::vector<std::string> out;
  for (const SourceEntry& s : r.sources) out.push_back(s.rel_path);
  return out;
}

std::vector<std::string> projects(const DiscoveryResult& r) {
  std::vector<std::string> out;
  for (const ProjectFileEntry& p : r.project_files) out.push_back(p.rel_path);
  return out;
}

std::vector<std::string> diags(const DiscoveryResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) out.push_back(d.file + " " + d.kind);
  return out;
}

using Strings = std::vector<std::string>;

TEST(LanguageOf, Extensions) {
  EXPECT_EQ(language_of("a.js"), Language::kJavaScript);
  EXPECT_EQ(language_of("src/a.mjs"), Language::kJavaScript);
  EXPECT_EQ(language_of("a.cjs"), Language::kJavaScript);
  EXPECT_EQ(language_of("a.jsx"), Language::kJavaScript);
  EXPECT_EQ(language_of("a.ts"), Language::kTypeScript);
  EXPECT_EQ(language_of("a.mts"), Language::kTypeScript);
  EXPECT_EQ(language_of("a.cts"), Language::kTypeScript);
  EXPECT_EQ(language_of("a.tsx"), Language::kTsx);
  EXPECT_EQ(language_of("a.d.ts"), std::nullopt);
  EXPECT_EQ(language_of("types/a.d.mts"), std::nullopt);
  EXPECT_EQ(language_of("a.d.cts"), std::nullopt);
  EXPECT_EQ(language_of("d.ts"), Language::kTypeScript);
  EXPECT_EQ(language_of("a.json"), std::nullopt);
  EXPECT_EQ(language_of("a.JS"), std::nullopt);
  EXPECT_EQ(language_of("js"), std::nullopt);
  EXPECT_EQ(language_of("x.js/readme"), std::nullopt);
}

TEST(IsProjectFile, Names) {
  for (std::string_view yes : {"package.json",
                               "tsconfig.json",
                               "tsconfig.build.json",
                               "jsconfig.json",
                               "package-lock.json",
                               "npm-shrinkwrap.json",
                               "yarn.lock",
                               "pnpm-lock.yaml",
                               "bun.lock",
                               ".nvmrc",
                               ".node-version",
                               ".tool-versions",
                               "Dockerfile",
                               "Dockerfile.prod",
                               "docker-compose.yml",
                               "docker-compose.override.yaml",
                               "compose.yaml",
                               "Procfile",
                               "ecosystem.config.js",
                               "ecosystem.config.cjs",
                               ".nodescope.json",
                               "schema.prisma",
                               "migration.sql",
                               "deployment.yaml",
                               "api.service",
                               ".env.production"}) {
    EXPECT_TRUE(is_project_file(yes)) << yes;
  }
  for (std::string_view no :
       {"package.json5", "tsconfig.yml5", "index.js", "docker-compose.json", ".env",
        "migration.sqlx", "yarn.lock.bak", "ecosystem.config.", "procfile", "README.md"}) {
    EXPECT_FALSE(is_project_file(no)) << no;
  }
}

TEST(Discovery, ClassifiesSortsAndSizes) {
  TempTree t;
  t.file("src/b.ts", "let x = 1;\n");
  t.file("src/a.js", "1234");
  t.file("src/c.tsx");
  t.file("src/types.d.ts");
  t.file("src/readme.md");
  t.file("package.json", "{}");
  t.file("src/tsconfig.json", "{}");
  t.file("ecosystem.config.js");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"ecosystem.config.js", "src/a.js", "src/b.ts", "src/c.tsx"}));
  EXPECT_EQ(projects(r), (Strings{"ecosystem.config.js", "package.json", "src/tsconfig.json"}));
  ASSERT_EQ(r.sources.size(), 4u);
  EXPECT_EQ(r.sources[1].language, Language::kJavaScript);
  EXPECT_EQ(r.sources[1].size, 4u);
  EXPECT_EQ(r.sources[2].language, Language::kTypeScript);
  EXPECT_EQ(r.sources[3].language, Language::kTsx);
  EXPECT_TRUE(stdfs::exists(r.sources[1].abs_path));
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(Discovery, EmptyInputListMeansTheRoot) {
  TempTree t;
  t.file("a.js");
  EXPECT_EQ(sources(discover_ok(t.root(), {})), (Strings{"a.js"}));
}

TEST(Discovery, NestedGitignore) {
  TempTree t;
  t.file(".gitignore", "*.gen.js\nout/\n");
  t.file("a.gen.js");
  t.file("a.js");
  t.file("out/x.js");
  t.file("sub/.gitignore", "!keep.gen.js\n/local.js\n");
  t.file("sub/keep.gen.js");
  t.file("sub/drop.gen.js");
  t.file("sub/local.js");
  t.file("sub/deeper/local.js");
  t.file("sub/out/y.js");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"a.js", "sub/deeper/local.js", "sub/keep.gen.js"}));
}

TEST(Discovery, ExcludedFolderCannotBeReincluded) {
  TempTree t;
  t.file(".gitignore", "lib/\n!lib/a.js\ngen/**\n!gen/keep.js\n");
  t.file("lib/a.js");
  t.file("gen/keep.js");
  t.file("gen/drop.js");
  EXPECT_EQ(sources(discover_ok(t.root(), {t.root()})), (Strings{"gen/keep.js"}));
}

TEST(Discovery, NodescopeIgnore) {
  TempTree t;
  t.file(".nodescopeignore", "legacy/\n!vendor/\n");
  t.file(".gitignore", "vendor/\n");
  t.file("legacy/old.js");
  t.file("vendor/lib.js");
  t.file("app.js");
  t.file("sub/.nodescopeignore", "*.test.js\n");
  t.file("sub/a.test.js");
  t.file("sub/a.js");
  EXPECT_EQ(sources(discover_ok(t.root(), {t.root()})),
            (Strings{"app.js", "sub/a.js", "vendor/lib.js"}));

  DiscoveryOptions no_ignore;
  no_ignore.use_ignore_files = false;
  EXPECT_EQ(sources(discover_ok(t.root(), {t.root()}, no_ignore)),
            (Strings{"app.js", "legacy/old.js", "sub/a.js", "sub/a.test.js", "vendor/lib.js"}));
}

TEST(Discovery, DefaultExcludedAndAlwaysSkippedFolders) {
  TempTree t;
  t.file("dist/a.js");
  t.file("build/a.js");
  t.file("coverage/a.js");
  t.file("src/dist/a.js");
  t.file("node_modules/pkg/index.js");
  t.file("src/node_modules/pkg/index.js");
  t.file(".git/hooks/x.js");
  t.file("dist.js");
  t.file("src/build.ts");
  EXPECT_EQ(sources(discover_ok(t.root(), {t.root()})), (Strings{"dist.js", "src/build.ts"}));

  DiscoveryOptions none;
  none.default_excluded_dirs.clear();
  EXPECT_EQ(sources(discover_ok(t.root(), {t.root()}, none)),
            (Strings{"build/a.js", "coverage/a.js", "dist.js", "dist/a.js", "src/build.ts",
                     "src/dist/a.js"}));
}

TEST(Discovery, ExplicitInputsBypassIgnoreForThemselves) {
  TempTree t;
  t.file(".gitignore", "ignored.js\ngen/\n");
  t.file("ignored.js");
  t.file("gen/a.js");
  t.file("gen/ignored.js");
  t.file("notes.txt");
  t.file("package.json");
  t.file("dist/x.js");
  const DiscoveryResult r =
      discover_ok(t.root(), {t.path("ignored.js"), t.path("gen"), t.path("notes.txt"),
                             t.path("package.json"), t.path("dist")});
  EXPECT_EQ(sources(r), (Strings{"dist/x.js", "gen/a.js", "ignored.js"}));
  EXPECT_EQ(projects(r), (Strings{"package.json"}));
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(Discovery, ParentIgnoreFilesUpToTheRepository) {
  TempTree t;
  t.dir("repo/.git/info");
  t.file("repo/.git/info/exclude", "secret.js\n");
  t.file("repo/.gitignore", "*.gen.js\n/app/top.js\n");
  t.file("repo/packages/.nodescopeignore", "fixtures/\n");
  t.file("repo/packages/app/a.js");
  t.file("repo/packages/app/a.gen.js");
  t.file("repo/packages/app/secret.js");
  t.file("repo/packages/app/fixtures/f.js");
  t.file("repo/packages/app/top.js");  // /app/top.js is anchored at repo/, not here
  const DiscoveryResult r = discover_ok(t.path("repo/packages/app"), {t.path("repo/packages/app")});
  EXPECT_EQ(sources(r), (Strings{"a.js", "top.js"}));

  // Outside a repository, folders above the root contribute nothing.
  TempTree plain;
  plain.file(".gitignore", "*.js\n");
  plain.file("app/a.js");
  EXPECT_EQ(sources(discover_ok(plain.path("app"), {plain.path("app")})), (Strings{"a.js"}));
}

TEST(Discovery, IgnoreFilesBetweenRootAndInput) {
  TempTree t;
  t.file(".gitignore", "*.gen.js\n");
  t.file("src/.gitignore", "skip/\n");
  t.file("src/api/a.js");
  t.file("src/api/a.gen.js");
  t.file("src/api/skip/b.js");
  EXPECT_EQ(sources(discover_ok(t.root(), {t.path("src/api")})), (Strings{"src/api/a.js"}));
}

TEST(Discovery, SymlinkToParentIsALoop) {
  TempTree t;
  t.file("src/a.js");
  t.link("src/loop", ".");
  t.link("up", "..");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"src/a.js"}));
  // "up" leads outside the root; "src/loop" back into its own folder.
  EXPECT_EQ(diags(r), (Strings{"src/loop symlink-loop", "up symlink-outside-root"}));
  EXPECT_NE(r.diagnostics[0].message.find("not followed"), std::string::npos);
}

TEST(Discovery, MutualAndSelfSymlinkLoops) {
  TempTree t;
  t.file("a.js");
  t.link("x", "y");
  t.link("y", "x");
  t.link("self.js", "self.js");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"a.js"}));
  EXPECT_EQ(diags(r), (Strings{"self.js symlink-loop", "x symlink-loop", "y symlink-loop"}));
}

TEST(Discovery, FolderLinksEachWalkedOnce) {
  TempTree t;
  t.file("d1/f.js");
  t.link("d1/l1", "../d2");
  t.link("d1/l2", "../d2");
  t.file("d2/g.js");
  t.link("d2/back", "../d1");
  const DiscoveryResult r = discover_ok(t.root(), {t.path("d1")});
  // d2 is reached first through l1 (it is not an input), then every other way is a repeat.
  EXPECT_EQ(sources(r), (Strings{"d1/f.js", "d1/l1/g.js"}));
  EXPECT_EQ(diags(r), (Strings{"d1/l1/back symlink-loop", "d1/l2 symlink-loop"}));
}

TEST(Discovery, SymlinkOutsideRoot) {
  TempTree outside;
  outside.file("lib/x.js");
  TempTree t;
  t.file("a.js");
  t.link("ext", (outside.root() / "lib").string());
  t.link("ext.js", (outside.root() / "lib/x.js").string());
  t.link("README", (outside.root() / "lib/x.js").string());  // not a file we would read
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"a.js"}));
  EXPECT_EQ(diags(r), (Strings{"ext symlink-outside-root", "ext.js symlink-outside-root"}));
  EXPECT_NE(r.diagnostics[0].message.find("not followed"), std::string::npos);
}

TEST(Discovery, SymlinksInsideRootAreFollowedAndDeduplicated) {
  TempTree t;
  t.file("real.js", "12345");
  t.link("alias.js", "real.js");
  t.file("lib/util.js");
  t.link("src/shared", "../lib");
  t.file("src/app.js");
  t.file("releases/v2/main.js");
  t.link("current", "releases/v2");

  // The same file through a link is kept once: the first path in sorted order.
  const DiscoveryResult all = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(all),
            (Strings{"alias.js", "lib/util.js", "releases/v2/main.js", "src/app.js"}));
  EXPECT_EQ(all.sources[0].size, 5u);
  EXPECT_EQ(diags(all), (Strings{"current symlink-loop", "src/shared symlink-loop"}));

  // A link to a folder the walk does not otherwise reach is followed.
  const DiscoveryResult src = discover_ok(t.root(), {t.path("src")});
  EXPECT_EQ(sources(src), (Strings{"src/app.js", "src/shared/util.js"}));
  EXPECT_TRUE(src.diagnostics.empty());
}

TEST(Discovery, BrokenSymlinksAreSilentlySkipped) {
  TempTree t;
  t.file("a.js");
  t.link("dangling.js", "nowhere.js");
  t.link("gone", "missing-folder");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"a.js"}));
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(Discovery, FolderNamedLikeASource) {
  TempTree t;
  t.file("x.js/inner.js");
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"x.js/inner.js"}));
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(Discovery, FifoIsNotAFile) {
  TempTree t;
  t.file("a.js");
  ASSERT_EQ(::mkfifo(t.path("x.js").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(t.path("pipe.txt").c_str(), 0600), 0);
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});  // must not block
  EXPECT_EQ(sources(r), (Strings{"a.js"}));
  EXPECT_EQ(diags(r), (Strings{"x.js not-a-file"}));

  const DiscoveryResult named = discover_ok(t.root(), {t.path("x.js")});
  EXPECT_EQ(diags(named), (Strings{"x.js not-a-file"}));
}

TEST(Discovery, UnreadableFolderIsADiagnostic) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any folder";
  TempTree t;
  t.file("a.js");
  t.file("locked/b.js");
  stdfs::permissions(t.path("locked"), stdfs::perms::none);
  const DiscoveryResult r = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(r), (Strings{"a.js"}));
  EXPECT_EQ(diags(r), (Strings{"locked unreadable"}));
}

TEST(Discovery, Errors) {
  TempTree t;
  t.file("a.js");
  const Expected<DiscoveryResult> missing = discover(t.root(), {t.path("nope.js")}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            t.path("nope.js").string() + ": no such file or directory; check the path");

  const Expected<DiscoveryResult> no_root = discover(t.path("absent"), {}, {});
  ASSERT_FALSE(no_root.ok());
  EXPECT_NE(no_root.error().message.find("no such file or directory"), std::string::npos);

  const Expected<DiscoveryResult> file_root = discover(t.path("a.js"), {}, {});
  ASSERT_FALSE(file_root.ok());
  EXPECT_NE(file_root.error().message.find("not a folder"), std::string::npos);

  TempTree other;
  other.file("b.js");
  const Expected<DiscoveryResult> outside = discover(t.root(), {other.path("b.js")}, {});
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().message.find("outside the scan root"), std::string::npos);

  t.link("broken.js", "nowhere.js");
  const Expected<DiscoveryResult> broken = discover(t.root(), {t.path("broken.js")}, {});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("broken symbolic link"), std::string::npos);
}

TEST(Discovery, OverlappingInputsAreDeduplicated) {
  TempTree t;
  t.file("src/b.js");
  t.file("src/a.js");
  t.file("z.js");
  t.file("package.json");
  const DiscoveryResult r = discover_ok(
      t.root(), {t.path("src/a.js"), t.path("src"), t.root(), t.path("src/a.js"), t.path("src/")});
  EXPECT_EQ(sources(r), (Strings{"src/a.js", "src/b.js", "z.js"}));
  EXPECT_EQ(projects(r), (Strings{"package.json"}));
}

TEST(Discovery, RelativeInputsAndRootThroughASymlink) {
  TempTree t;
  t.file("proj/src/a.js");
  t.link("alias", "proj");
  std::error_code ec;
  const stdfs::path saved = stdfs::current_path();
  stdfs::current_path(t.path("proj"));
  const Expected<DiscoveryResult> r = discover(".", {"src", "./src/a.js"}, {});
  stdfs::current_path(saved, ec);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(sources(r.value()), (Strings{"src/a.js"}));

  // Root spelled through a link, input spelled physically: still the same place.
  const DiscoveryResult via = discover_ok(t.path("alias"), {t.path("proj/src")});
  EXPECT_EQ(sources(via), (Strings{"src/a.js"}));
}

TEST(Discovery, DeterministicAcrossRuns) {
  TempTree t;
  for (int i = 0; i < 50; ++i) {
    // Built with += : GCC 12 warns falsely (-Wrestrict) on "literal" + std::to_string(...).
    std::string name = "d";
    name += std::to_string(i % 7);
    name += "/f";
    name += std::to_string(i);
    name += ".js";
    t.file(name);
  }
  t.link("d0/link", "../d3");
  const DiscoveryResult a = discover_ok(t.root(), {t.root()});
  const DiscoveryResult b = discover_ok(t.root(), {t.root()});
  EXPECT_EQ(sources(a), sources(b));
  EXPECT_EQ(diags(a), diags(b));
  EXPECT_EQ(a.sources.size(), 50u);
  EXPECT_TRUE(std::is_sorted(
      a.sources.begin(), a.sources.end(),
      [](const SourceEntry& x, const SourceEntry& y) { return x.rel_path < y.rel_path; }));
}

}  // namespace
}  // namespace nodescope::fs
