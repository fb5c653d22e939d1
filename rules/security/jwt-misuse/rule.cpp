// security/jwt-misuse: jsonwebtoken and express-jwt used in ways that let forged or eternal tokens
// through. Per file. Judged only when the callee is bound to the package (require/import, or the
// conventional `jwt` name with no other binding) and the options are an object literal written at
// the call: options passed by name are not judged (bail out when unsure). Shapes:
//   verify without `algorithms`; `none` signed or accepted; decode whose result authenticates
//   (assigned to req.user / ctx.state.user, or its id used to load a user) in a function that
//   never verifies; sign with neither `expiresIn` in the options nor `exp` in a literal payload
//   (low confidence); express-jwt without `algorithms`.
// jose is left out: its jwtVerify checks the algorithm against the key type.
#include <array>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 3> kCwe = {347, 345, 613};
constexpr std::array<std::string_view, 4> kTags = {"security", "jwt", "authentication",
                                                   "owasp-a07"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "assignment_expression"};
constexpr RuleMeta kMeta{
    .id = "security/jwt-misuse",
    .summary =
        "A JSON Web Token is verified without pinning algorithms, accepts or uses the none "
        "algorithm, is decoded without verification for authentication, or is signed without an "
        "expiry.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

// Every identifier in a subtree equal to `name` (depth-limited).
bool mentions(const SyntaxNode& n, std::string_view name, FileContext& ctx, int depth = 0) {
  if (n.is_null() || depth > 8) return false;
  if ((n.is("identifier") || n.is("shorthand_property_identifier")) && ctx.text(n) == name) {
    return true;
  }
  for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
    if (mentions(n.named_child(i), name, ctx, depth + 1)) return true;
  }
  return false;
}

bool is_none(std::string_view s) { return s == "none" || s == "None" || s == "NONE"; }

struct Decode {
  std::uint32_t function = 0;
  std::string variable;  // what the decoded token is bound to
  Range range;
};

struct Auth {
  std::uint32_t function = 0;
  std::string variable;  // a decoded variable used to authenticate
};

struct State : RuleState {
  std::vector<Decode> decodes;
  std::vector<std::uint32_t> verifying;  // functions that call verify
  std::vector<Auth> uses;
};

constexpr std::array<std::string_view, 9> kLoaders = {"findById",    "findOne",      "findByPk",
                                                      "findUnique",  "findFirst",    "findOneBy",
                                                      "getUserById", "findUserById", "getUser"};

