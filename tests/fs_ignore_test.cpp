// Table tests for the gitignore matcher (fs/ignore.h): each syntax feature with matching and
// non-matching paths, negation, folder-only patterns, anchoring and the precedence of nested
// files. Pure string tests; discovery's use of ignore files on disk is in fs_discovery_test.cpp.
#include "fs/ignore.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nodescope::fs {
namespace {

struct Case {
  std::string_view patterns;
  std::string_view path;
  bool is_dir;
  IgnoreVerdict expected;
};

constexpr IgnoreVerdict kIgn = IgnoreVerdict::kIgnore;
constexpr IgnoreVerdict kInc = IgnoreVerdict::kInclude;
constexpr IgnoreVerdict kNone = IgnoreVerdict::kNone;

std::string describe(const Case& c) {
  return "patterns=\"" + std::string(c.patterns) + "\" path=\"" + std::string(c.path) +
         (c.is_dir ? "/\"" : "\"");
}

void run_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const IgnoreFile file = IgnoreFile::parse(c.patterns);
    EXPECT_EQ(file.match_path(c.path, c.is_dir), c.expected) << describe(c);
  }
}

TEST(IgnoreMatch, BasenamePatternsMatchAtAnyDepth) {
  run_cases({
      {"*.js", "a.js", false, kIgn},
      {"*.js", "src/deep/a.js", false, kIgn},
      {"*.js", "a.ts", false, kNone},
      {"*.js", "a.jsx", false, kNone},
      {"*.js", "a.js.map", false, kNone},
      {"foo", "foo", false, kIgn},
      {"foo", "a/foo", true, kIgn},
      {"foo", "foobar", false, kNone},
      {"foo", "a/foo/b.js", false, kNone},  // descendants fall by not descending, not by match
      {"**", "anything/at/all", false, kIgn},
  });
}

TEST(IgnoreMatch, WildcardsAndClasses) {
  run_cases({
      {"?.js", "a.js", false, kIgn},
      {"?.js", "ab.js", false, kNone},
      {"?.js", ".js", false, kNone},
      {"a*b*c", "aXXbYYc", false, kIgn},
      {"a*b*c", "aXXbYY", false, kNone},
      {"foo**bar", "fooXbar", false, kIgn},  // `**` inside a name is just `*`
      {"[abc].js", "b.js", false, kIgn},
      {"[abc].js", "d.js", false, kNone},
      {"[!abc].js", "d.js", false, kIgn},
      {"[!abc].js", "a.js", false, kNone},
      {"[^abc].js", "a.js", false, kNone},
      {"[a-c]x", "bx", false, kIgn},
      {"[a-c]x", "dx", false, kNone},
      {"[[:digit:]]*", "1abc", false, kIgn},
      {"[[:digit:]]*", "abc", false, kNone},
      {"[]]", "]", false, kIgn},
      {"[!]]", "a", false, kIgn},
      {"[abc", "[abc", false, kNone},     // unterminated class: never matches, as in git
      {"[[:nope:]]", "n", false, kNone},  // unknown class name: never matches
  });
}

TEST(IgnoreMatch, EscapesCommentsAndSpaces) {
  run_cases({
      {"#foo", "#foo", false, kNone},  // a comment
      {"\\#foo", "#foo", false, kIgn},
      {"\\!bar", "!bar", false, kIgn},
      {"\\*", "*", false, kIgn},
      {"\\*", "a", false, kNone},
      {"a\\?", "a?", false, kIgn},
      {"a\\?", "ab", false, kNone},
      {"foo   ", "foo", false, kIgn},
      {"foo\\ ", "foo ", false, kIgn},
      {"foo\\ ", "foo", false, kNone},
      {"foo\\", "foo", false, kNone},  // a trailing backslash never matches
      {"  \n\n# only comments\n", "x", false, kNone},
      {"a\r\nb\r\n", "b", false, kIgn},  // CRLF files
      {"\xEF\xBB\xBF"
       "foo",
       "foo", false, kIgn},  // UTF-8 BOM
  });
}

TEST(IgnoreMatch, NegationLastMatchWins) {
  run_cases({
      {"*.js\n!keep.js", "keep.js", false, kInc},
      {"*.js\n!keep.js", "a.js", false, kIgn},
      {"!keep.js\n*.js", "keep.js", false, kIgn},
      {"!keep.js", "other.js", false, kNone},
      {"!", "!", false, kNone},  // an empty negation is dropped
  });
}

TEST(IgnoreMatch, DirOnly) {
  run_cases({
      {"build/", "build", true, kIgn},
      {"build/", "build", false, kNone},
      {"build/", "a/build", true, kIgn},
      {"/out/", "out", true, kIgn},
      {"/out/", "a/out", true, kNone},
      {"a/b/", "a/b", true, kIgn},
      {"a/b/", "a/b", false, kNone},
  });
}

TEST(IgnoreMatch, Anchoring) {
  run_cases({
      {"/foo", "foo", false, kIgn},
      {"/foo", "a/foo", false, kNone},
      {"doc/frotz", "doc/frotz", true, kIgn},
      {"doc/frotz", "a/doc/frotz", true, kNone},
      {"a/*.js", "a/b.js", false, kIgn},
      {"a/*.js", "a/b/c.js", false, kNone},
      {"a/*", "a/x", true, kIgn},
      {"a/*", "a/x/y", false, kNone},
      {"/", "x", false, kNone},  // nothing left to match: dropped
  });
}

