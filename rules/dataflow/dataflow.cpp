// The shared data-flow engine of the source-to-sink rules (dataflow.h says what it is for). Per
// file, every function with parameters gets a small summary: "parameter i (at member path p)
// reaches sink S at range R", plus the calls it makes to project functions with tainted arguments
// and whether it validates (a schema call). Taint follows assignments, destructuring, spreads,
// templates, concatenation, object literals and member access inside the function, in source
// order. Sinks count only when the receiver is bound to what they claim: a database call needs a
// receiver bound to an ORM/driver import, a model made with one, or an injected repository.
// Left out on purpose: flows through arbitrary call results, object properties of other
// variables, and receivers the file does not bind (unknown means silent). Not here: which sinks
// and sources a rule reports (each rule.cpp decides), I/O.
#include "dataflow/dataflow.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "db_vocabulary.h"
#include "nodescope/syntax.h"
#include "rule_util.h"

namespace nodescope::dataflow {
namespace {

using rules::one_of;
using rules::require_spec;
using rules::db::kDbInjectors;
using rules::db::kDbPackages;
using rules::db::kFactories;

// ---- vocabularies ------------------------------------------------------------------------------

// Beside the shared driver and ORM packages (db_vocabulary.h): ones only this engine binds.
constexpr std::array<std::string_view, 2> kMoreDbPackages = {"tedious", "mongodb-memory-server"};

// Methods that query or write through a database object.
constexpr std::array<std::string_view, 62> kDbMethods = {"find",
                                                         "findOne",
                                                         "findById",
                                                         "findByIdAndUpdate",
                                                         "findByIdAndDelete",
                                                         "findByIdAndRemove",
                                                         "findOneAndUpdate",
                                                         "findOneAndDelete",
                                                         "findOneAndReplace",
                                                         "findOneAndRemove",
                                                         "create",
                                                         "insertMany",
                                                         "insertOne",
                                                         "insert",
                                                         "updateOne",
                                                         "updateMany",
                                                         "update",
                                                         "replaceOne",
                                                         "deleteOne",
                                                         "deleteMany",
                                                         "delete",
                                                         "remove",
                                                         "destroy",
                                                         "upsert",
                                                         "aggregate",
                                                         "count",
                                                         "countDocuments",
                                                         "distinct",
                                                         "where",
                                                         "andWhere",
                                                         "orWhere",
                                                         "whereIn",
                                                         "findAll",
                                                         "findByPk",
                                                         "findAndCountAll",
                                                         "findOrCreate",
                                                         "findMany",
                                                         "findUnique",
                                                         "findFirst",
                                                         "findUniqueOrThrow",
                                                         "findFirstOrThrow",
                                                         "createMany",
                                                         "findOneBy",
                                                         "findBy",
                                                         "findAndCount",
                                                         "findOneOrFail",
                                                         "findOneByOrFail",
                                                         "save",
                                                         "bulkWrite",
                                                         "exists",
                                                         "orderBy",
                                                         "select",
                                                         "query",
                                                         "raw",
                                                         "execute",
                                                         "whereRaw",
                                                         "$queryRawUnsafe",
                                                         "$executeRawUnsafe",
                                                         "$queryRaw",
                                                         "$executeRaw",
                                                         "none",
                                                         "any"};
constexpr std::array<std::string_view, 8> kSqlMethods = {
    "query", "raw", "execute", "whereRaw", "$queryRawUnsafe", "$executeRawUnsafe", "none", "any"};

constexpr std::array<std::string_view, 7> kExecFunctions = {
    "exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork"};
constexpr std::array<std::string_view, 6> kFsModules = {"fs",          "fs/promises", "fs-extra",
                                                        "graceful-fs", "node:fs",     "mz/fs"};
constexpr std::array<std::string_view, 44> kFsFunctions = {"readFile",
                                                           "readFileSync",
                                                           "writeFile",
                                                           "writeFileSync",
                                                           "appendFile",
                                                           "appendFileSync",
                                                           "createReadStream",
                                                           "createWriteStream",
                                                           "unlink",
                                                           "unlinkSync",
                                                           "rm",
                                                           "rmSync",
                                                           "rmdir",
                                                           "rmdirSync",
                                                           "mkdir",
                                                           "mkdirSync",
                                                           "readdir",
                                                           "readdirSync",
                                                           "stat",
                                                           "statSync",
                                                           "lstat",
                                                           "lstatSync",
                                                           "access",
                                                           "accessSync",
                                                           "existsSync",
                                                           "open",
                                                           "openSync",
                                                           "rename",
                                                           "renameSync",
                                                           "copyFile",
                                                           "copyFileSync",
                                                           "copy",
                                                           "copySync",
                                                           "move",
                                                           "moveSync",
                                                           "remove",
                                                           "removeSync",
                                                           "outputFile",
                                                           "readJson",
                                                           "readJSON",
                                                           "writeJson",
                                                           "symlink",
                                                           "chmod",
                                                           "truncate"};
// Methods that take route handlers inline (Express/Koa verbs, use, route; Fastify route; Hapi
// register/route).
constexpr std::array<std::string_view, 14> kRouteMethods = {
    "get", "post", "put",     "patch", "delete",   "del",   "all",
    "use", "head", "options", "route", "register", "param", "search"};

constexpr std::array<std::string_view, 4> kVmFunctions = {"runInNewContext", "runInThisContext",
                                                          "runInContext", "compileFunction"};
constexpr std::array<std::string_view, 7> kHttpPackages = {
    "axios", "got", "node-fetch", "needle", "superagent", "undici", "cross-fetch"};
constexpr std::array<std::string_view, 9> kHttpVerbs = {
    "get", "post", "put", "patch", "delete", "head", "request", "options", "stream"};

// Schema validation calls that validate what the handler reads (handler-wide).
constexpr std::array<std::string_view, 10> kSchemaMethods = {
    "validate",  "validateAsync",  "validateSync",     "parse",  "parseAsync",
    "safeParse", "safeParseAsync", "validateOrReject", "assert", "isValidSync"};
constexpr std::array<std::string_view, 9> kNotSchemas = {
    "JSON", "path", "url", "qs", "querystring", "Date", "URL", "cookie", "semver"};
constexpr std::array<std::string_view, 6> kSchemaFunctions = {
    "validationResult", "matchedData",  "validate",
    "validateOrReject", "validateSync", "checkSchema"};
// Casts that turn input into a plain value.
constexpr std::array<std::string_view, 9> kCasts = {
    "Number", "parseInt",           "parseFloat", "Boolean", "BigInt",
    "String", "encodeURIComponent", "isNaN",      "escape"};
// Methods on a tainted value whose result is not attacker-shaped (booleans, numbers).
constexpr std::array<std::string_view, 11> kCleanMethods = {
    "includes",      "indexOf",     "startsWith", "endsWith", "test",     "hasOwnProperty",
    "localeCompare", "lastIndexOf", "some",       "every",    "findIndex"};

constexpr std::array<std::string_view, 5> kNestSources = {"Body", "Query", "Param", "Headers",
                                                          "Ip"};
constexpr std::array<std::string_view, 13> kDbFieldTypes = {
    "Repository", "Model",        "MongoRepository", "TreeRepository", "EntityManager",
    "DataSource", "PrismaClient", "PrismaService",   "Knex",           "Pool",
    "Sequelize",  "Db",           "Collection"};
bool starts_with_word(std::string_view name, std::string_view prefix) {
  return name.size() >= prefix.size() && name.substr(0, prefix.size()) == prefix;
}

// A project function applied to a value that checks it: validate*, sanitize*, check*, isValid*,
// assert*.
bool is_checker_name(std::string_view name) {
  return starts_with_word(name, "validate") || starts_with_word(name, "sanitize") ||
         starts_with_word(name, "check") || starts_with_word(name, "isValid") ||
         starts_with_word(name, "assert") || starts_with_word(name, "ensureValid");
}

bool is_db_package(std::string_view module) {
  if (one_of(module, kDbPackages) || one_of(module, kMoreDbPackages)) return true;
  return starts_with_word(module, "@mikro-orm/") || starts_with_word(module, "drizzle-orm/");
}

bool is_mongo_package(std::string_view module) {
  return module == "mongoose" || module == "mongodb" || module == "@nestjs/mongoose" ||
         module == "mongoist" || module == "monk";
}

bool is_project_spec(std::string_view spec) {
  // Relative paths and aliases (resolve_module decides for aliases); never a built-in.
  return !spec.empty() && (spec[0] == '.' || spec[0] == '/' || spec[0] == '@' || spec[0] == '~' ||
                           spec[0] == '#' || spec.find('/') != std::string_view::npos);
}

// ---- summaries ---------------------------------------------------------------------------------

constexpr std::size_t kMaxSources = 6;
constexpr int kMaxPathSegments = 4;

void merge(Taint& into, const Taint& from) {
  for (const Source& s : from) {
    if (into.size() >= kMaxSources) return;
    if (std::find(into.begin(), into.end(), s) == into.end()) into.push_back(s);
  }
}

std::string append_path(const std::string& path, std::string_view seg) {
  int segments = path.empty() ? 0 : 1;
  for (char c : path) segments += c == '.' ? 1 : 0;
  if (segments >= kMaxPathSegments) return path;
  return path.empty() ? std::string(seg) : path + "." + std::string(seg);
}

// ---- per-file state ----------------------------------------------------------------------------

// A call with at least one tainted argument, classified in end_file once every binding is known.
struct RawCall {
  bool bare = false;      // f(...)
  bool is_new = false;    // new X(...)
  std::string root;       // f, or the chain's root: "User", "this", "this.repo", "" (unknown)
  std::string method;     // the called member ("" for bare calls)
  int links = 0;          // member/call links between root and method
  bool promises = false;  // fs.promises.x
  std::string label;
  Range range;
  std::vector<std::pair<std::uint8_t, Taint>> args;  // tainted arguments
  Taint url_taint;                                   // arg 0's url keys when it is an object
  bool first_dynamic = false;  // arg 0 is a string built at run time (or a name bound to one)
  bool first_object = false;   // arg 0 is an object literal
};

struct Draft {
  Summary summary;
  std::vector<RawCall> calls;
  std::vector<SinkHit> direct;  // sinks decided during the walk (redirects, eval)
  std::vector<SinkHit> extra;   // sinks only the newer rules read (file sends)
};

// How a name is bound in this file, recorded from declarations anywhere in it.
struct Decl {
  enum Kind : std::uint8_t { kAlias, kCall, kBareCall, kNew, kRequire, kOther } kind = kOther;
  std::string root;    // the name the value derives from
  std::string method;  // for kCall
  std::string module;  // for kRequire
};

struct ClassInfo {
  std::string name;
  std::string heritage_root;                  // extends X / extends X.Y -> X
  bool heritage_call = false;                 // extends PartialType(...)
  bool entity = false;                        // @Entity / @Table / @Schema
  std::vector<std::string> field_decorators;  // decorator names on properties
};

struct State : RuleState {
  std::vector<Draft> drafts;
  std::unordered_map<std::string, std::vector<Decl>> decls;
  std::vector<ClassInfo> classes;
  std::unordered_map<std::string, bool> db_fields;           // this.<field> is a db object
  std::unordered_map<std::string, std::string> field_types;  // this.<field> -> class name
  std::vector<std::string> factory_roots;  // roots of factory calls and `new` anywhere
  std::vector<std::string> required;       // require('...') specifiers
  // Sharing between consumer rules (ADR 0004): who feeds, and the finished summary.
  std::set<std::string> mongo_fields;  // this.<field> is a MongoDB / mongoose object
  const Rule* owner = nullptr;
  bool finished = false;
  std::shared_ptr<const FileSummary> result;
};

// ---- small syntax helpers ----------------------------------------------------------------------

std::string collapse(std::string_view text, std::size_t max) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= max) {
      out += "...";
      break;
    }
  }
  return out;
}