class JwtMisuse final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("assignment_expression")) {
      on_assignment(node, ctx);
      return;
    }
    const SyntaxNode callee = node.field("function").unwrapped();
    std::string_view object;
    std::string_view name;
    bool member = false;  // `a.b.name()`: not a bare imported name
    if (callee.is("identifier")) {
      name = ctx.text(callee);
    } else if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (name != "verify" && name != "sign" && name != "decode" && !one_of(name, kLoaders)) {
        return;  // before the receiver
      }
      const SyntaxNode obj = callee.field("object").unwrapped();
      if (obj.is("identifier")) object = ctx.text(obj);
      member = true;
    } else {
      return;
    }
    if (one_of(name, kLoaders)) {
      note_loader(node, ctx);
      return;
    }
    if (name != "verify" && name != "sign" && name != "decode" && name != "expressjwt" &&
        name != "jwt" && name != "expressJwt") {
      return;
    }
    if (name == "expressjwt" || name == "jwt" || name == "expressJwt") {
      if (member) return;
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr || b->module != "express-jwt") return;
      express_jwt(node, ctx);
      return;
    }
    if (object.empty() && member) return;  // `this.jwtService.verify()`: not jsonwebtoken's
    if (object.empty()) {
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr || b->module != "jsonwebtoken") return;
    } else {
      const ImportBinding* b = ctx.import_of(object);
      if (b != nullptr ? !(b->module == "jsonwebtoken" && b->is_module_object())
                       : !(object == "jwt" || object == "jsonwebtoken")) {
        return;
      }
    }
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || !args.is("arguments")) return;
    if (name == "verify") {
      ctx.state<State>().verifying.push_back(enclosing_function(node));
      verify(node, args, ctx);
    } else if (name == "sign") {
      sign(node, args, ctx);
    } else {
      note_decode(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    for (const Decode& d : s.decodes) {
      bool verified = false;
      for (std::uint32_t f : s.verifying) verified = verified || f == d.function;
      if (verified) continue;
      bool used = false;
      for (const Auth& a : s.uses)
        used = used || (a.function == d.function && a.variable == d.variable);
      if (!used) continue;
      ctx.report(d.range,
                 "jwt.decode() does not check the signature, yet its result (`" + d.variable +
                     "`) is used to authenticate: anyone can forge that token. Use "
                     "jwt.verify() with a pinned `algorithms` list",
                 Confidence::kHigh);
    }
    return nullptr;
  }

 private:
  static void verify(const SyntaxNode& node, const SyntaxNode& args, FileContext& ctx) {
    if (args.named_child_count() < 2) return;
    SyntaxNode options;
    if (args.named_child_count() >= 3) {
      options = args.named_child(2).unwrapped();
      if (options.is("arrow_function") || options.is("function_expression") ||
          options.is("function")) {
        options = SyntaxNode();  // verify(token, key, callback)
      } else if (!options.is("object")) {
        return;  // options by name: not judged
      }
    }
    if (!options.is_null()) {
      if (has_spread(options)) return;
      const SyntaxNode algs = object_property(options, "algorithms", ctx);
      if (!algs.is_null()) {
        const SyntaxNode v = algs.is("pair") ? algs.field("value").unwrapped() : SyntaxNode();
        if (v.is("array")) {
          for (std::uint32_t i = 0; i < v.named_child_count(); ++i) {
            if (is_none(string_value(v.named_child(i), ctx))) {
              ctx.report(ctx.range(v.named_child(i)),
                         "jwt.verify() accepts the `none` algorithm: an unsigned token passes "
                         "verification; list only the algorithm you sign with",
                         Confidence::kHigh);
              return;
            }
          }
        }
        return;
      }
    }
    ctx.report(ctx.range(node),
               "jwt.verify() without an `algorithms` option trusts the token's own `alg` header "
               "(algorithm confusion: an RS256 public key accepted as an HS256 secret); pass "
               "`{ algorithms: ['HS256'] }` (or the one you sign with)",
               Confidence::kMedium);
  }

  static void sign(const SyntaxNode& node, const SyntaxNode& args, FileContext& ctx) {
    if (args.named_child_count() < 2) return;
    const SyntaxNode payload = args.named_child(0).unwrapped();
    SyntaxNode options;
    if (args.named_child_count() >= 3) {
      options = args.named_child(2).unwrapped();
      if (options.is("arrow_function") || options.is("function_expression")) {
        options = SyntaxNode();
      } else if (!options.is("object")) {
        return;  // options by name: not judged
      }
    }
    if (!options.is_null()) {
      if (has_spread(options)) return;
      const SyntaxNode alg = object_property(options, "algorithm", ctx);
      if (alg.is("pair") && is_none(string_value(alg.field("value").unwrapped(), ctx))) {
        ctx.report(ctx.range(alg),
                   "jwt.sign() with algorithm `none` issues unsigned tokens that anyone can "
                   "forge; sign with HS256/RS256/ES256",
                   Confidence::kHigh);
        return;
      }
      if (!object_property(options, "expiresIn", ctx).is_null()) return;
    }
    // A payload that is not an object literal may carry `exp`; a string payload cannot expire.
    if (!payload.is("object") || has_spread(payload) ||
        !object_property(payload, "exp", ctx).is_null()) {
      return;
    }
    ctx.report(ctx.range(node),
               "jwt.sign() issues a token with no expiry (no `expiresIn` option, no `exp` claim): "
               "a stolen token stays valid forever; add `expiresIn`",
               Confidence::kLow);
  }

  static void express_jwt(const SyntaxNode& node, FileContext& ctx) {
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || args.named_child_count() < 1) return;
    const SyntaxNode options = args.named_child(0).unwrapped();
    if (!options.is("object") || has_spread(options)) return;
    const SyntaxNode algs = object_property(options, "algorithms", ctx);
    if (algs.is_null()) {
      ctx.report(ctx.range(node),
                 "express-jwt without `algorithms` accepts whatever algorithm the token names "
                 "(and throws at startup since express-jwt 6); pass `algorithms: ['HS256']`",
                 Confidence::kHigh);
      return;
    }
    const SyntaxNode v = algs.is("pair") ? algs.field("value").unwrapped() : SyntaxNode();
    if (!v.is("array")) return;
    for (std::uint32_t i = 0; i < v.named_child_count(); ++i) {
      if (is_none(string_value(v.named_child(i), ctx))) {
        ctx.report(ctx.range(v.named_child(i)),
                   "express-jwt accepts the `none` algorithm: unsigned tokens authenticate; "
                   "list only the algorithm you sign with",
                   Confidence::kHigh);
        return;
      }
    }
  }

  // `const claims = jwt.decode(token)`: remembered with its variable.
  static void note_decode(const SyntaxNode& node, FileContext& ctx) {
    SyntaxNode p = node.parent();
    while (!p.is_null() && (p.is("await_expression") || p.is("parenthesized_expression") ||
                            p.is("as_expression") || p.is("non_null_expression"))) {
      p = p.parent();
    }
    std::string variable;
    if (p.is("variable_declarator")) {
      const SyntaxNode n = p.field("name");
      if (n.is("identifier")) variable = std::string(ctx.text(n));
    } else if (p.is("assignment_expression")) {
      const SyntaxNode l = p.field("left");
      if (l.is("identifier")) variable = std::string(ctx.text(l));
      // `req.user = jwt.decode(token)` authenticates directly
      if (is_user_slot(l, ctx)) {
        const std::uint32_t f = enclosing_function(node);
        variable = "req.user";
        ctx.state<State>().uses.push_back(Auth{f, variable});
        ctx.state<State>().decodes.push_back(Decode{f, variable, ctx.range(node)});
        return;
      }
    }
    if (variable.empty()) return;
    ctx.state<State>().decodes.push_back(
        Decode{enclosing_function(node), variable, ctx.range(node)});
  }

  // req.user / request.user / ctx.state.user / res.locals.user
  static bool is_user_slot(const SyntaxNode& left, FileContext& ctx) {
    const SyntaxNode l = left.unwrapped();
    if (!l.is("member_expression")) return false;
    const SyntaxNode prop = l.field("property");
    const std::string_view p = ctx.text(prop);
    if (p != "user" && p != "userId" && p != "currentUser" && p != "auth") return false;
    const std::string_view obj = ctx.text(l.field("object"));
    return obj == "req" || obj == "request" || obj == "ctx.state" || obj == "res.locals" ||
           obj == "ctx" || obj == "request.auth";
  }

  static void on_assignment(const SyntaxNode& node, FileContext& ctx) {
    if (!is_user_slot(node.field("left"), ctx)) return;
    State& s = ctx.state<State>();
    if (s.decodes.empty()) return;  // decode comes first in source order
    const SyntaxNode right = node.field("right");
    const std::uint32_t f = enclosing_function(node);
    for (const Decode& d : s.decodes) {
      if (d.function == f && mentions(right, d.variable, ctx))
        s.uses.push_back(Auth{f, d.variable});
    }
  }

  static void note_loader(const SyntaxNode& node, FileContext& ctx) {
    State& s = ctx.state<State>();
    if (s.decodes.empty()) return;
    const SyntaxNode args = node.field("arguments");
    const std::uint32_t f = enclosing_function(node);
    for (const Decode& d : s.decodes) {
      if (d.function == f && mentions(args, d.variable, ctx)) s.uses.push_back(Auth{f, d.variable});
    }
  }
};

}  // namespace

const Rule& security_jwt_misuse() {
  static const JwtMisuse kRule;
  return kRule;
}

}  // namespace nodescope::rules
