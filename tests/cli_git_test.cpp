// End-to-end tests of the pre-commit and pull-request modes through the binary, in real git
// repositories made in temporary folders (init, commit, edit, stage): --staged reads staged
// content from the index (an unstaged fix does not hide a staged finding, an unstaged new problem
// does not appear), handles deletions, renames, odd names and a scan root in a subfolder, and
// never writes into the repository; files after `--` filter the report with whole-project
// context; --changed-since reports only changed lines; baselines keep moved findings hidden in
// both modes; the progress indicator never reaches a pipe. Also unit tests of the diff parser and
// the progress indicator. Skipped when git is not installed.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include <simdjson.h>

#include "cli/git.h"
#include "cli/progress.h"
#include "test_util.h"

namespace nodescope::testing {
namespace {

namespace stdfs = std::filesystem;

bool have_git() { return run_command("git --version >/dev/null 2>&1").exit_code == 0; }

#define REQUIRE_GIT()                                        \
  do {                                                       \
    if (!have_git()) GTEST_SKIP() << "git is not installed"; \
  } while (false)

const char* const kEval = "eval(process.argv[2]);\n";
const char* const kClean = "module.exports = 1;\n";

// A git repository in a temporary folder; commands run without the user's global config.
class Repo {
 public:
  Repo() {
    git("init -q .");
    git("config commit.gpgsign false");
  }
  const TempDir& dir() const { return dir_; }
  const stdfs::path& path() const { return dir_.path(); }
  void write(const std::string& rel, const std::string& text) const { dir_.write(rel, text); }
  CommandResult git(const std::string& args) const {
    auto r = in("git -c user.name=t -c user.email=t@t " + args + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << "git " << args << ": " << r.out;
    return r;
  }
  CommandResult in(const std::string& command, const std::string& sub = "") const {
    return run_command("cd " + quote((dir_.path() / sub).string()) + " && " + command);
  }
  // nodescope ARGS in the repository (or a subfolder), stdout only.
  CommandResult ns(const std::string& args, const std::string& sub = "") const {
    return in(quote(binary()) + " " + args, sub);
  }

 private:
  TempDir dir_;
};

struct Report {
  std::vector<std::pair<std::string, std::uint64_t>> findings;  // (file, line)
  std::set<std::string> diagnostics;                            // "file kind"
  std::uint64_t files = 0;
};

Report parse(const std::string& json) {
  Report r;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) {
    ADD_FAILURE() << "not JSON: " << json;
    return r;
  }
  const simdjson::dom::array findings = doc["findings"].get_array().value();
  for (auto f : findings) {
    r.findings.emplace_back(std::string(f["file"].get_string().value()),
                            f["line"].get_uint64().value());
  }
  const simdjson::dom::array diagnostics = doc["diagnostics"].get_array().value();
  for (auto d : diagnostics) {
    r.diagnostics.insert(std::string(d["file"].get_string().value()) + " " +
                         std::string(d["kind"].get_string().value()));
  }
  r.files = doc["stats"]["files"].get_uint64().value();
  return r;
}

using Found = std::vector<std::pair<std::string, std::uint64_t>>;

// Everything under .git, with sizes and modification times, to prove nothing was written.
std::string git_state(const Repo& repo) {
  std::ostringstream s;
  std::vector<stdfs::path> files;
  for (const auto& e : stdfs::recursive_directory_iterator(repo.path() / ".git")) {
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    s << p.string();
    if (stdfs::is_regular_file(p)) {
      s << " " << stdfs::file_size(p) << " "
        << stdfs::last_write_time(p).time_since_epoch().count();
    }
    s << "\n";
  }
  return s.str();
}

TEST(CliGit, StagedReadsTheIndexNotTheWorkingTree) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("a.js", kClean);
  repo.write("b.js", kClean);
  repo.write("old.js", kEval);  // committed with a finding, never staged again
  repo.git("add -A");
  repo.git("commit -q -m base");

