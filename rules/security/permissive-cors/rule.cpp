// security/permissive-cors: CORS configurations that let other sites read credentialed or
// authenticated responses. Per file for options written at the call: the cors package (Express,
// Nest's enableCors / NestFactory.create({ cors })), @koa/cors and kcors, @fastify/cors
// (`register(cors, {...})`), and hand-written Access-Control-Allow-Origin headers that reflect the
// request's Origin next to Access-Control-Allow-Credentials: true in the same function.
// With `credentials: true`: origin `*`, `true` (reflect), a function that always allows or
// returns the request's Origin, and regexes that are not anchored at both ends or let any text
// precede the domain. Whole-program: `cors()` with no options (any origin) in front of routes
// the model says are authenticated. Options passed by name or with a spread are not judged.
// Test files are not judged.
#include <array>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {942, 346};
constexpr std::array<std::string_view, 3> kTags = {"security", "cors", "owasp-a05"};
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "security/permissive-cors",
    .summary =
        "CORS lets any origin, or origins a loose pattern admits, read responses that carry "
        "credentials or require authentication.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 4> kCorsPackages = {"cors", "@koa/cors", "kcors",
                                                           "@fastify/cors"};
bool is_function(const SyntaxNode& n) {
  return n.is("arrow_function") || n.is("function_expression") || n.is("function") ||
         n.is("method_definition");
}

// Text that reads the request's Origin header.
bool reads_request_origin(std::string_view t) {
  return t.find("headers.origin") != std::string_view::npos ||
         t.find("headers['origin']") != std::string_view::npos ||
         t.find("headers[\"origin\"]") != std::string_view::npos ||
         t.find("header.origin") != std::string_view::npos ||
         t.find("get('Origin')") != std::string_view::npos ||
         t.find("get('origin')") != std::string_view::npos ||
         t.find("get(\"Origin\")") != std::string_view::npos ||
         t.find("get(\"origin\")") != std::string_view::npos;
}

// An origin function that admits every origin: its body only calls back `(null, true)` (or
// `(null, origin)`), or returns the request's Origin / true.
bool allows_everything(const SyntaxNode& fn, FileContext& ctx) {
  SyntaxNode body = fn.field("body");
  if (body.is("statement_block")) {
    if (body.named_child_count() != 1) return false;
    const SyntaxNode stmt = body.named_child(0);
    if (stmt.is("expression_statement") || stmt.is("return_statement")) {
      if (stmt.named_child_count() != 1) return false;
      body = stmt.named_child(0);
    } else {
      return false;
    }
  }
  body = body.unwrapped();
  if (body.is("true")) return true;
  if (reads_request_origin(ctx.text(body))) return true;
  if (!body.is("call_expression")) return false;
  const SyntaxNode args = body.field("arguments");
  if (args.is_null() || args.named_child_count() != 2 || !args.named_child(0).is("null")) {
    return false;
  }
  const SyntaxNode second = args.named_child(1).unwrapped();
  if (second.is("true")) return true;
  // cb(null, origin) where origin is the function's first parameter
  const SyntaxNode params = fn.field("parameters");
  const SyntaxNode first_param =
      fn.field("parameter").is_null()
          ? (params.is_null() || params.named_child_count() == 0 ? SyntaxNode()
                                                                 : params.named_child(0))
          : fn.field("parameter");
  if (first_param.is_null() || !second.is("identifier")) return false;
  std::string_view p = ctx.text(first_param);
  if (const std::size_t colon = p.find(':'); colon != std::string_view::npos) {
    p = p.substr(0, colon);
  }
  while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
  return ctx.text(second) == p;
}

// What is wrong with an origin regex, or "" when it looks tight.
std::string regex_problem(std::string_view pattern) {
  if (pattern.empty()) return "it matches every origin";
  if (pattern.front() != '^' || pattern.back() != '$') {
    return "it is not anchored with ^...$, so `https://example.com.attacker.net` or "
           "`https://attacker-example.com` match too";
  }
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] == '.' && (pattern[i + 1] == '*' || pattern[i + 1] == '+')) {
      const char next = i + 2 < pattern.size() ? pattern[i + 2] : '$';
      if (next != '\\' && next != '$' && next != ')') {
        return "`" + std::string(pattern.substr(i, 2)) +
               "` lets any text precede the domain (`attackerexample.com` matches)";
      }
      if (next == '$' || next == ')') return "`.*` admits every origin";
    }
  }
  return {};
}

