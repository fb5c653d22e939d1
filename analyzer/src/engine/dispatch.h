// The node-kind dispatch table (ast-grep style): for each grammar, which rules and extractors want
// each symbol, so each tree is walked once and each node costs one table lookup. Kind names are
// resolved to symbol ids by scanning every symbol of the grammar, because one visible name can
// have several ids (aliases).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nodescope/result.h"
#include "nodescope/rule.h"

namespace nodescope::engine {

// Node kinds whose children the walk skips (see DispatchTable::skip_children).
inline constexpr std::array<std::string_view, 8> kOpaqueKinds = {"string",
                                                                 "type_annotation",
                                                                 "type_arguments",
                                                                 "type_parameters",
                                                                 "type_alias_declaration",
                                                                 "interface_declaration",
                                                                 "opting_type_annotation",
                                                                 "omitting_type_annotation"};

// A subscriber index: rule index (>= 0) or kExtractor for the facts extractor.
inline constexpr std::int32_t kExtractor = -1;

class DispatchTable {
 public:
  // `model`: whether the facts extractor runs in full (model) mode or light mode.
  DispatchTable(std::span<const Rule* const> rules, bool model);
  // Subscribers of a symbol of a grammar, in a fixed order (extractor first, then rules in
  // registry order). Empty for symbols nobody wants.
  // Whether the walk may skip a node's children: string literals (quotes, fragments and escapes
  // hold no code) and TypeScript type syntax (annotations, type arguments and parameters, type
  // aliases, interfaces), which neither rules nor the model read. A rule cannot subscribe to a
  // kind that only occurs inside these (the registry test checks kinds against this list).
  bool skip_children(Language language, std::uint16_t symbol) const {
    const auto& skip = skip_[static_cast<std::size_t>(language)];
    return symbol < skip.size() && skip[symbol];
  }

  std::span<const std::int32_t> subscribers(Language language, std::uint16_t symbol) const {
    const auto& table = tables_[static_cast<std::size_t>(language)];
    return symbol < table.size() ? std::span<const std::int32_t>(table[symbol])
                                 : std::span<const std::int32_t>();
  }

 private:
  std::array<std::vector<std::vector<std::int32_t>>, 3> tables_;
  std::array<std::vector<bool>, 3> skip_;
};

}  // namespace nodescope::engine
