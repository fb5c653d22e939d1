// reliability/unhandled-promise: promises that can reject with nobody listening. Four shapes:
//   (a) a statement whose value is a dropped promise: a call of an async function of the project
//       (same file, or imported from a project file and resolved across modules in analyze) or of
//       a well-known promise API (fetch, axios, got, fs/promises, bcrypt without a callback,
//       mongoose.connect, database clients), not awaited, returned, stored, `void`-ed or caught;
//   (b) a statement-level then() chain with no rejection handler (.catch / two-argument .then);
//   (c) an async Express 4 route handler or middleware (from the model's routes) with an await
//       outside any try/catch and no async wrapper; Express 5 forwards rejections itself;
//   (d) an async callback with an unprotected await given to an emitter's .on/.once, a timer or
//       forEach, which drop the callback's promise.
// Only statements are judged (a value used in an expression is someone's business); names are
// resolved with a small scope walk, and any doubt (shadowing, redeclaration, unknown receiver)
// keeps the rule silent. Not judged: methods of objects whose type needs inference (ORM models,
// injected services), promises stored in variables and dropped later.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "nodescope/model.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {755, 248};
constexpr std::array<std::string_view, 2> kTags = {"reliability", "promises"};
constexpr std::array<std::string_view, 7> kKinds = {
    "program",         "expression_statement", "call_expression",
    "arrow_function",  "function_expression",  "function_declaration",
    "import_statement"};
