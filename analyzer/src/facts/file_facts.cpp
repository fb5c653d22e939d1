// Extraction of per-file facts (see file_facts.h). Expressions are converted to values with a
// depth limit and a per-expression budget, so a huge object literal or a 100,000-level nesting
// costs a bounded amount; function bodies are never converted (their statements are walked on
// their own), a function is just its id.
#include "facts/file_facts.h"

#include <algorithm>
#include <array>
#include <string>

namespace nodescope::facts {
namespace {

constexpr std::array<std::string_view, 18> kKinds = {"call_expression",
                                                     "import_statement",
                                                     "export_statement",
                                                     "lexical_declaration",
                                                     "variable_declaration",
                                                     "expression_statement",
                                                     "function_declaration",
                                                     "generator_function_declaration",
                                                     "function_expression",
                                                     "arrow_function",
                                                     "method_definition",
                                                     "class_declaration",
                                                     "return_statement",
                                                     "if_statement",
                                                     "ternary_expression",
                                                     "switch_statement",
                                                     "function",
                                                     "generator_function"};

constexpr int kMaxDepth = 12;
constexpr int kBudget = 96;            // values per converted expression
constexpr int kLocalBudget = 12;       // ... for declarations inside functions
constexpr std::size_t kMaxItems = 64;  // items kept per call, array or object
constexpr std::size_t kSnippet = 60;
constexpr std::size_t kCalleeText = 80;

// Source text with runs of white space folded to one space (multi-line call chains).
std::string collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space && c != '.' && (out.empty() || out.back() != '.')) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Method names whose calls can register routes, middleware, plugins or hooks, mount routers,
// iterate route tables, or configure an app (Express, Fastify, Koa, Hapi, Nest). Other method
// calls (res.json, console.log, ...) are not effects the model needs.
bool is_registration_method(std::string_view name) {
  static constexpr std::array<std::string_view, 44> kNames = {"all",
                                                              "addHook",
                                                              "after",
                                                              "auth",
                                                              "decorate",
                                                              "decorateRequest",
                                                              "del",
                                                              "delete",
                                                              "enableCors",
                                                              "ext",
                                                              "forEach",
                                                              "get",
                                                              "head",
                                                              "listen",
                                                              "map",
                                                              "mount",
                                                              "on",
                                                              "options",
                                                              "patch",
                                                              "post",
                                                              "prefix",
                                                              "put",
                                                              "register",
                                                              "route",
                                                              "routes",
                                                              "setErrorHandler",
                                                              "setGlobalPrefix",
                                                              "setNotFoundHandler",
                                                              "strategy",
                                                              "use",
                                                              "useGlobalFilters",
                                                              "useGlobalGuards",
                                                              "useGlobalInterceptors",
                                                              "useGlobalPipes",
                                                              "allowedMethods",
                                                              "default",
                                                              "withTypeProvider",
                                                              "bind",
                                                              "call",
                                                              "apply",
                                                              "init",
                                                              "setup",
                                                              "configure",
                                                              "start"};
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return false;
}

bool is_function_kind(std::string_view k) {
  return k == "function_declaration" || k == "generator_function_declaration" ||
         k == "function_expression" || k == "arrow_function" || k == "method_definition" ||
         k == "function" || k == "generator_function";
}

}  // namespace

const ImportBinding* FileFacts::import_of(std::string_view local) const {
  for (auto it = imports.rbegin(); it != imports.rend(); ++it) {
    if (it->local == local) return &*it;
  }
  return nullptr;
}

namespace {
bool constant_value(const ValueFacts& f, ValueId id, int depth) {
  if (id == kNoValue || depth > kMaxDepth) return false;
  const Value& v = f.at(id);
  switch (v.kind) {
    case ValueKind::kString:
    case ValueKind::kNumber:
      return true;
    case ValueKind::kTemplate:
      for (std::uint32_t i = 0; i < v.count; ++i) {
        if (f.at(f.item(v, i)).kind != ValueKind::kString) return false;
      }
      return true;
    case ValueKind::kConcat:
      return constant_value(f, v.a, depth + 1) && constant_value(f, v.b, depth + 1);
    default:
      return false;
  }
}
}  // namespace

bool FileFacts::is_constant_name(std::string_view name) const {
  const Binding* found = nullptr;
  for (const Binding& b : values.bindings) {
    if (b.name != name) continue;
    if (found != nullptr) return false;  // declared more than once: not trusted
    found = &b;
  }
  return found != nullptr && found->is_const && constant_value(values, found->value, 0);
}

std::span<const std::string_view> extractor_node_kinds(bool model) {
  static constexpr std::array<std::string_view, 3> kLight = {
      "import_statement", "lexical_declaration", "variable_declaration"};
  if (model) return kKinds;
  return kLight;
}

Extractor::Extractor(std::string_view source, const parse::LineIndex& lines, FileFacts& out,
                     bool model, std::string_view path, const fs::PathGlobs* test_globs)
    : source_(source), model_(model), lines_(lines), out_(out) {
  test_path_ = model && is_test_path(path, test_globs);
  out_.test_file = test_path_;
  out_.values.functions.emplace_back();  // the module scope
  out_.values.functions[0].end_byte = static_cast<std::uint32_t>(source.size());
  out_.values.line_starts = lines.starts();
}

