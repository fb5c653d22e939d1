// Git plumbing for the pre-commit and pull-request modes (`scan --staged`, `--changed-since`):
// runs git as a child process without a shell (posix_spawnp, an argv array) and parses its
// machine-readable output. Read-only: every git command here only reads, and runs with
// GIT_OPTIONAL_LOCKS=0 so git does not even refresh the index file. Knows nothing about rules,
// findings or output; the CLI decides what to do with the files and lines returned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/expected.h"

namespace nodescope::cli::git {

struct GitOutput {
  int status = -1;  // exit status (-1: killed by a signal)
  std::string out;
  std::string err;
};

// Runs `git ARGS...` with `input` on its standard input. An error only when git cannot be
// started (not installed); a failing git command is a non-zero `status`.
Expected<GitOutput> run(const std::vector<std::string>& args, std::string_view input = {});

// Checks that `dir` is inside a git work tree (clear error otherwise: not a repository, a bare
// repository, git missing).
Expected<bool> check_work_tree(const std::filesystem::path& dir);

// A file staged in the index, relative to the folder the listing was made in.
struct StagedFile {
  std::string path;
  std::string blob;  // object id of the staged content; empty when the file is staged as deleted
};

// The files staged for the next commit under `dir` (`git diff --cached`, no renames: a rename is a
// deletion plus an addition), paths relative to `dir`. Submodules, symbolic links and unmerged
// entries are left out.
Expected<std::vector<StagedFile>> staged_files(const std::filesystem::path& dir);

// The contents of blobs by object id (`git cat-file --batch`), in the order asked.
Expected<std::vector<std::string>> read_blobs(const std::filesystem::path& dir,
                                              const std::vector<std::string>& ids);

// Lines changed since a revision, by path relative to the folder it was computed in.
struct ChangedLines {
  // Added or modified lines of the working tree, as sorted [first, last] ranges (1-based).
  std::map<std::string, std::vector<std::pair<std::uint32_t, std::uint32_t>>> lines;
  // Files that are new since the revision (added, or untracked and not ignored): every finding
  // in them counts, whole-file ones included.
  std::set<std::string> new_files;

  bool changed(const std::string& file, std::uint32_t line) const;
};

// Parses `git diff -U0` output (paths after the b/ prefix; C-quoted names unquoted).
ChangedLines parse_unified_diff(std::string_view diff);

// The working tree's changes under `dir` since `rev` (compared with the merge base of `rev` and
// HEAD, as a pull request's diff is), plus untracked files. An unknown revision is an error that
// says so.
Expected<ChangedLines> changed_since(const std::filesystem::path& dir, const std::string& rev);

}  // namespace nodescope::cli::git
