// security/code-injection: code built at run time handed to an evaluator: eval, the Function
// constructor, the vm module, and strings built at run time given to setTimeout/setInterval.
// Per file. Constant arguments (literals, constant concatenations, and identifiers bound once to
// a constant with `const`) are not reported. vm calls count only when the name is bound to the
// `vm` module by require or import (judged in end_file, once every binding is known).
#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {94, 95};
constexpr std::array<std::string_view, 3> kTags = {"security", "injection", "owasp-a03"};
constexpr std::array<std::string_view, 4> kKinds = {"call_expression", "new_expression",
                                                    "lexical_declaration", "variable_declaration"};
constexpr RuleMeta kMeta{
    .id = "security/code-injection",
    .summary =
        "Code built at run time is passed to eval, the Function constructor, the vm module "
        "or a string-taking timer.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

constexpr std::array<std::string_view, 4> kGlobalObjects = {"global", "globalThis", "window",
                                                            "self"};
constexpr std::array<std::string_view, 4> kVmFunctions = {"runInNewContext", "runInThisContext",
                                                          "runInContext", "compileFunction"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

// A call whose verdict waits for the file's bindings: `object.member(arg)` or `name(arg)` where
// object or name must be bound to the vm module.
struct Pending {
  std::string object;  // "" when the callee is a bare name
  std::string name;    // member or bare name
  bool is_new = false;
  Range range;
  std::string argument;    // text of the evaluated argument, shortened
  std::string const_name;  // when the argument is a bare identifier
  Confidence confidence = Confidence::kHigh;
};

struct State : RuleState {
  std::vector<Pending> pending;
  // Bare identifiers declared `const NAME = <constant>` (count of declarations of each name,
  // constant or not, so a shadowed name is not trusted).
  std::unordered_map<std::string, int> declarations;
  std::unordered_map<std::string, bool> constant;
};

std::string shorten(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    out.push_back(c);
    if (out.size() >= 40) {
      out += "...";
      break;
    }
  }
  return out;
}

// Whether an argument can carry attacker data: not a compile-time constant. Confidence is high
// when a string is visibly assembled or request data is read, medium for a plain variable.
bool risky(const SyntaxNode& arg, Confidence& confidence) {
  if (arg.is_null() || is_constant_expression(arg)) return false;
  const SyntaxNode a = arg.unwrapped();
  if (a.is("arrow_function") || a.is("function_expression") || a.is("function")) return false;
  confidence = is_dynamic_string(a) || a.is("member_expression") || a.is("subscript_expression")
                   ? Confidence::kHigh
                   : Confidence::kMedium;
  return true;
}

class CodeInjection final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("lexical_declaration") || node.is("variable_declaration")) {
      record_declarations(node, ctx);
      return;
    }
    const bool is_new = node.is("new_expression");
    const SyntaxNode callee = node.field(is_new ? "constructor" : "function").unwrapped();
    const SyntaxNode args = node.field("arguments");
    if (callee.is_null() || args.is_null() || !args.is("arguments")) return;
    const SyntaxNode first = args.named_child_count() > 0 ? args.named_child(0) : SyntaxNode();

    std::string_view object;
    std::string_view name;
    if (callee.is("identifier")) {
      name = ctx.text(callee);
    } else if (callee.is("member_expression")) {
      const SyntaxNode obj = callee.field("object").unwrapped();
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (obj.is("identifier")) {
        object = ctx.text(obj);
      } else if (obj.is("call_expression") && is_require_of_vm(obj, ctx)) {
        object = "require('vm')";
      } else {
        return;
      }
    } else {
      return;
    }

    const bool global_scope = object.empty() || one_of(object, kGlobalObjects);
    if (global_scope && name == "eval" && !is_new) {
      check_argument(node, first, "eval()", ctx);
    } else if (global_scope && name == "Function") {
      // Every argument of the Function constructor is code: parameters and body.
      for (std::uint32_t i = 0; i < args.named_child_count(); ++i) {
        Confidence c;
        if (risky(args.named_child(i), c)) {
          check_argument(node, args.named_child(i), "the Function constructor", ctx);
          return;
        }
      }
    } else if (global_scope && !is_new && (name == "setTimeout" || name == "setInterval")) {
      if (!first.is_null() && is_dynamic_string(first)) {
        ctx.report(ctx.range(node),
                   std::string(name) + "() is given a string built at run time (" +
                       shorten(ctx.text(first)) +
                       "), which is evaluated as code; pass a function instead",
                   Confidence::kHigh);
      }
    } else if (object == "require('vm')" || one_of(name, kVmFunctions) ||
               (is_new && name == "Script") || (object.empty() && bound_to_vm(ctx, name))) {
      Confidence c;
      if (!risky(first, c)) return;
      Pending p;
      p.object = std::string(object);
      p.name = std::string(name);
      p.is_new = is_new;
      p.range = ctx.range(node);
      p.argument = shorten(ctx.text(first));
      p.confidence = c;
      if (first.unwrapped().is("identifier"))
        p.const_name = std::string(ctx.text(first.unwrapped()));
      ctx.state<State>().pending.push_back(std::move(p));
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    for (const Pending& p : st.pending) {
      if (!p.const_name.empty() && is_trusted_constant(st, p.const_name)) continue;
      if (p.object == "require('vm')") {
        if (!one_of(p.name, kVmFunctions) && !(p.is_new && p.name == "Script")) continue;
      } else if (!p.object.empty()) {
        const ImportBinding* b = ctx.import_of(p.object);
        if (b == nullptr || builtin_name(b->module) != "vm" || !b->is_module_object()) continue;
      } else {
        // The name the vm module exports decides, not the local one: `{ Script: S }` is Script.
        const ImportBinding* b = ctx.import_of(p.name);
        if (b == nullptr || builtin_name(b->module) != "vm") continue;
        if (!one_of(b->imported, kVmFunctions) && !(p.is_new && b->imported == "Script")) continue;
      }
      const std::string callee = p.object.empty() ? p.name : p.object + "." + p.name;
      ctx.report(p.range,
                 (p.is_new ? "new " + callee : callee + "()") + " runs code built at run time (" +
                     p.argument +
                     "); the vm module is not a security boundary, so this is arbitrary code "
                     "execution if any part is attacker-controlled",
                 p.confidence);
    }
    return nullptr;
  }

 private:
  // Whether a bare name is already bound to something from the vm module (renamed bindings are
  // usually declared at the top, before their use; end_file re-checks with every binding).
  static bool bound_to_vm(FileContext& ctx, std::string_view name) {
    const ImportBinding* b = ctx.import_of(name);
    return b != nullptr && builtin_name(b->module) == "vm";
  }

  static bool is_require_of_vm(const SyntaxNode& call, FileContext& ctx) {
    const SyntaxNode fn = call.field("function");
    const SyntaxNode args = call.field("arguments");
    if (!fn.is("identifier") || ctx.text(fn) != "require" || args.named_child_count() != 1) {
      return false;
    }
    const SyntaxNode arg = args.named_child(0);
    if (!arg.is("string")) return false;
    const std::string_view text = ctx.text(arg);
    if (text.size() < 2) return false;
    return builtin_name(text.substr(1, text.size() - 2)) == "vm";
  }

  // Every name a declaration introduces is counted, so a shadowed or reassigned-by-redeclaration
  // name is never trusted; only `const NAME = <constant>` declared once is.
  static void record_declarations(const SyntaxNode& decl, FileContext& ctx) {
    const bool is_const = decl.child_count() > 0 && decl.child(0).is("const");
    State& st = ctx.state<State>();
    for (std::uint32_t i = 0; i < decl.named_child_count(); ++i) {
      const SyntaxNode declarator = decl.named_child(i);
      if (!declarator.is("variable_declarator")) continue;
      const SyntaxNode name = declarator.field("name");
      if (!name.is("identifier")) continue;
      const std::string key(ctx.text(name));
      ++st.declarations[key];
      const SyntaxNode value = declarator.field("value");
      st.constant[key] = is_const && !value.is_null() && is_constant_expression(value);
    }
  }

  static bool is_trusted_constant(const State& st, const std::string& name) {
    auto d = st.declarations.find(name);
    auto c = st.constant.find(name);
    return d != st.declarations.end() && d->second == 1 && c != st.constant.end() && c->second;
  }

  static void check_argument(const SyntaxNode& call, const SyntaxNode& arg, std::string_view sink,
                             FileContext& ctx) {
    Confidence confidence;
    if (!risky(arg, confidence)) return;
    const SyntaxNode a = arg.unwrapped();
    if (a.is("identifier")) {
      // Judged at end of file would be more precise for late declarations; constants are
      // almost always declared before use, so judge now with what is known.
      const State& st = ctx.state<State>();
      if (is_trusted_constant(st, std::string(ctx.text(a)))) return;
    }
    ctx.report(ctx.range(call),
               std::string(sink) + " evaluates code built at run time (" + shorten(ctx.text(arg)) +
                   "); if any part is attacker-controlled this is arbitrary code execution",
               confidence);
  }
};

}  // namespace

const Rule& security_code_injection() {
  static const CodeInjection kRule;
  return kRule;
}

}  // namespace nodescope::rules
