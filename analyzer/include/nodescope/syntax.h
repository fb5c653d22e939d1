// Read-only access to syntax nodes for rules that need them: a thin value wrapper over a
// tree-sitter node plus the few queries rules use. A node is valid only during the walk of its
// file (trees are freed once a file's facts are extracted): keep Ranges and strings, never nodes.
#pragma once

#include <cstdint>
#include <string_view>

#include <tree_sitter/api.h>

namespace nodescope {

class SyntaxNode {
 public:
  SyntaxNode() : node_{} {}
  explicit SyntaxNode(TSNode node) : node_(node) {}

  bool is_null() const { return ts_node_is_null(node_); }
  explicit operator bool() const { return !is_null(); }
  std::string_view kind() const { return ts_node_type(node_); }
  bool is(std::string_view kind_name) const { return !is_null() && kind() == kind_name; }
  bool is_named() const { return ts_node_is_named(node_); }
  bool has_error() const { return ts_node_has_error(node_); }
  std::uint32_t start_byte() const { return ts_node_start_byte(node_); }
  std::uint32_t end_byte() const { return ts_node_end_byte(node_); }

  SyntaxNode parent() const { return SyntaxNode(ts_node_parent(node_)); }
  // The child in a grammar field ("function", "arguments", ...). Field names are resolved to ids
  // through a per-thread cache: tree-sitter's own lookup is a linear scan of names.
  SyntaxNode field(std::string_view name) const;
  std::uint32_t child_count() const { return ts_node_child_count(node_); }
  SyntaxNode child(std::uint32_t i) const { return SyntaxNode(ts_node_child(node_, i)); }
  std::uint32_t named_child_count() const { return ts_node_named_child_count(node_); }
  SyntaxNode named_child(std::uint32_t i) const {
    return SyntaxNode(ts_node_named_child(node_, i));
  }
  // The node with parentheses (and TS non-null / `as` / satisfies wrappers) peeled off.
  SyntaxNode unwrapped() const;

  TSNode raw() const { return node_; }

 private:
  TSNode node_;
};

// True when `node` is a compile-time constant string or number: a string literal, a template
// without substitutions, a number, or `+` of such constants (depth-limited).
bool is_constant_expression(const SyntaxNode& node);
// True when `node` builds a string at run time from non-constant parts: a template with
// substitutions, or `+` where one side is a string and the other is not constant.
bool is_dynamic_string(const SyntaxNode& node);

}  // namespace nodescope
