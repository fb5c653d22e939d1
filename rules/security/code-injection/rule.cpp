// security/code-injection: code built at run time handed to an evaluator: eval, the Function
// constructor, the vm module, and strings built at run time given to setTimeout/setInterval.
// Per file. During the walk the rule only notes candidate calls (a cheap name check first);
// verdicts wait for end_file, when every binding of the file is known: constant arguments
// (literals, constant concatenations, names declared once as `const NAME = <constant>`) are not
// reported, and vm calls count only when the name is bound to Node's `vm` module.
#include <array>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {94, 95};
constexpr std::array<std::string_view, 3> kTags = {"security", "injection", "owasp-a03"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "new_expression"};
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

enum class Sink { kEval, kFunctionConstructor, kTimer, kVm };

// A call whose verdict waits for end_file.
struct Pending {
  Sink sink = Sink::kEval;
  std::string object;  // receiver name ("" for a bare call; "require('vm')" for a direct require)
  std::string name;    // called name
  bool is_new = false;
  Range range;
  std::string argument;                  // text of the first risky argument, shortened
  std::vector<std::string> const_names;  // risky arguments that are bare names (maybe constants)
  bool other_risky = false;              // a risky argument that is not a bare name
  Confidence confidence = Confidence::kHigh;
};

struct State : RuleState {
  std::vector<Pending> pending;
};

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

bool is_require_of_vm(const SyntaxNode& call, FileContext& ctx) {
  const SyntaxNode fn = call.field("function");
  if (!fn.is("identifier") || ctx.text(fn) != "require") return false;
  const SyntaxNode args = call.field("arguments");
  if (args.named_child_count() != 1 || !args.named_child(0).is("string")) return false;
  const std::string_view text = ctx.text(args.named_child(0));
  return text.size() >= 2 && builtin_name(text.substr(1, text.size() - 2)) == "vm";
}

class CodeInjection final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const bool is_new = node.is("new_expression");
    const SyntaxNode callee = node.field(is_new ? "constructor" : "function").unwrapped();
    std::string_view object;
    std::string_view name;
    if (callee.is("identifier")) {
      name = ctx.text(callee);
    } else if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (!is_candidate_name(name, is_new)) return;  // cheap check before the receiver
      const SyntaxNode obj = callee.field("object").unwrapped();
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
    Pending p;
    p.object = std::string(object);
    p.name = std::string(name);
    p.is_new = is_new;
    if (global_scope && name == "eval" && !is_new) {
      p.sink = Sink::kEval;
    } else if (global_scope && name == "Function") {
      p.sink = Sink::kFunctionConstructor;
    } else if (global_scope && !is_new && (name == "setTimeout" || name == "setInterval")) {
      p.sink = Sink::kTimer;
    } else if (object == "require('vm')" || one_of(name, kVmFunctions) ||
               (is_new && name == "Script") || (object.empty() && bound_to_vm(name, ctx))) {
      // A bare name other than vm's own is a renamed import (`{ Script: S }`); imports come
      // before their use, and end_file re-checks with every binding.
      p.sink = Sink::kVm;
    } else {
      return;
    }

    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || !args.is("arguments") || args.named_child_count() == 0) return;
    // The Function constructor evaluates every argument (parameters and body); the others the
    // first one.
    const std::uint32_t count = p.sink == Sink::kFunctionConstructor ? args.named_child_count() : 1;
    for (std::uint32_t i = 0; i < count; ++i) {
      const SyntaxNode arg = args.named_child(i);
      if (p.sink == Sink::kTimer) {
        if (!is_dynamic_string(arg)) continue;  // functions and constant strings are fine
      }
      Confidence c;
      if (!risky(arg, c)) continue;
      if (p.argument.empty()) {
        p.argument = one_line_excerpt(ctx.text(arg));
        p.confidence = c;
      }
      if (arg.unwrapped().is("identifier")) {
        p.const_names.emplace_back(ctx.text(arg.unwrapped()));
      } else {
        p.other_risky = true;
      }
    }
    if (p.argument.empty()) return;
    p.range = ctx.range(node);
    ctx.state<State>().pending.push_back(std::move(p));
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    for (const Pending& p : ctx.state<State>().pending) {
      if (!p.other_risky && all_constant(p.const_names, ctx)) continue;
      switch (p.sink) {
        case Sink::kEval:
          report_evaluator(p, "eval()", ctx);
          break;
        case Sink::kFunctionConstructor:
          report_evaluator(p, "the Function constructor", ctx);
          break;
        case Sink::kTimer:
          ctx.report(p.range,
                     p.name + "() is given a string built at run time (" + p.argument +
                         "), which is evaluated as code; pass a function instead",
                     Confidence::kHigh);
          break;
        case Sink::kVm:
          if (is_vm_call(p, ctx)) report_vm(p, ctx);
          break;
      }
    }
    return nullptr;
  }

 private:
  static bool is_candidate_name(std::string_view name, bool is_new) {
    return name == "eval" || name == "Function" || name == "setTimeout" || name == "setInterval" ||
           one_of(name, kVmFunctions) || (is_new && name == "Script");
  }

  static bool bound_to_vm(std::string_view name, const FileContext& ctx) {
    const ImportBinding* b = ctx.import_of(name);
    return b != nullptr && builtin_name(b->module) == "vm";
  }

  static bool all_constant(const std::vector<std::string>& names, const FileContext& ctx) {
    for (const std::string& n : names) {
      if (!ctx.is_constant_name(n)) return false;
    }
    return true;
  }

  // Whether the call reaches Node's vm module: `vm.f()` with vm bound to the module,
  // `require('vm').f()`, or a bare name bound to one of vm's functions (renamed or not).
  static bool is_vm_call(const Pending& p, const FileContext& ctx) {
    const bool vm_name = one_of(p.name, kVmFunctions) || (p.is_new && p.name == "Script");
    if (p.object == "require('vm')") return vm_name;
    if (!p.object.empty()) {
      const ImportBinding* b = ctx.import_of(p.object);
      return vm_name && b != nullptr && builtin_name(b->module) == "vm" && b->is_module_object();
    }
    // The name the vm module exports decides, not the local one: `{ Script: S }` is Script.
    const ImportBinding* b = ctx.import_of(p.name);
    if (b == nullptr || builtin_name(b->module) != "vm") return false;
    return one_of(b->imported, kVmFunctions) || (p.is_new && b->imported == "Script");
  }

  static void report_evaluator(const Pending& p, std::string_view sink, FileContext& ctx) {
    ctx.report(p.range,
               std::string(sink) + " evaluates code built at run time (" + p.argument +
                   "); if any part is attacker-controlled this is arbitrary code execution",
               p.confidence);
  }

  static void report_vm(const Pending& p, FileContext& ctx) {
    const std::string callee = p.object.empty() ? p.name : p.object + "." + p.name;
    ctx.report(p.range,
               (p.is_new ? "new " + callee : callee + "()") + " runs code built at run time (" +
                   p.argument +
                   "); the vm module is not a security boundary, so this is arbitrary code "
                   "execution if any part is attacker-controlled",
               p.confidence);
  }
};

}  // namespace

const Rule& security_code_injection() {
  static const CodeInjection kRule;
  return kRule;
}

}  // namespace nodescope::rules