  // a.js: a staged problem, fixed only in the working tree. b.js: a staged clean edit, broken
  // only in the working tree.
  repo.write("a.js", std::string("// staged\n") + kEval);
  repo.git("add a.js");
  repo.write("a.js", "// fixed, not staged\nmodule.exports = 2;\n");
  repo.write("b.js", "module.exports = 3;\n");
  repo.git("add b.js");
  repo.write("b.js", std::string("module.exports = 3;\n") + kEval);

  const std::string before = git_state(repo);
  auto r = repo.ns("scan --staged --format json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const Report report = parse(r.out);
  EXPECT_EQ(report.findings, (Found{{"a.js", 2}}));
  EXPECT_EQ(report.files, 3u);  // the whole project was analysed
  EXPECT_EQ(git_state(repo), before) << "--staged wrote into .git";

  // Without --staged, the working tree decides.
  const Report all = parse(repo.ns("scan --format json").out);
  EXPECT_EQ(all.findings, (Found{{"b.js", 2}, {"old.js", 1}}));

  // Only the unstaged problem left: clean.
  repo.git("reset -q a.js");
  auto clean = repo.ns("scan --staged --format json");
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_TRUE(parse(clean.out).findings.empty());
}

TEST(CliGit, StagedDeletionsRenamesAndOddNames) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("a.js", kEval);
  repo.write("gone.js", kEval);
  repo.write("kept-on-disk.js", kEval);
  repo.git("add -A");
  repo.git("commit -q -m base");

  stdfs::create_directories(repo.path() / "dir with space");
  repo.git("mv a.js 'dir with space/é ü.ts'");
  repo.git("rm -q gone.js");
  repo.git("rm -q --cached kept-on-disk.js");  // leaves the commit, stays on disk
  repo.write("new.js", std::string("\n") + kEval);
  repo.git("add new.js");
  stdfs::remove(repo.path() / "new.js");  // staged, then deleted from the working tree
  auto r = repo.ns("scan --staged --format json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const Report report = parse(r.out);
  EXPECT_EQ(report.findings, (Found{{"dir with space/é ü.ts", 1}, {"new.js", 2}}));
  EXPECT_EQ(report.files, 2u);  // kept-on-disk.js is not part of the commit
}

// The real use: a pre-commit hook. `git commit -a` stages into a temporary index
// (GIT_INDEX_FILE); the hook's scan must read that one and block the commit.
TEST(CliGit, PreCommitHookBlocksACommit) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("svc/a.js", kClean);
  repo.git("add -A");
  repo.git("commit -q -m base");
  repo.write(".git/hooks/pre-commit",
             "#!/bin/sh\nexec " + quote(binary()) + " scan --staged svc\n");
  stdfs::permissions(repo.path() / ".git/hooks/pre-commit", stdfs::perms::owner_all);
  repo.write("svc/a.js", kEval);
  auto blocked = repo.in("git -c user.name=t -c user.email=t@t commit -q -am bad 2>&1");
  EXPECT_NE(blocked.exit_code, 0) << blocked.out;
  EXPECT_NE(blocked.out.find("security/code-injection"), std::string::npos) << blocked.out;
  repo.write("svc/a.js", "module.exports = 2;\n");
  auto fine = repo.in("git -c user.name=t -c user.email=t@t commit -q -am good 2>&1");
  EXPECT_EQ(fine.exit_code, 0) << fine.out;
}

TEST(CliGit, StagedFromASubfolderRoot) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("svc/api/app.js", kClean);
  repo.write("web/app.js", kClean);
  repo.git("add -A");
  repo.git("commit -q -m base");
  repo.write("svc/api/app.js", kEval);
  repo.write("web/app.js", kEval);
  repo.git("add -A");
  // The root is svc/api: its staged file is reported relative to it; web/ is outside.
  auto r = repo.ns("scan --staged --format json svc/api");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(parse(r.out).findings, (Found{{"app.js", 1}}));
  auto inside = repo.ns("scan --staged --format json", "svc/api");
  EXPECT_EQ(parse(inside.out).findings, (Found{{"app.js", 1}}));
}

