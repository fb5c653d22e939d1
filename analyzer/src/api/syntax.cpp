// Implementation of the syntax helpers rules use (nodescope/syntax.h). Every recursive helper is
// depth-limited: inputs can nest 100,000 levels deep and must not overflow the stack.
#include "nodescope/syntax.h"

#include <array>
#include <cstring>

namespace nodescope {
namespace {

constexpr int kMaxDepth = 64;

bool is_string_like(const SyntaxNode& node) {
  return node.is("string") || node.is("template_string");
}

bool template_has_substitution(const SyntaxNode& node) {
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    if (node.named_child(i).is("template_substitution")) return true;
  }
  return false;
}

bool is_constant(const SyntaxNode& raw, int depth) {
  if (depth > kMaxDepth) return false;
  const SyntaxNode node = raw.unwrapped();
  if (node.is("string") || node.is("number")) return true;
  if (node.is("template_string")) return !template_has_substitution(node);
  if (node.is("binary_expression")) {
    const SyntaxNode op = node.field("operator");
    if (!op.is("+")) return false;
    return is_constant(node.field("left"), depth + 1) &&
           is_constant(node.field("right"), depth + 1);
  }
  return false;
}

// Whether a `+` chain contains a string operand somewhere (so `+` concatenates).
bool has_string_operand(const SyntaxNode& raw, int depth) {
  if (depth > kMaxDepth) return false;
  const SyntaxNode node = raw.unwrapped();
  if (is_string_like(node)) return true;
  if (node.is("binary_expression") && node.field("operator").is("+")) {
    return has_string_operand(node.field("left"), depth + 1) ||
           has_string_operand(node.field("right"), depth + 1);
  }
  return false;
}

// Field name -> id for a grammar, cached per thread in a direct-mapped table (no locks, no scan:
// tree-sitter's own lookup compares every field name). Callers almost always pass string
// literals, so the slot is picked by the name's address; entries keep a copy of the name and are
// verified by content, so any string works.
TSFieldId field_id(const TSLanguage* language, std::string_view name) {
  struct Entry {
    const TSLanguage* language = nullptr;
    const char* data = nullptr;
    std::uint32_t length = 0;
    TSFieldId id = 0;
    std::array<char, 24> copy{};
  };
  constexpr std::size_t kSlots = 256;
  thread_local std::array<Entry, kSlots> cache{};
  const auto length = static_cast<std::uint32_t>(name.size());
  const auto key = reinterpret_cast<std::uintptr_t>(name.data()) ^
                   (reinterpret_cast<std::uintptr_t>(language) >> 4);
  Entry& e = cache[(key ^ (key >> 9)) % kSlots];
  if (e.language == language && e.data == name.data() && e.length == length &&
      std::memcmp(e.copy.data(), name.data(), length) == 0) {
    return e.id;
  }
  const TSFieldId id = ts_language_field_id_for_name(language, name.data(), length);
  if (length <= e.copy.size()) {
    e.language = language;
    e.data = name.data();
    e.length = length;
    e.id = id;
    std::memcpy(e.copy.data(), name.data(), length);
  }
  return id;
}

}  // namespace

SyntaxNode SyntaxNode::field(std::string_view name) const {
  if (is_null()) return SyntaxNode();
  const TSFieldId id = field_id(ts_node_language(node_), name);
  if (id == 0) return SyntaxNode();
  return SyntaxNode(ts_node_child_by_field_id(node_, id));
}

SyntaxNode SyntaxNode::unwrapped() const {
  SyntaxNode node = *this;
  for (int i = 0; i < kMaxDepth && !node.is_null(); ++i) {
    const std::string_view k = node.kind();
    if (k == "parenthesized_expression" || k == "non_null_expression" || k == "as_expression" ||
        k == "satisfies_expression" || k == "type_assertion") {
      // The expression is the first named child in each of these.
      SyntaxNode inner = node.named_child(0);
      if (k == "type_assertion" && node.named_child_count() > 1) inner = node.named_child(1);
      if (inner.is_null()) break;
      node = inner;
      continue;
    }
    break;
  }
  return node;
}

bool is_constant_expression(const SyntaxNode& node) { return is_constant(node, 0); }

bool is_dynamic_string(const SyntaxNode& raw) {
  const SyntaxNode node = raw.unwrapped();
  if (node.is("template_string")) return template_has_substitution(node);
  if (node.is("binary_expression") && node.field("operator").is("+")) {
    return has_string_operand(node, 0) && !is_constant(node, 0);
  }
  return false;
}

}  // namespace nodescope