constexpr RuleMeta kMeta{
    .id = "reliability/unhandled-promise",
    .summary =
        "A promise that can reject is left without a handler: a dropped call of an async "
        "function or promise API, a then() chain with no rejection handler, an async Express 4 "
        "handler with no error path, or an async callback nobody awaits.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// What a name denotes at a place, as far as the rule cares.
enum class Decl { kNone, kAsync, kSync, kImport, kOther, kAmbiguous };

// A database or HTTP client made in this file: `const prisma = new PrismaClient()`.
struct Client {
  std::string ctor;  // PrismaClient, Sequelize, MongoClient, createClient
};

struct TopDecl {
  Decl decl = Decl::kNone;
  std::string ctor;  // for kOther declared as `new X(...)` / `X(...)`: X
};

// A dropped call of a name imported from a project module, judged in analyze.
struct ImportedCall {
  std::string spec;
  std::string key;     // the export it names ("default" for the module value itself)
  std::string callee;  // as written
  Range range;
  bool chain = false;  // under a finally()-only chain
  bool top = false;    // a module-level statement (an entry point's `main();`)
};

// An async function that can reject (an await outside try/catch): a handler candidate for (c).
struct AsyncFn {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  Range head;
};

struct ReExport {
  std::string name;  // exported name, "*" for export *
  std::string spec;
  std::string imported;
};

struct Facts : RuleFacts {
  std::vector<std::string> exported_async;  // sorted
  std::vector<ReExport> reexports;
  std::vector<ImportedCall> calls;
  std::vector<AsyncFn> async_fns;
  bool async_errors = false;  // imports express-async-errors
};

struct State : RuleState {
  bool skip = false;  // a bundled front-end asset, not backend code
  std::unordered_map<std::string, TopDecl> top;
  std::set<std::string> exported_async;
  std::vector<ReExport> reexports;
  std::vector<ImportedCall> calls;
  std::vector<AsyncFn> async_fns;
  bool async_errors = false;
  // Every name the file's text declares async (`async function f`, `f = async`, `f: async`,
  // `async f(`): a cheap superset that lets most calls skip the scope walk.
  std::set<std::string, std::less<>> async_names;
};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// One pass over the text (no tree walk): the identifier after `async function` / before `(` in
// `async name(`, and before `=` / `:` (with an optional type annotation) in `name = async`.
std::set<std::string, std::less<>> async_names_of(std::string_view src) {
  std::set<std::string, std::less<>> out;
  auto skip_ws = [&](std::size_t i) {
    while (i < src.size() && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r'))
      ++i;
    return i;
  };
  auto ident_at = [&](std::size_t i) {
    std::size_t j = i;
    while (j < src.size() && ident_char(src[j])) ++j;
    return src.substr(i, j - i);
  };
  for (std::size_t at = src.find("async"); at != std::string_view::npos;
       at = src.find("async", at + 5)) {
    if ((at > 0 && ident_char(src[at - 1])) || (at + 5 < src.size() && ident_char(src[at + 5]))) {
      continue;
    }
    std::size_t i = skip_ws(at + 5);
    if (src.substr(i, 8) == "function") {
      i = skip_ws(i + 8);
      if (i < src.size() && src[i] == '*') i = skip_ws(i + 1);
    }
    if (const std::string_view name = ident_at(i); !name.empty()) out.emplace(name);
    // Backwards: `name = async`, `name: async`, `name: Type = async` (bounded look-back).
    std::size_t j = at;
    for (int steps = 0; j > 0 && steps < 120; ++steps) {
      const char c = src[j - 1];
      if (c == ';' || c == '{' || c == '}' || c == '\n' || c == '(' || c == ',') break;
      --j;
    }
    for (std::size_t k = j; k < at;) {
      if (ident_char(src[k])) {
        const std::string_view name = ident_at(k);
        out.emplace(name);
        k += name.size();
      } else {
        ++k;
      }
    }
  }
  return out;
}

bool is_function_kind(std::string_view k) {
  return k == "arrow_function" || k == "function_expression" || k == "function_declaration" ||
         k == "method_definition" || k == "generator_function" ||
         k == "generator_function_declaration" || k == "function";
}

bool is_async(const SyntaxNode& fn) {
  if (fn.is("method_definition")) {
    for (std::uint32_t i = 0; i < fn.child_count(); ++i) {
      const SyntaxNode c = fn.child(i);
      if (c.kind() == "async") return true;
      if (c.is_named() && !c.is("decorator") && !c.is("accessibility_modifier")) break;
    }
    return false;
  }
  return fn.child_count() > 0 && fn.child(0).kind() == "async";
}

bool is_async_function_value(const SyntaxNode& v) {
  const SyntaxNode u = v.unwrapped();
  return (u.is("arrow_function") || u.is("function_expression") || u.is("function")) && is_async(u);
}

// Whether a declarator's value comes from a module: require(...), require(...).x, import().
bool is_module_value(const SyntaxNode& value, FileContext& ctx) {
  SyntaxNode v = value.unwrapped();
  if (v.is("await_expression")) v = v.named_child(0).unwrapped();
  while (v.is("member_expression")) v = v.field("object").unwrapped();
  if (!require_spec(v, ctx).empty()) return true;
  return v.is("call_expression") && v.field("function").is("import");
}

// The async function of method `method` of the class enclosing `from`, reached through arrow
// functions only (other functions rebind `this`); null when the class has no such method, or
// has a sync member of that name too (an overload, a getter: unsure).
SyntaxNode own_async_method(std::string_view method, const SyntaxNode& from, FileContext& ctx) {
  SyntaxNode p = from.parent();
  for (; !p.is_null(); p = p.parent()) {
    const std::string_view k = p.kind();
    if (k == "method_definition") break;
    if (k == "function_expression" || k == "function_declaration" || k == "function" ||
        k == "generator_function" || k == "generator_function_declaration" || k == "program") {
      return {};
    }
  }
  if (p.is_null()) return {};
  const SyntaxNode body = p.parent();
  if (!body.is("class_body")) return {};
  SyntaxNode found;
  for (std::uint32_t i = 0; i < body.named_child_count(); ++i) {
    const SyntaxNode m = body.named_child(i);
    const SyntaxNode n = m.field(m.is("method_definition") ? "name" : "property");
    if (n.is_null() || ctx.text(n) != method) continue;
    if (!found.is_null()) return {};
    if (m.is("method_definition") && is_async(m)) {
      found = m;
    } else if ((m.is("field_definition") || m.is("public_field_definition")) &&
               is_async_function_value(m.field("value"))) {
      found = m.field("value").unwrapped();
    } else {
      return {};
    }
  }
  return found;
}

bool can_reject(const SyntaxNode& fn, FileContext& ctx, bool returns, int depth = 0);

// Whether an awaited value is known not to reject: `await p.catch(...)`, `await p.then(f, g)`,
// and sleeps (`await setTimeout(ms)` of timers/promises, `await sleep(ms)`, `await delay(ms)`,
// `await new Promise((resolve) => ...)` with no reject parameter).
bool await_is_safe(const SyntaxNode& await_expr, FileContext& ctx, int depth) {
  const SyntaxNode v = await_expr.named_child(0).unwrapped();
  if (v.is("new_expression")) {
    const SyntaxNode args = v.field("arguments");
    if (ctx.text(v.field("constructor")) != "Promise" || args.is_null() ||
        args.named_child_count() != 1) {
      return false;
    }
    const SyntaxNode exec = args.named_child(0).unwrapped();
    if (!exec.is("arrow_function") && !exec.is("function_expression")) return false;
    const SyntaxNode params = exec.field("parameters");
    return params.is_null() || params.named_child_count() <= 1;
  }
  if (!v.is("call_expression")) return false;
  const SyntaxNode callee = v.field("function").unwrapped();
  if (callee.is("member_expression")) {
    const std::string_view p = ctx.text(callee.field("property"));
    if (p == "catch" || (p == "then" && v.field("arguments").named_child_count() >= 2)) return true;
    // `await this.m()` where the class's own async m catches inside.
    if (depth >= 3 || !callee.field("object").is("this")) return false;
    const SyntaxNode m = own_async_method(p, await_expr, ctx);
    return !m.is_null() && !can_reject(m, ctx, true, depth + 1);
  }
  if (!callee.is("identifier")) return false;
  const std::string_view n = ctx.text(callee);
  return n == "setTimeout" || n == "setImmediate" || n == "sleep" || n == "delay" || n == "wait";
}

// Whether an async function's promise can reject through its own code: an await (not known to
// be safe) or a throw outside the body of any try with a catch clause, outside nested
// functions; with `returns`, also a returned call (a promise passed on). A function whose body
// is guarded this way "catches inside" and stays silent. Bounded; over budget answers false.
bool can_reject(const SyntaxNode& fn, FileContext& ctx, bool returns, int depth) {
  const SyntaxNode body = fn.field("body");
  if (body.is_null()) return false;
  if (!body.is("statement_block")) {
    // An expression body is returned: `async () => save(x)` passes a promise on.
    const SyntaxNode b = body.unwrapped();
    if (returns &&
        (b.is("call_expression") || (b.is("await_expression") && !await_is_safe(b, ctx, depth)))) {
      return true;
    }
  }
  std::vector<std::pair<SyntaxNode, bool>> stack{{body, false}};
  int budget = 20000;
  while (!stack.empty()) {
    const auto [n, guarded] = stack.back();
    stack.pop_back();
    if (--budget < 0) return false;
    const std::string_view k = n.kind();
    if (is_function_kind(k) || k == "class" || k == "class_declaration") continue;
    if (!guarded) {
      if (k == "await_expression" && !await_is_safe(n, ctx, depth)) return true;
      if (k == "throw_statement") return true;
      if (returns && k == "return_statement" && n.named_child_count() > 0) {
        const SyntaxNode v = n.named_child(0).unwrapped();
        if (v.is("await_expression") && await_is_safe(v, ctx, depth)) continue;
        if (v.is("call_expression") || v.is("await_expression")) return true;
      }
    }
    if (k == "try_statement") {
      const SyntaxNode handler = n.field("handler");
      stack.emplace_back(n.field("body"), guarded || !handler.is_null());
      if (!handler.is_null()) stack.emplace_back(handler, guarded);
      const SyntaxNode fin = n.field("finalizer");
      if (!fin.is_null()) stack.emplace_back(fin, guarded);
      continue;
    }
    for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
      stack.emplace_back(n.named_child(i), guarded);
    }
  }
  return false;
}

bool unprotected_await(const SyntaxNode& fn, FileContext& ctx) {
  return can_reject(fn, ctx, false);
}

// An async function (node or value) whose promise can reject: what a dropped call is judged by.
bool rejecting_async(const SyntaxNode& fn, FileContext& ctx) {
  return is_async(fn) && can_reject(fn, ctx, true);
}
bool rejecting_async_value(const SyntaxNode& v, FileContext& ctx) {
  return is_async_function_value(v) && can_reject(v.unwrapped(), ctx, true);
}

// Whether `name` is bound inside a pattern (identifier, destructuring, parameters), skipping
// type annotations and default values.
bool binds(const SyntaxNode& pattern, std::string_view name, FileContext& ctx, int depth = 0) {
  if (pattern.is_null() || depth > 12) return false;
  const std::string_view k = pattern.kind();
  if (k == "identifier" || k == "shorthand_property_identifier_pattern") {
    return ctx.text(pattern) == name;
  }
  if (k == "type_annotation" || k == "type_parameters") return false;
  if (k == "assignment_pattern" || k == "object_assignment_pattern") {
    return binds(pattern.field("left"), name, ctx, depth + 1);
  }
  if (k == "pair_pattern") return binds(pattern.field("value"), name, ctx, depth + 1);
  for (std::uint32_t i = 0; i < pattern.named_child_count(); ++i) {
    if (binds(pattern.named_child(i), name, ctx, depth + 1)) return true;
  }
  return false;
}

// The declaration of `name` a statement makes (in a block), or kNone.
Decl declares(const SyntaxNode& stmt, std::string_view name, FileContext& ctx) {
  SyntaxNode s = stmt;
  if (s.is("export_statement")) s = s.field("declaration");
  if (s.is_null()) return Decl::kNone;
  if (s.is("function_declaration") || s.is("generator_function_declaration") ||
      s.is("class_declaration")) {
    const SyntaxNode n = s.field("name");
    if (n.is_null() || ctx.text(n) != name) return Decl::kNone;
    if (s.is("function_declaration") && is_async(s)) {
      return can_reject(s, ctx, true) ? Decl::kAsync : Decl::kSync;
    }
    return s.is("class_declaration") ? Decl::kOther : Decl::kSync;
  }
  if (s.is("lexical_declaration") || s.is("variable_declaration")) {
    for (std::uint32_t i = 0; i < s.named_child_count(); ++i) {
      const SyntaxNode d = s.named_child(i);
      if (!d.is("variable_declarator") || !binds(d.field("name"), name, ctx)) continue;
      const SyntaxNode v = d.field("value");
      if (!v.is_null() && d.field("name").is("identifier") && is_async_function_value(v)) {
        return can_reject(v.unwrapped(), ctx, true) ? Decl::kAsync : Decl::kSync;
      }
      return Decl::kOther;
    }
  }
  return Decl::kNone;
}

// The nearest declaration of `name` seen from `from`, walking scopes outwards; the program level
// answers from the table built at the program node. Any doubt answers kAmbiguous.
Decl nearest_decl(std::string_view name, const SyntaxNode& from, FileContext& ctx,
                  const State& st) {
  int budget = 4000;
  for (SyntaxNode p = from.parent(); !p.is_null(); p = p.parent()) {
    const std::string_view k = p.kind();
    if (k == "program") {
      const auto it = st.top.find(std::string(name));
      return it == st.top.end() ? Decl::kNone : it->second.decl;
    }
    if (is_function_kind(k)) {
      SyntaxNode params = p.field("parameters");
      if (params.is_null()) params = p.field("parameter");
      if (binds(params, name, ctx)) return Decl::kOther;
      const SyntaxNode n = p.field("name");
      if (k == "function_expression" && !n.is_null() && ctx.text(n) == name) return Decl::kOther;
    } else if (k == "statement_block" || k == "switch_case" || k == "class_static_block") {
      for (std::uint32_t i = 0; i < p.named_child_count(); ++i) {
        if (--budget < 0) return Decl::kAmbiguous;
        const Decl d = declares(p.named_child(i), name, ctx);
        if (d != Decl::kNone) return d;
      }
    } else if (k == "for_in_statement" || k == "for_statement") {
      if (binds(p.field(k == "for_statement" ? "initializer" : "left"), name, ctx)) {
        return Decl::kOther;
      }
    } else if (k == "catch_clause") {
      if (binds(p.field("parameter"), name, ctx)) return Decl::kOther;
    }
  }
  return Decl::kNone;
}

// The range from a function's start to the start of its body: `async (req, res) =>`.
Range head_range(const SyntaxNode& fn, FileContext& ctx) {
  Range r = ctx.range(fn);
  const SyntaxNode body = fn.field("body");
  if (body.is_null()) return r;
  const Range b = ctx.range(body);
  if (b.start_byte > r.start_byte) {
    r.end_line = b.line;
    r.end_column = b.column;
    r.end_byte = b.start_byte;
  }
  return r;
}

std::string shorten(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    out.push_back(c);
    if (out.size() >= 48) {
      out += "...";
      break;
    }
  }
  return out;
}

