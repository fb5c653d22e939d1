// security/weakened-helmet: Helmet options that switch off a key protection: the content security
// policy, frameguard (X-Frame-Options), HSTS (also `maxAge: 0`) or noSniff, under their Helmet 4-8
// names. Per file: options objects given to helmet(), koa-helmet or, through `register`,
// @fastify/helmet (the callee must be bound to one of those packages; verdicts wait for end_file,
// when every binding is known). Only a literal `false` (or maxAge 0) is reported: an expression
// such as `isProd ? undefined : false` is a deliberate per-environment choice.
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
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "security/weakened-helmet",
    .summary =
        "Helmet is configured to switch off a key protection such as the content security "
        "policy, frameguard, HSTS or noSniff.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

struct Protection {
  std::string_view key;
  std::string_view header;
  std::string_view risk;
};

constexpr std::array<Protection, 7> kProtections = {{
    {"contentSecurityPolicy", "Content-Security-Policy",
     "injected scripts and content are no longer restricted"},
    {"frameguard", "X-Frame-Options", "pages can be framed for clickjacking"},
    {"xFrameOptions", "X-Frame-Options", "pages can be framed for clickjacking"},
    {"hsts", "Strict-Transport-Security", "browsers may fall back to plain HTTP"},
    {"strictTransportSecurity", "Strict-Transport-Security",
     "browsers may fall back to plain HTTP"},
    {"noSniff", "X-Content-Type-Options", "browsers may MIME-sniff responses into scripts"},
    {"xContentTypeOptions", "X-Content-Type-Options",
     "browsers may MIME-sniff responses into scripts"},
}};

constexpr std::array<std::string_view, 3> kPackages = {"helmet", "koa-helmet", "@fastify/helmet"};

const Protection* protection_of(std::string_view key) {
  for (const Protection& p : kProtections) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

struct Weakening {
  const Protection* protection = nullptr;
  bool max_age_zero = false;
  Range range;
};

struct Pending {
  std::string binding;  // the name the callee (or the registered plugin) must be bound to
  bool direct_require = false;
  std::vector<Weakening> weakenings;
};

struct State : RuleState {
  std::vector<Pending> pending;
};

bool is_require_of_helmet(const SyntaxNode& call, FileContext& ctx) {
  if (!call.is("call_expression")) return false;
  const SyntaxNode fn = call.field("function");
  if (!fn.is("identifier") || ctx.text(fn) != "require") return false;
  const SyntaxNode args = call.field("arguments");
  if (args.is_null() || args.named_child_count() != 1 || !args.named_child(0).is("string")) {
    return false;
  }
  const std::string_view module = unquote(ctx.text(args.named_child(0)));
  for (std::string_view p : kPackages) {
    if (module == p) return true;
  }
  return false;
}

// The weakened protections in a literal options object.
std::vector<Weakening> weakenings_of(const SyntaxNode& object, FileContext& ctx) {
  std::vector<Weakening> out;
  if (!object.is("object")) return out;
  for (std::uint32_t i = 0; i < object.named_child_count(); ++i) {
    const SyntaxNode pair = object.named_child(i);
    if (!pair.is("pair")) continue;
    const Protection* p = protection_of(unquote(ctx.text(pair.field("key"))));
    if (p == nullptr) continue;
    const SyntaxNode value = pair.field("value").unwrapped();
    if (value.is("false")) {
      out.push_back(Weakening{p, false, ctx.range(pair)});
    } else if (value.is("object") && p->header == "Strict-Transport-Security") {
      for (std::uint32_t j = 0; j < value.named_child_count(); ++j) {
        const SyntaxNode inner = value.named_child(j);
        if (inner.is("pair") && unquote(ctx.text(inner.field("key"))) == "maxAge" &&
            inner.field("value").is("number") && ctx.text(inner.field("value")) == "0") {
          out.push_back(Weakening{p, true, ctx.range(inner)});
        }
      }
    }
  }
  return out;
}

class WeakenedHelmet final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || args.named_child_count() == 0) return;
    const SyntaxNode callee = node.field("function").unwrapped();
    Pending p;
    SyntaxNode options;
    if (callee.is("identifier")) {  // helmet({...})
      p.binding = std::string(ctx.text(callee));
      options = args.named_child(0);
    } else if (callee.is("call_expression") && is_require_of_helmet(callee, ctx)) {
      p.direct_require = true;  // require('helmet')({...})
      options = args.named_child(0);
    } else if (callee.is("member_expression") && ctx.text(callee.field("property")) == "register" &&
               args.named_child_count() >= 2) {  // fastify.register(helmet, {...})
      const SyntaxNode plugin = args.named_child(0).unwrapped();
      if (plugin.is("identifier")) {
        p.binding = std::string(ctx.text(plugin));
      } else if (is_require_of_helmet(plugin, ctx)) {
        p.direct_require = true;
      } else {
        return;
      }
      options = args.named_child(1);
    } else {
      return;
    }
    p.weakenings = weakenings_of(options.unwrapped(), ctx);
    if (p.weakenings.empty()) return;
    ctx.state<State>().pending.push_back(std::move(p));
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    for (const Pending& p : ctx.state<State>().pending) {
      if (!p.direct_require) {
        const ImportBinding* b = ctx.import_of(p.binding);
        if (b == nullptr || !b->is_module_object()) continue;
        bool ours = false;
        for (std::string_view pkg : kPackages) ours = ours || b->module == pkg;
        if (!ours) continue;
      }
      for (const Weakening& w : p.weakenings) {
        std::string message =
            w.max_age_zero
                ? "HSTS with maxAge 0 tells browsers to forget HTTPS-only at once; "
                : "helmet's " + std::string(w.protection->key) + " is switched off, so " +
                      std::string(w.protection->header) + " is not sent; ";
        message += std::string(w.protection->risk);
        // An API that serves only JSON has less use for a CSP: say so with lower confidence.
        const Confidence c = w.protection->header == "Content-Security-Policy" ? Confidence::kMedium
                                                                               : Confidence::kHigh;
        ctx.report(w.range, std::move(message), c);
      }
    }
    return nullptr;
  }
};

}  // namespace

const Rule& security_weakened_helmet() {
  static const WeakenedHelmet kRule;
  return kRule;
}

}  // namespace nodescope::rules