TEST(CliGit, StagedNothingToCheckAndNotARepository) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("a.js", kEval);
  repo.write("README.md", "# x\n");
  repo.git("add a.js");
  repo.git("commit -q -m base");
  repo.write("README.md", "# y\n");
  repo.git("add README.md");
  auto none = repo.ns("scan --staged 2>&1");
  EXPECT_EQ(none.exit_code, 0) << none.out;
  EXPECT_NE(none.out.find("no staged JavaScript or TypeScript files"), std::string::npos)
      << none.out;
  auto quiet = repo.ns("scan --staged --quiet 2>&1");
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");

  TempDir plain;
  plain.write("a.js", kEval);
  auto outside = run_command("cd " + quote(plain.path().string()) + " && GIT_CEILING_DIRECTORIES=" +
                             quote(plain.path().parent_path().string()) + " " + quote(binary()) +
                             " scan --staged 2>&1");
  EXPECT_EQ(outside.exit_code, 2) << outside.out;
  EXPECT_NE(outside.out.find("not inside a git work tree"), std::string::npos) << outside.out;
  auto since = run_command("cd " + quote(plain.path().string()) + " && GIT_CEILING_DIRECTORIES=" +
                           quote(plain.path().parent_path().string()) + " " + quote(binary()) +
                           " scan --changed-since HEAD 2>&1");
  EXPECT_EQ(since.exit_code, 2) << since.out;
  // The two modes read different trees: asking for both is a usage error.
  EXPECT_EQ(repo.ns("scan --staged --changed-since HEAD 2>&1").exit_code, 2);
}

TEST(CliGit, FilesAfterDashesFilterWithWholeProjectContext) {
  TempDir dir;
  dir.write("src/a.js", kEval);
  dir.write("src/b.js", kEval);
  dir.write("src/c.ts", kEval);
  dir.write("notes.md", "# notes\n");
  const std::string cd = "cd " + quote(dir.path().string()) + " && " + quote(binary());
  auto r = run_command(cd + " scan --format json -- src/a.js " +
                       quote((dir.path() / "src/c.ts").string()) +
                       " notes.md src/missing.js /etc/hostname 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const Report report = parse(r.out);
  EXPECT_EQ(report.findings, (Found{{"src/a.js", 1}, {"src/c.ts", 1}}));
  EXPECT_EQ(report.files, 3u);  // every file was analysed
  EXPECT_EQ(report.diagnostics, (std::set<std::string>{"src/missing.js missing-file"}));

  // The ignored ones are named on stderr (not with --quiet).
  auto notes = run_command(cd + " scan -- src/b.js notes.md /etc/hostname 2>&1 >/dev/null");
  EXPECT_NE(notes.out.find("outside the scan root"), std::string::npos) << notes.out;
  EXPECT_NE(notes.out.find("/etc/hostname"), std::string::npos) << notes.out;
  EXPECT_NE(notes.out.find("ignoring 1 path that is not JavaScript or TypeScript: notes.md"),
            std::string::npos)
      << notes.out;
  EXPECT_EQ(run_command(cd + " scan --quiet -- src/b.js notes.md 2>&1 >/dev/null").out, "");

  // A folder before `--` is the scan root; files after it are relative to the current folder.
  auto rooted = run_command(cd + " scan src --format json -- src/b.js");
  EXPECT_EQ(parse(rooted.out).findings, (Found{{"b.js", 1}}));
  // Nothing to check: exit 0 and say so.
  auto none = run_command(cd + " scan -- notes.md 2>&1");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("nothing to check"), std::string::npos) << none.out;
  // Without `--`, paths are what to scan, as before: only the files named are analysed.
  auto named = run_command(cd + " scan src/a.js src/b.js --format json");
  EXPECT_EQ(parse(named.out).files, 2u);
}

// Whole-project context: the sample's routes are mounted in another file, so the route rules
// see reports.js's routes only when the whole project is analysed.
TEST(CliGit, FilesAfterDashesKeepCrossFileFindings) {
  const std::string cd = "cd " + quote((source_dir() / "fixtures/apps/express-sample").string()) +
                         " && " + quote(binary());
  const auto alone = run_command(cd + " scan --format json src/routes/reports.js");
  const auto in_context = run_command(cd + " scan --format json -- src/routes/reports.js");
  EXPECT_EQ(alone.out.find("testing/untested-route"), std::string::npos) << alone.out;
  EXPECT_NE(in_context.out.find("testing/untested-route"), std::string::npos) << in_context.out;
  for (const auto& [file, line] : parse(in_context.out).findings) {
    EXPECT_EQ(file, "src/routes/reports.js");
  }
}