std::string_view Extractor::text(const SyntaxNode& node) const {
  if (node.is_null()) return {};
  const std::uint32_t start = std::min<std::uint32_t>(node.start_byte(), source_.size());
  const std::uint32_t end = std::clamp<std::uint32_t>(node.end_byte(), start, source_.size());
  return source_.substr(start, end - start);
}

// A string literal's contents; escapes are kept as written except the common \' \" \\ forms.
std::string Extractor::string_contents(const SyntaxNode& node) const {
  const std::string_view raw = text(node);
  if (raw.size() < 2) return {};
  std::string out;
  const std::string_view body = raw.substr(1, raw.size() - 2);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size() &&
        (body[i + 1] == '\'' || body[i + 1] == '"' || body[i + 1] == '\\' || body[i + 1] == '/')) {
      ++i;
    }
    out.push_back(body[i]);
  }
  return out;
}

Range Extractor::range(const SyntaxNode& node) const {
  return lines_.range(node.start_byte(), node.end_byte());
}

ValueId Extractor::add(Value v, const SyntaxNode& node) {
  v.start_byte = node.start_byte();
  v.end_byte = node.end_byte();
  if (v.kind == ValueKind::kName || v.kind == ValueKind::kThis) v.scope = current_function();
  out_.values.values.push_back(std::move(v));
  return static_cast<ValueId>(out_.values.values.size() - 1);
}

void Extractor::leave_until(std::uint32_t byte) {
  while (!functions_.empty() && functions_.back().end_byte <= byte) functions_.pop_back();
  while (!conditionals_.empty() && conditionals_.back() <= byte) conditionals_.pop_back();
}

FunctionId Extractor::function_of(const SyntaxNode& node) {
  auto it = function_at_.find(node.start_byte());
  if (it != function_at_.end()) return it->second;
  Function fn;
  fn.parent = current_function();
  fn.start_byte = node.start_byte();
  fn.end_byte = node.end_byte();
  const SyntaxNode name = node.field("name");
  if (name.is("identifier") || name.is("property_identifier") || name.is("type_identifier")) {
    fn.name = std::string(text(name));
  }
  fn.is_async = node.child_count() > 0 && node.child(0).is("async");
  fn.arrow = node.is("arrow_function");
  SyntaxNode params = node.field("parameters");
  if (params.is_null()) params = node.field("parameter");  // `x => ...`
  if (params.is("identifier")) {
    fn.params.emplace_back(text(params));
  } else if (!params.is_null()) {
    for (std::uint32_t i = 0; i < params.named_child_count(); ++i) {
      SyntaxNode p = params.named_child(i);
      // TS wraps parameters: required_parameter / optional_parameter with a `pattern` field.
      if (p.is("required_parameter") || p.is("optional_parameter")) p = p.field("pattern");
      if (p.is("assignment_pattern")) p = p.field("left");
      fn.params.emplace_back(p.is("identifier") ? std::string(text(p)) : std::string());
    }
  }
  out_.values.functions.push_back(std::move(fn));
  const auto id = static_cast<FunctionId>(out_.values.functions.size() - 1);
  function_at_.emplace(node.start_byte(), id);
  return id;
}

// Items are gathered on the stack while children are converted (children add their own items to
// the pool), then appended as one contiguous run.
struct Extractor::Items {
  std::array<ValueId, kMaxItems> ids{};
  std::array<std::string, kMaxItems>* keys = nullptr;
  std::uint32_t n = 0;
  bool push(ValueId id) {
    if (n >= ids.size()) return false;
    ids[n++] = id;
    return true;
  }
};

void Extractor::store(Value& v, const Items& items) {
  v.first = static_cast<std::uint32_t>(out_.values.item_pool.size());
  v.count = items.n;
  for (std::uint32_t i = 0; i < items.n; ++i) {
    out_.values.item_pool.push_back(items.ids[i]);
    out_.values.key_pool.push_back(items.keys != nullptr ? std::move((*items.keys)[i])
                                                         : std::string());
  }
}

// `object.key` as a value (destructuring and imports bind names to members of a module).
ValueId Extractor::member_value(ValueId object, std::string key, const SyntaxNode& where) {
  Value m;
  m.kind = ValueKind::kMember;
  m.a = object;
  m.text = std::move(key);
  return add(std::move(m), where);
}

