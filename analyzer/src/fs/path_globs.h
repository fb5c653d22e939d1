// Path globs from the configuration file (`ignore`, `tests`): a list of gitignore-syntax patterns
// anchored at the folder of the file that declares them, matched against paths relative to the
// scan root. Wraps IgnoreFile (the same matcher as .gitignore, so users get one glob language)
// and adds the two things a list in a config needs: the scan root may lie below the patterns'
// folder (a .nodescope.json found upward), and a whole path is judged with its folders, as git
// does (a pattern matching a folder covers every file below it). No I/O.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fs/ignore.h"

namespace nodescope::fs {

class PathGlobs {
 public:
  PathGlobs() = default;
  // `patterns`: one gitignore-syntax pattern each (no line breaks; the config loader checks).
  // `root_prefix`: the scan root's folder relative to the patterns' folder ("" when they are the
  // same), forward slashes.
  PathGlobs(const std::vector<std::string>& patterns, std::string_view root_prefix);

  bool empty() const { return file_.empty(); }

  // The verdict of the last matching pattern for one path below the scan root, given as its
  // components; `is_dir` says whether it names a folder. Folders above it are not consulted
  // (discovery asks for each folder on its way down).
  IgnoreVerdict match(std::span<const std::string_view> root_components, bool is_dir) const;

  // Whether a file (path relative to the scan root) is matched: kIgnore when a positive pattern
  // matches one of its folders (nothing below an excluded folder comes back, as in git);
  // otherwise the verdict of the last pattern matching the file itself (kIgnore for a positive
  // one, kInclude for a negated `!pattern`); failing that, kInclude when a negated pattern
  // matches one of its folders (`!test/support/`); kNone when nothing matches.
  IgnoreVerdict match_file(std::string_view rel_path) const;

 private:
  IgnoreFile file_;
  std::vector<std::string> prefix_;  // root_prefix split on '/'
};

}  // namespace nodescope::fs
