// The report scope (see scope.h): staged files from the git index, files after `--`, changed
// lines. Paths are compared root-relative with forward slashes, as findings carry them.
#include "cli/scope.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fs/discovery.h"

namespace nodescope::cli {
namespace {

namespace stdfs = std::filesystem;

bool is_source(const std::string& path) { return fs::language_of(path).has_value(); }

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The files after `--` as root-relative paths; notes for the ones left out, diagnostics for the
// missing ones.
std::set<std::string> given_files(const std::vector<std::string>& args, const stdfs::path& root,
                                  std::vector<std::string>& notes,
                                  std::vector<Diagnostic>& diagnostics) {
  std::error_code ec;
  const stdfs::path base = stdfs::weakly_canonical(stdfs::absolute(root, ec), ec);
  std::set<std::string> files;
  std::vector<std::string> outside;
  std::vector<std::string> not_source;
  for (const std::string& arg : args) {
    const stdfs::path abs = stdfs::weakly_canonical(stdfs::absolute(arg, ec), ec);
    const stdfs::path rel = abs.lexically_relative(base);
    const std::string rel_text = rel.generic_string();
    const bool inside =
        !rel.empty() && rel_text != "." && !rel_text.starts_with("../") && rel_text != "..";
    if (!inside) {
      outside.push_back(arg);
      continue;
    }
    if (!stdfs::exists(abs, ec)) {
      diagnostics.push_back(Diagnostic{
          rel_text, std::string(diag::kMissingFile),
          fmt::format("'{}' was given after -- but does not exist; nothing was checked for it",
                      arg),
          0, 0});
      continue;
    }
    if (stdfs::is_directory(abs, ec) || !is_source(rel_text)) {
      not_source.push_back(arg);
      continue;
    }
    files.insert(rel_text);
  }
  if (!outside.empty()) {
    notes.push_back(fmt::format("ignoring {} outside the scan root '{}': {}",
                                plural(outside.size(), "file", "files"), root.string(),
                                fmt::join(outside, ", ")));
  }
  if (!not_source.empty()) {
    notes.push_back(fmt::format("ignoring {} not JavaScript or TypeScript: {}",
                                plural(not_source.size(), "path that is", "paths that are"),
                                fmt::join(not_source, ", ")));
  }
  return files;
}

}  // namespace

Expected<ReportScope> ReportScope::make(const ScopeRequest& request, const stdfs::path& root,
                                        std::vector<std::string>& notes) {
  ReportScope scope;
  if (request.files_given) {
    scope.files_ = given_files(request.files, root, notes, scope.diagnostics_);
    if (scope.files_->empty()) {
      scope.empty_ = true;
      scope.why_empty_ =
          request.files.empty()
              ? "no files after --; nothing to check"
              : fmt::format(
                    "none of the {} given after -- is a JavaScript or TypeScript file "
                    "under '{}'; nothing to check",
                    plural(request.files.size(), "path", "paths"), root.string());
      return scope;
    }
  }
  if (request.staged) {
    if (auto ok = git::check_work_tree(root); !ok) return ok.error();
    auto staged = git::staged_files(root);
    if (!staged) return staged.error();
    std::set<std::string> in_scope;
    std::size_t sources = 0;
    std::vector<std::string> ids;
    std::vector<std::string> paths;
    // Every staged change is applied (it is what the commit will hold, and context for the
    // rest); only the staged sources among the files given after `--`, if any, are reported.
    for (git::StagedFile& f : *staged) {
      if (f.blob.empty()) {
        scope.overlay_.emplace(f.path, std::nullopt);
        continue;
      }
      // Only sources and the project files analysis reads are worth reading from the index.
      const std::string name = f.path.substr(f.path.rfind('/') + 1);
      if (!is_source(f.path) && !fs::is_project_file(name)) continue;
      ids.push_back(f.blob);
      paths.push_back(f.path);
      // Staged project files (a broken package.json) keep their diagnostics and findings.
      if (!scope.files_ || scope.files_->contains(f.path) || !is_source(f.path)) {
        in_scope.insert(f.path);
        sources += is_source(f.path) ? 1 : 0;
      }
    }
    auto contents = git::read_blobs(root, ids);
    if (!contents) return contents.error();
    for (std::size_t i = 0; i < paths.size(); ++i) {
      scope.overlay_.emplace(paths[i], std::move((*contents)[i]));
    }
    if (sources == 0) {
      scope.empty_ = true;
      scope.why_empty_ =
          fmt::format("no staged JavaScript or TypeScript files{} under '{}'; nothing to check",
                      scope.files_ ? " among the files given after --" : "", root.string());
      return scope;
    }
    scope.files_ = std::move(in_scope);
  }
  if (!request.changed_since.empty()) {
    auto changes = git::changed_since(root, request.changed_since);
    if (!changes) return changes.error();
    scope.changed_ = std::move(*changes);
  }
  return scope;
}

void ReportScope::apply(ScanResult& result) const {
  auto in_files = [&](const std::string& file) { return !files_ || files_->contains(file); };
  auto touched = [&](const std::string& file) {
    return !changed_ || changed_->new_files.contains(file) || changed_->lines.contains(file);
  };
  // Project-level findings (a file outside the scope, or no changed line) are left out.
  std::erase_if(result.findings, [&](const Finding& f) {
    return !in_files(f.file) || (changed_ && !changed_->changed(f.file, f.range.line));
  });
  std::erase_if(result.diagnostics, [&](const Diagnostic& d) {
    return !d.file.empty() && (!in_files(d.file) || !touched(d.file));
  });
  if (diagnostics_.empty()) return;
  result.diagnostics.insert(result.diagnostics.end(), diagnostics_.begin(), diagnostics_.end());
  std::sort(result.diagnostics.begin(), result.diagnostics.end(),
            [](const Diagnostic& a, const Diagnostic& b) {
              return std::tie(a.file, a.line, a.column, a.kind, a.message) <
                     std::tie(b.file, b.line, b.column, b.kind, b.message);
            });
}

}  // namespace nodescope::cli