TEST(IgnoreMatch, Globstar) {
  run_cases({
      {"**/foo", "foo", false, kIgn},
      {"**/foo", "a/foo", false, kIgn},
      {"**/foo", "a/b/foo", true, kIgn},
      {"**/foo", "foox", false, kNone},
      {"**/foo/bar", "foo/bar", false, kIgn},
      {"**/foo/bar", "x/y/foo/bar", false, kIgn},
      {"**/foo/bar", "foo/x/bar", false, kNone},
      {"a/**/b", "a/b", false, kIgn},
      {"a/**/b", "a/x/b", false, kIgn},
      {"a/**/b", "a/x/y/b", false, kIgn},
      {"a/**/b", "a/xb", false, kNone},
      {"a/**/b", "b", false, kNone},
      {"a/**/b/**/c", "a/1/b/2/3/c", false, kIgn},
      {"a/**/b/**/c", "a/1/c/2/b", false, kNone},
      {"a/**", "a/x", false, kIgn},
      {"a/**", "a/x/y", false, kIgn},
      {"a/**", "a", true, kNone},  // everything inside, not the folder itself
      {"a/**\n!a/keep.js", "a/keep.js", false, kInc},
      {"a/**b", "a/xb", false, kIgn},  // not a whole segment: a plain `*`
      {"a/**b", "a/x/b", false, kNone},
      {"/**", "x/y", false, kIgn},
  });
}

TEST(IgnoreMatch, GlobSegmentDirect) {
  EXPECT_TRUE(glob_match_segment("*", ""));
  EXPECT_TRUE(glob_match_segment("*.*", "a.b"));
  EXPECT_FALSE(glob_match_segment("*.*", "ab"));
  EXPECT_TRUE(glob_match_segment("*a*a*a*", "xaxaxaxx"));
  EXPECT_FALSE(glob_match_segment("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(glob_match_segment("[a\\]]", "]"));
  EXPECT_TRUE(glob_match_segment("[a-]", "-"));
}

TEST(IgnoreMatch, ParseDropsNonPatterns) {
  const IgnoreFile file = IgnoreFile::parse("# c\n\n   \n!\n/\nfoo\n!bar\n");
  EXPECT_EQ(file.size(), 2u);
}

// --- nesting precedence --------------------------------------------------------------------------

std::shared_ptr<const IgnoreLevel> level(std::size_t depth, std::string_view git,
                                         std::string_view tool) {
  auto l = std::make_shared<IgnoreLevel>();
  l->depth = depth;
  l->git = IgnoreFile::parse(git);
  l->tool = IgnoreFile::parse(tool);
  return l;
}

bool ignored(const std::shared_ptr<const IgnoreChain>& chain, const IgnoreFile* exclude,
             std::string_view path, bool is_dir = false) {
  std::vector<std::string_view> parts;
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return is_ignored(chain.get(), exclude, parts, is_dir);
}

TEST(IgnoreChainTest, DeeperGitignoreOverrides) {
  auto root = push_level(nullptr, level(0, "*.js\n", ""));
  auto sub = push_level(root, level(1, "!keep.js\n", ""));
  EXPECT_TRUE(ignored(root, nullptr, "keep.js"));
  EXPECT_FALSE(ignored(sub, nullptr, "sub/keep.js"));
  EXPECT_TRUE(ignored(sub, nullptr, "sub/other.js"));

  auto allow = push_level(nullptr, level(0, "!*.js\n", ""));
  auto deny = push_level(allow, level(1, "x.js\n", ""));
  EXPECT_TRUE(ignored(deny, nullptr, "sub/x.js"));
  EXPECT_FALSE(ignored(deny, nullptr, "sub/y.js"));
}

TEST(IgnoreChainTest, PatternsAreRelativeToTheirFolder) {
  auto root = push_level(nullptr, level(0, "", ""));
  auto sub = push_level(root, level(1, "/x.js\nlib/gen\n", ""));
  EXPECT_TRUE(ignored(sub, nullptr, "sub/x.js"));
  EXPECT_FALSE(ignored(sub, nullptr, "sub/deeper/x.js"));
  EXPECT_TRUE(ignored(sub, nullptr, "sub/lib/gen", true));
  EXPECT_FALSE(ignored(sub, nullptr, "lib/gen", true));
}

TEST(IgnoreChainTest, ToolFileBeatsGitignoreAtAnyDepth) {
  auto root = push_level(nullptr, level(0, "vendor/\n", "!gen.js\n"));
  auto sub = push_level(root, level(1, "gen.js\n", ""));
  EXPECT_FALSE(ignored(sub, nullptr, "sub/gen.js"));
  EXPECT_TRUE(ignored(root, nullptr, "vendor", true));
  auto same = push_level(nullptr, level(0, "vendor/\n", "!vendor/\n"));
  EXPECT_FALSE(ignored(same, nullptr, "vendor", true));
}

TEST(IgnoreChainTest, RepoExcludeHasLowestPrecedence) {
  const IgnoreFile exclude = IgnoreFile::parse("*.log.js\nsecret.js\n");
  auto root = push_level(nullptr, level(0, "!keep.log.js\n", ""));
  EXPECT_TRUE(ignored(root, &exclude, "a.log.js"));
  EXPECT_TRUE(ignored(root, &exclude, "deep/secret.js"));
  EXPECT_FALSE(ignored(root, &exclude, "keep.log.js"));
  EXPECT_FALSE(ignored(nullptr, &exclude, "a.js"));
}

}  // namespace
}  // namespace nodescope::fs