std::string string_value(const SyntaxNode& n, FileContext& ctx) {
  if (!n.is("string")) return {};
  const std::string_view t = ctx.text(n);
  return t.size() >= 2 ? std::string(t.substr(1, t.size() - 2)) : std::string();
}

// The decorator's name: @Body() -> Body, @Entity -> Entity, @x.Y() -> Y.
std::string decorator_name(const SyntaxNode& deco, FileContext& ctx) {
  SyntaxNode e = deco.named_child_count() > 0 ? deco.named_child(0) : SyntaxNode();
  if (e.is("call_expression")) e = e.field("function");
  if (e.is("member_expression")) e = e.field("property");
  if (e.is("identifier") || e.is("property_identifier")) return std::string(ctx.text(e));
  return {};
}

// The root of a callee chain (`a.b().c.d` -> a) and the number of links to it; "this.F" for
// chains that start with `this.F`; "" when the root is not a name.
std::string chain_root(SyntaxNode n, FileContext& ctx, int& links) {
  links = 0;
  for (int guard = 0; guard < 16; ++guard) {
    n = n.unwrapped();
    if (n.is("identifier")) return std::string(ctx.text(n));
    if (n.is("this")) return "this";
    if (n.is("member_expression")) {
      const SyntaxNode obj = n.field("object").unwrapped();
      if (obj.is("this")) {
        const SyntaxNode prop = n.field("property");
        return "this." + std::string(ctx.text(prop));
      }
      n = obj;
      ++links;
      continue;
    }
    if (n.is("call_expression")) {
      const std::string spec(require_spec(n, ctx));
      if (!spec.empty()) return "require:" + spec;
      n = n.field("function");
      ++links;
      continue;
    }
    if (n.is("await_expression")) {
      n = n.named_child(0);
      continue;
    }
    return {};
  }
  return {};
}

// The kinds the walk dispatches on, by grammar symbol: a string compare chain per node was a
// visible share of the walk. Tables are built once per grammar and thread (a pure cache of
// tree-sitter's symbol names; nothing of a file is kept).
enum class WalkKind : std::uint8_t {
  kOther,
  kVariableDeclarator,
  kAssignment,  // assignment_expression, augmented_assignment_expression
  kUnary,
  kFunction,  // declarations, expressions, generators, arrows, methods
  kClass,     // class_declaration, class
  kCall,
  kNew,
  kBinary,  // binary_expression: equality with a literal is an allow-list check
};

WalkKind walk_kind_of_name(std::string_view k) {
  if (k == "variable_declarator") return WalkKind::kVariableDeclarator;
  if (k == "assignment_expression" || k == "augmented_assignment_expression") {
    return WalkKind::kAssignment;
  }
  if (k == "unary_expression") return WalkKind::kUnary;
  if (k == "function_declaration" || k == "generator_function_declaration" ||
      k == "function_expression" || k == "function" || k == "generator_function" ||
      k == "arrow_function" || k == "method_definition") {
    return WalkKind::kFunction;
  }
  if (k == "class_declaration" || k == "class") return WalkKind::kClass;
  if (k == "call_expression") return WalkKind::kCall;
  if (k == "new_expression") return WalkKind::kNew;
  if (k == "binary_expression") return WalkKind::kBinary;
  return WalkKind::kOther;
}

WalkKind walk_kind(TSNode n) {
  struct Table {
    const TSLanguage* language = nullptr;
    std::vector<WalkKind> kinds;
  };
  thread_local std::array<Table, 4> tables;
  const TSLanguage* language = ts_node_language(n);
  const TSSymbol symbol = ts_node_symbol(n);
  for (Table& t : tables) {
    if (t.language == nullptr) {
      t.language = language;
      const std::uint32_t count = ts_language_symbol_count(language);
      t.kinds.resize(count);
      for (std::uint32_t i = 0; i < count; ++i) {
        const char* name = ts_language_symbol_name(language, static_cast<TSSymbol>(i));
        t.kinds[i] = name == nullptr ? WalkKind::kOther : walk_kind_of_name(name);
      }
    }
    if (t.language == language) {
      return symbol < t.kinds.size() ? t.kinds[symbol] : walk_kind_of_name(ts_node_type(n));
    }
  }
  return walk_kind_of_name(ts_node_type(n));  // more grammars than slots
}

// Whether the literal text before a value fixes a URL's origin, so the value cannot choose where
// a redirect or request goes: `/users/` (a path on this site), `https://api.x.com/`, `${base}/x/`
// (after a value that is not the input), `users/` or `?q=` (relative). `/` alone, `//`,
// `https://` and `http` do not.
bool fixes_origin(std::string_view p) {
  if (p.empty()) return false;
  const std::size_t scheme = p.find("://");
  if (scheme != std::string_view::npos) {
    const std::size_t sep = p.find_first_of("/?#", scheme + 3);
    return sep != std::string_view::npos && sep > scheme + 3;
  }
  if (p[0] == '/') return p.size() >= 2 && p[1] != '/' && p[1] != '\\';
  if (p.substr(0, 2) == "${") {
    const std::size_t close = p.find('}');
    return close != std::string_view::npos && p.find('/', close + 1) != std::string_view::npos;
  }
  const std::size_t colon = p.find(':');
  const std::size_t sep = p.find_first_of("/?#");
  return sep != std::string_view::npos && (colon == std::string_view::npos || sep < colon);
}

void mark_in_path(Taint& t) {
  for (Source& s : t) s.in_path = true;
}

// ---- the per-function walk ---------------------------------------------------------------------

class Walker {
 public:
  Walker(FileContext& ctx, Draft& draft) : ctx_(ctx), draft_(draft) {}
  ~Walker() {
    if (cursor_ready_) ts_tree_cursor_delete(&cursor_);
  }
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  void run(const SyntaxNode& fn) {
    SyntaxNode params = fn.field("parameters");
    if (params.is_null()) params = fn.field("parameter");
    if (params.is("identifier")) {
      bind_param(params, 0);
    } else if (!params.is_null()) {
      std::uint8_t index = 0;
      for (std::uint32_t i = 0; i < params.named_child_count() && index < 8; ++i) {
        const SyntaxNode p = params.named_child(i);
        if (p.is("comment") || p.is("decorator")) continue;
        bind_param(p, index++);
      }
    }
    visit(fn.field("body"), 0);
  }

 private:
  void bind_param(SyntaxNode p, std::uint8_t index) {
    if (p.is("required_parameter") || p.is("optional_parameter")) p = p.field("pattern");
    if (p.is("assignment_pattern")) p = p.field("left");
    if (p.is("rest_pattern")) p = p.named_child(0);
    draft_.summary.params.push_back(p.is("identifier") ? std::string(ctx_.text(p)) : "");
    if (p.is("identifier")) root_params_.insert(std::string(ctx_.text(p)));
    if (p.is("this")) return;
    bind(p, Taint{Source{index, ""}}, 0);
  }

  // Binds the names of a pattern to `t` (member paths appended for object patterns).
  void bind(const SyntaxNode& pattern, const Taint& t, int depth) {
    if (pattern.is_null() || depth > 8) return;
    const SyntaxNode p = pattern.unwrapped();
    if (p.is("identifier") || p.is("shorthand_property_identifier_pattern")) {
      const std::string name(ctx_.text(p));
      if (t.empty()) {
        taint_.erase(name);
      } else {
        taint_[name] = t;
      }
      return;
    }
    if (p.is("object_pattern")) {
      for (std::uint32_t i = 0; i < p.named_child_count(); ++i) {
        const SyntaxNode c = p.named_child(i);
        if (c.is("shorthand_property_identifier_pattern")) {
          bind(c, with_member(t, ctx_.text(c)), depth + 1);
        } else if (c.is("pair_pattern")) {
          const SyntaxNode key = c.field("key");
          const std::string_view k =
              key.is("property_identifier") ? ctx_.text(key) : std::string_view();
          bind(c.field("value"), k.empty() ? t : with_member(t, k), depth + 1);
        } else if (c.is("object_assignment_pattern")) {
          const SyntaxNode left = c.field("left");
          bind(left, with_member(t, ctx_.text(left)), depth + 1);
        } else if (c.is("rest_pattern")) {
          bind(c.named_child(0), t, depth + 1);
        }
      }
      return;
    }
    if (p.is("array_pattern")) {
      for (std::uint32_t i = 0; i < p.named_child_count(); ++i)
        bind(p.named_child(i), t, depth + 1);
      return;
    }
    if (p.is("assignment_pattern")) bind(p.field("left"), t, depth + 1);
    if (p.is("rest_pattern")) bind(p.named_child(0), t, depth + 1);
  }

  Taint with_member(const Taint& t, std::string_view member) const {
    Taint out;
    for (const Source& s : t) {
      Source n{s.param, append_path(s.path, member)};
      if (!is_checked(n)) out.push_back(std::move(n));
    }
    return out;
  }

  bool is_checked(const Source& s) const {
    for (const Source& c : checked_) {
      if (c.param != s.param) continue;
      if (c.path.empty() || s.path == c.path ||
          (s.path.size() > c.path.size() && s.path.compare(0, c.path.size(), c.path) == 0 &&
           s.path[c.path.size()] == '.')) {
        return true;
      }
    }
    return false;
  }