struct DefaultCors {
  Range range;
  std::uint32_t line = 0;
  bool nest = false;
};

struct Reflect {
  std::uint32_t function = 0;
  Range range;
  bool star = false;  // `*` rather than the request's Origin
};

struct State : RuleState {
  std::vector<std::pair<Range, std::string>> findings;
  std::vector<Confidence> confidence;
  std::vector<DefaultCors> defaults;
  std::vector<Reflect> reflects;
  std::vector<std::uint32_t> credentialed;  // functions setting Allow-Credentials: true
};

struct Facts : RuleFacts {
  std::vector<std::pair<Range, std::string>> findings;
  std::vector<Confidence> confidence;
  std::vector<DefaultCors> defaults;
};

class PermissiveCors final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const SyntaxNode callee = node.field("function").unwrapped();
    std::string_view name;
    if (callee.is("identifier")) {
      name = ctx.text(callee);
    } else if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (name != "setHeader" && name != "header" && name != "set" && name != "append" &&
          name != "enableCors" && name != "create" && name != "register") {
        return;  // before any further node access
      }
    } else {
      return;
    }
    if (callee.is("identifier") && ctx.import_of(name) == nullptr) return;  // cors packages only
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || !args.is("arguments")) return;
    if (name == "setHeader" || name == "header" || name == "set" || name == "append") {
      header(node, args, ctx);
      return;
    }
    if (name == "enableCors") {
      if (args.named_child_count() == 0) {
        ctx.state<State>().defaults.push_back(DefaultCors{ctx.range(node), 0, true});
        return;
      }
      const SyntaxNode o = args.named_child(0).unwrapped();
      if (o.is("object")) options(o, node, "enableCors()", ctx);
      return;
    }
    if (name == "create" && callee.is("member_expression") &&
        ctx.text(callee.field("object")) == "NestFactory") {
      if (args.named_child_count() < 2) return;
      const SyntaxNode o = args.named_child(args.named_child_count() - 1).unwrapped();
      if (!o.is("object")) return;
      const SyntaxNode c = object_property(o, "cors", ctx, true);
      if (!c.is("pair")) return;
      const SyntaxNode v = c.field("value").unwrapped();
      if (v.is("true")) {
        ctx.state<State>().defaults.push_back(DefaultCors{ctx.range(c), 0, true});
      } else if (v.is("object")) {
        options(v, c, "NestFactory.create({ cors })", ctx);
      }
      return;
    }
    if (name == "register") {
      if (args.named_child_count() < 1) return;
      const SyntaxNode plugin = args.named_child(0).unwrapped();
      if (!plugin.is("identifier") && !plugin.is("call_expression")) return;
      if (!names_cors(plugin, ctx, "@fastify/cors")) return;
      if (args.named_child_count() == 1) {
        defaults(node, ctx);
        return;
      }
      const SyntaxNode o = args.named_child(1).unwrapped();
      if (o.is("object")) options(o, node, "@fastify/cors", ctx);
      return;
    }
    if (!callee.is("identifier")) return;
    const ImportBinding* b = ctx.import_of(name);
    if (b == nullptr || !one_of(std::string_view(b->module), kCorsPackages) ||
        b->module == "@fastify/cors") {
      return;
    }
    if (args.named_child_count() == 0) {
      if (b->module == "cors") defaults(node, ctx);
      return;
    }
    const SyntaxNode o = args.named_child(0).unwrapped();
    if (o.is("object")) options(o, node, b->module, ctx);
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    for (const Reflect& r : s.reflects) {
      bool cred = false;
      for (std::uint32_t f : s.credentialed) cred = cred || f == r.function;
      if (!cred) continue;
      if (r.star) {
        s.findings.emplace_back(
            r.range,
            "Access-Control-Allow-Origin `*` is sent with Access-Control-Allow-Credentials: "
            "true: browsers refuse the combination, and the usual \"fix\" (echoing the "
            "origin) lets any site read authenticated responses; list the allowed origins");
        s.confidence.push_back(Confidence::kMedium);
        continue;
      }
      s.findings.emplace_back(
          r.range,
          "Access-Control-Allow-Origin echoes the request's Origin while "
          "Access-Control-Allow-Credentials is true: any website can make credentialed "
          "requests and read the responses; compare the origin with an allow-list first");
      s.confidence.push_back(Confidence::kHigh);
    }
    if (s.findings.empty() && s.defaults.empty()) return nullptr;
    auto f = std::make_unique<Facts>();
    f->findings = std::move(s.findings);
    f->confidence = std::move(s.confidence);
    f->defaults = std::move(s.defaults);
    return f;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    for (const auto& f : ctx.facts()) {
      if (model != nullptr && model->is_test_file(f.path)) continue;
      const auto* facts = static_cast<const Facts*>(f.facts);
      for (std::size_t i = 0; i < facts->findings.size(); ++i) {
        ctx.report(f.path, facts->findings[i].first, facts->findings[i].second,
                   facts->confidence[i]);
      }
      if (model == nullptr) continue;
      for (const DefaultCors& d : facts->defaults) {
        std::size_t authed = 0;
        for (const Route& r : model->routes()) {
          if (!r.auth) continue;
          if (d.nest) {
            authed += r.framework == "nestjs" ? 1 : 0;
            continue;
          }
          for (const RouteMiddleware& m : r.middleware) {
            if (m.kind == "cors" && m.file == f.path && m.line == d.line) {
              ++authed;
              break;
            }
          }
        }
        if (authed == 0) continue;
        ctx.report(f.path, d.range,
                   "CORS with default options allows every origin in front of " +
                       std::to_string(authed) + " authenticated " +
                       (authed == 1 ? "route" : "routes") +
                       "; no cookies are shared this way, but any site can call them with "
                       "whatever credentials it holds; restrict `origin` to the front-ends that "
                       "call this API",
                   Confidence::kLow);
      }
    }
  }

 private:
  static bool names_cors(const SyntaxNode& plugin, FileContext& ctx, std::string_view module) {
    if (plugin.is("identifier")) {
      const ImportBinding* b = ctx.import_of(ctx.text(plugin));
      return b != nullptr && b->module == module;
    }
    // register(require('@fastify/cors'), ...)
    const SyntaxNode fn = plugin.field("function");
    if (!fn.is("identifier") || ctx.text(fn) != "require") return false;
    const SyntaxNode a = plugin.field("arguments");
    return !a.is_null() && a.named_child_count() == 1 &&
           string_value(a.named_child(0), ctx) == module;
  }

  static void defaults(const SyntaxNode& node, FileContext& ctx) {
    ctx.state<State>().defaults.push_back(
        DefaultCors{ctx.range(node), ctx.range(node).line, false});
  }

  static void add(FileContext& ctx, const Range& range, std::string message, Confidence c) {
    State& s = ctx.state<State>();
    s.findings.emplace_back(range, std::move(message));
    s.confidence.push_back(c);
  }

  static void options(const SyntaxNode& o, const SyntaxNode& call, std::string_view who,
                      FileContext& ctx) {
    if (has_spread(o)) return;
    const SyntaxNode cred = object_property(o, "credentials", ctx, true);
    if (!cred.is("pair") || !cred.field("value").unwrapped().is("true")) return;
    const SyntaxNode origin = object_property(o, "origin", ctx, true);
    const std::string w(who);
    if (origin.is_null()) {
      if (who == "cors" || who == "@fastify/cors" || who == "enableCors()") {
        add(ctx, ctx.range(cred),
            w + " with `credentials: true` and no `origin` answers every origin with `*`; "
                "browsers refuse that combination, and the usual \"fix\" (`origin: true`) lets "
                "any site read authenticated responses; list the allowed origins",
            Confidence::kMedium);
      }
      return;
    }
    if (origin.is("method_definition")) {
      judge_origin(origin, w, ctx);
    } else if (origin.is("pair")) {
      judge_origin(origin.field("value").unwrapped(), w, ctx);
    }
    (void)call;
  }

  static void judge_origin(const SyntaxNode& v, const std::string& w, FileContext& ctx) {
    if (v.is("true")) {
      add(ctx, ctx.range(v),
          w + " reflects any request Origin (`origin: true`) with `credentials: true`: every "
              "website can make requests with the user's cookies and read the responses; list "
              "the allowed origins",
          Confidence::kHigh);
    } else if (string_value(v, ctx) == "*") {
      add(ctx, ctx.range(v),
          w + " allows origin `*` with `credentials: true`: browsers refuse that combination, "
              "and the usual \"fix\" (reflecting the origin) lets any site read authenticated "
              "responses; list the allowed origins",
          Confidence::kMedium);
    } else if (is_function(v)) {
      if (allows_everything(v, ctx)) {
        add(ctx, ctx.range(v),
            w + "'s origin function admits every origin while `credentials: true`: any "
                "website can read authenticated responses; check the origin against an "
                "allow-list",
            Confidence::kHigh);
      }
    } else if (v.is("regex")) {
      const std::string problem = regex_problem(ctx.text(v.field("pattern")));
      if (!problem.empty()) {
        add(ctx, ctx.range(v),
            w + "'s origin pattern " + std::string(ctx.text(v)) +
                " is too loose with "
                "`credentials: true`: " +
                problem,
            Confidence::kHigh);
      }
    } else if (v.is("array")) {
      for (std::uint32_t i = 0; i < v.named_child_count(); ++i) {
        const SyntaxNode e = v.named_child(i).unwrapped();
        if (e.is("regex") || string_value(e, ctx) == "*") judge_origin(e, w, ctx);
      }
    } else if (reads_request_origin(ctx.text(v))) {
      add(ctx, ctx.range(v),
          w + " sets the allowed origin from the request's own Origin header with "
              "`credentials: true`: any website can read authenticated responses",
          Confidence::kHigh);
    }
  }

  // Whether a node sits under an if / ternary / switch / && inside its function.
  static bool conditional(const SyntaxNode& node) {
    for (SyntaxNode p = node.parent(); !p.is_null(); p = p.parent()) {
      if (is_function(p) || p.is("function_declaration")) {
        return false;
      }
      if (p.is("if_statement") || p.is("ternary_expression") || p.is("switch_case") ||
          (p.is("binary_expression") && p.child_count() == 3)) {
        return true;
      }
    }
    return false;
  }

  // res.setHeader('Access-Control-Allow-Origin', req.headers.origin) and the credentials header.
  static void header(const SyntaxNode& node, const SyntaxNode& args, FileContext& ctx) {
    if (args.named_child_count() != 2) return;
    const std::string_view h = string_value(args.named_child(0).unwrapped(), ctx);
    if (h.size() < 27) return;
    std::string lower;
    for (char c : h)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    const SyntaxNode v = args.named_child(1).unwrapped();
    if (lower == "access-control-allow-origin") {
      if (conditional(node)) return;  // set after an allow-list check
      if (string_value(v, ctx) == "*") {
        ctx.state<State>().reflects.push_back(
            Reflect{enclosing_function(node), ctx.range(node), true});
      } else if (v.is("identifier") ? ctx.text(v) == "origin" : reads_request_origin(ctx.text(v))) {
        ctx.state<State>().reflects.push_back(Reflect{enclosing_function(node), ctx.range(node)});
      }
    } else if (lower == "access-control-allow-credentials") {
      if (v.is("true") || string_value(v, ctx) == "true") {
        ctx.state<State>().credentialed.push_back(enclosing_function(node));
      }
    }
  }
};

}  // namespace

const Rule& security_permissive_cors() {
  static const PermissiveCors kRule;
  return kRule;
}

}  // namespace nodescope::rules