TEST(CliGit, StagedWithFilesAfterDashes) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("a.js", kClean);
  repo.write("b.js", kClean);
  repo.git("add -A");
  repo.git("commit -q -m base");
  repo.write("a.js", kEval);
  repo.write("b.js", kEval);
  repo.git("add -A");
  auto r = repo.ns("scan --staged --format json -- b.js");
  EXPECT_EQ(parse(r.out).findings, (Found{{"b.js", 1}}));
}

TEST(CliGit, ChangedSinceReportsOnlyChangedLines) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("app.js", std::string(kEval) + "module.exports = 1;\n");
  repo.write("odd dir/naïve.js", kClean);
  repo.git("add -A");
  repo.git("commit -q -m base");
  repo.git("branch base");
  repo.write("odd dir/naïve.js", std::string(kClean) + kEval);

  // Shift the old finding, add one on a new line, add a new file and an untracked one.
  repo.write("app.js", std::string("// header\n") + kEval + "module.exports = 1;\n" + kEval);
  repo.write("lib/new.js", std::string("\n\n") + kEval);
  repo.git("add -A");
  repo.git("commit -q -m change");
  repo.write("untracked.js", kEval);
  repo.write("ignored/x.js", kEval);
  repo.write(".gitignore", "ignored/\n");

  auto r = repo.ns("scan --changed-since base --format json");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(
      parse(r.out).findings,
      (Found{{"app.js", 4}, {"lib/new.js", 3}, {"odd dir/naïve.js", 2}, {"untracked.js", 1}}));
  // Since HEAD, only the working tree's untracked file.
  EXPECT_EQ(parse(repo.ns("scan --changed-since HEAD --format json").out).findings,
            (Found{{"untracked.js", 1}}));
  // Unknown revisions are a clear error.
  auto bad = repo.ns("scan --changed-since no-such-branch 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown revision 'no-such-branch'"), std::string::npos) << bad.out;
  EXPECT_EQ(repo.ns("scan --changed-since --staged 2>&1").exit_code, 2);
}

TEST(CliGit, ChangedSinceUsesTheMergeBase) {
  REQUIRE_GIT();
  Repo repo;
  repo.write("app.js", std::string(kEval) + kClean);
  repo.git("add -A");
  repo.git("commit -q -m base");
  std::string main_line = repo.git("rev-parse --abbrev-ref HEAD").out;
  main_line.erase(main_line.find('\n'));
  repo.git("checkout -q -b feature");
  repo.write("feature.js", kEval);
  repo.git("add -A");
  repo.git("commit -q -m feature");
  // Meanwhile the main line fixes app.js. Compared with main's tip, our untouched app.js would
  // look changed; compared with the merge base, it is not.
  repo.git("checkout -q " + main_line);
  repo.write("app.js", kClean);
  repo.git("commit -q -am upstream");
  repo.git("checkout -q feature");
  auto r = repo.ns("scan --changed-since " + main_line + " --format json");
  EXPECT_EQ(parse(r.out).findings, (Found{{"feature.js", 1}})) << r.out;
}

TEST(CliGit, BaselinesSurviveMovingCodeInBothModes) {
  REQUIRE_GIT();
  Repo repo;
  const std::string two =
      "function f(x) {\n  return eval(x);\n}\nfunction g(y) {\n"
      "  return eval(y);\n}\n";
  repo.write("app.js", two);
  ASSERT_EQ(repo.ns("baseline >/dev/null").exit_code, 0);
  repo.git("add -A");
  repo.git("commit -q -m base");
  // Swap, shift and re-indent the functions: every baselined line is now a changed line.
  repo.write("app.js",
             "// moved\n\nfunction g(y) {\n    return eval(y);\n}\nfunction f(x) {\n"
             "\treturn eval(x);\n}\n");
  repo.git("add app.js");
  auto staged = repo.ns("scan --staged --baseline .nodescope-baseline.json --format json");
  EXPECT_EQ(staged.exit_code, 0) << staged.out;
  EXPECT_TRUE(parse(staged.out).findings.empty()) << staged.out;
  auto changed =
      repo.ns("scan --changed-since HEAD --baseline .nodescope-baseline.json --format json");
  EXPECT_EQ(changed.exit_code, 0) << changed.out;
  EXPECT_TRUE(parse(changed.out).findings.empty()) << changed.out;
  // Without the baseline, the moved findings are on changed lines and show.
  EXPECT_EQ(parse(repo.ns("scan --changed-since HEAD --format json").out).findings.size(), 2u);
}