  // Marks a value as checked: a name loses its taint; a parameter path is checked from here on.
  void mark_checked(const SyntaxNode& raw) {
    const SyntaxNode n = raw.unwrapped();
    if (n.is("identifier")) {
      const std::string name(ctx_.text(n));
      const auto it = taint_.find(name);
      if (it != taint_.end() && it->second.size() == 1 && it->second[0].path.empty() &&
          root_params_.count(name) != 0) {
        return;  // checking the whole request object says nothing about its parts
      }
      taint_.erase(name);
      return;
    }
    if (n.is("member_expression") || n.is("subscript_expression")) {
      for (const Source& s : eval(n, 0)) {
        if (!s.path.empty() && checked_.size() < 32) checked_.push_back(s);
      }
    }
  }

  Taint eval(const SyntaxNode& raw, int depth) {
    if (raw.is_null() || depth > 24) return {};
    const SyntaxNode n = raw.unwrapped();
    const std::string_view k = n.kind();
    if (k == "identifier" || k == "shorthand_property_identifier") {
      const auto it = taint_.find(std::string(ctx_.text(n)));
      return it == taint_.end() ? Taint{} : it->second;
    }
    if (k == "member_expression") {
      const SyntaxNode prop = n.field("property");
      const Taint t = eval(n.field("object"), depth + 1);
      if (t.empty()) return t;
      const std::string_view name = ctx_.text(prop);
      if (name == "length") return {};
      return with_member(t, name);
    }
    if (k == "subscript_expression") {
      const Taint t = eval(n.field("object"), depth + 1);
      if (t.empty()) return t;
      const std::string key = string_value(n.field("index"), ctx_);
      return key.empty() ? t : with_member(t, key);
    }
    if (k == "call_expression") return eval_call(n, depth);
    if (k == "new_expression") {
      const SyntaxNode c = n.field("constructor");
      if (c.is("identifier") && ctx_.text(c) == "URL") return eval_args(n, depth);
      return {};
    }
    if (k == "template_string") {
      Taint out;
      for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
        const SyntaxNode c = n.named_child(i);
        if (c.is("template_substitution") && c.named_child_count() > 0) {
          Taint t = eval(c.named_child(0), depth + 1);
          if (!t.empty() && c.start_byte() > n.start_byte() + 1 &&
              fixes_origin(
                  ctx_.source().substr(n.start_byte() + 1, c.start_byte() - n.start_byte() - 1))) {
            mark_in_path(t);
          }
          merge(out, t);
        }
      }
      return out;
    }
    if (k == "binary_expression") {
      const std::string_view op = ctx_.text(n.field("operator"));
      if (op != "+" && op != "||" && op != "&&" && op != "??") return {};
      Taint out = eval(n.field("left"), depth + 1);
      Taint right = eval(n.field("right"), depth + 1);
      if (op == "+" && !right.empty() && fixes_origin(concat_prefix(n.field("left"), 0))) {
        mark_in_path(right);
      }
      merge(out, right);
      return out;
    }
    if (k == "ternary_expression") {
      Taint out = eval(n.field("consequence"), depth + 1);
      merge(out, eval(n.field("alternative"), depth + 1));
      return out;
    }
    if (k == "object") {
      Taint out;
      for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
        const SyntaxNode c = n.named_child(i);
        if (c.is("pair")) {
          merge(out, eval(c.field("value"), depth + 1));
        } else if (c.is("spread_element") || c.is("shorthand_property_identifier")) {
          merge(out, eval(c, depth + 1));
        }
      }
      return out;
    }
    if (k == "array") {
      Taint out;
      for (std::uint32_t i = 0; i < n.named_child_count() && i < 16; ++i) {
        merge(out, eval(n.named_child(i), depth + 1));
      }
      return out;
    }
    if (k == "await_expression" || k == "spread_element") {
      return n.named_child_count() > 0 ? eval(n.named_child(0), depth + 1) : Taint{};
    }
    if (k == "assignment_expression") return eval(n.field("right"), depth + 1);
    return {};
  }

  // The text a `+` chain builds before its right operand: string contents as written, other
  // operands as `${...}` (what fixes_origin reads).
  std::string concat_prefix(const SyntaxNode& raw, int depth) const {
    const SyntaxNode n = raw.unwrapped();
    if (depth > 8) return "${}";
    if (n.is("string") || n.is("template_string")) {
      const std::string_view t = ctx_.text(n);
      return t.size() >= 2 ? std::string(t.substr(1, t.size() - 2)) : std::string();
    }
    if (n.is("binary_expression") && ctx_.text(n.field("operator")) == "+") {
      return concat_prefix(n.field("left"), depth + 1) + concat_prefix(n.field("right"), depth + 1);
    }
    return "${}";
  }

  Taint eval_args(const SyntaxNode& call, int depth) {
    Taint out;
    const SyntaxNode args = call.field("arguments");
    if (!args.is("arguments")) return out;
    for (std::uint32_t i = 0; i < args.named_child_count() && i < 8; ++i) {
      merge(out, eval(args.named_child(i), depth + 1));
    }
    return out;
  }

  Taint eval_call(const SyntaxNode& n, int depth) {
    const SyntaxNode fn = n.field("function").unwrapped();
    if (fn.is("identifier")) {
      const std::string_view name = ctx_.text(fn);
      if (name == "decodeURIComponent" || name == "decodeURI") return eval_args(n, depth);
      return {};  // casts and unknown functions: the result is not the input
    }
    if (!fn.is("member_expression")) return {};
    const std::string_view method = ctx_.text(fn.field("property"));
    const SyntaxNode obj = fn.field("object").unwrapped();
    Taint t = eval(obj, depth + 1);
    if (!t.empty()) return one_of(method, kCleanMethods) ? Taint{} : t;
    if (obj.is("identifier")) {
      const std::string_view o = ctx_.text(obj);
      if ((o == "path" || o == "posix" || o == "win32") &&
          (method == "join" || method == "resolve" || method == "normalize")) {
        return eval_args(n, depth);
      }
      if (o == "Object" && (method == "assign" || method == "fromEntries")) {
        return eval_args(n, depth);
      }
      if ((o == "util" && method == "format") || (o == "url" && method == "resolve")) {
        return eval_args(n, depth);
      }
    }
    return {};
  }

  void visit(const SyntaxNode& n, int depth) {
    if (n.is_null() || depth > 160 || --budget_ <= 0) return;
    const WalkKind k = walk_kind(n.raw());
    if (k == WalkKind::kVariableDeclarator) {
      const SyntaxNode value = n.field("value");
      visit(value, depth + 1);
      if (!value.is_null()) bind(n.field("name"), eval(value, 0), 0);
      const SyntaxNode name = n.field("name");
      if (name.is("identifier")) {
        if (!value.is_null() && is_dynamic_string(value)) {
          dynamic_names_.insert(std::string(ctx_.text(name)));
        } else {
          dynamic_names_.erase(std::string(ctx_.text(name)));
        }
      }
      return;
    }
    if (k == WalkKind::kAssignment) {
      const SyntaxNode right = n.field("right");
      visit(right, depth + 1);
      const Taint t = eval(right, 0);
      SyntaxNode left = n.field("left").unwrapped();
      // `filter.name = req.query.name` taints `filter` (a local object being filled in).
      for (int guard = 0;
           guard < 6 && (left.is("member_expression") || left.is("subscript_expression"));
           ++guard) {
        left = left.field("object").unwrapped();
      }
      if (left.is("identifier") && !t.empty()) {
        const std::string name(ctx_.text(left));
        if (root_params_.count(name) == 0) merge(taint_[name], t);
      }
      return;
    }
    if (k == WalkKind::kUnary) {
      if (ctx_.text(n.field("operator")) == "typeof") {
        mark_checked(n.field("argument"));
        return;
      }
    }
    if (k == WalkKind::kFunction) {
      // A nested function: its parameters shadow names of the enclosing one.
      SyntaxNode params = n.field("parameters");
      if (params.is_null()) params = n.field("parameter");
      if (params.is("identifier")) {
        shadow(params);
      } else {
        for (std::uint32_t i = 0; !params.is_null() && i < params.named_child_count(); ++i) {
          shadow(params.named_child(i));
        }
      }
      visit(n.field("body"), depth + 1);
      return;
    }
    if (k == WalkKind::kClass) return;
    if (k == WalkKind::kBinary) note_comparison(n);
    // Children: nodes with few named children (most of them) read those directly, which skips
    // their anonymous children (punctuation, keywords) and costs a few steps of tree-sitter's
    // child iterator; longer lists (statement blocks, argument lists) go through one reused
    // cursor into a per-depth buffer, since named_child(i) rescans the siblings each time.
    const std::uint32_t count = ts_node_named_child_count(n.raw());
    if (count <= kDirectChildren) {
      for (std::uint32_t i = 0; i < count; ++i) {
        visit(SyntaxNode(ts_node_named_child(n.raw(), i)), depth + 1);
      }
    } else {
      if (!cursor_ready_) {
        cursor_ = ts_tree_cursor_new(n.raw());
        cursor_ready_ = true;
      } else {
        ts_tree_cursor_reset(&cursor_, n.raw());
      }
      if (buffers_.size() <= static_cast<std::size_t>(depth)) buffers_.resize(depth + 1);
      std::vector<TSNode>& children = buffers_[static_cast<std::size_t>(depth)];
      children.clear();
      if (ts_tree_cursor_goto_first_child(&cursor_)) {
        do {
          const TSNode child = ts_tree_cursor_current_node(&cursor_);
          if (ts_node_is_named(child)) children.push_back(child);
        } while (ts_tree_cursor_goto_next_sibling(&cursor_));
      }
      for (std::size_t i = 0; i < buffers_[static_cast<std::size_t>(depth)].size(); ++i) {
        visit(SyntaxNode(buffers_[static_cast<std::size_t>(depth)][i]), depth + 1);
      }
    }
    if (k == WalkKind::kCall) on_call(n, false);
    if (k == WalkKind::kNew) on_call(n, true);
  }

  // `x === 'admin'` (or a number): the value is one known constant where that holds.
  void note_comparison(const SyntaxNode& n) {
    const std::string_view op = ctx_.text(n.field("operator"));
    if (op != "===" && op != "==") return;
    const SyntaxNode left = n.field("left").unwrapped();
    const SyntaxNode right = n.field("right").unwrapped();
    const bool lc = left.is("string") || left.is("number");
    const bool rc = right.is("string") || right.is("number");
    if (lc == rc) return;
    add_check(lc ? right : left, false, n.start_byte());
  }

  void add_check(const SyntaxNode& value, bool prefix, std::uint32_t byte) {
    std::vector<AllowCheck>& checks = draft_.summary.allow_checks;
    for (const Source& s : eval(value, 0)) {
      if (checks.size() >= 32) return;
      checks.push_back(AllowCheck{byte, s, prefix});
    }
  }

  // Allow-list checks (`ALLOWED.includes(x)`, `set.has(x)`) and containment checks on paths and
  // URLs (`p.startsWith(root)`, `p.includes('..')`), kept for the source-to-sink rules only.
  void note_checks(const SyntaxNode& n, std::string_view name, const SyntaxNode& receiver,
                   const SyntaxNode& args) {
    if (args.named_child_count() == 0) return;
    // A checker given the value, also inside an object (`svc.validateAuthorization({ redirect_uri:
    // req.query.redirect_uri })`): what reaches a sink after it was checked.
    if (is_checker_name(name)) {
      for (std::uint32_t i = 0; i < args.named_child_count() && i < 4; ++i) {
        add_check(args.named_child(i), false, n.start_byte());
      }
      return;
    }
    if (receiver.is_null()) return;
    if (name == "includes" || name == "has" || name == "indexOf") {
      if (eval(receiver, 0).empty()) {
        add_check(args.named_child(0), false, n.start_byte());
        return;
      }
    }
    if (name == "startsWith" ||
        ((name == "includes" || name == "indexOf") &&
         ctx_.text(args.named_child(0)).find("..") != std::string_view::npos)) {
      add_check(receiver, true, n.start_byte());
    }
  }

  void shadow(SyntaxNode p) {
    if (p.is("required_parameter") || p.is("optional_parameter")) p = p.field("pattern");
    if (p.is("assignment_pattern")) p = p.field("left");
    if (p.is("identifier")) {
      const std::string name(ctx_.text(p));
      taint_.erase(name);
      root_params_.erase(name);
    } else if (!p.is_null()) {
      bind(p, Taint{}, 0);
    }
  }

  static Taint arg_taint_of(const RawCall& c, std::uint8_t index) {
    for (const auto& [i, t] : c.args) {
      if (i == index) return t;
    }
    return {};
  }

  void on_call(const SyntaxNode& n, bool is_new) {
    const SyntaxNode fn = n.field(is_new ? "constructor" : "function").unwrapped();
    const SyntaxNode args = n.field("arguments");
    if (!args.is("arguments")) return;  // tagged templates (sql`...`) are parameterised
    std::string_view name;
    SyntaxNode receiver;
    if (fn.is("identifier")) {
      name = ctx_.text(fn);
    } else if (fn.is("member_expression")) {
      name = ctx_.text(fn.field("property"));
      receiver = fn.field("object").unwrapped();
    } else {
      return;
    }
    if (!is_new) note_checks(n, name, receiver, args);
    // Validation first: it changes what later sinks see.
    if (!is_new) {
      if (receiver.is_null() && one_of(name, kSchemaFunctions)) draft_.summary.validates = true;
      if (!receiver.is_null() && one_of(name, kSchemaMethods) &&
          !(receiver.is("identifier") && one_of(ctx_.text(receiver), kNotSchemas))) {
        draft_.summary.validates = true;
      }
      const bool validator_lib = receiver.is("identifier") && (ctx_.text(receiver) == "validator" ||
                                                               ctx_.text(receiver) == "Types");
      if (is_checker_name(name) || one_of(name, kCasts) || name == "isArray" ||
          (validator_lib && starts_with_word(name, "is")) ||
          (receiver.is("member_expression") && name == "isValid")) {
        for (std::uint32_t i = 0; i < args.named_child_count() && i < 4; ++i) {
          mark_checked(args.named_child(i));
        }
        return;
      }
    }
    // Tainted arguments first (eval only reads the walk's state): most calls have none, and
    // then the chain's root and the strings are never built.
    RawCall call;
    for (std::uint32_t i = 0; i < args.named_child_count() && i < 6; ++i) {
      const SyntaxNode a = args.named_child(i);
      Taint t = eval(a, 0);
      if (t.empty()) continue;
      call.args.emplace_back(static_cast<std::uint8_t>(i), std::move(t));
      // A url key can only be tainted when the object as a whole is.
      if (i == 0 && a.unwrapped().is("object")) {
        const SyntaxNode o = a.unwrapped();
        for (std::uint32_t j = 0; j < o.named_child_count(); ++j) {
          const SyntaxNode pair = o.named_child(j);
          if (!pair.is("pair")) continue;
          const std::string_view key = ctx_.text(pair.field("key"));
          if (key == "url" || key == "baseURL" || key == "uri" || key == "host" ||
              key == "hostname" || key == "path") {
            merge(call.url_taint, eval(pair.field("value"), 0));
          }
        }
      }
    }
    if (call.args.empty()) return;
    if (args.named_child_count() > 0) {
      const SyntaxNode a0 = args.named_child(0).unwrapped();
      call.first_object = a0.is("object");
      call.first_dynamic =
          is_dynamic_string(a0) ||
          (a0.is("identifier") && dynamic_names_.count(std::string(ctx_.text(a0))) != 0);
    }
    call.is_new = is_new;
    call.bare = receiver.is_null();
    call.method = receiver.is_null() ? std::string() : std::string(name);
    if (call.bare) {
      call.root = std::string(name);
    } else {
      call.root = chain_root(receiver, ctx_, call.links);
      ++call.links;
      if (call.root.empty()) return;
      if (receiver.is("member_expression") && ctx_.text(receiver.field("property")) == "promises") {
        call.promises = true;
      }
    }
    // A redirect on the request's own response object: a parameter of the handler.
    if (!is_new && name == "redirect" && receiver.is("identifier") &&
        root_params_.count(std::string(ctx_.text(receiver))) != 0) {
      SinkHit hit;
      hit.kind = SinkKind::kRedirect;
      hit.label = std::string(ctx_.text(receiver)) + ".redirect()";
      hit.method = "redirect";
      hit.range = ctx_.range(n);
      for (auto& [index, t] : call.args) merge(hit.taint, t);
      hit.first = hit.taint;
      draft_.direct.push_back(std::move(hit));
      return;
    }
    // A file sent by the request's own response object (Express res.sendFile / res.download;
    // Fastify's reply.sendFile is confined to its root and filtered by the rules).
    if (!is_new && (name == "sendFile" || name == "download") && receiver.is("identifier") &&
        root_params_.count(std::string(ctx_.text(receiver))) != 0 && draft_.extra.size() < 16) {
      SinkHit hit;
      hit.kind = SinkKind::kFileSend;
      hit.label = std::string(ctx_.text(receiver)) + "." + std::string(name) + "()";
      hit.method = std::string(name);
      hit.range = ctx_.range(n);
      hit.taint = arg_taint_of(call, 0);
      hit.first = hit.taint;
      for (std::uint32_t i = 1; i < args.named_child_count() && i < 4; ++i) {
        const SyntaxNode o = args.named_child(i).unwrapped();
        for (std::uint32_t j = 0; o.is("object") && j < o.named_child_count(); ++j) {
          const SyntaxNode pair = o.named_child(j);
          if (pair.is("pair") && ctx_.text(pair.field("key")) == "root") hit.first_options = true;
          if (pair.is("shorthand_property_identifier") && ctx_.text(pair) == "root") {
            hit.first_options = true;
          }
        }
      }
      if (!hit.taint.empty()) draft_.extra.push_back(std::move(hit));
    }
    call.label = (is_new ? "new " : "") + collapse(ctx_.text(fn), 48) + "()";
    call.range = ctx_.range(n);
    if (draft_.calls.size() < 128) draft_.calls.push_back(std::move(call));
  }

  FileContext& ctx_;
  Draft& draft_;
  std::unordered_map<std::string, Taint> taint_;
  std::set<std::string> root_params_;
  std::vector<Source> checked_;
  std::set<std::string> dynamic_names_;  // names declared from a string built at run time
  int budget_ = 40000;
  static constexpr std::uint32_t kDirectChildren = 6;
  TSTreeCursor cursor_{};
  bool cursor_ready_ = false;
  std::vector<std::vector<TSNode>> buffers_;
};

