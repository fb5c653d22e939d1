// ops/hardcoded-config: deployment settings written as literals in server code. Per file, three
// shapes, each reported at the literal:
//   - the port a server listens on: `app.listen(3000)`, `listen({ port: 3000 })`,
//     `Hapi.server({ port: 3000 })`, or `listen(PORT)` with `const PORT = 3000` in the file;
//   - connection URLs of databases, caches and queues (mongodb://, postgres://, mysql://,
//     redis://, amqp://, ...) as a call argument, an object property or a variable's value;
//   - `host` / `hostname` literals in the options of a database or cache client
//     (`createPool({ host: 'db.internal' })`, `new Redis({ host: '10.0.0.5' })`,
//     `knex({ connection: { host } })`).
// A literal that is a default (`process.env.PORT || 3000`, `?? 'redis://localhost'`, a parameter
// default) is the right pattern and is never reported: only a literal that IS the value is. Not
// server code (rules/server_code.h: tests, scripts, config files, migrations, tooling, examples)
// and files starting with a shebang are not judged. Bind addresses (0.0.0.0, ::) are not config.
#include <array>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"
#include "server_code.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 0> kCwe = {};
constexpr std::array<std::string_view, 2> kTags = {"ops", "config"};
constexpr std::array<std::string_view, 4> kKinds = {"call_expression", "new_expression", "pair",
                                                    "variable_declarator"};
