// A small per-file call index and the whole-program walk over it, shared by rules that ask "what
// does a route handler reach": performance/sync-io-in-handler and api/rest-conventions.
// Per file (during the single walk, no re-walks): every function's byte span and name, and every
// call to a project function by name (`f()`, `mod.f()` on a project import, `this.f()`,
// `this.service.f()` on a constructor-injected project class), resolved against the file's
// imports in end_file. In analyze, a route's handler_code span is the root:
// the rule's own sites inside it count at depth 0, and named callees are followed across files
// through resolve_module up to kMaxReachDepth. Unknown targets (several functions of one name,
// package calls, dynamic dispatch) are not followed: missing a path is better than inventing one.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nodescope/rule.h"
#include "nodescope/syntax.h"

namespace nodescope::rules::reach {

inline constexpr int kMaxReachDepth = 3;

struct Function {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string name;         // "" for anonymous functions
  std::string cls;          // the enclosing class for methods and class fields
  bool is_default = false;  // module.exports = function ... / export default function
};

struct Edge {
  std::uint32_t at = 0;
  std::string spec;  // "" for a function of the same file, else the import specifier
  std::string name;  // function name in the target; "default" for the module's default export
  std::string cls;   // for this.f(): the caller's class
};

// What a file contributes to the walk; a rule embeds it in its RuleFacts.
struct Index {
  std::vector<Function> functions;  // sorted by start
  std::vector<Edge> edges;          // sorted by at
};

// The call's callee as written, before imports are known.
struct RawEdge {
  std::uint32_t at = 0;
  std::string object;  // "" for bare calls, "this", or the receiver name
  std::string name;
  std::string cls;
};

// Per-file collector: call on_function / on_call from on_node, then finish() in end_file.
struct Collector {
  std::vector<Function> functions;
  std::vector<RawEdge> raw;
  // Constructor-injected fields (Nest): "Class.field" -> the parameter's type name.
  std::map<std::string, std::string> field_types;
  // Locals made with `new C(...)`: name -> C ("" when the name is bound to several classes).
  std::map<std::string, std::string> instances;

  // A variable_declarator: `const service = new ItemsService(...)` lets service.f() resolve.
  void on_declarator(const SyntaxNode& decl, FileContext& ctx) {
    const SyntaxNode name = decl.field("name");
    SyntaxNode value = decl.field("value").unwrapped();
    if (!name.is("identifier") || !value.is("new_expression")) return;
    const SyntaxNode ctor = value.field("constructor");
    if (!ctor.is("identifier")) return;
    const std::string cls(ctx.text(ctor));
    const auto [it, fresh] = instances.try_emplace(std::string(ctx.text(name)), cls);
    if (!fresh && it->second != cls) it->second.clear();
  }

  static std::string class_of(SyntaxNode n, FileContext& ctx) {
    for (int guard = 0; guard < 64 && n; ++guard, n = n.parent()) {
      if (n.is("class_declaration") || n.is("class") || n.is("abstract_class_declaration")) {
        return std::string(ctx.text(n.field("name")));
      }
    }
    return {};
  }

  static bool is_function_kind(std::string_view k) {
    return k == "function_declaration" || k == "generator_function_declaration" ||
           k == "function_expression" || k == "function" || k == "generator_function" ||
           k == "arrow_function" || k == "method_definition";
  }

  void on_function(const SyntaxNode& fn, FileContext& ctx) {
    Function f{fn.start_byte(), fn.end_byte(), {}, {}, false};
    const std::string_view k = fn.kind();
    if (k == "function_declaration" || k == "generator_function_declaration") {
      f.name = std::string(ctx.text(fn.field("name")));
      const SyntaxNode p = fn.parent();
      f.is_default = p.is("export_statement") && ctx.text(p).substr(0, 14) == "export default";
    } else if (k == "method_definition") {
      f.name = std::string(ctx.text(fn.field("name")));
      f.cls = class_of(fn.parent(), ctx);
      if (f.name == "constructor") record_fields(fn, f.cls, ctx);
    } else {
      const SyntaxNode p = fn.parent();
      if (p.is("variable_declarator")) {
        const SyntaxNode n = p.field("name");
        if (n.is("identifier")) f.name = std::string(ctx.text(n));
      } else if (p.is("pair")) {
        f.name = std::string(unquote_key(ctx.text(p.field("key"))));
      } else if (p.is("public_field_definition") || p.is("field_definition")) {
        SyntaxNode n = p.field("name");
        if (n.is_null()) n = p.field("property");
        f.name = std::string(ctx.text(n));
        f.cls = class_of(p.parent(), ctx);
      } else if (p.is("assignment_expression")) {
        const SyntaxNode left = p.field("left").unwrapped();
        if (left.is("member_expression")) {
          const std::string_view lt = ctx.text(left);
          if (lt == "module.exports") {
            f.is_default = true;
          } else {
            f.name = std::string(ctx.text(left.field("property")));
          }
        } else if (left.is("identifier")) {
          f.name = std::string(ctx.text(left));
        }
      } else if (p.is("export_statement")) {
        f.is_default = true;
      }
      if (f.name.empty() && k != "arrow_function") {
        const SyntaxNode n = fn.field("name");
        if (n.is("identifier")) f.name = std::string(ctx.text(n));
      }
    }
    functions.push_back(std::move(f));
  }

