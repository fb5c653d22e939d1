// Config path globs (see path_globs.h): patterns compiled once by IgnoreFile, paths re-anchored
// at the patterns' folder by prepending the scan root's prefix. No I/O.
#include "fs/path_globs.h"

namespace nodescope::fs {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    if (slash != 0) parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

PathGlobs::PathGlobs(const std::vector<std::string>& patterns, std::string_view root_prefix) {
  std::string text;
  for (const std::string& p : patterns) {
    text += p;
    text += '\n';
  }
  file_ = IgnoreFile::parse(text);
  for (std::string_view part : split(root_prefix)) {
    if (part != ".") prefix_.emplace_back(part);
  }
}

IgnoreVerdict PathGlobs::match(std::span<const std::string_view> root_components,
                               bool is_dir) const {
  if (file_.empty() || root_components.empty()) return IgnoreVerdict::kNone;
  if (prefix_.empty()) return file_.match(root_components, is_dir);
  std::vector<std::string_view> full(prefix_.begin(), prefix_.end());
  full.insert(full.end(), root_components.begin(), root_components.end());
  return file_.match(full, is_dir);
}

IgnoreVerdict PathGlobs::match_file(std::string_view rel_path) const {
  if (file_.empty()) return IgnoreVerdict::kNone;
  std::vector<std::string_view> full(prefix_.begin(), prefix_.end());
  const std::size_t first = full.size();
  for (std::string_view part : split(rel_path)) full.push_back(part);
  if (full.size() == first) return IgnoreVerdict::kNone;
  // The scan root's own folders (the prefix) are not judged: the user chose to scan below them.
  // A matched folder decides for what is below it unless the file itself matches a pattern; a
  // positive folder match is final (git never re-includes below an excluded folder).
  IgnoreVerdict folder = IgnoreVerdict::kNone;
  for (std::size_t n = first + 1; n < full.size(); ++n) {
    const IgnoreVerdict v = file_.match(std::span(full).first(n), true);
    if (v == IgnoreVerdict::kIgnore) return v;
    if (v != IgnoreVerdict::kNone) folder = v;
  }
  const IgnoreVerdict own = file_.match(full, false);
  return own != IgnoreVerdict::kNone ? own : folder;
}

}  // namespace nodescope::fs
