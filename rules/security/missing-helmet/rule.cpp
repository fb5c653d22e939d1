// security/missing-helmet: an app whose routes run without a security-headers middleware (helmet,
// lusca, koa-helmet, @fastify/helmet) in front of them. Whole-program: the backend model gives
// each route's effective chain, so helmet applied in another module, in a parent Fastify scope or
// on the Nest app counts, and helmet registered after the routes does not. Reported once per app,
// at its creation. Apps with no route the model can see are not judged. Hapi is left out (the
// issue names Express, Fastify, Koa and Nest; Hapi servers set headers through route options).
// Per file, the rule only notes where a security-headers package is imported, to say so in the
// message when it is imported but not in front of the routes.
#include <array>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {693, 1021};
constexpr std::array<std::string_view, 3> kTags = {"security", "headers", "owasp-a05"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "import_statement"};
constexpr RuleMeta kMeta{
    .id = "security/missing-helmet",
    .summary =
        "An app serves routes without Helmet (or an equivalent) setting its security headers.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 4> kPackages = {"helmet", "lusca", "koa-helmet",
                                                       "@fastify/helmet"};
constexpr std::array<std::string_view, 4> kJudged = {"express", "fastify", "koa", "nestjs"};

// The package a string literal names, if it is one of ours ("helmet", 'lusca', ...).
bool names_package(const SyntaxNode& literal, FileContext& ctx) {
  if (!literal.is("string")) return false;
  const std::string_view t = ctx.text(literal);
  return t.size() >= 2 && one_of(t.substr(1, t.size() - 2), kPackages);
}

struct Facts : RuleFacts {
  std::uint32_t line = 0;  // first import of a security-headers package in the file
};

struct State : RuleState {
  std::uint32_t line = 0;
};

class MissingHelmet final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    SyntaxNode source;
    if (node.is("import_statement")) {
      source = node.field("source");
    } else {
      const SyntaxNode fn = node.field("function");
      if (!fn.is("identifier") || ctx.text(fn) != "require") return;
      const SyntaxNode args = node.field("arguments");
      if (args.is_null() || args.named_child_count() != 1) return;
      source = args.named_child(0);
    }
    if (source.is_null() || !names_package(source, ctx)) return;
    State& s = ctx.state<State>();
    if (s.line == 0) s.line = ctx.range(node).line;
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    const std::uint32_t line = ctx.state<State>().line;
    if (line == 0) return nullptr;
    auto facts = std::make_unique<Facts>();
    facts->line = line;
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    // Counted per creation site: apps made at one place (a factory called for each sub-app) are
    // one finding there.
    const auto apps = model->apps();
    const std::vector<std::size_t> site_of = app_sites(apps);
    std::vector<std::size_t> total(apps.size(), 0);
    std::vector<std::size_t> covered(apps.size(), 0);
    for (const Route& r : model->routes()) {
      if (r.app < 0) continue;
      const std::size_t a = site_of[static_cast<std::size_t>(r.app)];
      ++total[a];
      for (const RouteMiddleware& m : r.middleware) {
        if (m.kind == "security-headers") {
          ++covered[a];
          break;
        }
      }
    }
    for (std::size_t a = 0; a < apps.size(); ++a) {
      if (total[a] == 0 || covered[a] == total[a] || !one_of(apps[a].framework, kJudged)) continue;
      std::string message;
      if (covered[a] == 0) {
        message = "the " + apps[a].framework + " app created here serves " +
                  std::to_string(total[a]) + (total[a] == 1 ? " route" : " routes") +
                  " with no security-headers middleware (helmet) in front of " +
                  (total[a] == 1 ? "it" : "them");
      } else {
        message = std::to_string(total[a] - covered[a]) + " of the " + std::to_string(total[a]) +
                  " routes of the " + apps[a].framework + " app created here" +
                  " run without helmet: it is registered after them or only in a child "
                  "scope";
      }
      // Helmet imported in the app's own file but not in front of its routes: say where.
      for (const auto& f : ctx.facts()) {
        if (covered[a] != 0 || f.path != apps[a].site.file) continue;
        message += "; helmet is imported (" + std::string(f.path) + ":" +
                   std::to_string(static_cast<const Facts*>(f.facts)->line) +
                   ") but not applied before the routes";
      }
      message += "; add " + std::string(hint(apps[a].framework)) + " before the routes";
      ctx.report(apps[a].site, std::move(message), Confidence::kHigh);
    }
  }

 private:
  static std::string_view hint(std::string_view framework) {
    if (framework == "fastify") return "`app.register(require('@fastify/helmet'))` at the root";
    if (framework == "koa") return "`app.use(require('koa-helmet')())`";
    return "`app.use(helmet())`";
  }
};

}  // namespace

const Rule& security_missing_helmet() {
  static const MissingHelmet kRule;
  return kRule;
}

}  // namespace nodescope::rules
