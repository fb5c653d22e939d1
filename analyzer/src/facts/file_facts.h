// Per-file fact extraction that runs during the engine's single walk of each tree: module
// bindings (for rules' import_of) and the value facts the backend model is built from (see
// values.h). The extractor subscribes to node kinds like rules do and records plain data
// (strings, indices, Ranges), never nodes, so facts outlive the tree. It is stateful per file:
// the walk is pre-order, and it keeps the stack of enclosing functions and conditionals.
#pragma once

#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/values.h"
#include "nodescope/facts.h"
#include "nodescope/syntax.h"
#include "parse/line_index.h"

namespace nodescope::facts {

struct FileFacts {
  std::vector<ImportBinding> imports;  // in source order
  ValueFacts values;

  const ImportBinding* import_of(std::string_view local) const;
  bool is_constant_name(std::string_view name) const;  // see FileContext::is_constant_name
};

// The node kinds the extractor wants to see during the walk: all of them for the model, or the
// few that module bindings and constant names need (the light mode, when nothing reads the model).
std::span<const std::string_view> extractor_node_kinds(bool model);

class Extractor {
 public:
  Extractor(std::string_view source, const parse::LineIndex& lines, FileFacts& out, bool model);
  // Called by the engine for each node of a subscribed kind, in pre-order.
  void on_node(const SyntaxNode& node);

 private:
  struct Open {
    std::uint32_t end_byte;
    FunctionId id;
  };
  void leave_until(std::uint32_t byte);
  FunctionId current_function() const { return functions_.empty() ? 0 : functions_.back().id; }
  bool in_conditional() const { return !conditionals_.empty(); }

  struct Items;
  void store(Value& v, const Items& items);
  FunctionId function_of(const SyntaxNode& node);
  ValueId value_of(const SyntaxNode& node, int depth);
  ValueId add(Value v, const SyntaxNode& node);
  ValueId member_value(ValueId object, std::string key, const SyntaxNode& where);
  std::string_view text(const SyntaxNode& node) const;
  std::string string_contents(const SyntaxNode& node) const;
  Range range(const SyntaxNode& node) const;

  void on_import(const SyntaxNode& node);
  void on_export(const SyntaxNode& node);
  void on_declaration(const SyntaxNode& node);
  bool light_wanted(const SyntaxNode& declarator) const;
  void on_declarator(const SyntaxNode& declarator, bool is_const, FunctionId scope);
  void on_assignment(const SyntaxNode& node);
  void on_function(const SyntaxNode& node);
  void on_return(const SyntaxNode& node);
  void on_statement(const SyntaxNode& node);
  void bind(std::string_view name, ValueId value, std::uint32_t at, bool is_const,
            FunctionId scope);
  void bind_pattern(const SyntaxNode& pattern, ValueId value, std::uint32_t at, bool is_const,
                    FunctionId scope, int depth);
  void add_effect(const SyntaxNode& call, bool conditional);
  void on_class(const SyntaxNode& node);
  void on_class_shape(const SyntaxNode& node);
  Decorator decorator_of(const SyntaxNode& node);
  bool may_register(const SyntaxNode& call) const;
  bool may_return_object(const SyntaxNode& expr) const;

  std::string_view source_;
  bool model_ = true;
  const parse::LineIndex& lines_;
  FileFacts& out_;
  std::vector<Open> functions_;
  std::vector<std::uint32_t> conditionals_;  // end bytes of enclosing if/ternary nodes
  std::unordered_map<std::uint32_t, FunctionId> function_at_;  // start byte -> id
  int budget_ = 0;                 // values left for the expression being converted
  std::int32_t field_class_ = -1;  // the class whose field initialisers are being converted
  std::int32_t this_class() const;
};

}  // namespace nodescope::facts