bool is_relative_or_project(std::string_view spec) {
  return !spec.empty() && (spec[0] == '.' || spec[0] == '/' || spec[0] == '@' || spec[0] == '~' ||
                           spec.find('/') != std::string_view::npos);
}

// Well-known promise APIs called on a receiver bound to their package.
bool known_promise_method(std::string_view module, std::string_view imported,
                          std::string_view method, const SyntaxNode& args, bool module_object) {
  const std::string_view m = builtin_name(module);
  if (m == "fs/promises" && module_object) return true;
  if (m == "fs" && imported == "promises") return true;
  if ((m == "axios" || m == "got") && module_object) {
    return method == "get" || method == "post" || method == "put" || method == "patch" ||
           method == "delete" || method == "head" || method == "request";
  }
  if ((m == "bcrypt" || m == "bcryptjs") && module_object &&
      (method == "hash" || method == "compare" || method == "genSalt")) {
    // The callback form returns nothing: bcrypt.hash(pw, 10, cb).
    const std::uint32_t n = args.named_child_count();
    if (n == 0) return false;
    const SyntaxNode last = args.named_child(n - 1).unwrapped();
    const bool callback = last.is("arrow_function") || last.is("function_expression") ||
                          (last.is("identifier") && n >= 3);
    return !callback;
  }
  if (m == "mongoose" && module_object) return method == "connect" || method == "disconnect";
  return false;
}

