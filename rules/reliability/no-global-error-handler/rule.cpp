// reliability/no-global-error-handler: an app that serves routes with no application-level error
// handler, so an error thrown or passed to next() gets the framework's default answer (Express:
// the stack trace as HTML outside production, a bare 500 otherwise, and nothing in your logs).
// Whole-program, per app at its creation (apps made at one site are one finding):
//   Express - no four-parameter middleware (or one named like an error handler) `use`d after the
//             app's routes (App::trailing, from the model);
//   Fastify - no `setErrorHandler(...)` call in the project's non-test code;
//   Koa     - no middleware wrapping `next()` in try/catch and no `app.on('error', ...)`;
//   Nest    - no exception filter: `useGlobalFilters`, an APP_FILTER provider or a @Catch class
//             (Koa and Nest answer a generic 500 by default: low confidence).
// Hapi is not judged: it turns every thrown error into a Boom 500 with a generic body and logs it;
// `onPreResponse` only reshapes that answer. Not judged: apps created in test files or other
// non-server code (rules/server_code.h), and Express apps that mount, at a path, a value the model
// cannot resolve (App::opaque_mount: a sub-app whose own error handler may cover the traffic).
#include <array>
#include <string>
#include <vector>

#include "nodescope/model.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"
#include "server_code.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {755, 209};
constexpr std::array<std::string_view, 2> kTags = {"reliability", "errors"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "try_statement"};
constexpr RuleMeta kMeta{
    .id = "reliability/no-global-error-handler",
    .summary =
        "An app serves routes with no global error handler after them, so unhandled errors "
        "get the framework's default response.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

struct Facts : RuleFacts {
  bool fastify = false;  // setErrorHandler(...)
  bool koa = false;      // try { await next() } catch, or app.on('error', ...)
  bool nest = false;     // useGlobalFilters, APP_FILTER, @Catch
};

struct State : RuleState {
  Facts facts;
};

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// A middleware name that says it handles errors: `errorHandler`, `handleErrors`,
// `Sentry.Handlers.errorHandler()`, `errorhandler()`.
bool error_name(std::string_view name) { return contains(name, "rror") || contains(name, "Err"); }

class NoGlobalErrorHandler final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("try_statement")) {
      // A Koa error middleware: `try { await next(); } catch (err) { ... }`.
      if (node.field("handler").is_null()) return;
      if (contains(ctx.text(node.field("body")), "next()")) ctx.state<State>().facts.koa = true;
      return;
    }
    const SyntaxNode callee = node.field("function").unwrapped();
    if (callee.is("identifier")) {
      // @Catch(HttpException) on a class: an exception filter.
      if (ctx.text(callee) == "Catch" && node.parent().is("decorator")) {
        ctx.state<State>().facts.nest = true;
      }
      return;
    }
    if (!callee.is("member_expression")) return;
    const std::string_view method = ctx.text(callee.field("property"));
    if (method == "setErrorHandler") {
      ctx.state<State>().facts.fastify = true;
    } else if (method == "useGlobalFilters") {
      ctx.state<State>().facts.nest = true;
    } else if (method == "on" || method == "once") {
      const SyntaxNode args = node.field("arguments");
      if (args.named_child_count() < 2 || string_value(args.named_child(0), ctx) != "error") return;
      // app.on('error', ...) on a Koa application (not a server, stream or socket).
      const SyntaxNode recv = callee.field("object").unwrapped();
      const std::string_view r =
          ctx.text(recv.is("member_expression") ? recv.field("property") : recv);
      if (r == "app" || r.ends_with("App") || r.ends_with("app") || r == "koa") {
        ctx.state<State>().facts.koa = true;
      }
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    // An APP_FILTER provider: `{ provide: APP_FILTER, useClass: AllExceptionsFilter }`.
    const ImportBinding* b = ctx.import_of("APP_FILTER");
    if (b != nullptr && b->module == "@nestjs/core") st.facts.nest = true;
    if (!st.facts.fastify && !st.facts.koa && !st.facts.nest) return nullptr;
    return std::make_unique<Facts>(st.facts);
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    Facts handled;
    for (const auto& ff : ctx.facts()) {
      if (model->is_test_file(ff.path)) continue;
      const auto* f = static_cast<const Facts*>(ff.facts);
      handled.fastify = handled.fastify || f->fastify;
      handled.koa = handled.koa || f->koa;
      handled.nest = handled.nest || f->nest;
    }
    const auto apps = model->apps();
    const std::vector<std::size_t> site_of = app_sites(apps);
    std::vector<std::size_t> total(apps.size(), 0);
    std::vector<bool> before(apps.size(), false);  // an error handler in front of some route
    std::vector<bool> after(apps.size(), false);   // one after the routes (any app at the site)
    for (const Route& r : model->routes()) {
      if (r.app < 0) continue;
      const std::size_t a = site_of[static_cast<std::size_t>(r.app)];
      ++total[a];
      for (const RouteMiddleware& m : r.middleware) {
        if (m.kind == "error-handler") before[a] = true;
      }
    }
    std::vector<bool> unknown(apps.size(), false);  // trailing package middleware we cannot see
    std::vector<bool> opaque(apps.size(), false);   // a sub-app or router the model cannot see
    for (std::size_t a = 0; a < apps.size(); ++a) {
      if (apps[a].opaque_mount) opaque[site_of[a]] = true;
      for (const RouteMiddleware& m : apps[a].trailing) {
        if (m.kind == "error-handler" || error_name(m.name)) after[site_of[a]] = true;
        if (!m.site.known() && m.kind == "other") unknown[site_of[a]] = true;
      }
    }
    for (std::size_t a = 0; a < apps.size(); ++a) {
      if (total[a] == 0 || !apps[a].site.known() || model->is_test_file(apps[a].site.file) ||
          !non_server_reason(apps[a].site.file).empty()) {
        continue;
      }
      const std::string& fw = apps[a].framework;
      std::string message;
      Confidence confidence = Confidence::kMedium;
      const std::string serves = "the " + fw + " app created here serves " +
                                 std::to_string(total[a]) + (total[a] == 1 ? " route" : " routes");
      if (fw == "express") {
        if (after[a] || opaque[a]) continue;
        message = serves +
                  " but no error-handling middleware (a function of four parameters, "
                  "`(err, req, res, next)`) is registered after them: errors thrown or passed to "
                  "next() get Express's default handler, which sends the stack trace unless "
                  "NODE_ENV is production and logs nothing to your logger";
        if (before[a]) {
          message += "; the error middleware registered before the routes never sees their errors";
        }
        message += "; add `app.use((err, req, res, next) => ...)` after the last route";
        if (unknown[a]) confidence = Confidence::kLow;
      } else if (fw == "fastify") {
        if (handled.fastify) continue;
        message = serves +
                  " and the project never calls setErrorHandler: errors get Fastify's default "
                  "reply, which sends the error's message to the client; set one with "
                  "`app.setErrorHandler((err, request, reply) => ...)`";
      } else if (fw == "koa") {
        if (handled.koa) continue;
        message = serves +
                  " with no error middleware (`try { await next() } catch (err) { ... }` first "
                  "in the chain) and no `app.on('error', ...)` listener: errors get Koa's default "
                  "answer and are only printed to stderr";
        confidence = Confidence::kLow;
      } else if (fw == "nestjs") {
        if (handled.nest) continue;
        message = serves +
                  " with no exception filter (`app.useGlobalFilters(...)`, an APP_FILTER "
                  "provider or a @Catch() class): unexpected errors get Nest's generic 500 and "
                  "its default log line, not your error reporting";
        confidence = Confidence::kLow;
      } else {
        continue;  // hapi: see the header comment
      }
      ctx.report(apps[a].site, std::move(message), confidence);
    }
  }
};

}  // namespace

const Rule& reliability_no_global_error_handler() {
  static const NoGlobalErrorHandler kRule;
  return kRule;
}

}  // namespace nodescope::rules