ValueId Extractor::value_of(const SyntaxNode& raw, int depth) {
  if (raw.is_null()) return kNoValue;
  const SyntaxNode node = raw.unwrapped();
  Value v;
  if (depth > kMaxDepth || --budget_ < 0) {
    v.text = std::string(text(node).substr(0, kSnippet));
    return add(std::move(v), node);
  }
  Items items;
  const std::string_view k = node.kind();
  if (k == "identifier" || k == "shorthand_property_identifier") {
    v.kind = ValueKind::kName;
    v.text = std::string(text(node));
  } else if (k == "this") {
    v.kind = ValueKind::kThis;
    v.index = this_class();
  } else if (k == "string") {
    v.kind = ValueKind::kString;
    v.text = string_contents(node);
  } else if (k == "number") {
    v.kind = ValueKind::kNumber;
    v.text = std::string(text(node));
  } else if (k == "template_string") {
    v.kind = ValueKind::kTemplate;
    for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
      const SyntaxNode part = node.named_child(i);
      if (part.is("template_substitution")) {
        items.push(value_of(part.named_child(0), depth + 1));
      } else {
        Value chunk;
        chunk.kind = ValueKind::kString;
        chunk.text = std::string(text(part));
        // `\\d` in a template is `\d` at run time (Express path patterns such as `:id(\\d+)`).
        if (part.is("escape_sequence") && chunk.text.size() == 2 &&
            std::string_view("\\'\"`/$").find(chunk.text[1]) != std::string_view::npos) {
          chunk.text.erase(0, 1);
        }
        items.push(add(std::move(chunk), part));
      }
    }
  } else if (k == "binary_expression") {
    const std::string_view op = text(node.field("operator"));
    if (op == "+") {
      v.kind = ValueKind::kConcat;
      v.a = value_of(node.field("left"), depth + 1);
      v.b = value_of(node.field("right"), depth + 1);
    } else if (op == "||" || op == "??") {
      v.kind = ValueKind::kConditional;
      v.a = value_of(node.field("left"), depth + 1);
      v.b = value_of(node.field("right"), depth + 1);
    } else {
      v.text = std::string(text(node).substr(0, kSnippet));
    }
  } else if (k == "ternary_expression") {
    v.kind = ValueKind::kConditional;
    v.a = value_of(node.field("consequence"), depth + 1);
    v.b = value_of(node.field("alternative"), depth + 1);
  } else if (k == "member_expression") {
    v.kind = ValueKind::kMember;
    v.a = value_of(node.field("object"), depth + 1);
    v.text = std::string(text(node.field("property")));
  } else if (k == "subscript_expression") {
    const SyntaxNode index = node.field("index").unwrapped();
    if (index.is("string")) {
      v.kind = ValueKind::kMember;
      v.a = value_of(node.field("object"), depth + 1);
      v.text = string_contents(index);
    } else {
      v.text = std::string(text(node).substr(0, kSnippet));
    }
  } else if (k == "call_expression") {
    const SyntaxNode fn = node.field("function");
    const SyntaxNode args = node.field("arguments");
    if ((fn.is("identifier") && text(fn) == "require") || fn.is("import")) {
      // require('x') and dynamic import('x'); anything else is an unknown value.
      if (args.named_child_count() >= 1 && args.named_child(0).is("string")) {
        v.kind = ValueKind::kRequire;
        v.text = string_contents(args.named_child(0));
      } else {
        v.text = std::string(text(node).substr(0, kSnippet));
      }
    } else {
      v.kind = ValueKind::kCall;
      v.text = collapse(text(fn).substr(0, kCalleeText));
      v.a = value_of(fn, depth + 1);
      if (args.is("arguments")) {
        for (std::uint32_t i = 0; i < args.named_child_count(); ++i) {
          const SyntaxNode arg = args.named_child(i);
          if (arg.is("comment")) continue;
          if (!items.push(value_of(arg, depth + 1))) break;
        }
      } else if (args.is("template_string")) {  // a tagged template
        items.push(value_of(args, depth + 1));
      }
    }
  } else if (k == "new_expression") {
    v.kind = ValueKind::kNew;
    v.a = value_of(node.field("constructor"), depth + 1);
    const SyntaxNode args = node.field("arguments");
    for (std::uint32_t i = 0; !args.is_null() && i < args.named_child_count(); ++i) {
      if (!items.push(value_of(args.named_child(i), depth + 1))) break;
    }
  } else if (k == "await_expression" || k == "yield_expression") {
    return value_of(node.named_child(0), depth + 1);
  } else if (k == "sequence_expression" && node.named_child_count() > 0) {
    // `(0, _express.default)()`: Babel's and TypeScript's CommonJS output calls imports through
    // a comma expression, whose value is its last operand.
    return value_of(node.named_child(node.named_child_count() - 1), depth + 1);
  } else if (is_function_kind(k)) {
    v.kind = ValueKind::kFunction;
    v.index = function_of(node);
  } else if (k == "array") {
    v.kind = ValueKind::kArray;
    for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
      const SyntaxNode item = node.named_child(i);
      if (item.is("comment")) continue;
      if (!items.push(value_of(item, depth + 1))) break;
    }
  } else if (k == "object") {
    v.kind = ValueKind::kObject;
    std::array<std::string, kMaxItems> keys;
    items.keys = &keys;
    for (std::uint32_t i = 0; i < node.named_child_count() && items.n < kMaxItems; ++i) {
      const SyntaxNode prop = node.named_child(i);
      if (prop.is("pair")) {
        const SyntaxNode key = prop.field("key");
        keys[items.n] = key.is("string") ? string_contents(key) : std::string(text(key));
        items.push(value_of(prop.field("value"), depth + 1));
      } else if (prop.is("shorthand_property_identifier")) {
        keys[items.n] = std::string(text(prop));
        items.push(value_of(prop, depth + 1));
      } else if (prop.is("method_definition")) {
        keys[items.n] = std::string(text(prop.field("name")));
        Value fn;
        fn.kind = ValueKind::kFunction;
        fn.index = function_of(prop);
        items.push(add(std::move(fn), prop));
      } else if (prop.is("spread_element")) {
        keys[items.n] = "...";
        items.push(value_of(prop.named_child(0), depth + 1));
      }
    }
    store(v, items);
    return add(std::move(v), node);
  } else if (k == "spread_element") {
    v.kind = ValueKind::kSpread;
    v.a = value_of(node.named_child(0), depth + 1);
  } else {
    v.text = std::string(text(node).substr(0, kSnippet));
  }
  if (items.n > 0) store(v, items);
  return add(std::move(v), node);
}