// ---- the rule ----------------------------------------------------------------------------------

// A function's own name: declared, or the variable, property or member it is assigned to.
std::string function_name(const SyntaxNode& fn, FileContext& ctx) {
  const SyntaxNode name = fn.field("name");
  if (!name.is_null()) return std::string(ctx.text(name));
  const SyntaxNode parent = fn.parent();
  if (parent.is("variable_declarator")) {
    const SyntaxNode n = parent.field("name");
    if (n.is("identifier")) return std::string(ctx.text(n));
  } else if (parent.is("pair")) {
    const SyntaxNode key = parent.field("key");
    if (key.is("property_identifier") || key.is("identifier")) return std::string(ctx.text(key));
  } else if (parent.is("assignment_expression")) {
    const SyntaxNode left = parent.field("left");
    if (left.is("identifier")) return std::string(ctx.text(left));
    if (left.is("member_expression")) return std::string(ctx.text(left.field("property")));
  } else if (parent.is("public_field_definition") || parent.is("field_definition")) {
    const SyntaxNode n = parent.field(parent.is("field_definition") ? "property" : "name");
    if (!n.is_null()) return std::string(ctx.text(n));
  }
  return {};
}

// The name of the class a method belongs to.
std::string class_of(const SyntaxNode& method, FileContext& ctx) {
  const SyntaxNode body = method.parent();
  if (!body.is("class_body")) return {};
  const SyntaxNode cls = body.parent();
  const SyntaxNode name = cls.field("name");
  return name.is_null() ? std::string() : std::string(ctx.text(name));
}

// The plain type name of a parameter (`dto: CreateUserDto` -> CreateUserDto), else "".
std::string param_type(const SyntaxNode& p, FileContext& ctx) {
  const SyntaxNode type = p.field("type");
  if (type.is_null() || type.named_child_count() == 0) return {};
  const SyntaxNode t = type.named_child(0);
  if (t.is("type_identifier")) return std::string(ctx.text(t));
  return {};
}

// ---- the per-file feeding --------------------------------------------------------------------

void note_call(const SyntaxNode& node, bool is_new, FileContext& ctx) {
  State& st = ctx.shared<State>();
  if (is_new) {
    int links = 0;
    const std::string root = chain_root(node.field("constructor"), ctx, links);
    if (!root.empty() && st.factory_roots.size() < 256) st.factory_roots.push_back(root);
    return;
  }
  const SyntaxNode fn = node.field("function");
  if (fn.is("identifier")) {
    if (ctx.text(fn) == "require") {
      const std::string spec(require_spec(node, ctx));
      if (is_project_spec(spec) && st.required.size() < 256) st.required.push_back(spec);
    } else if (ctx.text(fn) == "knex" || ctx.text(fn) == "getRepository") {
      st.factory_roots.emplace_back(ctx.text(fn));
    }
    return;
  }
  if (!fn.is("member_expression")) return;
  const std::string_view method = ctx.text(fn.field("property"));
  if (!one_of(method, kFactories)) return;  // cheap name check before the chain
  int links = 0;
  const std::string root = chain_root(fn.field("object"), ctx, links);
  if (!root.empty() && st.factory_roots.size() < 256) st.factory_roots.push_back(root);
}