  // constructor(private readonly users: UsersService) -> users: UsersService.
  void record_fields(const SyntaxNode& ctor, const std::string& cls, FileContext& ctx) {
    const SyntaxNode params = ctor.field("parameters");
    for (std::uint32_t i = 0; i < params.named_child_count(); ++i) {
      const SyntaxNode p = params.named_child(i);
      if (!p.is("required_parameter") && !p.is("optional_parameter")) continue;
      const SyntaxNode pattern = p.field("pattern");
      const SyntaxNode type = p.field("type");
      if (!pattern.is("identifier") || !type) continue;
      std::string_view t = ctx.text(type);
      while (!t.empty() && (t[0] == ':' || t[0] == ' ')) t.remove_prefix(1);
      bool plain = !t.empty();
      for (char c : t)
        plain = plain && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
      if (plain) field_types[cls + "." + std::string(ctx.text(pattern))] = std::string(t);
    }
  }

  // A call_expression: keep it when it may name a project function.
  void on_call(const SyntaxNode& call, FileContext& ctx) {
    const SyntaxNode callee = call.field("function").unwrapped();
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      if (name == "require") return;
      raw.push_back(RawEdge{call.start_byte(), {}, std::string(name), {}});
      return;
    }
    if (!callee.is("member_expression")) return;
    const SyntaxNode obj = callee.field("object").unwrapped();
    const SyntaxNode prop = callee.field("property");
    if (!prop.is("property_identifier")) return;
    if (obj.is("this")) {
      raw.push_back(
          RawEdge{call.start_byte(), "this", std::string(ctx.text(prop)), class_of(call, ctx)});
    } else if (obj.is("identifier")) {
      raw.push_back(
          RawEdge{call.start_byte(), std::string(ctx.text(obj)), std::string(ctx.text(prop)), {}});
    } else if (obj.is("member_expression") && obj.field("object").unwrapped().is("this")) {
      // this.users.find(): resolved through the constructor's parameter types in finish().
      raw.push_back(RawEdge{call.start_byte(),
                            "this." + std::string(ctx.text(obj.field("property"))),
                            std::string(ctx.text(prop)), class_of(call, ctx)});
    }
  }

  // Resolve receivers against the file's imports (complete now) and produce the index.
  Index finish(FileContext& ctx) {
    Index out;
    std::set<std::string> local_names;
    for (const Function& f : functions) {
      if (!f.name.empty()) local_names.insert(f.name);
    }
    for (RawEdge& r : raw) {
      if (r.object.empty()) {
        if (const ImportBinding* b = ctx.import_of(r.name)) {
          if (!maybe_project(b->module)) continue;
          std::string target = b->is_module_object() ? "default" : b->imported;
          out.edges.push_back(Edge{r.at, b->module, std::move(target), {}});
        } else if (local_names.count(r.name) != 0) {
          out.edges.push_back(Edge{r.at, {}, std::move(r.name), {}});
        }
      } else if (r.object == "this") {
        if (local_names.count(r.name) != 0) {
          out.edges.push_back(Edge{r.at, {}, std::move(r.name), std::move(r.cls)});
        }
      } else if (r.object.rfind("this.", 0) == 0) {
        const auto it = field_types.find(r.cls + "." + r.object.substr(5));
        if (it == field_types.end()) continue;
        const ImportBinding* b = ctx.import_of(it->second);
        if (b == nullptr || !maybe_project(b->module) || b->is_module_object()) continue;
        out.edges.push_back(Edge{r.at, b->module, std::move(r.name), b->imported});
      } else if (const ImportBinding* b = ctx.import_of(r.object)) {
        if (!maybe_project(b->module) || !b->is_module_object()) continue;
        out.edges.push_back(Edge{r.at, b->module, std::move(r.name), {}});
      } else if (const auto it = instances.find(r.object);
                 it != instances.end() && !it->second.empty()) {
        if (const ImportBinding* c = ctx.import_of(it->second)) {
          if (!maybe_project(c->module) || c->is_module_object()) continue;
          out.edges.push_back(Edge{r.at, c->module, std::move(r.name), c->imported});
        } else {
          out.edges.push_back(Edge{r.at, {}, std::move(r.name), it->second});
        }
      }
    }
    out.functions = std::move(functions);
    std::sort(out.functions.begin(), out.functions.end(),
              [](const Function& a, const Function& b) { return a.start < b.start; });
    std::sort(out.edges.begin(), out.edges.end(),
              [](const Edge& a, const Edge& b) { return a.at < b.at; });
    return out;
  }