void Extractor::bind(std::string_view name, ValueId value, std::uint32_t at, bool is_const,
                     FunctionId scope) {
  out_.values.bindings.push_back(Binding{std::string(name), scope, value, at, is_const});
}

// Destructuring: `const { a, b: c, ...rest } = v` binds a = v.a, c = v.b; arrays by position.
void Extractor::bind_pattern(const SyntaxNode& pattern, ValueId value, std::uint32_t at,
                             bool is_const, FunctionId scope, int depth) {
  if (depth > kMaxDepth) return;
  if (pattern.is("identifier")) {
    bind(text(pattern), value, at, is_const, scope);
  } else if (pattern.is("object_pattern")) {
    for (std::uint32_t i = 0; i < pattern.named_child_count(); ++i) {
      const SyntaxNode prop = pattern.named_child(i);
      if (prop.is("shorthand_property_identifier_pattern")) {
        bind(text(prop), member_value(value, std::string(text(prop)), prop), at, is_const, scope);
      } else if (prop.is("pair_pattern")) {
        const SyntaxNode key = prop.field("key");
        SyntaxNode target = prop.field("value");
        if (target.is("assignment_pattern")) target = target.field("left");
        const std::string k = key.is("string") ? string_contents(key) : std::string(text(key));
        bind_pattern(target, member_value(value, k, prop), at, is_const, scope, depth + 1);
      } else if (prop.is("object_assignment_pattern")) {
        const SyntaxNode left = prop.field("left");
        if (left.is("shorthand_property_identifier_pattern")) {
          bind(text(left), member_value(value, std::string(text(left)), prop), at, is_const, scope);
        }
      }
    }
  } else if (pattern.is("array_pattern")) {
    for (std::uint32_t i = 0; i < pattern.named_child_count(); ++i) {
      bind_pattern(pattern.named_child(i), member_value(value, std::to_string(i), pattern), at,
                   is_const, scope, depth + 1);
    }
  }
}

void Extractor::on_import(const SyntaxNode& node) {
  const std::uint32_t at = node.start_byte();
  const Range r = range(node);
  auto require_value = [&](const std::string& module, const SyntaxNode& where) {
    Value v;
    v.kind = ValueKind::kRequire;
    v.text = module;
    return add(std::move(v), where);
  };
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode child = node.named_child(i);
    if (child.is("import_require_clause")) {  // TS: import x = require('m')
      const SyntaxNode name = child.named_child(0);
      const SyntaxNode src = child.field("source");
      if (name.is("identifier") && src.is("string")) {
        const std::string module = string_contents(src);
        out_.imports.push_back(ImportBinding{std::string(text(name)), module, "", r});
        bind(text(name), require_value(module, src), at, true, 0);
      }
      return;
    }
  }
  const SyntaxNode src = node.field("source");
  if (!src.is("string")) return;
  const std::string module = string_contents(src);
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode clause = node.named_child(i);
    if (!clause.is("import_clause")) continue;
    for (std::uint32_t j = 0; j < clause.named_child_count(); ++j) {
      const SyntaxNode part = clause.named_child(j);
      if (part.is("identifier")) {
        out_.imports.push_back(ImportBinding{std::string(text(part)), module, "default", r});
        bind(text(part), member_value(require_value(module, src), "default", part), at, true, 0);
      } else if (part.is("namespace_import")) {
        const SyntaxNode name = part.named_child(0);
        if (!name.is("identifier")) continue;
        out_.imports.push_back(ImportBinding{std::string(text(name)), module, "*", r});
        bind(text(name), require_value(module, src), at, true, 0);
      } else if (part.is("named_imports")) {
        for (std::uint32_t k = 0; k < part.named_child_count(); ++k) {
          const SyntaxNode spec = part.named_child(k);
          if (!spec.is("import_specifier")) continue;
          const SyntaxNode name = spec.field("name");
          const SyntaxNode alias = spec.field("alias");
          const std::string imported =
              name.is("string") ? string_contents(name) : std::string(text(name));
          const std::string_view local = text(alias.is_null() ? name : alias);
          out_.imports.push_back(ImportBinding{std::string(local), module, imported, r});
          bind(local, member_value(require_value(module, src), imported, spec), at, true, 0);
        }
      }
    }
  }
}