void note_decl(const SyntaxNode& node, FileContext& ctx) {
  const SyntaxNode name = node.field("name");
  SyntaxNode value = node.field("value").unwrapped();
  if (value.is_null()) return;
  if (value.is("await_expression") && value.named_child_count() > 0) {
    value = value.named_child(0).unwrapped();
  }
  Decl d;
  const std::string spec(require_spec(value, ctx));
  if (!spec.empty()) {
    d.kind = Decl::kRequire;
    d.module = spec;
  } else if (value.is("identifier") || value.is("member_expression")) {
    int links = 0;
    d.root = chain_root(value, ctx, links);
    d.kind = d.root.empty() ? Decl::kOther : Decl::kAlias;
  } else if (value.is("call_expression")) {
    const SyntaxNode fn = value.field("function").unwrapped();
    if (fn.is("identifier")) {
      d.kind = Decl::kBareCall;
      d.root = std::string(ctx.text(fn));
    } else if (fn.is("member_expression")) {
      int links = 0;
      d.kind = Decl::kCall;
      d.method = std::string(ctx.text(fn.field("property")));
      d.root = chain_root(fn.field("object"), ctx, links);
    } else if (fn.is("call_expression")) {
      const std::string inner(require_spec(fn, ctx));  // require('knex')(config)
      if (!inner.empty()) {
        d.kind = Decl::kRequire;
        d.module = inner;
      }
    }
  } else if (value.is("new_expression")) {
    int links = 0;
    d.kind = Decl::kNew;
    d.root = chain_root(value.field("constructor"), ctx, links);
  }
  State& st = ctx.shared<State>();
  auto add = [&](std::string_view n) {
    auto& v = st.decls[std::string(n)];
    if (v.size() < 8) v.push_back(d);
  };
  if (name.is("identifier")) {
    add(ctx.text(name));
  } else if (name.is("object_pattern") && d.kind != Decl::kOther) {
    // `const { User } = db` aliases db's members; `const { find } = ...` is rare and harmless.
    Decl alias = d;
    for (std::uint32_t i = 0; i < name.named_child_count(); ++i) {
      const SyntaxNode c = name.named_child(i);
      if (c.is("shorthand_property_identifier_pattern")) {
        add(ctx.text(c));
      } else if (c.is("pair_pattern") && c.field("value").is("identifier")) {
        add(ctx.text(c.field("value")));
      }
    }
  }
}

void note_field(const std::string& field, const SyntaxNode& node,
                const std::vector<std::string>& decos, State& st, FileContext& ctx);

void note_class(const SyntaxNode& node, FileContext& ctx) {
  ClassInfo info;
  const SyntaxNode name = node.field("name");
  if (name.is_null()) return;
  info.name = std::string(ctx.text(name));
  auto note_decorator = [&](const SyntaxNode& d) {
    const std::string n = decorator_name(d, ctx);
    if (n == "Entity" || n == "Table" || n == "Schema" || n == "ViewEntity") info.entity = true;
  };
  for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
    const SyntaxNode c = node.named_child(i);
    if (c.is("decorator")) note_decorator(c);
    if (c.is("class_heritage")) {
      // JS: class_heritage -> expression; TS: class_heritage -> extends_clause -> value.
      SyntaxNode v = c.named_child_count() > 0 ? c.named_child(0) : SyntaxNode();
      if (v.is("extends_clause")) v = v.field("value");
      if (v.is("call_expression")) info.heritage_call = true;
      int links = 0;
      if (!v.is_null()) info.heritage_root = chain_root(v, ctx, links);
    }
  }
  const SyntaxNode parent = node.parent();
  if (parent.is("export_statement")) {
    for (std::uint32_t i = 0; i < parent.named_child_count(); ++i) {
      if (parent.named_child(i).is("decorator")) note_decorator(parent.named_child(i));
    }
  }
  State& st = ctx.shared<State>();
  const SyntaxNode body = node.field("body");
  bool pending_decorator = false;
  std::vector<std::string> pending_names;
  for (std::uint32_t i = 0; !body.is_null() && i < body.named_child_count(); ++i) {
    const SyntaxNode m = body.named_child(i);
    if (m.is("decorator")) {
      pending_decorator = true;
      pending_names.push_back(decorator_name(m, ctx));
      continue;
    }
    if (m.is("public_field_definition") || m.is("field_definition")) {
      std::vector<std::string> decos = pending_names;
      for (std::uint32_t j = 0; j < m.named_child_count(); ++j) {
        if (m.named_child(j).is("decorator"))
          decos.push_back(decorator_name(m.named_child(j), ctx));
      }
      for (std::string& d : decos) {
        if (!d.empty() && info.field_decorators.size() < 64) info.field_decorators.push_back(d);
      }
      const SyntaxNode fname = m.field(m.is("field_definition") ? "property" : "name");
      const std::string field = fname.is_null() ? std::string() : std::string(ctx.text(fname));
      note_field(field, m, decos, st, ctx);
      // `repo = dataSource.getRepository(User)` as a field initialiser.
      const SyntaxNode value = m.field("value");
      if (!field.empty() && value.is("call_expression")) {
        const SyntaxNode fn = value.field("function").unwrapped();
        if (fn.is("member_expression") && one_of(ctx.text(fn.field("property")), kFactories)) {
          int links = 0;
          Decl d{Decl::kCall,
                 chain_root(fn.field("object"), ctx, links),
                 std::string(ctx.text(fn.field("property"))),
                 {}};
          st.decls["this." + field].push_back(std::move(d));
        }
      }
    } else if (m.is("method_definition") && ctx.text(m.field("name")) == "constructor") {
      const SyntaxNode params = m.field("parameters");
      for (std::uint32_t j = 0; !params.is_null() && j < params.named_child_count(); ++j) {
        const SyntaxNode p = params.named_child(j);
        std::vector<std::string> decos;
        bool property = false;
        for (std::uint32_t q = 0; q < p.named_child_count(); ++q) {
          const SyntaxNode c = p.named_child(q);
          if (c.is("decorator")) decos.push_back(decorator_name(c, ctx));
          if (c.is("accessibility_modifier") || c.is("readonly")) property = true;
        }
        if (!property) {
          for (std::uint32_t q = 0; q < p.child_count(); ++q) {
            if (p.child(q).is("readonly")) property = true;
          }
        }
        const SyntaxNode pat = p.field("pattern");
        if (!property || !pat.is("identifier")) continue;
        note_field(std::string(ctx.text(pat)), p, decos, st, ctx);
      }
    }
    pending_decorator = false;
    pending_names.clear();
  }
  (void)pending_decorator;
  if (st.classes.size() < 128) st.classes.push_back(std::move(info));
}

// A class field or constructor parameter property: injected database objects and service types.
void note_field(const std::string& field, const SyntaxNode& node,
                const std::vector<std::string>& decos, State& st, FileContext& ctx) {
  if (field.empty()) return;
  bool db = false;
  for (const std::string& d : decos) db = db || one_of(std::string_view(d), kDbInjectors);
  const SyntaxNode type = node.field("type");
  std::string type_name;
  if (!type.is_null() && type.named_child_count() > 0) {
    SyntaxNode t = type.named_child(0);
    if (t.is("generic_type")) t = t.field("name");
    if (t.is("nested_type_identifier")) t = t.field("name");
    if (t.is("type_identifier")) type_name = std::string(ctx.text(t));
  }
  if (one_of(std::string_view(type_name), kDbFieldTypes)) db = true;
  if (db) {
    st.db_fields[field] = true;
    bool mongo = false;
    for (const std::string& d : decos) mongo = mongo || d == "InjectModel";
    if (!type_name.empty()) {
      const ImportBinding* b = ctx.import_of(type_name);
      mongo = mongo || (b != nullptr && is_mongo_package(b->module));
    }
    if (mongo) st.mongo_fields.insert(field);
  } else if (!type_name.empty()) {
    st.field_types[field] = type_name;
  }
}

// An anonymous function passed to a call that does not take route handlers
// (`items.forEach(i => ...)`, `.then(r => ...)`, `new Promise(...)`): it only matters as part
// of the function around it, whose walk goes into it, so it gets no summary of its own.
// Summarising every callback again made the rule quadratic in nesting on real code.
bool inline_callback(const SyntaxNode& node, FileContext& ctx) {
  if (node.is("method_definition") || !node.field("name").is_null()) return false;
  const SyntaxNode args = node.parent();
  if (!args.is("arguments")) return false;
  const SyntaxNode callee = args.parent().field("function").unwrapped();
  if (callee.is("identifier")) return false;  // wrap(fn), asyncHandler(fn): keep
  if (!callee.is("member_expression")) return !args.parent().is("call_expression");
  return !one_of(ctx.text(callee.field("property")), kRouteMethods);
}

void note_function(const SyntaxNode& node, FileContext& ctx) {
  SyntaxNode params = node.field("parameters");
  if (params.is_null()) params = node.field("parameter");
  if (params.is_null() || (params.is("formal_parameters") && params.named_child_count() == 0)) {
    return;
  }
  if (inline_callback(node, ctx)) return;
  State& st = ctx.shared<State>();
  if (st.drafts.size() >= 4096) return;
  Draft draft;
  draft.summary.start_byte = node.start_byte();
  draft.summary.params_range = ctx.range(params);
  draft.summary.end_byte = node.end_byte();
  draft.summary.name = function_name(node, ctx);
  if (node.is("method_definition")) {
    draft.summary.cls = class_of(node, ctx);
    // Nest: decorated parameters are the sources.
    std::uint8_t index = 0;
    for (std::uint32_t i = 0; i < params.named_child_count() && index < 8; ++i) {
      const SyntaxNode p = params.named_child(i);
      if (p.is("comment")) continue;
      for (std::uint32_t j = 0; j < p.named_child_count(); ++j) {
        const SyntaxNode d = p.named_child(j);
        if (!d.is("decorator")) continue;
        NestParam np;
        np.index = index;
        np.decorator = decorator_name(d, ctx);
        np.type = param_type(p, ctx);
        const SyntaxNode call = d.named_child_count() > 0 ? d.named_child(0) : SyntaxNode();
        const SyntaxNode args = call.is("call_expression") ? call.field("arguments") : SyntaxNode();
        for (std::uint32_t a = 0; !args.is_null() && a < args.named_child_count(); ++a) {
          if (!args.named_child(a).is("string")) np.piped = true;
        }
        draft.summary.nest.push_back(std::move(np));
      }
      ++index;
    }
  }
  Walker(ctx, draft).run(node);
  if (draft.calls.empty() && draft.direct.empty() && draft.summary.nest.empty() &&
      draft.extra.empty()) {
    return;
  }
  st.drafts.push_back(std::move(draft));
}