TEST(CliGit, NoProgressIndicatorInPipes) {
  const auto r =
      run_command(quote(binary()) + " scan " + quote((source_dir() / "fixtures/apps").string()) +
                  " --fail-on none --format json 2>&1 >/dev/null");
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("files read"), std::string::npos) << r.out;
}

TEST(Progress, ShowsAfterADelayAndErasesItself) {
  std::ostringstream err;
  {
    cli::Progress off(err, false);
    off.update(1, 2);
  }
  EXPECT_EQ(err.str(), "");
  cli::Progress progress(err, true);
  progress.update(1, 10);  // too early: short scans print nothing
  EXPECT_EQ(err.str(), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  progress.update(3, 10);
  EXPECT_NE(err.str().find("\rnodescope: 3/10 files"), std::string::npos);
  progress.update(10, 10);
  EXPECT_NE(err.str().find("analysing the whole program"), std::string::npos);
  progress.finish();
  EXPECT_TRUE(err.str().ends_with("\r\x1b[K"));
}

TEST(GitDiff, ParsesHunksNamesAndNewFiles) {
  const std::string diff =
      "diff --git a/app.js b/app.js\n"
      "index 1..2 100644\n"
      "--- a/app.js\n"
      "+++ b/app.js\n"
      "@@ -0,0 +1 @@\n"
      "+// header\n"
      "@@ -3 +4,2 @@\n"
      "-old\n"
      "++++ not a header\n"
      "+second\n"
      "@@ -9,2 +10,0 @@\n"
      "-gone\n"
      "-gone too\n"
      "diff --git a/new file.js b/new file.js\n"
      "new file mode 100644\n"
      "--- /dev/null\n"
      "+++ b/new file.js\t\n"
      "@@ -0,0 +1,2 @@\n"
      "+a\n"
      "+b\n"
      "\\ No newline at end of file\n"
      "diff --git \"a/caf\\303\\251.js\" \"b/caf\\303\\251.js\"\n"
      "--- \"a/caf\\303\\251.js\"\n"
      "+++ \"b/caf\\303\\251.js\"\n"
      "@@ -1 +1 @@\n"
      "-x\n"
      "+y\n"
      "diff --git a/deleted.js b/deleted.js\n"
      "--- a/deleted.js\n"
      "+++ /dev/null\n"
      "@@ -1 +0,0 @@\n"
      "-z\n";
  const auto changes = cli::git::parse_unified_diff(diff);
  using Ranges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  ASSERT_EQ(changes.lines.count("app.js"), 1u);
  EXPECT_EQ(changes.lines.at("app.js"), (Ranges{{1, 1}, {4, 5}}));
  EXPECT_EQ(changes.lines.count("not a header"), 0u);
  EXPECT_EQ(changes.lines.at("caf\xc3\xa9.js"), (Ranges{{1, 1}}));
  EXPECT_EQ(changes.new_files, (std::set<std::string>{"new file.js"}));
  EXPECT_EQ(changes.lines.count("deleted.js"), 0u);
  EXPECT_TRUE(changes.changed("app.js", 5));
  EXPECT_FALSE(changes.changed("app.js", 6));
  EXPECT_FALSE(changes.changed("app.js", 2));
  EXPECT_TRUE(changes.changed("new file.js", 99));
  EXPECT_FALSE(changes.changed("other.js", 1));
}

}  // namespace
}  // namespace nodescope::testing
