// Program construction and lookup (see program.h).
#include "model/program.h"

#include <algorithm>

namespace nodescope::model {

Program::Program(std::vector<FileRecord> files, facts::ProjectConfig config)
    : files_(std::move(files)), config_(std::move(config)) {
  std::sort(files_.begin(), files_.end(),
            [](const FileRecord& a, const FileRecord& b) { return a.path < b.path; });
}

const FileRecord* Program::file(std::string_view path) const {
  auto it = std::lower_bound(files_.begin(), files_.end(), path,
                             [](const FileRecord& f, std::string_view p) { return f.path < p; });
  return it != files_.end() && it->path == path ? &*it : nullptr;
}

}  // namespace nodescope::model
