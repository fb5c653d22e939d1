// Extraction of module bindings from import statements and require() declarations (see
// file_facts.h). Only literal module names count; `require(variable)` binds nothing.
#include "facts/file_facts.h"

#include <array>
#include <string>

namespace nodescope::facts {
namespace {

constexpr std::array<std::string_view, 2> kKinds = {"import_statement", "variable_declarator"};

std::string_view text_of(const SyntaxNode& node, std::string_view source) {
  if (node.is_null()) return {};
  return source.substr(node.start_byte(), node.end_byte() - node.start_byte());
}

// The contents of a string literal node (no escapes are decoded: module names have none).
bool string_value(const SyntaxNode& node, std::string_view source, std::string& out) {
  if (!node.is("string")) return false;
  const std::string_view raw = text_of(node, source);
  if (raw.size() < 2) return false;
  out.assign(raw.substr(1, raw.size() - 2));
  return true;
}

// `require('m')` -> "m".
bool require_call(const SyntaxNode& raw, std::string_view source, std::string& module) {
  const SyntaxNode call = raw.unwrapped();
  if (!call.is("call_expression")) return false;
  const SyntaxNode fn = call.field("function");
  if (!fn.is("identifier") || text_of(fn, source) != "require") return false;
  const SyntaxNode args = call.field("arguments");
  if (args.is_null() || args.named_child_count() != 1) return false;
  return string_value(args.named_child(0), source, module);
}

// The declaration's range, computed only once a binding is found (most declarators are not
// imports, and positions cost a binary search plus a UTF-16 scan).
class LazyRange {
 public:
  LazyRange(const SyntaxNode& node, const parse::LineIndex& lines) : node_(node), lines_(lines) {}
  const Range& get() {
    if (!done_) range_ = lines_.range(node_.start_byte(), node_.end_byte());
    done_ = true;
    return range_;
  }

 private:
  SyntaxNode node_;
  const parse::LineIndex& lines_;
  Range range_;
  bool done_ = false;
};

void add(FileFacts& out, std::string_view local, const std::string& module,
         std::string_view imported, LazyRange& range) {
  out.imports.push_back(
      ImportBinding{std::string(local), module, std::string(imported), range.get()});
}

void extract_import(const SyntaxNode& node, std::string_view source, LazyRange& range,
                    FileFacts& out) {
  std::string module;
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode child = node.named_child(i);
    if (child.is("import_require_clause")) {  // TS: import x = require('m')
      const SyntaxNode name = child.named_child(0);
      if (name.is("identifier") && string_value(child.field("source"), source, module)) {
        add(out, text_of(name, source), module, "", range);
      }
      return;
    }
  }
  if (!string_value(node.field("source"), source, module)) return;
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode clause = node.named_child(i);
    if (!clause.is("import_clause")) continue;
    for (std::uint32_t j = 0; j < clause.named_child_count(); ++j) {
      const SyntaxNode part = clause.named_child(j);
      if (part.is("identifier")) {
        add(out, text_of(part, source), module, "default", range);
      } else if (part.is("namespace_import")) {
        const SyntaxNode name = part.named_child(0);
        if (name.is("identifier")) add(out, text_of(name, source), module, "*", range);
      } else if (part.is("named_imports")) {
        for (std::uint32_t k = 0; k < part.named_child_count(); ++k) {
          const SyntaxNode spec = part.named_child(k);
          if (!spec.is("import_specifier")) continue;
          const SyntaxNode name = spec.field("name");
          const SyntaxNode alias = spec.field("alias");
          add(out, text_of(alias.is_null() ? name : alias, source), module, text_of(name, source),
              range);
        }
      }
    }
  }
}

void extract_declarator(const SyntaxNode& node, std::string_view source, LazyRange& range,
                        FileFacts& out) {
  const SyntaxNode value = node.field("value").unwrapped();
  if (value.is_null()) return;
  std::string module;
  std::string_view imported;
  if (value.is("member_expression")) {  // require('m').x
    if (!require_call(value.field("object"), source, module)) return;
    const SyntaxNode prop = value.field("property");
    if (!prop.is("property_identifier")) return;
    imported = text_of(prop, source);
  } else if (!require_call(value, source, module)) {
    return;
  }
  const SyntaxNode name = node.field("name");
  if (name.is("identifier")) {
    add(out, text_of(name, source), module, imported, range);
    return;
  }
  if (!name.is("object_pattern") || !imported.empty()) return;
  for (std::uint32_t i = 0; i < name.named_child_count(); ++i) {
    const SyntaxNode prop = name.named_child(i);
    if (prop.is("shorthand_property_identifier_pattern")) {
      add(out, text_of(prop, source), module, text_of(prop, source), range);
    } else if (prop.is("pair_pattern")) {
      const SyntaxNode key = prop.field("key");
      const SyntaxNode val = prop.field("value");
      if (key.is("property_identifier") && val.is("identifier")) {
        add(out, text_of(val, source), module, text_of(key, source), range);
      }
    }
  }
}

}  // namespace

const ImportBinding* FileFacts::import_of(std::string_view local) const {
  for (auto it = imports.rbegin(); it != imports.rend(); ++it) {
    if (it->local == local) return &*it;
  }
  return nullptr;
}

std::span<const std::string_view> extractor_node_kinds() { return kKinds; }

void extract(const SyntaxNode& node, std::string_view source, const parse::LineIndex& lines,
             FileFacts& out) {
  LazyRange range(node, lines);
  if (node.is("import_statement")) {
    extract_import(node, source, range, out);
  } else if (node.is("variable_declarator")) {
    extract_declarator(node, source, range, out);
  }
}

}  // namespace nodescope::facts