constexpr RuleMeta kMeta{
    .id = "ops/hardcoded-config",
    .summary =
        "A port, host or connection URL is written as a literal in server code instead of "
        "coming from the environment or configuration.",
    .severity = Severity::kNote,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

constexpr std::array<std::string_view, 14> kSchemes = {
    "mongodb://", "mongodb+srv://", "postgres://", "postgresql://", "mysql://",
    "mariadb://", "mssql://",       "redis://",    "rediss://",     "amqp://",
    "amqps://",   "nats://",        "mqtt://",     "couchdb://"};

// Callees whose options hold a database or cache host.
constexpr std::array<std::string_view, 14> kClients = {
    "createPool", "createConnection", "createClient", "createPoolCluster", "Pool", "Client",
    "Redis",      "Cluster",          "Sequelize",    "MongoClient",       "knex", "Knex",
    "DataSource", "createCluster"};

struct Pending {
  std::string name;  // `listen(PORT)`: reported in end_file when PORT is a file constant
  Range range;
};

struct State : RuleState {
  bool skip = false;
  bool checked = false;
  std::vector<Pending> ports;
};

// The scheme a string literal's value starts with, or "".
std::string_view url_scheme(std::string_view value) {
  for (std::string_view s : kSchemes) {
    if (value.size() > s.size() && value.substr(0, s.size()) == s) return s;
  }
  return {};
}

// A string literal or a template without substitutions: its contents, else "".
std::string_view literal(const SyntaxNode& n, FileContext& ctx) {
  if (n.is("string")) return string_value(n, ctx);
  if (n.is("template_string") && n.named_child_count() == 0) {
    const std::string_view t = ctx.text(n);
    return t.size() >= 2 ? t.substr(1, t.size() - 2) : std::string_view{};
  }
  return {};
}

// The last name of a callee: `createPool`, `mysql.createPool`, `new Redis`, `new Redis.Cluster`.
std::string_view callee_name(const SyntaxNode& call, FileContext& ctx) {
  SyntaxNode f = call.field(call.is("new_expression") ? "constructor" : "function").unwrapped();
  if (f.is("member_expression")) f = f.field("property");
  return f.is("identifier") || f.is("property_identifier") ? ctx.text(f) : std::string_view{};
}

// The call an object literal is an argument of (directly, or as the `connection` of another
// object that is), or a null node.
SyntaxNode options_call(const SyntaxNode& object) {
  SyntaxNode args = object.parent();
  if (args.is("pair")) {
    SyntaxNode outer = args.parent();
    if (!outer.is("object")) return {};
    args = outer.parent();
  }
  if (!args.is("arguments")) return {};
  return args.parent();
}

bool port_number(std::string_view t) {
  if (t.empty() || t.size() > 5) return false;
  int v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v > 0 && v <= 65535;
}

class HardcodedConfig final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("pair")) {
      on_pair(node, ctx);
    } else if (node.is("variable_declarator")) {
      const std::string_view v = literal(node.field("value"), ctx);
      if (!v.empty() && !url_scheme(v).empty() && judged(ctx)) {
        report_url(node.field("value"), v, ctx);
      }
    } else {
      on_call(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    for (const Pending& p : st.ports) {
      if (!ctx.is_constant_name(p.name)) continue;
      ctx.report(p.range,
                 "the server listens on `" + p.name +
                     "`, a constant of this file: the port is hard-coded, so every "
                     "environment (containers, PaaS, tests run in parallel) gets the same one; "
                     "read it from the environment with a default (`process.env.PORT || " +
                     p.name + "`)",
                 Confidence::kMedium);
    }
    return nullptr;
  }

 private:
  // Once per file: whether the file is server code.
  static bool judged(FileContext& ctx) {
    State& st = ctx.state<State>();
    if (!st.checked) {
      st.checked = true;
      st.skip = !non_server_reason(ctx.path()).empty() || ctx.source().starts_with("#!");
    }
    return !st.skip;
  }

  static void report_url(const SyntaxNode& at, std::string_view value, FileContext& ctx) {
    std::string_view scheme = url_scheme(value);
    scheme.remove_suffix(3);
    ctx.report(at, "the " + std::string(scheme) +
                       " connection URL is a literal in server code: each environment needs its "
                       "own database or broker (and a URL often carries credentials); read it "
                       "from the environment or the config module");
  }

  static void report_port(const SyntaxNode& at, FileContext& ctx) {
    ctx.report(at, "the server's port " + std::string(ctx.text(at)) +
                       " is hard-coded: every environment (containers, PaaS, tests run in "
                       "parallel) gets the same one; read it from the environment with a default "
                       "(`process.env.PORT || " +
                       std::string(ctx.text(at)) + "`)");
  }

  void on_call(const SyntaxNode& node, FileContext& ctx) const {
    const SyntaxNode args = node.field("arguments");
    if (!args.is("arguments") || args.named_child_count() == 0) return;
    const SyntaxNode first = args.named_child(0);
    const SyntaxNode callee = node.field("function").unwrapped();
    if (callee.is("member_expression") && ctx.text(callee.field("property")) == "listen") {
      if (first.is("number")) {
        if (port_number(ctx.text(first)) && judged(ctx)) report_port(first, ctx);
      } else if (first.is("identifier") && judged(ctx)) {
        ctx.state<State>().ports.push_back(Pending{std::string(ctx.text(first)), ctx.range(first)});
      }
      return;
    }
    // mongoose.connect('mongodb://...'), new Sequelize('postgres://...'), createClient('redis://')
    for (std::uint32_t i = 0; i < args.named_child_count() && i < 2; ++i) {
      const SyntaxNode a = args.named_child(i);
      const std::string_view v = literal(a, ctx);
      if (!v.empty() && !url_scheme(v).empty() && judged(ctx)) report_url(a, v, ctx);
    }
  }

  void on_pair(const SyntaxNode& node, FileContext& ctx) const {
    const SyntaxNode value = node.field("value");
    const bool str = value.is("string") || value.is("template_string");
    if (!str && !value.is("number")) return;
    const SyntaxNode key = node.field("key");
    if (!key.is("property_identifier") && !key.is("string")) return;
    const std::string_view k = unquote(ctx.text(key));
    // An option's documented default, example or help text (`default: 'mongodb://localhost/x'`,
    // `placeholder: 'postgres://user:password@host/db'`): documentation, not the value.
    if (k.starts_with("default") || k.starts_with("example") || k == "fallback" ||
        k == "placeholder" || k == "description" || k == "hint" || k == "help") {
      return;
    }
    if (str) {
      const std::string_view v = literal(value, ctx);
      if (v.empty()) return;
      if (!url_scheme(v).empty()) {
        if (judged(ctx)) report_url(value, v, ctx);
        return;
      }
      if (k != "host" && k != "hostname") return;
      if (v == "0.0.0.0" || v == "::" || v == "[::]") return;  // bind addresses
      const SyntaxNode call = options_call(node.parent());
      if (call.is_null() || !one_of(callee_name(call, ctx), kClients) || !judged(ctx)) return;
      ctx.report(value, "the " + std::string(callee_name(call, ctx)) + " host '" + std::string(v) +
                            "' is a literal in server code: each environment has its own "
                            "database or cache; read it from the environment or the config "
                            "module");
      return;
    }
    // { port: 3000 } given to listen(...) or to a Hapi server.
    if (k != "port" || !port_number(ctx.text(value))) return;
    const SyntaxNode object = node.parent();
    const SyntaxNode args = object.parent();
    if (!args.is("arguments") || args.named_child(0).start_byte() != object.start_byte()) return;
    const std::string_view c = callee_name(args.parent(), ctx);
    if (c != "listen" && c != "server" && c != "Server") return;
    if (judged(ctx)) report_port(value, ctx);
  }
};

}  // namespace

const Rule& ops_hardcoded_config() {
  static const HardcodedConfig kRule;
  return kRule;
}

}  // namespace nodescope::rules