// Whether a name of this file denotes a database object: 1 yes, 0 no, 2 from a project module
// (spec set), which analyze checks.
int db_bound(const std::string& name, const State& st, FileContext& ctx, std::string& spec,
             int depth) {
  if (depth > 6 || name.empty()) return 0;
  if (name.rfind("require:", 0) == 0) {
    const std::string m = name.substr(8);
    if (is_db_package(m)) return 1;
    if (is_project_spec(m)) {
      spec = m;
      return 2;
    }
    return 0;
  }
  if (name.rfind("this.", 0) == 0) {
    if (st.db_fields.count(name.substr(5)) != 0) return 1;
  }
  if (const ImportBinding* b = ctx.import_of(name)) {
    if (is_db_package(b->module)) return 1;
    if (is_project_spec(b->module)) {
      spec = b->module;
      return 2;
    }
    return 0;
  }
  for (const ClassInfo& c : st.classes) {
    if (c.name != name) continue;
    if (c.entity) return 1;
    std::string ignored;
    if (!c.heritage_root.empty() && c.heritage_root != name &&
        db_bound(c.heritage_root, st, ctx, ignored, depth + 1) == 1) {
      return 1;
    }
    return 0;
  }
  const auto it = st.decls.find(name);
  if (it == st.decls.end()) return 0;
  int verdict = -1;
  for (const Decl& d : it->second) {
    int v = 0;
    std::string s;
    switch (d.kind) {
      case Decl::kRequire:
        if (is_db_package(d.module)) {
          v = 1;
        } else if (is_project_spec(d.module)) {
          v = 2;
          s = d.module;
        }
        break;
      case Decl::kAlias:
        v = d.root == name ? 0 : db_bound(d.root, st, ctx, s, depth + 1);
        break;
      case Decl::kCall:
        v = one_of(std::string_view(d.method), kFactories) && d.root != name
                ? db_bound(d.root, st, ctx, s, depth + 1)
                : 0;
        break;
      case Decl::kBareCall: {
        const ImportBinding* b = ctx.import_of(d.root);
        v = b != nullptr && is_db_package(b->module) ? 1 : 0;
        break;
      }
      case Decl::kNew:
        v = d.root == name ? 0 : db_bound(d.root, st, ctx, s, depth + 1);
        break;
      case Decl::kOther:
        v = 0;
        break;
    }
    if (v == 0) return 0;
    if (verdict == -1 || v == 2) {
      verdict = v;
      if (v == 2) spec = s;
    }
  }
  return verdict < 0 ? 0 : verdict;
}

std::string module_of(const std::string& name, FileContext& ctx) {
  const ImportBinding* b = ctx.import_of(name);
  return b == nullptr ? std::string() : std::string(builtin_name(b->module));
}

SinkHit make_hit(SinkKind kind, const RawCall& c, const Taint& t, std::string spec);

void add_sink(Summary& out, SinkKind kind, const RawCall& c, const Taint& t,
              std::string spec = {}) {
  if (t.empty() || out.sinks.size() >= 64) return;
  out.sinks.push_back(make_hit(kind, c, t, std::move(spec)));
}

// A sink only the newer rules read (kept apart so unvalidated-input sees what it always saw).
void add_extra(Summary& out, SinkKind kind, const RawCall& c, const Taint& t) {
  if (t.empty() || out.extra.size() >= 16) return;
  out.extra.push_back(make_hit(kind, c, t, {}));
}

SinkHit make_hit(SinkKind kind, const RawCall& c, const Taint& t, std::string spec) {
  SinkHit hit;
  hit.kind = kind;
  hit.label = c.label;
  hit.range = c.range;
  hit.taint = t;
  hit.spec = std::move(spec);
  hit.method = c.bare ? c.root : c.method;
  for (const auto& [i, a] : c.args) {
    if (i == 0) hit.first = a;
  }
  hit.first_dynamic = c.first_dynamic;
  hit.first_object = c.first_object;
  hit.url_keyed = !c.url_taint.empty();
  return hit;
}

Taint arg_taint(const RawCall& c, std::uint8_t index) {
  for (const auto& [i, t] : c.args) {
    if (i == index) return t;
  }
  return {};
}

Taint all_args(const RawCall& c) {
  Taint out;
  for (const auto& [i, t] : c.args) merge(out, t);
  return out;
}

void add_edges(Summary& out, const RawCall& c, const std::string& spec, const std::string& name,
               const std::string& cls) {
  for (const auto& [i, t] : c.args) {
    if (out.calls.size() >= 64) return;
    out.calls.push_back(CallEdge{spec, name, cls, i, t, c.range});
  }
}
// Whether a name db_bound accepts comes from MongoDB's driver or mongoose (for nosql-injection);
// follows the same bindings, only asks which package is at the end.
constexpr std::array<std::string_view, 6> kSqliteMethods = {"all",  "get",     "run",
                                                            "exec", "prepare", "each"};

bool is_sqlite_package(std::string_view module) {
  return module == "sqlite3" || module == "sqlite" || module == "better-sqlite3";
}

bool mongo_bound(const std::string& name, const State& st, FileContext& ctx, int depth,
                 bool (*is_package)(std::string_view) = is_mongo_package) {
  if (depth > 6 || name.empty()) return false;
  if (name.rfind("require:", 0) == 0) return is_package(name.substr(8));
  if (name.rfind("this.", 0) == 0) {
    return is_package == is_mongo_package && st.mongo_fields.count(name.substr(5)) != 0;
  }
  if (const ImportBinding* b = ctx.import_of(name)) return is_package(b->module);
  const auto it = st.decls.find(name);
  if (it == st.decls.end()) return false;
  for (const Decl& d : it->second) {
    switch (d.kind) {
      case Decl::kRequire:
        if (is_package(d.module)) return true;
        break;
      case Decl::kCall:
        // A prepared statement (`db.prepare(sql)`) is not the database: its get/all/run take
        // parameters. Mongo receivers were already confirmed by db_bound.
        if (is_package != is_mongo_package && !one_of(std::string_view(d.method), kFactories) &&
            d.method != "verbose") {
          break;
        }
        [[fallthrough]];
      case Decl::kAlias:
      case Decl::kNew:
        if (d.root != name && mongo_bound(d.root, st, ctx, depth + 1, is_package)) return true;
        break;
      case Decl::kBareCall: {
        const ImportBinding* b = ctx.import_of(d.root);
        if (b != nullptr && is_package(b->module)) return true;
        break;
      }
      case Decl::kOther:
        break;
    }
  }
  return false;
}

