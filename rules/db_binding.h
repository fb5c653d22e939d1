// Which names of a file denote a database object (a driver or ORM import, a model or pool made
// from one, a Nest-injected repository), shared by performance/query-in-loop and
// api/rest-conventions. Per file: feed declarations, imports and constructors from on_node; ask
// bound() in end_file, when every binding is known. A receiver imported from a project module is
// answered "bound, if that module is a database module" (spec set), which the rule checks in
// analyze: the module imports a database package itself or through one project import.
// Deliberately narrow: unknown receivers (parameters, request objects, services) are not bound.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db_vocabulary.h"
#include "nodescope/rule.h"
#include "nodescope/syntax.h"
#include "rule_util.h"

namespace nodescope::rules::db {

// Beside the shared driver and ORM packages (db_vocabulary.h): key-value and cloud stores.
inline constexpr std::array<std::string_view, 9> kStorePackages = {"redis",
                                                                   "ioredis",
                                                                   "cassandra-driver",
                                                                   "@elastic/elasticsearch",
                                                                   "dynamoose",
                                                                   "@aws-sdk/lib-dynamodb",
                                                                   "firebase-admin",
                                                                   "@google-cloud/firestore",
                                                                   "couchbase"};

inline constexpr std::array<std::string_view, 14> kDbTypes = {
    "Repository", "Model",        "MongoRepository", "TreeRepository", "EntityManager",
    "DataSource", "PrismaClient", "PrismaService",   "Knex",           "Pool",
    "Sequelize",  "Db",           "Collection",      "Connection"};

// Calls whose result is again a database object: the shared kFactories (db_vocabulary.h) and
// transactions, managers, tables, clients. Any other call on a database object yields data, not
// a handle.
inline constexpr std::array<std::string_view, 4> kMoreFactories = {"transaction", "getManager",
                                                                   "table", "getClient"};

inline bool is_db_package(std::string_view module) {
  return one_of(module, kDbPackages) || one_of(module, kStorePackages) ||
         module.rfind("@mikro-orm/", 0) == 0 || module.rfind("drizzle-orm/", 0) == 0;
}
inline bool is_kv_package(std::string_view module) {
  return module == "redis" || module == "ioredis";
}

inline bool maybe_project(std::string_view spec) {
  if (spec.empty() || spec.rfind("node:", 0) == 0) return false;
  return spec[0] == '.' || spec[0] == '/' || spec[0] == '~' || spec[0] == '#' ||
         spec.find('/') != std::string_view::npos;
}

// The root of a callee chain: `a.b().c` -> a, `this.repo.find` -> this.repo, require('x') ->
// require:x; "" when the chain does not start at a name.
inline std::string chain_root(SyntaxNode n, FileContext& ctx) {
  for (int guard = 0; guard < 24 && n; ++guard) {
    n = n.unwrapped();
    if (n.is("identifier")) return std::string(ctx.text(n));
    if (n.is("member_expression")) {
      const SyntaxNode obj = n.field("object").unwrapped();
      if (obj.is("this")) return "this." + std::string(ctx.text(n.field("property")));
      n = obj;
      continue;
    }
    if (n.is("call_expression")) {
      const std::string spec(require_spec(n, ctx));
      if (!spec.empty()) return "require:" + spec;
      n = n.field("function");
      continue;
    }
    if (n.is("new_expression")) {
      n = n.field("constructor");
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

// Identifier names bound by a pattern (declarator name, for-of left side, parameters).
inline void bound_names(const SyntaxNode& n, FileContext& ctx, std::vector<std::string>& out,
                        int depth = 0) {
  if (!n || depth > 6 || out.size() > 16) return;
  if (n.is("identifier") || n.is("shorthand_property_identifier_pattern")) {
    out.emplace_back(ctx.text(n));
    return;
  }
  if (n.is("pair_pattern")) {
    bound_names(n.field("value"), ctx, out, depth + 1);
    return;
  }
  for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
    const SyntaxNode c = n.named_child(i);
    if (c.is("type_annotation")) continue;
    bound_names(c, ctx, out, depth + 1);
  }
}

// Per-file binding table. Node kinds it needs: variable_declarator, method_definition,
// import_statement.
struct Binder {
  struct Decl {
    enum Kind : std::uint8_t { kAlias, kCall, kNew } kind = kAlias;
    std::string root;    // the name the value derives from ("require:x" for require calls)
    std::string method;  // for kCall: the called method or function
  };
  std::unordered_map<std::string, std::vector<Decl>> decls;
  std::set<std::string> fields;  // this.<field> injected or typed as a database object
  std::vector<std::string> project_requires;
  bool imports_db = false;

  void on_import(const SyntaxNode& node, FileContext& ctx) {
    const std::string_view m = string_value(node.field("source"), ctx);
    if (is_db_package(m)) imports_db = true;
    if (maybe_project(m)) project_requires.emplace_back(m);
  }

  void on_declarator(const SyntaxNode& node, FileContext& ctx) {
    const SyntaxNode value = node.field("value");
    if (!value) return;
    const std::string root = chain_root(value, ctx);
    if (root.empty()) return;
    if (root.rfind("require:", 0) == 0) {
      const std::string m = root.substr(8);
      if (is_db_package(m)) imports_db = true;
      if (maybe_project(m)) project_requires.push_back(m);
    }
    Decl d{Decl::kAlias, root, {}};
    SyntaxNode v = value.unwrapped();
    while (v.is("await_expression")) v = v.named_child(0).unwrapped();
    if (v.is("new_expression")) {
      d.kind = Decl::kNew;
    } else if (v.is("call_expression") && require_spec(v, ctx).empty()) {
      d.kind = Decl::kCall;
      const SyntaxNode fn = v.field("function").unwrapped();
      if (fn.is("member_expression")) {
        d.method = std::string(ctx.text(fn.field("property")));
      } else if (fn.is("identifier")) {
        d.method = std::string(ctx.text(fn));
      }
    }
    std::vector<std::string> names;
    bound_names(node.field("name"), ctx, names);
    for (std::string& n : names) {
      if (n != root) decls[n].push_back(d);
    }
  }

  // Nest: constructor(@InjectRepository(User) private repo: Repository<User>,
  //                   private prisma: PrismaService)
  void on_method(const SyntaxNode& node, FileContext& ctx) {
    if (ctx.text(node.field("name")) != "constructor") return;
    const SyntaxNode params = node.field("parameters");
    for (std::uint32_t i = 0; i < params.named_child_count(); ++i) {
      const SyntaxNode p = params.named_child(i);
      if (!p.is("required_parameter") && !p.is("optional_parameter")) continue;
      const SyntaxNode pattern = p.field("pattern");
      if (!pattern.is("identifier")) continue;
      bool is_db = false;
      for (std::uint32_t j = 0; j < p.named_child_count() && !is_db; ++j) {
        const SyntaxNode c = p.named_child(j);
        if (c.is("decorator")) {
          const std::string_view t = ctx.text(c);
          for (std::string_view inj : kDbInjectors) {
            is_db = is_db || (t.starts_with('@') && t.substr(1).starts_with(inj));
          }
        } else if (c.is("type_annotation")) {
          std::string_view t = ctx.text(c);
          while (!t.empty() && (t[0] == ':' || t[0] == ' ')) t.remove_prefix(1);
          const std::size_t lt = t.find('<');
          const std::string_view base = t.substr(0, lt);
          is_db = one_of(base, kDbTypes) || (lt != std::string_view::npos && base.size() > 10 &&
                                             base.substr(base.size() - 10) == "Repository");
        }
      }
      if (is_db) fields.insert(std::string(ctx.text(pattern)));
    }
  }

  // Whether a root names a database object: true with spec empty (known here) or with spec set
  // (a project module the rule checks in analyze). kv is set for redis-like clients.
  bool bound(const std::string& root, FileContext& ctx, std::string& spec, bool& kv,
             int depth = 0) const {
    if (depth > 5 || root.empty()) return false;
    if (root.rfind("require:", 0) == 0) {
      const std::string m = root.substr(8);
      kv = is_kv_package(m);
      if (is_db_package(m)) return true;
      if (maybe_project(m)) {
        spec = m;
        return true;
      }
      return false;
    }
    if (root.rfind("this.", 0) == 0) return fields.count(root.substr(5)) != 0;
    if (const ImportBinding* b = ctx.import_of(root)) {
      kv = is_kv_package(builtin_name(b->module));
      if (is_db_package(b->module)) return true;
      if (maybe_project(b->module)) {
        spec = b->module;
        return true;
      }
      return false;
    }
    const auto it = decls.find(root);
    if (it == decls.end() || it->second.size() != 1) return false;
    const Decl& d = it->second.front();
    switch (d.kind) {
      case Decl::kAlias:
        return bound(d.root, ctx, spec, kv, depth + 1);
      case Decl::kCall: {
        // knex(cfg), postgres(url), drizzle(pool): a package's own factory function.
        if (d.method == d.root) {
          const ImportBinding* b = ctx.import_of(d.root);
          if (b != nullptr && is_db_package(b->module)) {
            kv = is_kv_package(builtin_name(b->module));
            return true;
          }
        }
        if (!one_of(std::string_view(d.method), kFactories) &&
            !one_of(std::string_view(d.method), kMoreFactories)) {
          return false;
        }
        return bound(d.root, ctx, spec, kv, depth + 1);
      }
      case Decl::kNew: {
        // new PrismaClient(), new Pool(): only a database package's class, not a project one.
        std::string inner;
        return bound(d.root, ctx, inner, kv, depth + 1) && inner.empty();
      }
    }
    return false;
  }
};

// Whether a project module (named by `spec` from `from`) is a database module: it imports a
// database package, itself or through its own project imports, up to three modules away (a
// `models/index.js` that requires `./base` that requires the ORM). `imports_db(path)` and
// `requires_of(path)` read the rule's facts.
template <class ImportsDb, class RequiresOf>
bool db_module(const ModelView& model, const std::string& from, const std::string& spec,
               const ImportsDb& imports_db, const RequiresOf& requires_of) {
  std::vector<std::string> frontier = {model.resolve_module(from, spec)};
  std::set<std::string> seen;
  for (int depth = 0; depth < 3 && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const std::string& path : frontier) {
      if (path.empty() || !seen.insert(path).second) continue;
      if (imports_db(path)) return true;
      for (const std::string& r : requires_of(path)) {
        if (seen.size() + next.size() > 64) break;
        next.push_back(model.resolve_module(path, r));
      }
    }
    frontier = std::move(next);
  }
  return false;
}

}  // namespace nodescope::rules::db
