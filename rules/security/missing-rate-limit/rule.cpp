// security/missing-rate-limit: sensitive routes with no rate limiter in their effective middleware
// chain (the backend model's: global limiters, Fastify `config.rateLimit`, Nest ThrottlerGuard and
// @SkipThrottle, hapi-rate-limit all show there). A route is sensitive when its path or handler
// name is about authentication (login, signup, password, reset, otp, token, verify, 2fa, ...) or
// when its handler function itself hashes passwords, spawns processes or touches the file system.
// A project with no rate limiting at all gets one finding per app, at its creation, instead of one
// per route. When a limiter package is imported but no route of the model is limited, the model
// missed how it is applied: the rule stays silent rather than guess. Database access is not a
// reason on its own (nearly every handler has it; see the README).
#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {307, 770};
constexpr std::array<std::string_view, 4> kTags = {"security", "rate-limit", "owasp-a04",
                                                   "owasp-a07"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "import_statement"};
constexpr RuleMeta kMeta{
    .id = "security/missing-rate-limit",
    .summary =
        "A sensitive route (login, password reset, tokens, or a handler that hashes passwords, "
        "spawns processes or touches files) has no rate limiter in front of it.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 10> kLimiterPackages = {
    "express-rate-limit",  "rate-limiter-flexible", "express-slow-down", "express-brute",
    "@fastify/rate-limit", "fastify-rate-limit",    "koa-ratelimit",     "hapi-rate-limit",
    "@nestjs/throttler",   "express-limiter"};

// Words of a path segment or handler name that make a route an authentication target.
constexpr std::array<std::string_view, 16> kSensitiveWords = {
    "login",  "logon", "signin", "sign-in", "register", "signup", "sign-up", "password",
    "passwd", "reset", "forgot", "otp",     "token",    "verify", "2fa",     "mfa"};

constexpr std::string_view kFileSystem = "touches the file system";

