// security/insecure-cookie: session and cookie options that leave cookies readable by scripts or
// sent over plain HTTP, well-known default session secrets, and Express apps that keep the
// X-Powered-By header. Per file for options written as object literals at the call
// (express-session, cookie-session, @fastify/session, @fastify/secure-session, res.cookie,
// reply.setCookie, ctx.cookies.set); options passed by name are not judged. An explicit `false`
// is high confidence; a missing flag is medium and, for single cookies, only judged on cookies
// whose name says they carry a session or token (a UI-preference cookie may be readable). A flag
// set from any expression (`secure: isProd`, `'auto'`) counts as set. Whole-program for
// X-Powered-By: an Express app with routes, none behind helmet, and no
// `disable('x-powered-by')` anywhere in the project. Test files are not judged.
#include <array>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {614, 1004};
constexpr std::array<std::string_view, 4> kTags = {"security", "cookies", "session", "owasp-a05"};
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "security/insecure-cookie",
    .summary =
        "A session or cookie is set without the httpOnly, secure or sameSite protections, with a "
        "well-known default secret, or an Express app advertises itself with X-Powered-By.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// A flag's state in an options object.
enum class Flag { kMissing, kFalse, kSet };

Flag flag(const SyntaxNode& object, std::string_view key, FileContext& ctx, SyntaxNode* at) {
  const SyntaxNode p = object_property(object, key, ctx);
  if (p.is_null()) return Flag::kMissing;
  if (at != nullptr) *at = p;
  if (p.is("pair") && p.field("value").unwrapped().is("false")) return Flag::kFalse;
  return Flag::kSet;
}

bool sensitive_cookie_name(std::string_view name) {
  static const RE2 kSensitive(
      R"((?i)(sess|sid|token|auth|jwt|refresh|access|remember|login|credential|identity))");
  return RE2::PartialMatch(name, kSensitive);
}

bool is_default_secret(std::string_view s) {
  constexpr std::array<std::string_view, 8> kDefaults = {
      "keyboard cat",    "secret",    "changeme", "change me",
      "your secret key", "my secret", "mysecret", "shhhhh"};
  return one_of(s, kDefaults);
}

struct Facts : RuleFacts {
  bool disables_powered_by = false;
};

struct State : RuleState {
  bool disables_powered_by = false;
  std::vector<std::pair<Range, std::string>> pending;  // findings, reported unless a test file
  std::vector<Confidence> confidence;
};

struct FileFacts : Facts {
  std::vector<std::pair<Range, std::string>> findings;
  std::vector<Confidence> confidence;
};