void classify(const RawCall& c, const State& st, FileContext& ctx, Summary& out) {
  const Taint first = arg_taint(c, 0);
  if (c.bare) {
    const std::string& f = c.root;
    const ImportBinding* b = ctx.import_of(f);
    if (c.is_new) {
      if (f == "Function" && b == nullptr) add_sink(out, SinkKind::kEval, c, all_args(c));
      std::string spec;
      const int db = db_bound(f, st, ctx, spec, 0);
      if (db != 0) add_sink(out, SinkKind::kDb, c, all_args(c), db == 2 ? spec : "");
      return;
    }
    if (b == nullptr) {
      if (f == "eval" || f == "Function") add_sink(out, SinkKind::kEval, c, first);
      if (f == "fetch") add_sink(out, SinkKind::kHttp, c, first);
      // A function of this file (summaries are looked up by name in analyze).
      add_edges(out, c, "", f, "");
      return;
    }
    const std::string_view m = builtin_name(b->module);
    const std::string_view imported = b->is_module_object() ? std::string_view(f) : b->imported;
    if (m == "child_process" && one_of(imported, kExecFunctions)) {
      add_sink(out, SinkKind::kExec, c, first);
    } else if (one_of(m, kFsModules) && one_of(imported, kFsFunctions)) {
      add_sink(out, SinkKind::kFs, c, first);
    } else if (m == "vm" && one_of(imported, kVmFunctions)) {
      add_sink(out, SinkKind::kEval, c, first);
    } else if (one_of(m, kHttpPackages) &&
               (b->is_module_object() || imported == "fetch" || imported == "request")) {
      add_sink(out, SinkKind::kHttp, c, c.url_taint.empty() ? first : c.url_taint);
    } else if (is_project_spec(b->module)) {
      if (!b->is_module_object()) add_edges(out, c, b->module, b->imported, "");
    }
    return;
  }
  const std::string& root = c.root;
  const std::string& method = c.method;
  if (c.is_new) {
    if (method == "Script" && module_of(root, ctx) == "vm") {
      add_sink(out, SinkKind::kEval, c, first);
      return;
    }
    std::string spec;
    const int db = db_bound(root, st, ctx, spec, 0);
    if (db != 0 && c.links == 1 && root.rfind("this.", 0) == 0) {
      add_sink(out, SinkKind::kDb, c, all_args(c), db == 2 ? spec : "");  // new this.userModel()
    }
    return;
  }
  if (root == "this") {
    if (c.links == 1) add_edges(out, c, "", method, "");
    return;
  }
  const std::string mod = root.rfind("require:", 0) == 0 ? root.substr(8) : module_of(root, ctx);
  const std::string_view m = builtin_name(mod);
  if (!m.empty()) {
    const bool module_object =
        root.rfind("require:", 0) == 0 ||
        (ctx.import_of(root) != nullptr && ctx.import_of(root)->is_module_object());
    if (m == "child_process" && c.links == 1 && one_of(std::string_view(method), kExecFunctions)) {
      add_sink(out, SinkKind::kExec, c, first);
      return;
    }
    if (one_of(m, kFsModules) && one_of(std::string_view(method), kFsFunctions) &&
        (c.links == 1 || (c.links == 2 && c.promises))) {
      add_sink(out, SinkKind::kFs, c, first);
      return;
    }
    if (m == "vm" && one_of(std::string_view(method), kVmFunctions)) {
      add_sink(out, SinkKind::kEval, c, first);
      return;
    }
    if ((m == "http" || m == "https") && c.links == 1 && (method == "request" || method == "get")) {
      add_sink(out, SinkKind::kHttp, c, c.url_taint.empty() ? first : c.url_taint);
      return;
    }
    if (one_of(m, kHttpPackages) && c.links == 1 && module_object &&
        one_of(std::string_view(method), kHttpVerbs)) {
      add_sink(out, SinkKind::kHttp, c, c.url_taint.empty() ? first : c.url_taint);
      return;
    }
  }
  if (one_of(std::string_view(method), kDbMethods)) {
    std::string spec;
    const int db = db_bound(root, st, ctx, spec, 0);
    if (db != 0) {
      const SinkKind kind =
          one_of(std::string_view(method), kSqlMethods) ? SinkKind::kSql : SinkKind::kDb;
      const std::size_t before = out.sinks.size();
      add_sink(out, kind, c, all_args(c), db == 2 ? spec : "");
      if (out.sinks.size() > before && db == 1)
        out.sinks.back().mongo = mongo_bound(root, st, ctx, 0);
      return;
    }
  }
  // sqlite3 / sqlite / better-sqlite3: all/get/run/exec/prepare/each take raw SQL (names too
  // generic for the shared database vocabulary, so only for a receiver bound to those packages).
  if (c.links == 1 && one_of(std::string_view(method), kSqliteMethods) &&
      mongo_bound(root, st, ctx, 0, is_sqlite_package)) {
    add_extra(out, SinkKind::kSql, c, all_args(c));
  }
  if (c.links != 1) return;
  // Calls into project code: `svc.create(x)` on an imported module, `this.usersService.create(x)`
  // on an injected service, `UserService.create(x)` on an imported class.
  if (root.rfind("this.", 0) == 0) {
    const auto it = st.field_types.find(root.substr(5));
    if (it == st.field_types.end()) return;
    const ImportBinding* b = ctx.import_of(it->second);
    if (b != nullptr && is_project_spec(b->module)) {
      add_edges(out, c, b->module, method, it->second);
    } else if (b == nullptr) {
      add_edges(out, c, "", method, it->second);
    }
    return;
  }
  if (const ImportBinding* b = ctx.import_of(root); b != nullptr && is_project_spec(b->module)) {
    add_edges(out, c, b->module, method, b->is_module_object() ? "" : b->imported);
  }
}
std::shared_ptr<const FileSummary> build_summary(FileContext& ctx) {
  State& st = ctx.shared<State>();
  auto facts = std::make_shared<FileSummary>();
  // Whether this file makes a database object (a model, a client, a pool, an entity).
  for (const std::string& root : st.factory_roots) {
    std::string spec;
    if (db_bound(root, st, ctx, spec, 0) == 1) {
      facts->defines_db = true;
      if (mongo_bound(root, st, ctx, 0)) facts->defines_mongo = true;
    }
  }
  for (const ClassInfo& c : st.classes) {
    facts->classes.insert(c.name);
    std::string spec;
    if (db_bound(c.name, st, ctx, spec, 0) == 1) facts->defines_db = true;
    bool validated = c.heritage_call;
    for (const std::string& d : c.field_decorators) {
      const ImportBinding* b = ctx.import_of(d);
      if (b != nullptr && b->module == "class-validator") validated = true;
    }
    if (!c.heritage_root.empty() && !c.heritage_call) {
      // Extends another DTO: credited (precision first), unless it extends a database model.
      std::string s;
      if (db_bound(c.heritage_root, st, ctx, s, 0) == 0) validated = true;
    }
    if (validated) facts->dtos.insert(c.name);
  }
  facts->reexports = st.required;
  std::sort(facts->reexports.begin(), facts->reexports.end());
  facts->reexports.erase(std::unique(facts->reexports.begin(), facts->reexports.end()),
                         facts->reexports.end());
  for (Draft& d : st.drafts) {
    Summary s = std::move(d.summary);
    for (NestParam& p : s.nest) {
      if (p.type.empty()) continue;
      if (const ImportBinding* b = ctx.import_of(p.type)) p.type_spec = b->module;
    }
    s.sinks = std::move(d.direct);
    s.extra = std::move(d.extra);
    for (const RawCall& c : d.calls) classify(c, st, ctx, s);
    if (s.sinks.empty() && s.calls.empty() && s.nest.empty() && s.extra.empty()) continue;
    facts->functions.push_back(std::move(s));
  }
  std::sort(facts->functions.begin(), facts->functions.end(),
            [](const Summary& a, const Summary& b) { return a.start_byte < b.start_byte; });
  if (facts->functions.empty() && !facts->defines_db && facts->dtos.empty() &&
      facts->reexports.empty()) {
    return nullptr;
  }
  return facts;
}

// on_node of the first consumer
void feed_node(const SyntaxNode& node, FileContext& ctx) {
  const std::string_view k = node.kind();
  if (k == "call_expression" || k == "new_expression") {
    note_call(node, k == "new_expression", ctx);
    return;
  }
  if (k == "variable_declarator") {
    note_decl(node, ctx);
    return;
  }
  if (k == "export_statement" || k == "import_statement") {
    // Project modules this one imports or re-exports (an index of models).
    const std::string spec = string_value(node.field("source"), ctx);
    State& st = ctx.shared<State>();
    if (is_project_spec(spec) && st.required.size() < 256) st.required.push_back(spec);
    return;
  }
  if (k == "class_declaration" || k == "abstract_class_declaration") {
    note_class(node, ctx);
    return;
  }
  note_function(node, ctx);
}

}  // namespace

std::string_view describe(SinkKind k) {
  switch (k) {
    case SinkKind::kDb:
      return "database query";
    case SinkKind::kSql:
      return "raw SQL query";
    case SinkKind::kExec:
      return "shell command";
    case SinkKind::kFs:
      return "file path";
    case SinkKind::kEval:
      return "code evaluation";
    case SinkKind::kRedirect:
      return "redirect target";
    case SinkKind::kHttp:
      return "outbound request URL";
    case SinkKind::kFileSend:
      return "file sent in the response";
  }
  return "sink";
}

bool path_under(const std::string& path, std::string_view prefix) {
  return path == prefix ||
         (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
          path[prefix.size()] == '.');
}

bool Summary::allow_checked(const Source& s, std::uint32_t before, bool with_prefix) const {
  for (const AllowCheck& c : allow_checks) {
    if (c.byte >= before || c.source.param != s.param) continue;
    if (c.prefix && !with_prefix) continue;
    if (path_under(s.path, c.source.path)) return true;
  }
  return false;
}

void feed(const SyntaxNode& node, FileContext& ctx, const Rule* consumer) {
  State& st = ctx.shared<State>();
  if (st.owner == nullptr) st.owner = consumer;
  if (st.owner != consumer) return;
  feed_node(node, ctx);
}

std::shared_ptr<const FileSummary> finish(FileContext& ctx) {
  State& st = ctx.shared<State>();
  if (!st.finished) {
    st.finished = true;
    st.result = build_summary(ctx);
  }
  return st.result;
}

std::unique_ptr<RuleFacts> end_file(FileContext& ctx) {
  std::shared_ptr<const FileSummary> summary = finish(ctx);
  if (!summary) return nullptr;
  auto facts = std::make_unique<Facts>();
  facts->summary = std::move(summary);
  return facts;
}

// ---- whole program -----------------------------------------------------------------------------

Joiner::Joiner(ProgramContext& ctx, const ModelView& model) : model_(model) {
  for (const ProgramContext::FileFacts& f : ctx.facts()) {
    by_path_.emplace(std::string(f.path), static_cast<const Facts*>(f.facts)->summary.get());
  }
}

const FileSummary* Joiner::facts(const std::string& path) const {
  const auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second;
}

const Summary* Joiner::at(const std::string& path, std::uint32_t start) const {
  const FileSummary* f = facts(path);
  if (f == nullptr) return nullptr;
  const auto it =
      std::lower_bound(f->functions.begin(), f->functions.end(), start,
                       [](const Summary& s, std::uint32_t b) { return s.start_byte < b; });
  return it != f->functions.end() && it->start_byte == start ? &*it : nullptr;
}

std::string Joiner::resolve(const std::string& from, const std::string& spec) const {
  return model_.resolve_module(from, spec);
}

// Whether the module `spec` (from `from`) makes a database object, itself or one re-export away.
bool Joiner::db_module(const std::string& from, const std::string& spec) const {
  const std::string target = resolve(from, spec);
  const FileSummary* f = facts(target);
  if (f == nullptr) return false;
  if (f->defines_db) return true;
  for (const std::string& r : f->reexports) {
    const FileSummary* g = facts(resolve(target, r));
    if (g != nullptr && g->defines_db) return true;
  }
  return false;
}

// The one summary named `name` (in class `cls` when given) in `path`; null when none or several.
const Summary* Joiner::named(const std::string& path, const std::string& name,
                             const std::string& cls, bool all) const {
  const FileSummary* f = facts(path);
  if (f == nullptr || name.empty()) return nullptr;
  const Summary* found = nullptr;
  for (const Summary& s : f->functions) {
    if (s.name != name || (!cls.empty() && s.cls != cls)) continue;
    if (!all && s.extra_only()) continue;
    if (found != nullptr) return nullptr;
    found = &s;
  }
  return found;
}

std::pair<std::string, const Summary*> Joiner::target(const std::string& from, const CallEdge& e,
                                                      bool all) const {
  if (e.spec.empty()) return {from, named(from, e.name, e.cls, all)};
  const std::string path = resolve(from, e.spec);
  if (path.empty()) return {"", nullptr};
  return {path, named(path, e.name, e.cls, all)};
}

bool Joiner::mongo_module(const std::string& from, const std::string& spec) const {
  const std::string target = resolve(from, spec);
  const FileSummary* f = facts(target);
  if (f == nullptr) return false;
  if (f->defines_mongo) return true;
  for (const std::string& r : f->reexports) {
    const FileSummary* g = facts(resolve(target, r));
    if (g != nullptr && g->defines_mongo) return true;
  }
  return false;
}

bool Joiner::sink_holds(const std::string& file, const SinkHit& s) const {
  return s.spec.empty() || db_module(file, s.spec);
}

namespace {

// The accept of a callee that receives `passed` (the caller's sources) through its parameter
// `arg`: a callee source counts when a passed source, extended by its path, does.
Joiner::Accept through_param(const Joiner::Accept& accept, const std::vector<Source>& passed,
                             std::uint8_t arg) {
  return [&accept, &passed, arg](const Source& s, std::string& text) {
    if (s.param != arg) return false;
    for (const Source& p : passed) {
      Source joined{p.param, s.path.empty()   ? p.path
                             : p.path.empty() ? s.path
                                              : p.path + "." + s.path};
      if (accept(joined, text)) return true;
    }
    return false;
  };
}

// A called project function as messages name it.
std::string call_name(const Summary& callee) {
  return callee.name.empty() ? "a helper" : callee.name + "()";
}

}  // namespace