void Extractor::on_export(const SyntaxNode& node) {
  auto& exports = out_.values.exports;
  const SyntaxNode src = node.field("source");
  const std::string from = src.is("string") ? string_contents(src) : std::string();
  const SyntaxNode decl = node.field("declaration");
  const SyntaxNode value = node.field("value");
  bool is_default = false;
  for (std::uint32_t i = 0; i < node.child_count(); ++i) {
    if (node.child(i).is("default")) is_default = true;
  }
  if (!decl.is_null()) {
    // export const a = ..., export function f() {}, export class C {}, export default function.
    const SyntaxNode name = decl.field("name");
    if (decl.is("lexical_declaration") || decl.is("variable_declaration")) {
      for (std::uint32_t i = 0; i < decl.named_child_count(); ++i) {
        const SyntaxNode d = decl.named_child(i);
        if (!d.is("variable_declarator")) continue;
        const SyntaxNode n = d.field("name");
        if (!n.is("identifier")) continue;
        Value ref;
        ref.kind = ValueKind::kName;
        ref.text = std::string(text(n));
        exports.push_back(Export{std::string(text(n)), add(std::move(ref), n), "", "", false});
      }
    } else if (!name.is_null()) {
      Value ref;
      ref.kind = ValueKind::kName;
      ref.text = std::string(text(name));
      const ValueId id = add(std::move(ref), name);
      exports.push_back(
          Export{is_default ? "default" : std::string(text(name)), id, "", "", false});
    } else if (is_default) {
      exports.push_back(Export{"default", value_of(decl, 0), "", "", false});
    }
    return;
  }
  if (!value.is_null()) {  // export default <expression>
    budget_ = kBudget;
    exports.push_back(Export{"default", value_of(value, 0), "", "", false});
    return;
  }
  bool any_clause = false;
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode clause = node.named_child(i);
    if (clause.is("namespace_export")) {  // export * as ns from 'x'
      any_clause = true;
      const SyntaxNode n = clause.named_child(0);
      exports.push_back(Export{std::string(text(n)), kNoValue, from, "*", false});
    }
    if (!clause.is("export_clause")) continue;
    any_clause = true;
    for (std::uint32_t j = 0; j < clause.named_child_count(); ++j) {
      const SyntaxNode spec = clause.named_child(j);
      if (!spec.is("export_specifier")) continue;
      const SyntaxNode name = spec.field("name");
      const SyntaxNode alias = spec.field("alias");
      const std::string exported(text(alias.is_null() ? name : alias));
      if (!from.empty()) {
        exports.push_back(Export{exported, kNoValue, from, std::string(text(name)), false});
      } else {
        Value ref;
        ref.kind = ValueKind::kName;
        ref.text = std::string(text(name));
        exports.push_back(Export{exported, add(std::move(ref), name), "", "", false});
      }
    }
  }
  if (!any_clause && !from.empty()) exports.push_back(Export{"", kNoValue, from, "", true});
}

void Extractor::on_declarator(const SyntaxNode& d, bool is_const, FunctionId scope) {
  const SyntaxNode name = d.field("name");
  const SyntaxNode init = d.field("value");
  if (init.is_null()) return;
  // Inside functions most declarations are handler locals; a smaller budget keeps them cheap
  // while still seeing `const router = express.Router()` in a factory.
  budget_ = scope == 0 ? kBudget : kLocalBudget;
  const ValueId value = value_of(init, 0);
  const Value& v = out_.values.values[static_cast<std::size_t>(value)];
  // Name anonymous functions after their variable: `const createRouter = () => {...}`.
  if (v.kind == ValueKind::kFunction && name.is("identifier")) {
    auto& fn = out_.values.functions[static_cast<std::size_t>(v.index)];
    if (fn.name.empty()) fn.name = std::string(text(name));
  }
  // Module bindings for rules: const x = require('m'), const { a } = require('m'),
  // const x = require('m').y.
  if (v.kind == ValueKind::kRequire ||
      (v.kind == ValueKind::kMember && v.a != kNoValue &&
       out_.values.values[static_cast<std::size_t>(v.a)].kind == ValueKind::kRequire)) {
    const bool direct = v.kind == ValueKind::kRequire;
    const std::string module =
        direct ? v.text : out_.values.values[static_cast<std::size_t>(v.a)].text;
    const std::string imported = direct ? std::string() : v.text;
    const Range r = range(d);
    if (name.is("identifier")) {
      out_.imports.push_back(ImportBinding{std::string(text(name)), module, imported, r});
    } else if (name.is("object_pattern") && direct) {
      for (std::uint32_t i = 0; i < name.named_child_count(); ++i) {
        const SyntaxNode prop = name.named_child(i);
        if (prop.is("shorthand_property_identifier_pattern")) {
          out_.imports.push_back(
              ImportBinding{std::string(text(prop)), module, std::string(text(prop)), r});
        } else if (prop.is("pair_pattern")) {
          const SyntaxNode key = prop.field("key");
          const SyntaxNode val = prop.field("value");
          if (key.is("property_identifier") && val.is("identifier")) {
            out_.imports.push_back(
                ImportBinding{std::string(text(val)), module, std::string(text(key)), r});
          }
        }
      }
    }
  }
  bind_pattern(name, value, d.start_byte(), is_const, scope, 0);
}

