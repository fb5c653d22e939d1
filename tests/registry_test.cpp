// The registry consistency test: the rule list, the rule folders, their READMEs and fixtures must
// agree, so adding a rule the wrong way fails here rather than surprising a user.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <re2/re2.h>

#include "engine/dispatch.h"
#include "nodescope/rule.h"
#include "parse/parser.h"
#include "test_util.h"

namespace nodescope {
namespace {

namespace stdfs = std::filesystem;
using testing::read_file;
using testing::source_dir;

std::set<std::string> rule_folders() {
  std::set<std::string> ids;
  for (const auto& pack : stdfs::directory_iterator(source_dir() / "rules")) {
    if (!pack.is_directory()) continue;
    for (const auto& rule : stdfs::directory_iterator(pack.path())) {
      if (stdfs::exists(rule.path() / "rule.cpp")) {
        ids.insert(pack.path().filename().string() + "/" + rule.path().filename().string());
      }
    }
  }
  return ids;
}

TEST(Registry, SortedUniqueAndMatchesFolders) {
  std::vector<std::string> ids;
  for (const Rule* r : all_rules()) ids.emplace_back(r->meta().id);
  ASSERT_FALSE(ids.empty());
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << "rules/registry.cpp must be sorted by id";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "duplicate id";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), rule_folders())
      << "every rules/<pack>/<name>/rule.cpp must be registered in rules/registry.cpp, and every "
         "registered id must have that folder";
}

TEST(Registry, MetadataIsComplete) {
  static const RE2 kId("[a-z]+/[a-z0-9]+(-[a-z0-9]+)*");
  for (const Rule* r : all_rules()) {
    const RuleMeta& m = r->meta();
    SCOPED_TRACE(std::string(m.id));
    EXPECT_TRUE(RE2::FullMatch(re2::StringPiece(m.id.data(), m.id.size()), kId));
    EXPECT_FALSE(m.summary.empty());
    EXPECT_EQ(m.summary.back(), '.') << "the summary is one sentence";
    EXPECT_FALSE(m.tags.empty());
    if (m.id.substr(0, 9) == "security/") {
      EXPECT_FALSE(m.cwe.empty()) << "security rules need a CWE";
    }
    // Every subscribed node kind exists in at least one grammar (catches typos that would make a
    // rule silently never run).
    for (std::string_view kind : m.node_kinds) {
      bool known = false;
      for (Language lang : {Language::kJavaScript, Language::kTypeScript, Language::kTsx}) {
        const TSLanguage* g = parse::grammar(lang);
        for (std::uint32_t s = 0; s < ts_language_symbol_count(g); ++s) {
          if (kind == ts_language_symbol_name(g, static_cast<TSSymbol>(s))) known = true;
        }
      }
      EXPECT_TRUE(known) << "unknown node kind '" << kind << "'";
      // The walk skips the insides of strings and TS type syntax (engine/dispatch.h).
      for (std::string_view opaque : engine::kOpaqueKinds) {
        EXPECT_NE(kind, opaque) << "the walk does not enter '" << opaque << "' nodes";
      }
      for (std::string_view inner :
           {"string_fragment", "escape_sequence", "predefined_type", "type_identifier"}) {
        EXPECT_NE(kind, inner) << "'" << inner << "' only occurs where the walk does not go";
      }
    }
  }
}

TEST(Registry, ReadmeHasTheFixedShape) {
  for (const Rule* r : all_rules()) {
    const RuleMeta& m = r->meta();
    SCOPED_TRACE(std::string(m.id));
    const auto readme = source_dir() / "rules" / std::string(m.id) / "README.md";
    ASSERT_TRUE(stdfs::exists(readme));
    const std::string text = read_file(readme);
    EXPECT_EQ(text.rfind("# " + std::string(m.id) + "\n\n", 0), 0u) << "title line";
    EXPECT_NE(text.find("\n\n" + std::string(m.summary) + "\n"), std::string::npos)
        << "the summary must be the README's first sentence";
    for (const char* heading : {"## What it finds", "## Why it matters", "## Bad", "## Good",
                                "## How to fix", "## Options", "## References"}) {
      EXPECT_NE(text.find(std::string("\n") + heading + "\n"), std::string::npos) << heading;
    }
    for (int cwe : m.cwe) {
      EXPECT_NE(text.find("CWE-" + std::to_string(cwe)), std::string::npos) << cwe;
    }
  }
}

TEST(Registry, FixturesBothWays) {
  for (const Rule* r : all_rules()) {
    const std::string id(r->meta().id);
    SCOPED_TRACE(id);
    const auto dir = source_dir() / "rules" / id / "fixtures";
    ASSERT_TRUE(stdfs::is_directory(dir));
    bool positive = false;
    bool negative = false;
    for (const auto& e : stdfs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      const std::string text = read_file(e.path());
      const RE2 pos("(//|/\\*)\\s*expect:[^\\n]*\\b" + RE2::QuoteMeta(id));
      const RE2 neg("(//|/\\*)\\s*expect-not:[^\\n]*\\b" + RE2::QuoteMeta(id));
      positive = positive || RE2::PartialMatch(text, pos);
      negative = negative || RE2::PartialMatch(text, neg);
    }
    EXPECT_TRUE(positive) << "needs at least one `expect: " << id << "` fixture";
    EXPECT_TRUE(negative) << "needs at least one `expect-not: " << id << "` fixture";
  }
}

}  // namespace
}  // namespace nodescope