// Methods of database clients made in the same file that return promises.
bool known_client_method(std::string_view ctor, std::string_view module, std::string_view method) {
  if (ctor == "PrismaClient" && module == "@prisma/client") {
    return method == "$connect" || method == "$disconnect" || method == "$transaction";
  }
  if (ctor == "Sequelize" && module == "sequelize") {
    return method == "sync" || method == "authenticate" || method == "close";
  }
  if (ctor == "MongoClient" && module == "mongodb") return method == "connect" || method == "close";
  if (ctor == "createClient" && (module == "redis" || module == "@redis/client")) {
    return method == "connect" || method == "quit" || method == "disconnect";
  }
  return false;
}

// Bundled front-end chunks (`assets/index-Cg_v4LwS.js`): not the backend's code.
bool is_bundle_chunk(std::string_view path) {
  if (path.find("assets/") == std::string_view::npos) return false;
  const std::size_t slash = path.rfind('/');
  std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) return false;
  name = name.substr(0, dot);
  // Bundlers append "-" and an 8-character hash of [A-Za-z0-9_-] (Vite, Rollup, esbuild).
  constexpr std::size_t kHash = 8;
  if (name.size() <= kHash || name[name.size() - kHash - 1] != '-') return false;
  bool mixed = false;
  for (char c : name.substr(name.size() - kHash)) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '-') return false;
    if (std::isdigit(u) || std::isupper(u)) mixed = true;
  }
  return mixed;
}

// Whether the file has several minified lines (a bundle that escaped the engine's check).
bool looks_minified(std::string_view source) {
  constexpr std::size_t kLong = 1000;
  int long_lines = 0;
  for (std::size_t from = 0; from < source.size();) {
    std::size_t end = source.find('\n', from);
    if (end == std::string_view::npos) end = source.size();
    if (end - from > kLong && ++long_lines >= 3) return true;
    from = end + 1;
  }
  return false;
}

// Chains whose then() is not a promise's: Cypress commands (`cy.get(...).then(...)`) and jQuery
// deferreds (`$.ajax(...).then(...)`).
bool thenable_command_chain(SyntaxNode base, FileContext& ctx) {
  for (int i = 0; i < 64; ++i) {
    if (base.is("call_expression")) {
      base = base.field("function").unwrapped();
    } else if (base.is("member_expression")) {
      base = base.field("object").unwrapped();
    } else {
      break;
    }
  }
  if (!base.is("identifier")) return false;
  const std::string_view root = ctx.text(base);
  return root == "cy" || root == "$" || root == "jQuery";
}