// Light mode converts only what module bindings and constant names need: require() (also
// `require('m').x`) and constant-looking initialisers.
bool Extractor::light_wanted(const SyntaxNode& declarator) const {
  const SyntaxNode init = declarator.field("value").unwrapped();
  if (init.is("string") || init.is("number") || init.is("template_string") ||
      init.is("binary_expression")) {
    return true;
  }
  return (init.is("call_expression") || init.is("member_expression")) &&
         text(init).starts_with("require");
}

void Extractor::on_declaration(const SyntaxNode& node) {
  const bool is_const = node.child_count() > 0 && node.child(0).is("const");
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode d = node.named_child(i);
    if (!d.is("variable_declarator")) continue;
    if (!model_ && !light_wanted(d)) {
      // Light mode: the name is still counted, so a redeclared name is never trusted.
      const SyntaxNode name = d.field("name");
      if (name.is("identifier")) {
        bind(text(name), kNoValue, d.start_byte(), false, current_function());
      }
      continue;
    }
    on_declarator(d, is_const, current_function());
  }
}

void Extractor::on_assignment(const SyntaxNode& node) {
  const SyntaxNode left = node.field("left").unwrapped();
  const SyntaxNode right = node.field("right");
  budget_ = kBudget;
  if (left.is("identifier")) {
    const ValueId value = value_of(right, 0);
    bind(text(left), value, node.start_byte(), false, current_function());
    return;
  }
  if (!left.is("member_expression")) return;
  const SyntaxNode obj = left.field("object").unwrapped();
  const std::string_view prop = text(left.field("property"));
  if (obj.is("this") && left.field("property").is("property_identifier")) {
    // `this.app = express()` in a method: a property of the class.
    const std::int32_t cls = this_class();
    if (cls >= 0) {
      const ValueId value = value_of(right, 0);
      out_.values.shapes[static_cast<std::size_t>(cls)].props.emplace_back(std::string(prop),
                                                                           value);
    }
    return;
  }
  // module.exports = v; module.exports.x = v; exports.x = v
  if (obj.is("identifier") && text(obj) == "module" && prop == "exports") {
    out_.values.exports.push_back(Export{"", value_of(right, 0), "", "", false});
  } else if ((obj.is("identifier") && text(obj) == "exports") ||
             (obj.is("member_expression") && text(obj) == "module.exports")) {
    out_.values.exports.push_back(Export{std::string(prop), value_of(right, 0), "", "", false});
  } else if (obj.is("identifier")) {
    // A method added to an object (`app.lazyUse = function (path, fn) {...}`): kept as an effect
    // so a framework instance gains it where the code runs. Only functions: plain property
    // writes (`req.user = ...`) are everywhere and never matter to the model.
    const SyntaxNode r = right.unwrapped();
    if (!(r.is("function_expression") || r.is("arrow_function") || r.is("function"))) return;
    Value assign;
    assign.kind = ValueKind::kAssign;
    assign.a = value_of(obj, 0);
    assign.b = value_of(r, 0);
    assign.text = std::string(prop);
    const ValueId id = add(std::move(assign), node);
    out_.values.effects.push_back(Effect{id, current_function(), in_conditional()});
  }
}

void Extractor::on_function(const SyntaxNode& node) {
  const FunctionId id = function_of(node);
  const std::string_view k = node.kind();
  if (k == "function_declaration" || k == "generator_function_declaration") {
    const SyntaxNode name = node.field("name");
    if (name.is("identifier")) {
      Value v;
      v.kind = ValueKind::kFunction;
      v.index = id;
      bind(text(name), add(std::move(v), node), node.start_byte(), true, current_function());
    }
  }
  functions_.push_back(Open{node.end_byte(), id});
  if (k == "arrow_function") {
    const SyntaxNode body = node.field("body");
    if (!body.is_null() && !body.is("statement_block")) {
      const SyntaxNode e = body.unwrapped();
      const bool effect = e.is("call_expression") && may_register(e);
      if (effect || may_return_object(body)) {
        budget_ = kBudget;
        const ValueId v = value_of(body, 0);
        out_.values.functions[static_cast<std::size_t>(id)].returns.push_back(v);
        if (effect) out_.values.effects.push_back(Effect{v, id, in_conditional()});
      }
    }
  }
}

void Extractor::on_return(const SyntaxNode& node) {
  if (node.named_child_count() == 0 || functions_.empty()) return;
  if (!may_return_object(node.named_child(0))) return;
  budget_ = kBudget;
  const ValueId v = value_of(node.named_child(0), 0);
  out_.values.functions[static_cast<std::size_t>(current_function())].returns.push_back(v);
}

