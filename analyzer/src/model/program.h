// The whole-program view built after the per-file phase: every analysed file with its facts, in
// path order. The module graph and route table (backend-model issue) are built from this. Holds
// no trees and no source text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "facts/file_facts.h"
#include "facts/project.h"
#include "nodescope/result.h"

namespace nodescope::model {

struct FileRecord {
  std::string path;
  Language language = Language::kJavaScript;
  facts::FileFacts facts;
};

class Program {
 public:
  explicit Program(std::vector<FileRecord> files, facts::ProjectConfig config = {});
  const facts::ProjectConfig& config() const { return config_; }
  const std::vector<FileRecord>& files() const { return files_; }
  const FileRecord* file(std::string_view path) const;  // binary search; null when absent

 private:
  std::vector<FileRecord> files_;  // sorted by path
  facts::ProjectConfig config_;
};

}  // namespace nodescope::model