// Packages whose calls make a handler costly or dangerous to repeat, and what they do.
struct CostlyPackage {
  std::string_view package;
  std::string_view what;
};
constexpr std::array<CostlyPackage, 10> kCostly = {{
    {"bcrypt", "hashes a password"},
    {"bcryptjs", "hashes a password"},
    {"argon2", "hashes a password"},
    {"@node-rs/argon2", "hashes a password"},
    {"@node-rs/bcrypt", "hashes a password"},
    {"child_process", "spawns a process"},
    {"node:child_process", "spawns a process"},
    {"fs", kFileSystem},
    {"fs/promises", kFileSystem},
    {"node:fs", kFileSystem},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

// The first sensitive word in a handler name or a path's literal segments, or "". Parameters
// (`/:token`, `{token}`) do not count: a capability token in a URL is not a login form. Nor does
// "token" in a handler name (`getIdentityToken` reads one for a signed-in user).
std::string_view sensitive_word(std::string_view text, bool is_path) {
  std::string t;
  if (is_path) {
    bool param = false;
    for (char c : text) {
      if (c == '/') param = false;
      if (c == ':' || c == '{') param = true;
      if (!param) t.push_back(c);
    }
    t = lower(t);
  } else {
    t = lower(text);
  }
  for (std::string_view w : kSensitiveWords) {
    if (!is_path && w == "token") continue;
    if (t.find(w) != std::string::npos) return w;
  }
  return {};
}

// A call that may reach a costly package: `bcrypt.hash(...)`, `execFile(...)`, `fs.readFile(...)`.
struct Candidate {
  std::string name;  // the identifier the call starts from
  std::uint32_t byte = 0;
};

struct State : RuleState {
  std::vector<Candidate> candidates;
  bool imports_limiter = false;
};

struct Facts : RuleFacts {
  bool imports_limiter = false;
  std::vector<std::pair<std::uint32_t, std::string_view>> costly;  // call byte, what it does
};

class MissingRateLimit final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("import_statement")) {
      note_import(unquote(ctx.text(node.field("source"))), ctx);
      return;
    }
    const SyntaxNode fn = node.field("function").unwrapped();
    SyntaxNode root = fn;
    if (fn.is("member_expression")) root = fn.field("object").unwrapped();
    if (root.is("member_expression")) root = root.field("object").unwrapped();  // fs.promises.x
    if (!root.is("identifier")) return;
    const std::string_view name = ctx.text(root);
    if (name == "require") {
      const SyntaxNode args = node.field("arguments");
      if (!args.is_null() && args.named_child_count() == 1 && args.named_child(0).is("string")) {
        note_import(unquote(ctx.text(args.named_child(0))), ctx);
      }
      return;
    }
    ctx.state<State>().candidates.push_back(Candidate{std::string(name), node.start_byte()});
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    auto facts = std::make_unique<Facts>();
    facts->imports_limiter = s.imports_limiter;
    for (const Candidate& c : s.candidates) {
      const ImportBinding* b = ctx.import_of(c.name);
      if (b == nullptr) continue;
      for (const CostlyPackage& p : kCostly) {
        if (b->module == p.package) facts->costly.emplace_back(c.byte, p.what);
      }
    }
    if (!facts->imports_limiter && facts->costly.empty()) return nullptr;
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr || model->routes().empty()) return;
    bool imported = false;
    for (const auto& f : ctx.facts()) {
      imported = imported || static_cast<const Facts*>(f.facts)->imports_limiter;
    }
    bool any_limited = false;
    for (const Route& r : model->routes()) any_limited = any_limited || r.rate_limited;

    if (!any_limited) {
      if (imported) return;  // a limiter exists somewhere the model cannot place: do not guess
      report_apps(*model, ctx);
      return;
    }
    // One finding per registration: a router mounted under several prefixes (or built by a
    // factory several times) yields several routes from one line of code.
    std::map<std::pair<std::string, std::uint32_t>, std::vector<const Route*>> by_site;
    for (const Route& r : model->routes()) {
      // Authenticated routes are left out: the credential already limits who can hammer them.
      if (r.rate_limited || r.auth || r.method == "OPTIONS" || r.method == "HEAD") continue;
      if (r.site.known()) by_site[{r.site.file, r.site.start_byte}].push_back(&r);
    }
    for (const auto& [site, routes] : by_site) {
      const Route& r = *routes.front();  // routes are sorted: the first path
      Confidence confidence = Confidence::kMedium;
      const std::string reason = why_sensitive(r, ctx, confidence);
      if (reason.empty()) continue;
      std::string also;
      if (routes.size() > 1) {
        also = " (and " + std::to_string(routes.size() - 1) + " more path" +
               (routes.size() == 2 ? "" : "s") + " from this registration)";
      }
      ctx.report(r.site,
                 r.method + " " + r.path + also +
                     " has no rate limiter in its middleware chain, but " + reason +
                     "; unlimited requests allow brute force or resource exhaustion",
                 confidence);
    }
  }

 private:
  static void note_import(std::string_view module, FileContext& ctx) {
    for (std::string_view p : kLimiterPackages) {
      if (module == p) ctx.state<State>().imports_limiter = true;
    }
  }

  static std::string why_sensitive(const Route& r, const ProgramContext& ctx,
                                   Confidence& confidence) {
    if (const std::string_view w = sensitive_word(r.path, true); !w.empty()) {
      return "its path is about authentication ('" + std::string(w) + "')";
    }
    if (const std::string_view w = sensitive_word(r.handler, false); !w.empty()) {
      return "its handler " + r.handler + " is about authentication ('" + std::string(w) + "')";
    }
    if (!r.handler_code.known()) return {};
    for (const auto& f : ctx.facts()) {
      if (f.path != r.handler_code.file) continue;
      for (const auto& [byte, what] : static_cast<const Facts*>(f.facts)->costly) {
        if (byte >= r.handler_code.start_byte && byte < r.handler_code.end_byte) {
          // Reading a file per request is common and cheap; hashing and processes are not.
          if (what == kFileSystem) confidence = Confidence::kLow;
          return "its handler " + std::string(what);
        }
      }
    }
    return {};
  }

  static void report_apps(const ModelView& model, ProgramContext& ctx) {
    // Apps made at one place (a factory called for each sub-app) are one finding there.
    const auto apps = model.apps();
    std::map<std::pair<std::string, std::uint32_t>, std::pair<std::size_t, std::size_t>> sites;
    for (const Route& r : model.routes()) {
      if (r.app < 0) continue;
      const App& a = apps[static_cast<std::size_t>(r.app)];
      auto [it, fresh] =
          sites.try_emplace({a.site.file, a.site.start_byte}, static_cast<std::size_t>(r.app), 0);
      ++it->second.second;
    }
    for (const auto& [site, entry] : sites) {
      const auto [a, count] = entry;
      ctx.report(apps[a].site,
                 "no rate limiting anywhere in the project: the " + std::to_string(count) + " " +
                     apps[a].framework + (count == 1 ? " route" : " routes") + " of the app" +
                     " created here " + (count == 1 ? "is" : "are") +
                     " unlimited; add a limiter (express-rate-limit, @fastify/rate-limit, "
                     "koa-ratelimit, hapi-rate-limit, @nestjs/throttler) at least in front of "
                     "authentication routes",
                 Confidence::kMedium);
    }
  }
};

}  // namespace

const Rule& security_missing_rate_limit() {
  static const MissingRateLimit kRule;
  return kRule;
}

}  // namespace nodescope::rules