class InsecureCookie final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const SyntaxNode callee = node.field("function").unwrapped();
    std::string_view name;
    SyntaxNode object;
    if (callee.is("identifier")) {
      name = ctx.text(callee);
      if (ctx.import_of(name) == nullptr) return;  // bare calls: session packages only
    }
    if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (name != "set" && name != "disable" && name != "cookie" && name != "setCookie" &&
          name != "register") {
        return;  // before any further node access
      }
      object = callee.field("object").unwrapped();
    } else if (!callee.is("identifier")) {
      return;
    }
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || !args.is("arguments")) return;
    if (name == "set" && object.is("member_expression") &&
        ctx.text(object.field("property")) == "cookies") {
      koa_cookie(node, args, ctx);
      return;
    }
    if (name == "disable" || name == "set") {
      if (args.named_child_count() >= 1 &&
          string_value(args.named_child(0), ctx) == "x-powered-by") {
        ctx.state<State>().disables_powered_by = true;
      }
      return;
    }
    if (name == "cookie" || name == "setCookie") {
      single_cookie(node, args, name, ctx);
      return;
    }
    if (name == "register" && args.named_child_count() >= 2) {
      const SyntaxNode plugin = args.named_child(0).unwrapped();
      if (!plugin.is("identifier")) return;
      const ImportBinding* b = ctx.import_of(ctx.text(plugin));
      if (b == nullptr) return;
      if (b->module == "@fastify/session" || b->module == "@fastify/secure-session" ||
          b->module == "fastify-session") {
        const SyntaxNode options = args.named_child(1).unwrapped();
        if (options.is("object")) session_options(options, b->module, true, ctx);
      }
      return;
    }
    if (!callee.is("identifier") || args.named_child_count() < 1) return;
    const ImportBinding* b = ctx.import_of(name);
    if (b == nullptr) return;
    const SyntaxNode options = args.named_child(0).unwrapped();
    if (!options.is("object")) return;
    if (b->module == "express-session") {
      session_options(options, "express-session", false, ctx);
    } else if (b->module == "cookie-session") {
      cookie_session(options, ctx);
    } else if (b->module == "koa-session") {
      // koa-session(opts, app): flat options, httpOnly defaults to true
      flat_flags(options, "koa-session", ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    if (!s.disables_powered_by && s.pending.empty()) return nullptr;
    auto f = std::make_unique<FileFacts>();
    f->disables_powered_by = s.disables_powered_by;
    f->findings = std::move(s.pending);
    f->confidence = std::move(s.confidence);
    return f;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    bool disabled = false;
    for (const auto& f : ctx.facts()) {
      const auto* facts = static_cast<const FileFacts*>(f.facts);
      disabled = disabled || facts->disables_powered_by;
      if (model != nullptr && model->is_test_file(f.path)) continue;
      for (std::size_t i = 0; i < facts->findings.size(); ++i) {
        ctx.report(f.path, facts->findings[i].first, facts->findings[i].second,
                   facts->confidence[i]);
      }
    }
    if (model == nullptr || disabled) return;
    const auto apps = model->apps();
    std::vector<int> routes(apps.size(), 0);
    std::vector<int> helmeted(apps.size(), 0);
    for (const Route& r : model->routes()) {
      if (r.app < 0) continue;
      const auto a = static_cast<std::size_t>(r.app);
      ++routes[a];
      for (const RouteMiddleware& m : r.middleware) {
        if (m.kind == "security-headers") {
          ++helmeted[a];
          break;
        }
      }
    }
    std::vector<std::pair<std::string, std::uint32_t>> seen;
    for (std::size_t a = 0; a < apps.size(); ++a) {
      if (apps[a].framework != "express" || routes[a] == 0 || helmeted[a] != 0) continue;
      if (!apps[a].site.known() || model->is_test_file(apps[a].site.file)) continue;
      const std::pair<std::string, std::uint32_t> key{apps[a].site.file, apps[a].site.start_byte};
      bool dup = false;
      for (const auto& k : seen) dup = dup || k == key;
      if (dup) continue;
      seen.push_back(key);
      ctx.report(apps[a].site,
                 "this Express app sends `X-Powered-By: Express` on every response (no "
                 "app.disable('x-powered-by'), no helmet in front of its routes), telling "
                 "scanners which framework to attack; call app.disable('x-powered-by') or use "
                 "helmet",
                 Confidence::kMedium);
    }
  }

 private:
  static void add(FileContext& ctx, const Range& range, std::string message, Confidence c) {
    State& s = ctx.state<State>();
    s.pending.emplace_back(range, std::move(message));
    s.confidence.push_back(c);
  }

  // httpOnly / secure / sameSite of one cookie's options (or a session's `cookie` object).
  // `secure_default` and `http_only_default` say what the library does when the flag is missing.
  static void judge_flags(const SyntaxNode& options, const SyntaxNode& report_at,
                          std::string_view what, bool http_only_default, bool secure_default,
                          bool judge_missing, FileContext& ctx) {
    SyntaxNode at;
    std::vector<std::string_view> missing;
    const Flag http_only = flag(options, "httpOnly", ctx, &at);
    if (http_only == Flag::kFalse) {
      add(ctx, ctx.range(at),
          std::string(what) +
              " sets `httpOnly: false`: any script on the page (one XSS) can read and steal the "
              "cookie; remove it or set it to true",
          Confidence::kHigh);
    } else if (http_only == Flag::kMissing && !http_only_default && judge_missing) {
      missing.push_back("`httpOnly: true` (page scripts can read it: one XSS steals it)");
    }
    const Flag secure = flag(options, "secure", ctx, &at);
    if (secure == Flag::kFalse) {
      add(ctx, ctx.range(at),
          std::string(what) +
              " sets `secure: false`: the cookie also travels over plain HTTP, where anyone on "
              "the network can read it; set `secure: true` (or from the environment, behind a "
              "TLS proxy with `trust proxy`)",
          Confidence::kHigh);
    } else if (secure == Flag::kMissing && !secure_default && judge_missing) {
      missing.push_back(
          "`secure` (it is also sent over plain HTTP; an expression such as `secure: isProd` "
          "is fine)");
    }
    if (!missing.empty()) {
      std::string message = std::string(what) + " is set without ";
      for (std::size_t i = 0; i < missing.size(); ++i) {
        if (i > 0) message += " and without ";
        message += missing[i];
      }
      add(ctx, ctx.range(report_at), std::move(message), Confidence::kMedium);
    }
    SyntaxNode same_site;
    if (flag(options, "sameSite", ctx, &same_site) != Flag::kMissing && same_site.is("pair")) {
      const SyntaxNode v = same_site.field("value").unwrapped();
      const std::string_view s = string_value(v, ctx);
      if ((s == "none" || s == "None") && secure != Flag::kSet && !secure_default) {
        add(ctx, ctx.range(same_site),
            std::string(what) +
                " is `sameSite: 'none'` without `secure`: browsers reject it, or send it on "
                "every cross-site request; set `secure: true`",
            Confidence::kHigh);
      } else if (v.is("false")) {
        add(ctx, ctx.range(same_site),
            std::string(what) +
                " turns sameSite off, so the cookie rides along on cross-site requests "
                "(CSRF); use 'lax' or 'strict'",
            Confidence::kHigh);
      }
    }
  }

  static void default_secret(const SyntaxNode& options, std::string_view what, FileContext& ctx) {
    const SyntaxNode secret = object_property(options, "secret", ctx);
    if (!secret.is("pair")) return;
    const SyntaxNode v = secret.field("value").unwrapped();
    if (!v.is("string") || !is_default_secret(string_value(v, ctx))) return;
    add(ctx, ctx.range(v),
        std::string(what) + " uses the well-known default secret " + std::string(ctx.text(v)) +
            " (from the documentation): anyone can forge session cookies; use a long random "
            "secret from the environment",
        Confidence::kHigh);
  }

  // express-session / @fastify/session: `cookie: {...}`.
  static void session_options(const SyntaxNode& options, std::string_view module, bool fastify,
                              FileContext& ctx) {
    if (has_spread(options)) return;
    const std::string what = std::string(module) + "'s cookie";
    default_secret(options, module, ctx);
    const SyntaxNode cookie = object_property(options, "cookie", ctx);
    // express-session: httpOnly defaults to true, secure to false. @fastify/session: both true.
    if (cookie.is_null()) {
      if (fastify) return;
      add(ctx, ctx.range(options.parent().parent()),
          "express-session is configured without `cookie.secure`, so the session cookie is "
          "also sent over plain HTTP; set `cookie: { secure: true }` in production (with "
          "`app.set('trust proxy', 1)` behind a TLS proxy)",
          Confidence::kMedium);
      return;
    }
    if (!cookie.is("pair")) return;
    const SyntaxNode c = cookie.field("value").unwrapped();
    if (!c.is("object") || has_spread(c)) return;
    judge_flags(c, cookie, what, true, fastify, true, ctx);
  }

  // cookie-session: flat options. Like koa-session it sets cookies through the `cookies`
  // module, whose httpOnly defaults to true and secure to "the request came over HTTPS": only an
  // explicit false is judged.
  static void cookie_session(const SyntaxNode& options, FileContext& ctx) {
    if (has_spread(options)) return;
    default_secret(options, "cookie-session", ctx);
    flat_flags(options, "cookie-session", ctx);
  }

  static void flat_flags(const SyntaxNode& options, std::string_view module, FileContext& ctx) {
    if (has_spread(options)) return;
    judge_flags(options, options.parent().parent(), std::string(module) + "'s cookie", true, true,
                false, ctx);
  }

  // ctx.cookies.set(name, value, opts): Koa defaults httpOnly to true and secure to the
  // request's protocol, so only explicit `false` is judged.
  static void koa_cookie(const SyntaxNode& node, const SyntaxNode& args, FileContext& ctx) {
    if (args.named_child_count() < 3) return;
    const SyntaxNode options = args.named_child(2).unwrapped();
    if (!options.is("object") || has_spread(options)) return;
    const std::string_view cookie_name = string_value(args.named_child(0).unwrapped(), ctx);
    // Built by append: `"literal" + std::string` trips GCC 12's bogus -Wrestrict (PR 105329).
    std::string what = "the cookie ";
    if (cookie_name.empty()) {
      what += "set here";
    } else {
      what.append("'").append(cookie_name).append("'");
    }
    judge_flags(options, node, what, true, true, false, ctx);
  }

  // res.cookie(name, value, opts) / reply.setCookie(...)
  static void single_cookie(const SyntaxNode& node, const SyntaxNode& args, std::string_view name,
                            FileContext& ctx) {
    if (args.named_child_count() < 2) return;
    const SyntaxNode callee = node.field("function").unwrapped();
    const std::string_view receiver = ctx.text(callee.field("object"));
    const bool express = name == "cookie" && (receiver == "res" || receiver == "response" ||
                                              receiver == "resp" || receiver == "ctx.res");
    const bool fastify = name == "setCookie" && (receiver == "reply" || receiver == "res");
    if (!express && !fastify) return;
    const std::string_view cookie_name = string_value(args.named_child(0).unwrapped(), ctx);
    const bool sensitive = !cookie_name.empty() && sensitive_cookie_name(cookie_name);
    // Built by append: `"literal" + std::string` trips GCC 12's bogus -Wrestrict (PR 105329).
    std::string what = "the cookie ";
    if (cookie_name.empty()) {
      what += "set here";
    } else {
      what.append("'").append(cookie_name).append("'");
    }
    if (args.named_child_count() < 3) {
      if (!sensitive) return;
      add(ctx, ctx.range(node),
          what +
              " is set with no options: it is readable by page scripts (no httpOnly) and "
              "sent over plain HTTP (no secure); pass `{ httpOnly: true, secure: true, "
              "sameSite: 'lax' }`",
          Confidence::kMedium);
      return;
    }
    const SyntaxNode options = args.named_child(2).unwrapped();
    if (!options.is("object") || has_spread(options)) return;
    judge_flags(options, node, what, false, false, sensitive, ctx);
  }
};

}  // namespace

const Rule& security_insecure_cookie() {
  static const InsecureCookie kRule;
  return kRule;
}

}  // namespace nodescope::rules
