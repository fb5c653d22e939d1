// What part of a scan the CLI reports: everything (the default), the files staged for the next
// commit (`--staged`), the files given after `--` (lint-staged, the pre-commit framework), the
// lines changed since a revision (`--changed-since REV`), or the intersection of those given. The
// project is always analysed whole, so cross-file rules keep their context; the scope only
// decides which findings are shown. Builds the engine's overlay of staged contents; asks git
// (cli/git.h) for everything it needs. Prints nothing: notes go back to the caller.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/git.h"
#include "nodescope/result.h"
#include "util/expected.h"

namespace nodescope::cli {

struct ScopeRequest {
  bool staged = false;
  bool files_given = false;        // `--` was on the command line
  std::vector<std::string> files;  // the arguments after `--`
  std::string changed_since;       // empty: not asked
};

class ReportScope {
 public:
  // Resolves the request against the scan root: lists and reads staged files, maps the files
  // after `--` to root-relative paths, computes changed lines. Files that are ignored (outside the
  // root, not JS/TS) add a sentence to `notes`. Errors (not a git repository, an unknown
  // revision, git missing) stop the scan.
  static Expected<ReportScope> make(const ScopeRequest& request, const std::filesystem::path& root,
                                    std::vector<std::string>& notes);

  // True when the scope names files but none of them is a JavaScript or TypeScript file to
  // check; `nothing_to_check()` then says why, for the user.
  bool empty() const { return empty_; }
  const std::string& nothing_to_check() const { return why_empty_; }

  // Staged contents by root-relative path (nullopt: staged as deleted), for EngineOptions.
  std::map<std::string, std::optional<std::string>> take_overlay() { return std::move(overlay_); }

  // Removes the findings outside the scope, and the diagnostics of files outside it; adds the
  // scope's own diagnostics (files after `--` that do not exist).
  void apply(ScanResult& result) const;

  // Diagnostics about the request itself (missing files after `--`).
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::optional<std::set<std::string>> files_;  // report only these (root-relative)
  std::optional<git::ChangedLines> changed_;    // and only on these lines
  std::map<std::string, std::optional<std::string>> overlay_;
  std::vector<Diagnostic> diagnostics_;
  bool empty_ = false;
  std::string why_empty_;
};

}  // namespace nodescope::cli