void Joiner::collect(const std::string& file, const Summary& fn, const Accept& accept, int depth,
                     const std::string& via, std::vector<Hit>& out) const {
  if (fn.validates || depth > 2 || out.size() > 64) return;
  for (const SinkHit& s : fn.sinks) {
    if (s.kind == SinkKind::kFileSend) continue;
    for (const Source& src : s.taint) {
      std::string text;
      if (!accept(src, text)) continue;
      if (!sink_holds(file, s)) break;
      out.push_back(Hit{file, s.range, text, s.label, s.kind, via, false, {}});
      break;
    }
  }
  if (depth == 2) return;
  for (const CallEdge& e : fn.calls) {
    // The callee sees our source through its parameter e.arg.
    std::vector<Source> passed;
    for (const Source& src : e.taint) {
      if (accept_prefix(accept, src)) passed.push_back(src);
    }
    if (passed.empty()) continue;
    const auto [path, callee] = target(file, e);
    if (callee == nullptr || callee == &fn) continue;
    const Accept inner = through_param(accept, passed, e.arg);
    collect(path, *callee, inner, depth + 1, via.empty() ? call_name(*callee) : via, out);
  }
}

void Joiner::collect_selected(const std::string& file, const Summary& fn, const Accept& accept,
                              const Select& select, bool with_prefix, bool mongo_only, int depth,
                              const std::string& via, bool validates, std::vector<Hit>& out,
                              std::vector<FlowStep> trail) const {
  if (depth > 2 || out.size() > 64) return;
  validates = validates || fn.validates;
  auto visit_sink = [&](const SinkHit& s) {
    Taint taint;
    if (!select(s, taint)) return;
    if (mongo_only && !s.mongo && (s.spec.empty() || !mongo_module(file, s.spec))) return;
    for (const Source& src : taint) {
      if (fn.allow_checked(src, s.range.start_byte, with_prefix)) continue;
      std::string text;
      if (!accept(src, text)) continue;
      if (!sink_holds(file, s)) return;
      Hit hit{file, s.range, text, s.label, s.kind, via, validates, trail};
      hit.steps.push_back(FlowStep{file, s.range, "reaches " + s.label});
      out.push_back(std::move(hit));
      return;
    }
  };
  for (const SinkHit& s : fn.sinks) visit_sink(s);
  for (const SinkHit& s : fn.extra) visit_sink(s);
  if (depth == 2) return;
  for (const CallEdge& e : fn.calls) {
    std::vector<Source> passed;
    for (const Source& src : e.taint) {
      if (fn.allow_checked(src, e.range.start_byte, with_prefix)) continue;
      if (accept_prefix(accept, src)) passed.push_back(src);
    }
    if (passed.empty()) continue;
    const auto [path, callee] = target(file, e, true);
    if (callee == nullptr || callee == &fn) continue;
    const Accept inner = through_param(accept, passed, e.arg);
    std::vector<FlowStep> next = trail;
    next.push_back(FlowStep{file, e.range, "passed to " + call_name(*callee)});
    collect_selected(path, *callee, inner, select, with_prefix, mongo_only, depth + 1,
                     via.empty() ? call_name(*callee) : via, validates, out, std::move(next));
  }
}

// Whether a source could still become request input once the callee adds its own path: the
// source's path is a request path already, or a prefix of one ("" or "request").
bool Joiner::accept_prefix(const Accept& accept, const Source& src) {
  std::string text;
  if (accept(src, text)) return true;
  for (std::string_view tail : {"body", "query", "params", "request", "payload", "headers"}) {
    Source probe{src.param,
                 src.path.empty() ? std::string(tail) : src.path + "." + std::string(tail)};
    if (accept(probe, text)) return true;
    probe.path += ".body";
    if (accept(probe, text)) return true;
  }
  return false;
}

bool Joiner::route_accept(const Route& route, const Summary& fn, Accept& out,
                          std::vector<std::string>* dto_prefixes) const {
  const bool nest = route.framework == "nestjs";
  const bool koa = route.framework == "koa";
  const FileSummary* file_facts = facts(route.handler_code.file);

  // Nest: which parameters are request input (decorated, no pipe, no validating DTO).
  std::map<std::uint8_t, std::string> nest_sources;
  std::set<std::uint8_t> nest_requests;
  if (nest) {
    for (const NestParam& p : fn.nest) {
      if (p.decorator == "Req" || p.decorator == "Request") {
        nest_requests.insert(p.index);
        continue;
      }
      if (!one_of(std::string_view(p.decorator), kNestSources) || p.piped) continue;
      bool dto = false;
      if (!p.type.empty() && p.type != "string" && p.type != "any" && p.type != "object") {
        if (p.type_spec.empty()) {
          dto = file_facts != nullptr && file_facts->dtos.count(p.type) != 0;
        } else {
          const std::string target = resolve(route.handler_code.file, p.type_spec);
          const FileSummary* tf = facts(target);
          // A type from a package, or a project file we cannot read: assume it validates.
          dto = target.empty() || tf == nullptr || tf->dtos.count(p.type) != 0 ||
                tf->classes.count(p.type) == 0;
        }
      }
      if (dto && dto_prefixes == nullptr) continue;
      const std::string name =
          p.index < fn.params.size() ? fn.params[p.index] : std::string("param");
      if (dto) dto_prefixes->push_back("@" + p.decorator + "() " + name);
      nest_sources.emplace(p.index, "@" + p.decorator + "() " + name);
    }
    if (nest_sources.empty() && nest_requests.empty()) return false;
  }
  const std::string req_name =
      !fn.params.empty() && !fn.params[0].empty() ? fn.params[0] : std::string(koa ? "ctx" : "req");
  std::vector<std::string> params = fn.params;
  out = [nest, koa, nest_sources = std::move(nest_sources),
         nest_requests = std::move(nest_requests), req_name,
         params = std::move(params)](const Source& s, std::string& text) {
    if (nest) {
      const auto it = nest_sources.find(s.param);
      if (it != nest_sources.end()) {
        text = it->second + (s.path.empty() ? "" : "." + s.path);
        return true;
      }
      if (nest_requests.count(s.param) == 0) return false;
    } else if (s.param != 0) {
      return false;
    }
    static constexpr std::array<std::string_view, 7> kReq = {
        "body", "query", "params", "headers", "cookies", "signedCookies", "payload"};
    static constexpr std::array<std::string_view, 7> kKoa = {
        "request.body",   "request.query", "query",          "params",
        "request.params", "headers",       "request.headers"};
    bool ok = false;
    if (koa) {
      for (std::string_view p : kKoa) ok = ok || path_under(s.path, p);
    } else {
      for (std::string_view p : kReq) ok = ok || path_under(s.path, p);
    }
    if (!ok) return false;
    const std::string base =
        nest && s.param < params.size() && !params[s.param].empty() ? params[s.param] : req_name;
    text = base + "." + s.path;
    return true;
  };
  return true;
}

HitGroups::Group* HitGroups::add(Hit&& h, const std::string& route) {
  auto key = std::make_pair(h.file, h.range.start_byte);
  auto it = groups_.find(key);
  if (it != groups_.end()) {
    if (it->second.route != route) ++it->second.others;
    return nullptr;
  }
  order_.push_back(key);
  return &groups_.emplace(std::move(key), Group{std::move(h), route, 0, false}).first->second;
}

std::vector<const HitGroups::Group*> HitGroups::in_order() const {
  std::vector<const Group*> out;
  out.reserve(order_.size());
  for (const auto& key : order_) out.push_back(&groups_.at(key));
  return out;
}

std::string other_routes(int others) {
  if (others <= 0) return "";
  return " (and " + std::to_string(others) + " other route" + (others > 1 ? "s" : "") + ")";
}

void analyze_routes(ProgramContext& ctx, const RouteRule& rule) {
  const Joiner::Select& select = rule.select;
  const ModelView* model = ctx.model();
  if (model == nullptr || ctx.facts().empty()) return;
  const Joiner joiner(ctx, *model);
  HitGroups groups;
  for (const Route& route : model->routes()) {
    if (!route.handler_code.known()) continue;
    const Summary* fn = joiner.at(route.handler_code.file, route.handler_code.start_byte);
    if (fn == nullptr) continue;
    if (rule.route_safe && rule.route_safe(route)) continue;
    Joiner::Accept accept;
    std::vector<std::string> dtos;
    if (!joiner.route_accept(route, *fn, accept, rule.dto_sources ? &dtos : nullptr)) continue;
    if (rule.source_ok) {
      accept = [&route, &rule, base = std::move(accept)](const Source& s, std::string& text) {
        return base(s, text) && rule.source_ok(route, text);
      };
    }
    // Fastify's reply.sendFile serves from the plugin's root only: not a traversal sink.
    const Joiner::Select routed = [&](const SinkHit& s, Taint& out) {
      if (s.kind == SinkKind::kFileSend && route.framework == "fastify") return false;
      return select(s, out);
    };
    std::vector<Hit> hits;
    joiner.collect_selected(route.handler_code.file, *fn, accept, routed, rule.with_prefix,
                            rule.mongo_only, 0, "", false, hits);
    const std::string route_name = route.method + " " + route.path;
    for (Hit& h : hits) {
      HitGroups::Group* g = groups.add(std::move(h), route_name);
      if (g == nullptr) continue;
      Hit& first = g->hit;
      first.steps.insert(
          first.steps.begin(),
          FlowStep{route.handler_code.file, fn->params_range,
                   first.source + " is request input of the handler of " + route_name});
      bool validated = route.validated || first.validates;
      for (const std::string& d : dtos) {
        if (first.source.compare(0, d.size(), d) == 0 &&
            (first.source.size() == d.size() || first.source[d.size()] == '.')) {
          validated = true;
        }
      }
      g->validated = validated;
    }
  }
  for (const HitGroups::Group* group : groups.in_order()) {
    const HitGroups::Group& g = *group;
    std::string message =
        g.hit.source + " reaches the " + std::string(rule.noun) + " of " + g.hit.sink;
    if (!g.hit.via.empty()) message += " through " + g.hit.via;
    message += " on " + g.route + other_routes(g.others);
    if (g.validated)
      message += "; the route validates input, but nothing here constrains this value";
    const Confidence confidence = g.validated         ? Confidence::kLow
                                  : g.hit.via.empty() ? Confidence::kHigh
                                                      : Confidence::kMedium;
    ctx.report_flow(g.hit.file, g.hit.range, std::move(message), confidence, g.hit.steps);
  }
}

}  // namespace nodescope::dataflow
