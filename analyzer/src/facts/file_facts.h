// Per-file fact extraction that runs during the engine's single walk of each tree: the module
// bindings (require/import) for now; exports, calls, functions, request reads and sinks join as
// the model grows. Extractors subscribe to node kinds like rules do. They record plain data
// (strings and Ranges), never nodes, so facts outlive the tree.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "nodescope/facts.h"
#include "nodescope/syntax.h"
#include "parse/line_index.h"

namespace nodescope::facts {

struct FileFacts {
  std::vector<ImportBinding> imports;  // in source order

  const ImportBinding* import_of(std::string_view local) const;
};

// The node kinds the extractor wants to see during the walk.
std::span<const std::string_view> extractor_node_kinds();

// Called by the engine for each node of a subscribed kind.
void extract(const SyntaxNode& node, std::string_view source, const parse::LineIndex& lines,
             FileFacts& out);

}  // namespace nodescope::facts
