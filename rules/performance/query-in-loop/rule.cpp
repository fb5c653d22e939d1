// performance/query-in-loop: a database or ORM call awaited once per item of a collection (N+1):
// inside `for...of` / `for...in`, a counted `for` over `.length`, or an async `forEach` callback,
// where the query's arguments use the loop's item (or index).
// Per file: during the walk, calls to a query method (a cheap name check first) whose chain is
// awaited are noted with their innermost loop; end_file decides whether the receiver is bound to
// a database: a driver/ORM import, a local made from one (`mongoose.model`, `new PrismaClient()`,
// `pool.connect()`), a Nest-injected repository/model field, or an import of a project module
// that itself imports a database package (checked in analyze through resolve_module).
// Deliberately left out: `Promise.all(items.map(...))` (concurrent, one round-trip of latency),
// while/do loops (pagination and cursors), `for await` (streams), loops over array literals,
// queries that do not use the item, and test files.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "db_binding.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {1073};
constexpr std::array<std::string_view, 3> kTags = {"performance", "database", "n-plus-one"};
constexpr std::array<std::string_view, 4> kKinds = {"call_expression", "variable_declarator",
                                                    "method_definition", "import_statement"};
constexpr RuleMeta kMeta{
    .id = "performance/query-in-loop",
    .summary =
        "A database or ORM query is awaited once per item inside a loop over a "
        "collection (N+1 queries).",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// Query methods: reads and writes that make one round-trip each.
constexpr std::array<std::string_view, 51> kQueryMethods = {"find",
                                                            "findOne",
                                                            "findById",
                                                            "findByPk",
                                                            "findAll",
                                                            "findMany",
                                                            "findUnique",
                                                            "findFirst",
                                                            "findOneBy",
                                                            "findBy",
                                                            "findOneOrFail",
                                                            "findUniqueOrThrow",
                                                            "findFirstOrThrow",
                                                            "findAndCountAll",
                                                            "findOrCreate",
                                                            "findOneAndUpdate",
                                                            "findByIdAndUpdate",
                                                            "findByIdAndDelete",
                                                            "findOneAndDelete",
                                                            "create",
                                                            "insert",
                                                            "insertOne",
                                                            "insertMany",
                                                            "update",
                                                            "updateOne",
                                                            "updateMany",
                                                            "save",
                                                            "delete",
                                                            "deleteOne",
                                                            "deleteMany",
                                                            "destroy",
                                                            "remove",
                                                            "upsert",
                                                            "count",
                                                            "countDocuments",
                                                            "aggregate",
                                                            "query",
                                                            "execute",
                                                            "first",
                                                            "select",
                                                            "exists",
                                                            "increment",
                                                            "decrement",
                                                            "get",
                                                            "hget",
                                                            "hgetall",
                                                            "set",
                                                            "hset",
                                                            "getItem",
                                                            "putItem",
                                                            "createQueryBuilder"};

// Names that denote a query builder by convention when the file does not bind them otherwise: a
// knex instance or transaction handed in as a parameter or set on `this` (`this.knex`, `trx`), a
// Prisma client injected the same way.
constexpr std::array<std::string_view, 5> kConventionalNames = {"knex", "trx", "this.knex",
                                                                "prisma", "this.prisma"};

// Redis-style methods count only for redis clients; ORMs use get/set for other things.
constexpr std::array<std::string_view, 6> kKeyValueMethods = {"get", "hget", "hgetall",
                                                              "set", "hset", "exists"};

struct Pending {
  std::string root;    // chain root: a name, "this.<field>", or "require:<spec>"
  std::string method;  // the query method
  std::string label;   // User.findOne()
  Range range;
  std::uint32_t loop_line = 0;
  std::string loop_kind;  // "for...of loop", "forEach callback", ...
};

struct State : RuleState {
  std::vector<Pending> pending;
  db::Binder binder;
};

struct Report {
  Range range;
  std::string message;
  std::string spec;  // non-empty: the receiver comes from this project module (checked later)
};

struct Facts : RuleFacts {
  std::vector<Report> reports;
  bool imports_db = false;
  std::vector<std::string> project_imports;  // for one hop of re-exports (models/index.js)
};

bool is_function_node(const SyntaxNode& n) {
  const std::string_view k = n.kind();
  return k == "arrow_function" || k == "function_expression" || k == "function" ||
         k == "function_declaration" || k == "method_definition" || k == "generator_function" ||
         k == "generator_function_declaration";
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

// Whether `text` uses one of `names` as a whole identifier (not after a dot: `x.id` uses x, `a.x`
// does not).
bool uses_any(std::string_view text, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name.empty()) continue;
    for (std::size_t pos = text.find(name); pos != std::string_view::npos;
         pos = text.find(name, pos + 1)) {
      const bool left_ok = pos == 0 || (!is_ident_char(text[pos - 1]) && text[pos - 1] != '.');
      const std::size_t after = pos + name.size();
      const bool right_ok = after >= text.size() || !is_ident_char(text[after]);
      if (left_ok && right_ok) return true;
    }
  }
  return false;
}