class UnhandledPromise final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const std::string_view k = node.kind();
    if (k == "program") {
      if (is_bundle_chunk(ctx.path()) || looks_minified(ctx.source())) {
        ctx.state<State>().skip = true;
        return;
      }
      scan_program(node, ctx);
    } else if (ctx.state<State>().skip) {
      return;
    } else if (k == "expression_statement") {
      statement(node, ctx);
    } else if (k == "call_expression") {
      callback(node, ctx);
    } else if (k == "import_statement") {
      if (string_value(node.field("source"), ctx) == "express-async-errors") {
        ctx.state<State>().async_errors = true;
      }
    } else if (is_async(node)) {
      handler_candidate(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    if (st.exported_async.empty() && st.reexports.empty() && st.calls.empty() &&
        st.async_fns.empty() && !st.async_errors) {
      return nullptr;
    }
    auto f = std::make_unique<Facts>();
    f->exported_async.assign(st.exported_async.begin(), st.exported_async.end());
    f->reexports = std::move(st.reexports);
    f->calls = std::move(st.calls);
    f->async_fns = std::move(st.async_fns);
    f->async_errors = st.async_errors;
    return f;
  }

  void analyze(ProgramContext& ctx) const override {
    std::map<std::string_view, const Facts*> by_path;
    for (const auto& ff : ctx.facts()) by_path[ff.path] = static_cast<const Facts*>(ff.facts);
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    for (const auto& ff : ctx.facts()) {
      const auto* f = static_cast<const Facts*>(ff.facts);
      for (const ImportedCall& c : f->calls) {
        const std::string target = model->resolve_module(ff.path, c.spec);
        if (target.empty() || !exports_async(target, c.key, by_path, *model, 0)) continue;
        ctx.report(
            ff.path, c.range,
            dropped_message(c.callee + "()", "an async function of " + target +
                                                 (c.chain ? "; finally() does not handle it" : "")),
            c.top ? Confidence::kLow : Confidence::kHigh);
      }
    }
    express_handlers(ctx, by_path, *model);
  }

 private:
  // ---- per file ---------------------------------------------------------------------------

  static void note_top(State& st, const std::string& name, TopDecl d) {
    auto [it, fresh] = st.top.emplace(name, d);
    if (!fresh) it->second.decl = Decl::kAmbiguous;
  }

  // The program's top-level declarations and exports, once per file, before the walk goes in.
  static void scan_program(const SyntaxNode& program, FileContext& ctx) {
    State& st = ctx.state<State>();
    st.async_names = async_names_of(ctx.source());
    std::vector<std::pair<std::string, std::string>> local_exports;  // exported, local
    for (std::uint32_t i = 0; i < program.named_child_count(); ++i) {
      SyntaxNode s = program.named_child(i);
      bool exported = false;
      bool is_default = false;
      if (s.is("export_statement")) {
        const SyntaxNode src = s.field("source");
        const SyntaxNode decl = s.field("declaration");
        const SyntaxNode value = s.field("value");
        for (std::uint32_t j = 0; j < s.child_count(); ++j) {
          if (s.child(j).kind() == "default") is_default = true;
        }
        if (!decl.is_null()) {
          s = decl;
          exported = true;
        } else if (!value.is_null()) {
          if (is_default) {
            if (rejecting_async_value(value, ctx)) {
              st.exported_async.insert("default");
            } else if (value.unwrapped().is("identifier")) {
              local_exports.emplace_back("default", std::string(ctx.text(value.unwrapped())));
            }
          }
          continue;
        } else {
          export_clause(s, src, ctx, st, local_exports);
          continue;
        }
      }
      if (s.is("function_declaration") || s.is("generator_function_declaration") ||
          s.is("class_declaration")) {
        const SyntaxNode n = s.field("name");
        const bool async_fn = s.is("function_declaration") && rejecting_async(s, ctx);
        if (n.is_null()) {
          if (exported && is_default && async_fn) st.exported_async.insert("default");
          continue;
        }
        const std::string name(ctx.text(n));
        note_top(st, name, TopDecl{async_fn ? Decl::kAsync : Decl::kSync, ""});
        if (exported && async_fn) st.exported_async.insert(is_default ? "default" : name);
      } else if (s.is("lexical_declaration") || s.is("variable_declaration")) {
        for (std::uint32_t j = 0; j < s.named_child_count(); ++j) {
          const SyntaxNode d = s.named_child(j);
          if (!d.is("variable_declarator")) continue;
          top_declarator(d, exported, ctx, st);
        }
      } else if (s.is("import_statement")) {
        import_names(s, ctx, st);
      } else if (s.is("expression_statement")) {
        cjs_export(s.named_child(0).unwrapped(), ctx, st, local_exports);
      }
    }
    for (const auto& [exported, local] : local_exports) {
      const auto it = st.top.find(local);
      if (it != st.top.end() && it->second.decl == Decl::kAsync) {
        st.exported_async.insert(exported);
      }
    }
  }

  static void top_declarator(const SyntaxNode& d, bool exported, FileContext& ctx, State& st) {
    const SyntaxNode name = d.field("name");
    const SyntaxNode value = d.field("value");
    if (name.is("identifier")) {
      const std::string n(ctx.text(name));
      TopDecl td{Decl::kOther, ""};
      if (!value.is_null()) {
        SyntaxNode v = value.unwrapped();
        if (v.is("await_expression")) v = v.named_child(0).unwrapped();
        if (is_async_function_value(v)) {
          td.decl = can_reject(v.unwrapped(), ctx, true) ? Decl::kAsync : Decl::kSync;
        } else if (is_module_value(v, ctx)) {
          td.decl = Decl::kImport;
        } else if (v.is("new_expression") || v.is("call_expression")) {
          const SyntaxNode c = v.field(v.is("new_expression") ? "constructor" : "function");
          if (c.is("identifier")) td.ctor = std::string(ctx.text(c));
          if (c.is("member_expression")) td.ctor = std::string(ctx.text(c.field("property")));
        }
      }
      note_top(st, n, td);
      if (exported && td.decl == Decl::kAsync) st.exported_async.insert(n);
      return;
    }
    // Destructuring: every bound name.
    const bool from_module = !value.is_null() && is_module_value(value, ctx);
    std::vector<SyntaxNode> stack{name};
    while (!stack.empty()) {
      const SyntaxNode p = stack.back();
      stack.pop_back();
      if (p.is("identifier") || p.is("shorthand_property_identifier_pattern")) {
        note_top(st, std::string(ctx.text(p)),
                 TopDecl{from_module ? Decl::kImport : Decl::kOther, ""});
        continue;
      }
      if (p.is("assignment_pattern") || p.is("object_assignment_pattern")) {
        stack.push_back(p.field("left"));
        continue;
      }
      if (p.is("pair_pattern")) {
        stack.push_back(p.field("value"));
        continue;
      }
      for (std::uint32_t i = 0; i < p.named_child_count(); ++i) stack.push_back(p.named_child(i));
    }
  }

  static void import_names(const SyntaxNode& s, FileContext& ctx, State& st) {
    if (string_value(s.field("source"), ctx) == "express-async-errors") st.async_errors = true;
    std::vector<SyntaxNode> stack;
    for (std::uint32_t i = 0; i < s.named_child_count(); ++i) {
      if (s.named_child(i).is("import_clause")) stack.push_back(s.named_child(i));
    }
    while (!stack.empty()) {
      const SyntaxNode p = stack.back();
      stack.pop_back();
      if (p.is("identifier")) {
        note_top(st, std::string(ctx.text(p)), TopDecl{Decl::kImport, ""});
      } else if (p.is("import_specifier")) {
        SyntaxNode n = p.field("alias");
        if (n.is_null()) n = p.field("name");
        if (n.is("identifier")) note_top(st, std::string(ctx.text(n)), TopDecl{Decl::kImport, ""});
      } else {
        for (std::uint32_t i = 0; i < p.named_child_count(); ++i) {
          stack.push_back(p.named_child(i));
        }
      }
    }
  }

  // `export { a, b as c }` and `export { a } from './x'` / `export * from './x'`.
  static void export_clause(const SyntaxNode& s, const SyntaxNode& src, FileContext& ctx, State& st,
                            std::vector<std::pair<std::string, std::string>>& local_exports) {
    const std::string spec(string_value(src, ctx));
    bool any = false;
    for (std::uint32_t i = 0; i < s.named_child_count(); ++i) {
      const SyntaxNode c = s.named_child(i);
      if (!c.is("export_clause")) continue;
      any = true;
      for (std::uint32_t j = 0; j < c.named_child_count(); ++j) {
        const SyntaxNode e = c.named_child(j);
        if (!e.is("export_specifier")) continue;
        const SyntaxNode n = e.field("name");
        SyntaxNode a = e.field("alias");
        if (a.is_null()) a = n;
        const std::string local(ctx.text(n));
        const std::string exported(ctx.text(a));
        if (spec.empty()) {
          local_exports.emplace_back(exported, local);
        } else {
          st.reexports.push_back(ReExport{exported, spec, local});
        }
      }
    }
    if (!any && !spec.empty()) st.reexports.push_back(ReExport{"*", spec, "*"});
  }

  // `exports.f = async ...`, `module.exports.f = f`, `module.exports = { f, g: async () => {} }`,
  // `module.exports = require('./x')`.
  static void cjs_export(const SyntaxNode& e, FileContext& ctx, State& st,
                         std::vector<std::pair<std::string, std::string>>& local_exports) {
    if (!e.is("assignment_expression")) return;
    const SyntaxNode left = e.field("left").unwrapped();
    const SyntaxNode right = e.field("right").unwrapped();
    const std::string_view lt = ctx.text(left);
    auto value = [&](const std::string& exported, const SyntaxNode& v) {
      if (rejecting_async_value(v, ctx)) {
        st.exported_async.insert(exported);
      } else if (v.unwrapped().is("identifier")) {
        local_exports.emplace_back(exported, std::string(ctx.text(v.unwrapped())));
      }
    };
    if (lt == "module.exports") {
      const std::string_view spec = require_spec(right, ctx);
      if (!spec.empty()) {
        st.reexports.push_back(ReExport{"*", std::string(spec), "*"});
        return;
      }
      if (!right.is("object")) {
        value("default", right);
        return;
      }
      for (std::uint32_t i = 0; i < right.named_child_count(); ++i) {
        const SyntaxNode p = right.named_child(i);
        if (p.is("shorthand_property_identifier")) {
          local_exports.emplace_back(std::string(ctx.text(p)), std::string(ctx.text(p)));
        } else if (p.is("pair")) {
          const SyntaxNode key = p.field("key");
          if (key.is("property_identifier")) value(std::string(ctx.text(key)), p.field("value"));
        } else if (p.is("method_definition") && rejecting_async(p, ctx)) {
          const SyntaxNode key = p.field("name");
          if (key.is("property_identifier")) st.exported_async.insert(std::string(ctx.text(key)));
        }
      }
      return;
    }
    if (!left.is("member_expression")) return;
    const std::string_view obj = ctx.text(left.field("object"));
    if (obj != "exports" && obj != "module.exports") return;
    const SyntaxNode prop = left.field("property");
    if (!prop.is("property_identifier")) return;
    value(std::string(ctx.text(prop)), right);
  }

  // (a) and (b): a statement whose value is a call.
  static void statement(const SyntaxNode& stmt, FileContext& ctx) {
    const SyntaxNode e = stmt.named_child(0).unwrapped();
    if (!e.is("call_expression")) return;
    bool chain = false;
    bool has_then = false;
    SyntaxNode base = e;
    while (base.is("call_expression")) {
      const SyntaxNode callee = base.field("function").unwrapped();
      if (!callee.is("member_expression")) break;
      const std::string_view p = ctx.text(callee.field("property"));
      if (p == "catch") return;
      if (p == "then") {
        const SyntaxNode args = base.field("arguments");
        if (args.named_child_count() >= 2) {
          const std::string_view second = ctx.text(args.named_child(1));
          if (second != "undefined" && second != "null") return;
        }
        chain = true;
        has_then = true;
      } else if (p == "finally") {
        chain = true;
      } else {
        break;
      }
      base = callee.field("object").unwrapped();
    }
    State& st = ctx.state<State>();
    // A module-level `main();` usually means "crash with the error if start-up fails", which
    // Node does by default: still a dropped promise, but reported with low confidence.
    const bool top = stmt.parent().is("program");
    const Confidence high = top ? Confidence::kLow : Confidence::kHigh;
    const Confidence medium = top ? Confidence::kLow : Confidence::kMedium;
    if (chain) {
      // (b): a then() chain left without a rejection handler, on anything; a finally()-only
      // chain only on a call known to return a promise.
      std::string callee;
      if (base.is("call_expression")) {
        if (const auto why = promise_call(base, stmt, ctx, st, has_then, callee);
            why.has_value() && !why->empty()) {
          ctx.report(ctx.range(stmt),
                     has_then ? chain_message(callee)
                              : dropped_message(callee, *why + "; finally() does not handle it"),
                     high);
          return;
        }
      }
      if (has_then && !thenable_command_chain(base, ctx)) {
        ctx.report(ctx.range(stmt), chain_message(shorten(ctx.text(base))), medium);
      }
      return;
    }
    std::string callee;
    if (const auto why = promise_call(base, stmt, ctx, st, false, callee);
        why.has_value() && !why->empty()) {
      ctx.report(ctx.range(stmt), dropped_message(callee, *why), high);
    }
  }

  // Whether a call returns a promise that this rule knows about: a reason ("an async function
  // declared at line N", "fetch") to report now; "" when recorded for analyze; nullopt when it is
  // not known to return a promise.
  static std::optional<std::string> promise_call(const SyntaxNode& call, const SyntaxNode& stmt,
                                                 FileContext& ctx, State& st, bool has_then,
                                                 std::string& callee_text) {
    const SyntaxNode callee = call.field("function").unwrapped();
    const SyntaxNode args = call.field("arguments");
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      callee_text = std::string(name) + "()";
      // Only names the file declares async, fetch, and imports can matter: skip the scope walk
      // for everything else (most calls).
      if (st.async_names.find(name) == st.async_names.end() && name != "fetch" &&
          ctx.import_of(name) == nullptr) {
        return std::nullopt;
      }
      const Decl d = nearest_decl(name, stmt, ctx, st);
      if (d == Decl::kAsync) return std::string("an async function of this file");
      if (name == "fetch" && (d == Decl::kNone || d == Decl::kImport)) {
        const ImportBinding* b = ctx.import_of(name);
        if (d == Decl::kNone && b == nullptr) return std::string("the global fetch");
        if (b != nullptr &&
            (b->module == "node-fetch" || b->module == "undici" || b->module == "cross-fetch")) {
          return "fetch from " + b->module;
        }
      }
      if (d != Decl::kImport) return std::nullopt;
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr) return std::nullopt;
      if ((b->module == "got" || b->module == "axios") && b->is_module_object()) {
        return b->module;
      }
      if (has_then || !is_relative_or_project(b->module) || b->imported == "*") {
        return std::nullopt;
      }
      st.calls.push_back(ImportedCall{b->module, b->imported.empty() ? "default" : b->imported,
                                      std::string(name), ctx.range(stmt),
                                      stmt.named_child(0).unwrapped().end_byte() != call.end_byte(),
                                      stmt.parent().is("program")});
      return std::string();
    }
    if (!callee.is("member_expression")) return std::nullopt;
    const SyntaxNode prop = callee.field("property");
    const std::string_view method = ctx.text(prop);
    const SyntaxNode obj = callee.field("object").unwrapped();
    callee_text = shorten(ctx.text(callee)) + "()";
    if (obj.is("this")) {
      if (this_method_async(method, stmt, ctx)) {
        return std::string("an async method of this class");
      }
      return std::nullopt;
    }
    if (obj.is("member_expression")) {
      // fs.promises.readFile(...)
      const SyntaxNode inner = obj.field("object").unwrapped();
      if (ctx.text(obj.field("property")) == "promises" && inner.is("identifier")) {
        const ImportBinding* b = ctx.import_of(ctx.text(inner));
        if (b != nullptr && builtin_name(b->module) == "fs" && b->is_module_object() &&
            nearest_decl(ctx.text(inner), stmt, ctx, st) == Decl::kImport) {
          return std::string("fs.promises");
        }
      }
      return std::nullopt;
    }
    if (!obj.is("identifier")) return std::nullopt;
    const std::string_view recv = ctx.text(obj);
    // Only Promise, imports and clients made at the top of the file can matter.
    if (recv != "Promise" && ctx.import_of(recv) == nullptr) {
      const auto top = st.top.find(std::string(recv));
      if (top == st.top.end() || top->second.ctor.empty()) return std::nullopt;
    }
    const Decl d = nearest_decl(recv, stmt, ctx, st);
    // A combinator whose own promise is dropped (allSettled never rejects).
    if (recv == "Promise" && d == Decl::kNone &&
        (method == "all" || method == "race" || method == "any")) {
      return "Promise." + std::string(method);
    }
    if (d == Decl::kImport) {
      const ImportBinding* b = ctx.import_of(recv);
      if (b == nullptr) return std::nullopt;
      if (known_promise_method(b->module, b->imported, method, args, b->is_module_object())) {
        return std::string(builtin_name(b->module));
      }
      if (!has_then && is_relative_or_project(b->module) &&
          (b->imported.empty() || b->imported == "*")) {
        st.calls.push_back(ImportedCall{
            b->module, std::string(method), std::string(ctx.text(callee)), ctx.range(stmt),
            stmt.named_child(0).unwrapped().end_byte() != call.end_byte(),
            stmt.parent().is("program")});
        return std::string();
      }
      return std::nullopt;
    }
    if (d == Decl::kOther) {
      // A client made at the top of this file: `const prisma = new PrismaClient()`.
      const auto it = st.top.find(std::string(recv));
      if (it == st.top.end() || it->second.ctor.empty()) return std::nullopt;
      // Only when the name is the program-level one (not shadowed in between).
      if (nearest_decl_is_top(recv, stmt, ctx, st)) {
        const ImportBinding* b = ctx.import_of(it->second.ctor);
        if (b != nullptr &&
            known_client_method(
                b->imported.empty() || b->imported == "default" ? it->second.ctor : b->imported,
                b->module, method)) {
          return "a " + b->module + " client";
        }
      }
    }
    return std::nullopt;
  }

  static bool nearest_decl_is_top(std::string_view name, const SyntaxNode& from, FileContext& ctx,
                                  const State& st) {
    State empty;
    (void)st;
    // Re-run the walk without the program table: kNone means nothing nearer than the program.
    return nearest_decl(name, from, ctx, empty) == Decl::kNone;
  }

  // `this.m()` inside a class whose own method m is async (and no sync m): walks out through
  // arrow functions only, since other functions rebind `this`.
  static bool this_method_async(std::string_view method, const SyntaxNode& from, FileContext& ctx) {
    const SyntaxNode fn = own_async_method(method, from, ctx);
    return !fn.is_null() && can_reject(fn, ctx, true);
  }

  // (d): async callbacks whose promise the callee drops.
  static void callback(const SyntaxNode& call, FileContext& ctx) {
    const SyntaxNode callee = call.field("function").unwrapped();
    const SyntaxNode args = call.field("arguments");
    if (args.is_null() || !args.is("arguments")) return;
    SyntaxNode fn;
    std::string what;
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      if (name == "require") {
        if (require_spec(call, ctx) == "express-async-errors") {
          ctx.state<State>().async_errors = true;
        }
        return;
      }
      if (name != "setTimeout" && name != "setInterval" && name != "setImmediate") return;
      if (args.named_child_count() == 0) return;
      fn = args.named_child(0).unwrapped();
      what = std::string(name) + "()";
    } else if (callee.is("member_expression")) {
      const std::string_view p = ctx.text(callee.field("property"));
      if (p == "forEach") {
        if (args.named_child_count() == 0) return;
        fn = args.named_child(0).unwrapped();
        what = "forEach()";
      } else if (p == "on" || p == "once" || p == "addListener" || p == "prependListener") {
        if (args.named_child_count() != 2 || !args.named_child(0).is("string")) return;
        fn = args.named_child(1).unwrapped();
        what = "the '" + std::string(string_value(args.named_child(0), ctx)) + "' listener of ." +
               std::string(p) + "()";
      } else {
        return;
      }
    } else {
      return;
    }
    if (!is_async_function_value(fn) || !unprotected_await(fn, ctx)) return;
    ctx.report(head_range(fn, ctx),
               "async callback given to " + what +
                   " awaits outside any try/catch, but its caller ignores the returned promise: "
                   "a rejection there is unhandled; catch inside the callback",
               Confidence::kHigh);
  }

  // (c) candidates: async functions shaped like Express handlers, (req, res[, next]) or
  // (err, req, res, next), that can reject.
  static void handler_candidate(const SyntaxNode& fn, FileContext& ctx) {
    SyntaxNode params = fn.field("parameters");
    if (params.is_null()) return;
    const std::uint32_t n = params.named_child_count();
    if (n < 2 || n > 4) return;
    if (!unprotected_await(fn, ctx)) return;
    ctx.state<State>().async_fns.push_back(
        AsyncFn{fn.start_byte(), fn.end_byte(), head_range(fn, ctx)});
  }

  // ---- whole program ----------------------------------------------------------------------

  static bool exports_async(const std::string& path, const std::string& key,
                            const std::map<std::string_view, const Facts*>& by_path,
                            const ModelView& model, int depth) {
    if (depth > 8) return false;
    const auto it = by_path.find(path);
    if (it == by_path.end()) return false;
    const Facts& f = *it->second;
    if (std::binary_search(f.exported_async.begin(), f.exported_async.end(), key)) return true;
    for (const ReExport& r : f.reexports) {
      if (r.name != key && !(r.name == "*" && key != "default")) continue;
      const std::string target = model.resolve_module(path, r.spec);
      if (target.empty()) continue;
      if (exports_async(target, r.name == "*" ? key : r.imported, by_path, model, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  static void express_handlers(ProgramContext& ctx,
                               const std::map<std::string_view, const Facts*>& by_path,
                               const ModelView& model) {
    for (const auto& [path, f] : by_path) {
      if (f->async_errors) return;
    }
    if (model.has_dependency("express-async-errors")) return;
    int major = -1;
    for (const FrameworkVersion& v : model.frameworks()) {
      if (v.name == "express") major = v.major;
    }
    if (major >= 5) return;
    const Confidence confidence = major == -1 ? Confidence::kLow : Confidence::kMedium;
    std::set<std::pair<std::string, std::uint32_t>> done;
    auto judge = [&](const SourceSpan& site, const std::string& what) {
      if (!site.known()) return;
      const auto it = by_path.find(site.file);
      if (it == by_path.end()) return;
      for (const AsyncFn& fn : it->second->async_fns) {
        if (fn.start != site.start_byte || fn.end != site.end_byte) continue;
        if (!done.emplace(site.file, fn.start).second) return;
        ctx.report(site.file, fn.head,
                   "async Express " + what +
                       " awaits outside any try/catch and is not wrapped: Express 4 does not "
                       "catch the returned promise, so a rejection is unhandled and the request "
                       "hangs; wrap it (express-async-handler / .catch(next)) or use try/catch",
                   confidence);
        return;
      }
    };
    for (const Route& r : model.routes()) {
      if (r.framework != "express") continue;
      judge(r.handler_site, "route handler (" + r.method + " " + r.path + ")");
      for (const RouteMiddleware& m : r.middleware) judge(m.site, "middleware");
    }
  }

  static std::string dropped_message(const std::string& callee, const std::string& why) {
    return callee + " returns a promise (" + why +
           ") that is neither awaited, returned nor given a rejection handler: a rejection is "
           "unhandled; await it, return it, add .catch(), or mark it `void` on purpose";
  }

  static std::string chain_message(const std::string& base) {
    return "promise chain on " + base +
           " has then() but no rejection handler: a rejection (or a throw in a callback) is "
           "unhandled; end it with .catch()";
  }
};

}  // namespace

const Rule& reliability_unhandled_promise() {
  static const UnhandledPromise kRule;
  return kRule;
}

}  // namespace nodescope::rules