// Cheap filter before converting anything: a registration-shaped method call, or a call of a
// name / require() / call with an identifier argument (`require('./routes')(app)`,
// `registerRoutes(router)`), which may bind a registration function's parameters.
// `app`, `siteApp`, `apiRouter`, `server`, `fastify`, `instance`: names apps and routers go by.
static bool names_an_app(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (std::string_view w : {"app", "router", "server", "fastify", "instance"}) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

bool Extractor::may_register(const SyntaxNode& call) const {
  const SyntaxNode callee = call.field("function").unwrapped();
  if (callee.is("member_expression")) {
    if (is_registration_method(text(callee.field("property")))) return true;
    // A class calling its own setup methods (`this.initializeRoutes(routes)`).
    if (callee.field("object").unwrapped().is("this")) return true;
    // A project-specific mounting method handed a module (`app.lazyUse('/api', require('./api'))`),
    // or a method handed the app itself (`llmsHandler.mountLlmsRoutes(siteApp)`): arguments named
    // like an app, router or server (names only: every `res.json(data)` would be too many).
    const SyntaxNode args = call.field("arguments");
    for (std::uint32_t i = 0; !args.is_null() && i < args.named_child_count(); ++i) {
      const SyntaxNode a = args.named_child(i);
      if (a.is("call_expression") && text(a.field("function")) == "require") return true;
      if (a.is("identifier") && names_an_app(text(a))) return true;
    }
    return false;
  }
  if (!callee.is("identifier") && !callee.is("call_expression")) return false;
  const SyntaxNode args = call.field("arguments");
  for (std::uint32_t i = 0; !args.is_null() && i < args.named_child_count(); ++i) {
    const SyntaxNode a = args.named_child(i);
    if (a.is("identifier") || a.is("this") || a.is("member_expression")) return true;
  }
  return false;
}

// Returns the model follows: a name (`return router`), a constructor-like or registration call
// (`return express.Router()`, `return createApp()`, `return app.use(...)`), or a function.
bool Extractor::may_return_object(const SyntaxNode& raw) const {
  const SyntaxNode e = raw.unwrapped();
  if (e.is("identifier") || e.is("new_expression") || e.is("arrow_function") ||
      e.is("function_expression") || e.is("object")) {
    return true;
  }
  if (e.is("await_expression")) return may_return_object(e.named_child(0));
  // Interop wrappers: `return mod && mod.__esModule ? mod : { default: mod }` (tsc, Babel).
  if (e.is("ternary_expression")) {
    return may_return_object(e.field("consequence")) || may_return_object(e.field("alternative"));
  }
  if (!e.is("call_expression")) return false;
  const SyntaxNode callee = e.field("function").unwrapped();
  if (callee.is("identifier")) return true;
  if (!callee.is("member_expression")) return false;
  if (text(callee) == "Promise.resolve") return true;  // lazy loaders return Promise.resolve(app)
  const std::string_view prop = text(callee.field("property"));
  return (!prop.empty() && prop[0] >= 'A' && prop[0] <= 'Z') || is_registration_method(prop) ||
         prop == "create";
}

void Extractor::add_effect(const SyntaxNode& call, bool conditional) {
  if (!may_register(call)) return;
  budget_ = kBudget;
  out_.values.effects.push_back(Effect{value_of(call, 0), current_function(), conditional});
}

void Extractor::on_statement(const SyntaxNode& node) {
  SyntaxNode e = node.named_child(0);
  bool conditional = in_conditional();
  for (int i = 0; i < 4 && !e.is_null(); ++i) {
    e = e.unwrapped();
    if (e.is("await_expression")) {
      e = e.named_child(0);
    } else if (e.is("unary_expression") && e.child_count() > 0 && e.child(0).is("void")) {
      e = e.field("argument");
    } else if (e.is("binary_expression") && e.field("operator").is("&&")) {
      e = e.field("right");
      conditional = true;
    } else {
      break;
    }
  }
  if (e.is("call_expression")) {
    add_effect(e, conditional);
  } else if (e.is("assignment_expression")) {
    on_assignment(e);
  }
}

Decorator Extractor::decorator_of(const SyntaxNode& node) {
  Decorator d;
  d.start_byte = node.start_byte();
  const SyntaxNode e = node.named_child(0);
  if (e.is("call_expression")) {
    d.name = collapse(text(e.field("function")));
    const SyntaxNode args = e.field("arguments");
    for (std::uint32_t i = 0; !args.is_null() && i < args.named_child_count(); ++i) {
      const SyntaxNode a = args.named_child(i);
      if (a.is("comment")) continue;
      budget_ = kBudget;
      d.args.push_back(value_of(a, 0));
    }
  } else {
    d.name = collapse(text(e));
  }
  return d;
}

// Decorated classes (NestJS): the class's decorators (on an enclosing `export` when exported),
// each method's decorators (siblings before it in the class body) and parameter decorators, and
// decorated properties (DTO fields). Classes without any decorator are not recorded.
std::int32_t Extractor::this_class() const {
  if (field_class_ >= 0) return field_class_;
  for (auto it = functions_.rbegin(); it != functions_.rend(); ++it) {
    const Function& fn = out_.values.functions[static_cast<std::size_t>(it->id)];
    if (fn.owner_class >= 0) return fn.owner_class;
    if (!fn.arrow) return -1;  // a plain function has its own `this`
  }
  return -1;
}

// The class's shape: methods (their functions are created here, before the walk reaches them,
// so `this` inside knows its class) and field initialisers.
void Extractor::on_class_shape(const SyntaxNode& node) {
  ClassShape shape;
  shape.name = std::string(text(node.field("name")));
  const auto index = static_cast<std::int32_t>(out_.values.shapes.size());
  const SyntaxNode body = node.field("body");
  for (std::uint32_t i = 0; !body.is_null() && i < body.named_child_count(); ++i) {
    const SyntaxNode m = body.named_child(i);
    if (m.is("method_definition")) {
      const FunctionId fid = function_of(m);
      out_.values.functions[static_cast<std::size_t>(fid)].owner_class = index;
      const std::string name(text(m.field("name")));
      if (name == "constructor") shape.constructor = fid;
      shape.methods.emplace_back(name, fid);
    } else if (m.is("public_field_definition") || m.is("field_definition")) {
      const SyntaxNode name = m.field("name").is_null() ? m.field("property") : m.field("name");
      const SyntaxNode value = m.field("value");
      if (name.is_null() || value.is_null()) continue;
      budget_ = kBudget;
      field_class_ = index;
      const ValueId v = value_of(value, 0);
      field_class_ = -1;
      shape.props.emplace_back(std::string(text(name)), v);
    }
  }
  out_.values.shapes.push_back(std::move(shape));
}

void Extractor::on_class(const SyntaxNode& node) {
  ClassFacts c;
  c.name = std::string(text(node.field("name")));
  c.start_byte = node.start_byte();
  auto collect = [&](const SyntaxNode& holder) {
    for (std::uint32_t i = 0; i < holder.named_child_count(); ++i) {
      const SyntaxNode d = holder.named_child(i);
      if (d.is("decorator")) c.decorators.push_back(decorator_of(d));
    }
  };
  collect(node);
  const SyntaxNode parent = node.parent();  // classes are few: the parent walk is affordable
  if (parent.is("export_statement")) collect(parent);
  const SyntaxNode body = node.field("body");
  std::vector<Decorator> pending;
  bool any = !c.decorators.empty();
  for (std::uint32_t i = 0; !body.is_null() && i < body.named_child_count(); ++i) {
    const SyntaxNode m = body.named_child(i);
    if (m.is("decorator")) {
      pending.push_back(decorator_of(m));
      continue;
    }
    if (m.is("comment")) continue;  // a comment between decorators keeps them for the method
    if (m.is("method_definition")) {
      MethodFacts mf;
      mf.name = std::string(text(m.field("name")));
      mf.start_byte = m.start_byte();
      mf.decorators = std::move(pending);
      const SyntaxNode params = m.field("parameters");
      for (std::uint32_t j = 0; !params.is_null() && j < params.named_child_count(); ++j) {
        const SyntaxNode p = params.named_child(j);
        ParamFacts pf;
        for (std::uint32_t k = 0; k < p.named_child_count(); ++k) {
          const SyntaxNode d = p.named_child(k);
          if (d.is("decorator")) pf.decorators.push_back(decorator_of(d));
        }
        const SyntaxNode type = p.field("type");
        if (!type.is_null() && type.named_child_count() > 0) {
          pf.type = std::string(text(type.named_child(0)));
        }
        mf.params.push_back(std::move(pf));
      }
      any = any || !mf.decorators.empty();
      c.methods.push_back(std::move(mf));
    } else if (m.is("public_field_definition") || m.is("field_definition")) {
      std::vector<Decorator> decorators = std::move(pending);
      for (std::uint32_t k = 0; k < m.named_child_count(); ++k) {
        const SyntaxNode d = m.named_child(k);
        if (d.is("decorator")) decorators.push_back(decorator_of(d));
      }
      const SyntaxNode name = m.field("name").is_null() ? m.field("property") : m.field("name");
      if (!decorators.empty()) {
        any = true;
        c.properties.emplace_back(std::string(text(name)), std::move(decorators));
      }
    }
    pending.clear();
  }
  if (any) out_.values.classes.push_back(std::move(c));
}

void Extractor::on_node(const SyntaxNode& node) {
  leave_until(node.start_byte());
  if (!model_) {
    if (node.is("import_statement")) {
      on_import(node);
    } else {
      on_declaration(node);
    }
    return;
  }
  const std::string_view k = node.kind();
  if (k == "call_expression") {
    // Calls are the most frequent node: only test files look further.
    if (in_test_file()) on_test_call(node);
  } else if (is_function_kind(k)) {
    on_function(node);
  } else if (k == "expression_statement") {
    on_statement(node);
  } else if (k == "lexical_declaration" || k == "variable_declaration") {
    on_declaration(node);
  } else if (k == "import_statement") {
    on_import(node);
  } else if (k == "export_statement") {
    on_export(node);
  } else if (k == "return_statement") {
    on_return(node);
  } else if (k == "class_declaration") {
    const SyntaxNode name = node.field("name");
    if (!name.is_null()) {
      Value v;
      v.kind = ValueKind::kClass;
      v.index = static_cast<std::int32_t>(out_.values.shapes.size());  // on_class adds it next
      v.text = std::string(text(name));
      bind(text(name), add(std::move(v), node), node.start_byte(), true, current_function());
      on_class_shape(node);
    }
    on_class(node);
  } else if (k == "if_statement" || k == "ternary_expression" || k == "switch_statement") {
    // The condition itself is not conditional, but it holds no effects worth separating.
    conditionals_.push_back(node.end_byte());
  }
}

}  // namespace nodescope::facts