class QueryInLoop final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const std::string_view k = node.kind();
    if (k == "import_statement") {
      ctx.state<State>().binder.on_import(node, ctx);
    } else if (k == "variable_declarator") {
      ctx.state<State>().binder.on_declarator(node, ctx);
    } else if (k == "method_definition") {
      ctx.state<State>().binder.on_method(node, ctx);
    } else {
      on_call(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    auto facts = std::make_unique<Facts>();
    facts->imports_db = st.binder.imports_db;
    facts->project_imports = st.binder.project_requires;
    for (const Pending& p : st.pending) {
      std::string spec;
      bool kv = false;
      if (!st.binder.bound(p.root, ctx, spec, kv) && !conventional(p.root, st, ctx)) continue;
      if (one_of(std::string_view(p.method), kKeyValueMethods) && !kv) continue;
      std::string msg = p.label + " is awaited inside the " + p.loop_kind + " at line " +
                        std::to_string(p.loop_line) +
                        ": one database round-trip per item (N+1); load the items in one query "
                        "(an `IN` list, `$in`, include/populate, a join) or batch the writes";
      facts->reports.push_back(Report{p.range, std::move(msg), std::move(spec)});
    }
    std::sort(facts->project_imports.begin(), facts->project_imports.end());
    if (facts->reports.empty() && !facts->imports_db) return nullptr;
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    std::map<std::string, const Facts*> by_path;
    for (const ProgramContext::FileFacts& f : ctx.facts()) {
      by_path.emplace(std::string(f.path), static_cast<const Facts*>(f.facts));
    }
    const auto imports_db = [&](const std::string& p) {
      const auto it = by_path.find(p);
      return it != by_path.end() && it->second->imports_db;
    };
    const std::vector<std::string> none;
    const auto requires_of = [&](const std::string& p) -> const std::vector<std::string>& {
      const auto it = by_path.find(p);
      return it == by_path.end() ? none : it->second->project_imports;
    };
    for (const ProgramContext::FileFacts& f : ctx.facts()) {
      const std::string path(f.path);
      if (model != nullptr && model->is_test_file(path)) continue;
      if (is_script_path(path)) continue;
      for (const Report& r : static_cast<const Facts*>(f.facts)->reports) {
        if (!r.spec.empty() &&
            (model == nullptr || !db::db_module(*model, path, r.spec, imports_db, requires_of))) {
          continue;
        }
        ctx.report(path, r.range, r.message, Confidence::kMedium);
      }
    }
  }

 private:
  // Seeds, migrations and one-off scripts run once, offline: a loop of queries there is fine.
  static bool is_script_path(std::string_view path) {
    for (std::string_view dir : {"migrations/", "migration/", "seeds/", "seeders/", "seed/",
                                 "scripts/", "fixtures/db/", "cli/", "bin/", "commands/"}) {
      const std::size_t pos = path.find(dir);
      if (pos != std::string_view::npos && (pos == 0 || path[pos - 1] == '/')) return true;
    }
    return false;
  }

  static bool conventional(const std::string& root, const State& st, FileContext& ctx) {
    return one_of(std::string_view(root), kConventionalNames) && ctx.import_of(root) == nullptr &&
           st.binder.decls.count(root) == 0;
  }

  static void on_call(const SyntaxNode& node, FileContext& ctx) {
    const SyntaxNode callee = node.field("function");
    if (!callee.is("member_expression")) return;
    const std::string_view method = ctx.text(callee.field("property"));
    if (!one_of(method, kQueryMethods)) return;
    // One finding per chain: `knex.select(..).from(..).first()` reports at its first query method.
    for (SyntaxNode n = callee.field("object").unwrapped(); n;) {
      if (n.is("call_expression")) {
        const SyntaxNode f = n.field("function").unwrapped();
        if (f.is("member_expression") && one_of(ctx.text(f.field("property")), kQueryMethods)) {
          return;
        }
        n = f;
      } else if (n.is("member_expression")) {
        n = n.field("object").unwrapped();
      } else {
        break;
      }
    }
    // Climb the chain (`User.find().lean()`, `knex('t').where(..).first()`) to the awaited top.
    SyntaxNode top = node;
    for (int guard = 0; guard < 16; ++guard) {
      const SyntaxNode p = top.parent();
      if (p.is("member_expression") && p.field("object").start_byte() == top.start_byte()) {
        const SyntaxNode pp = p.parent();
        if (!pp.is("call_expression")) break;
        top = pp;
        continue;
      }
      if (p.is("parenthesized_expression") || p.is("non_null_expression") ||
          p.is("as_expression")) {
        top = p;
        continue;
      }
      break;
    }
    const SyntaxNode awaited = top.parent();
    if (!awaited.is("await_expression")) return;
    // The innermost loop between the call and its function.
    SyntaxNode loop;
    std::string loop_kind;
    std::vector<std::string> names;
    for (SyntaxNode n = awaited.parent(); n; n = n.parent()) {
      const std::string_view k = n.kind();
      if (k == "for_in_statement") {
        const std::string_view t = ctx.text(n);
        if (t.rfind("for await", 0) == 0) return;
        const SyntaxNode right = n.field("right").unwrapped();
        if (right.is("array")) return;  // a fixed list of constants
        const std::string r = lower_ascii(ctx.text(right));
        if (r.find("chunk") != std::string::npos || r.find("batch") != std::string::npos) return;
        db::bound_names(n.field("left"), ctx, names);
        const SyntaxNode op = n.field("operator");
        loop_kind = ctx.text(op) == "in" ? "for...in loop" : "for...of loop";
        loop = n;
        break;
      }
      if (k == "for_statement") {
        const std::string_view cond = ctx.text(n.field("condition"));
        if (cond.find(".length") == std::string_view::npos &&
            cond.find(".size") == std::string_view::npos) {
          return;
        }
        // `i += CHUNK` steps through chunks: batched already.
        const std::string_view step = ctx.text(n.field("increment"));
        if (step.find("+=") != std::string_view::npos &&
            step.find("+= 1") == std::string_view::npos) {
          return;
        }
        db::bound_names(n.field("initializer"), ctx, names);
        // `let i = 0` binds i through a variable_declarator's name.
        loop_kind = "for loop";
        loop = n;
        break;
      }
      if (k == "while_statement" || k == "do_statement") return;
      if (is_function_node(n)) {
        // An async callback of `.forEach(...)`.
        const SyntaxNode args = n.parent();
        const SyntaxNode call = args.parent();
        if (!args.is("arguments") || !call.is("call_expression")) return;
        const SyntaxNode fn = call.field("function");
        if (!fn.is("member_expression") || ctx.text(fn.field("property")) != "forEach") return;
        if (ctx.text(n).rfind("async", 0) != 0) return;
        const SyntaxNode params = n.field("parameters");
        if (params) {
          db::bound_names(params, ctx, names);
        } else {
          db::bound_names(n.field("parameter"), ctx, names);
        }
        loop_kind = "forEach callback";
        loop = call;
        break;
      }
    }
    if (!loop) return;
    // The query must use the loop's item (or index): otherwise it is the same query repeated.
    // Loops over chunks, batches or pages are the fix, not the problem.
    for (const std::string& n : names) {
      const std::string l = lower_ascii(n);
      if (l.find("chunk") != std::string::npos || l.find("batch") != std::string::npos ||
          l.find("page") != std::string::npos) {
        return;
      }
    }
    const std::vector<std::string>& filtered = names;
    const std::string_view call_text =
        ctx.source().substr(node.start_byte(), top.end_byte() - node.start_byte());
    const std::string_view args_text = ctx.text(node.field("arguments"));
    if (!uses_any(args_text, filtered) && !uses_any(call_text, filtered)) return;
    const std::string root = db::chain_root(callee.field("object"), ctx);
    if (root.empty()) return;
    State& st = ctx.state<State>();
    std::string label = root.rfind("require:", 0) == 0 ? "require(...)" : root;
    label += "." + std::string(method) + "()";
    st.pending.push_back(Pending{root, std::string(method), std::move(label), ctx.range(node),
                                 ctx.range(loop).line, std::move(loop_kind)});
  }
};

}  // namespace

const Rule& performance_query_in_loop() {
  static const QueryInLoop kRule;
  return kRule;
}

}  // namespace nodescope::rules
