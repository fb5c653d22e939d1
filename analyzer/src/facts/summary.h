// The report's facts (#6): splits the repository into services, reads the header facts
// (framework, TypeScript version and strictness, Node version, package manager) from project
// files, derives the folder tree with roles, the entry points and a Purpose per route. Takes
// plain data (project file texts, source paths, the route table and apps) and a way to read a
// source file's text; reads nothing itself, prints nothing. Data sections (database,
// performance, deployment) are filled elsewhere into ServiceSummary::backend.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/project.h"
#include "nodescope/result.h"
#include "nodescope/summary.h"

namespace nodescope::facts {

struct SummaryInput {
  const std::vector<ProjectFileText>* project_files = nullptr;  // with texts (bun.lockb: "")
  const std::vector<std::string>* sources = nullptr;  // JS/TS files, sorted, root-relative
  const std::vector<Route>* routes = nullptr;         // sorted as in ScanResult
  const std::vector<App>* apps = nullptr;
  const std::vector<FrameworkVersion>* frameworks = nullptr;
  const ProjectConfig* config = nullptr;
  // The text of a source file (root-relative path); "" when it cannot be read.
  std::function<std::string(const std::string&)> text_of;
};

Summary build_summary(const SummaryInput& in, std::vector<Diagnostic>& diagnostics);

// Exposed for unit tests.
// "createUser" -> "Create user", "get_all_orders" -> "Get all orders", "" for no usable name.
std::string words_of_name(std::string_view handler);
// The first sentence of the doc comment (or @ApiOperation summary) just above `line` (1-based)
// in `text`; source says which.
RoutePurpose purpose_above(std::string_view text, std::uint32_t line);

}  // namespace nodescope::facts