  static std::string_view unquote_key(std::string_view s) {
    return s.size() >= 2 && (s[0] == '\'' || s[0] == '"') ? s.substr(1, s.size() - 2) : s;
  }

  // Specifiers that may name project files (resolve_module has the last word): not bare package
  // names without a slash, not node: built-ins.
  static bool maybe_project(std::string_view spec) {
    if (spec.empty() || spec.substr(0, 5) == "node:") return false;
    return spec[0] == '.' || spec[0] == '/' || spec[0] == '~' || spec[0] == '#' ||
           spec.find('/') != std::string_view::npos;
  }
};

// Whole-program side: look up indexes by path and walk from a span.
class Walker {
 public:
  using IndexOf = std::function<const Index*(const std::string& path)>;
  // Called for every function body visited: (file, start, end, depth, via) where via names the
  // first project function the path went through ("" at the handler itself).
  using Visit = std::function<void(const std::string& file, std::uint32_t start, std::uint32_t end,
                                   const std::string& via)>;

  Walker(const ModelView& model, IndexOf index_of)
      : model_(model), index_of_(std::move(index_of)) {}

  void walk(const std::string& file, std::uint32_t start, std::uint32_t end,
            const Visit& visit) const {
    std::set<std::pair<std::string, std::uint32_t>> seen;
    seen.emplace(file, start);
    step(file, start, end, 0, "", visit, seen);
  }

 private:
  void step(const std::string& file, std::uint32_t start, std::uint32_t end, int depth,
            const std::string& via, const Visit& visit,
            std::set<std::pair<std::string, std::uint32_t>>& seen) const {
    visit(file, start, end, via);
    if (depth >= kMaxReachDepth || seen.size() > 256) return;
    const Index* idx = index_of_(file);
    if (idx == nullptr) return;
    auto it = std::lower_bound(idx->edges.begin(), idx->edges.end(), start,
                               [](const Edge& e, std::uint32_t b) { return e.at < b; });
    for (; it != idx->edges.end() && it->at < end; ++it) {
      std::string path = file;
      if (!it->spec.empty()) {
        path = resolve(file, it->spec);
        if (path.empty()) continue;
      }
      const Function* fn = named(path, *it);
      if (fn == nullptr) continue;
      if (!seen.emplace(path, fn->start).second) continue;
      const std::string next_via =
          via.empty() ? (fn->name.empty() ? std::string("a helper") : fn->name + "()") : via;
      step(path, fn->start, fn->end, depth + 1, next_via, visit, seen);
    }
  }

  std::string resolve(const std::string& from, const std::string& spec) const {
    const auto key = std::make_pair(from, spec);
    const auto it = resolved_.find(key);
    if (it != resolved_.end()) return it->second;
    std::string r = model_.resolve_module(from, spec);
    resolved_.emplace(key, r);
    return r;
  }

  // The one function the edge names in `path` (by class for this.f()); null when none or several.
  const Function* named(const std::string& path, const Edge& e) const {
    const Index* idx = index_of_(path);
    if (idx == nullptr) return nullptr;
    const Function* found = nullptr;
    for (const Function& f : idx->functions) {
      const bool match = e.name == "default" && !e.spec.empty()
                             ? f.is_default
                             : f.name == e.name && (e.cls.empty() || f.cls == e.cls);
      if (!match) continue;
      if (found != nullptr) return nullptr;
      found = &f;
    }
    return found;
  }

  const ModelView& model_;
  IndexOf index_of_;
  mutable std::map<std::pair<std::string, std::string>, std::string> resolved_;
};

}  // namespace nodescope::rules::reach
