// security/weak-password-hash: passwords stored or checked without a slow, salted KDF. Per file.
// Four shapes, each needing a password-like name in the data (password, passwd, pwd, passphrase;
// not tokens, hashes or confirmations): a fast digest over it (crypto.createHash(...).update(pw),
// md5/sha1 packages, CryptoJS.MD5/SHA*), bcrypt/bcryptjs with a literal cost below 10, PBKDF2
// with a literal iteration count below 100,000, and `stored.password === input` comparisons.
// Literal numbers only (or a name declared once in the file as a constant number): a cost read
// from config is not judged. Hashing data that is not a password (etags, cache keys, tokens) and
// bcrypt.compare / timingSafeEqual are never reported.
#include <array>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 3> kCwe = {916, 328, 759};
constexpr std::array<std::string_view, 4> kTags = {"security", "crypto", "passwords", "owasp-a02"};
constexpr std::array<std::string_view, 3> kKinds = {"call_expression", "binary_expression",
                                                    "variable_declarator"};
constexpr RuleMeta kMeta{
    .id = "security/weak-password-hash",
    .summary =
        "A password is hashed with a fast digest, a low bcrypt cost or few PBKDF2 iterations, or "
        "compared in plaintext.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

constexpr int kMinBcryptCost = 10;
constexpr long kMinPbkdf2Iterations = 100000;

std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '_' || c == '-') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A name for a password itself: password, newPassword, user_pwd, passphrase, pass. Not
// passwordHash, passwordResetToken, confirmPassword.
bool is_password_name(std::string_view name) {
  const std::string n = lower(name);
  if (n.find("confirm") != std::string::npos || n.find("repeat") != std::string::npos ||
      n.find("retype") != std::string::npos) {
    return false;
  }
  return ends_with(n, "password") || ends_with(n, "passwd") || ends_with(n, "pwd") ||
         ends_with(n, "passphrase") || n == "pass" || n == "plainpass";
}

// The name an expression ends in: `x` -> x, `a.b.c` -> c, `a['c']` -> c; "" otherwise.
std::string_view last_name(const SyntaxNode& expr, FileContext& ctx) {
  const SyntaxNode e = expr.unwrapped();
  if (e.is("identifier")) return ctx.text(e);
  if (e.is("member_expression")) {
    const SyntaxNode p = e.field("property");
    if (p.is("property_identifier")) return ctx.text(p);
  }
  if (e.is("subscript_expression")) return string_value(e.field("index"), ctx);
  return {};
}

// Whether the data hashed contains a password: the expression itself, a `+` / template part of
// it, or the first argument of a call around it such as `String(pw)` / `Buffer.from(pw)`.
bool mentions_password(const SyntaxNode& expr, FileContext& ctx, int depth = 0) {
  if (depth > 4) return false;
  const SyntaxNode e = expr.unwrapped();
  if (e.is_null()) return false;
  if (is_password_name(last_name(e, ctx))) return true;
  if (e.is("binary_expression")) {
    return mentions_password(e.field("left"), ctx, depth + 1) ||
           mentions_password(e.field("right"), ctx, depth + 1);
  }
  if (e.is("template_string")) {
    for (std::uint32_t i = 0; i < e.named_child_count(); ++i) {
      const SyntaxNode sub = e.named_child(i);
      if (sub.is("template_substitution") && sub.named_child_count() == 1 &&
          mentions_password(sub.named_child(0), ctx, depth + 1)) {
        return true;
      }
    }
  }
  if (e.is("call_expression")) {
    const std::string_view fn = last_name(e.field("function"), ctx);
    if (fn == "String" || fn == "from" || fn == "trim" || fn == "normalize" || fn == "toString") {
      const SyntaxNode args = e.field("arguments");
      if (!args.is_null() && args.named_child_count() >= 1) {
        return mentions_password(args.named_child(0), ctx, depth + 1);
      }
      // `password.trim()`: the receiver
      const SyntaxNode f = e.field("function");
      if (f.is("member_expression")) return mentions_password(f.field("object"), ctx, depth + 1);
    }
  }
  return false;
}

constexpr std::array<std::string_view, 9> kFastDigests = {
    "md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "ripemd160", "whirlpool"};

bool is_fast_digest(std::string_view alg) {
  const std::string a = lower(alg);
  return one_of(std::string_view(a), kFastDigests) || a.rfind("sha3", 0) == 0 ||
         a.rfind("sha512", 0) == 0;
}

struct NumberConst {
  std::string name;
  long value = 0;
};

struct PendingCost {
  std::string name;  // a constant's name used as cost / iterations
  bool pbkdf2 = false;
  std::string callee;
  Range range;
};

struct HashVar {
  std::string name;  // `const h = crypto.createHash('md5')`
  std::string algorithm;
};

struct State : RuleState {
  std::vector<NumberConst> numbers;
  std::vector<PendingCost> pending;
  std::vector<HashVar> hashes;
};

bool number_value(const SyntaxNode& n, FileContext& ctx, long& out) {
  const SyntaxNode v = n.unwrapped();
  if (!v.is("number")) return false;
  std::string t;
  for (char c : ctx.text(v)) {
    if (c != '_') t.push_back(c);
  }
  char* end = nullptr;
  const double d = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0') return false;
  out = static_cast<long>(d);
  return true;
}

bool bound_to(std::string_view local, FileContext& ctx, std::initializer_list<std::string_view> m) {
  const ImportBinding* b = ctx.import_of(local);
  if (b == nullptr) return false;
  for (std::string_view x : m) {
    if (b->module == x) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 12> kMemberNames = {
    "update",     "hash", "hashSync", "genSalt", "genSaltSync", "pbkdf2",
    "pbkdf2Sync", "MD5",  "SHA1",     "SHA256",  "SHA512",      "SHA3"};

class WeakPasswordHash final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("binary_expression")) {
      on_comparison(node, ctx);
    } else if (node.is("variable_declarator")) {
      const SyntaxNode name = node.field("name");
      long v = 0;
      if (!name.is("identifier")) return;
      const SyntaxNode value = node.field("value").unwrapped();
      if (number_value(value, ctx, v)) {
        ctx.state<State>().numbers.push_back(NumberConst{std::string(ctx.text(name)), v});
      } else if (value.is("call_expression") &&
                 last_name(value.field("function"), ctx) == "createHash") {
        const SyntaxNode a = value.field("arguments");
        if (a.is_null() || a.named_child_count() == 0) return;
        const std::string_view alg = string_value(a.named_child(0).unwrapped(), ctx);
        if (is_fast_digest(alg)) {
          ctx.state<State>().hashes.push_back(
              HashVar{std::string(ctx.text(name)), std::string(alg)});
        }
      }
    } else {
      on_call(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    for (const PendingCost& p : s.pending) {
      if (!ctx.is_constant_name(p.name)) continue;
      const NumberConst* found = nullptr;
      for (const NumberConst& n : s.numbers) {
        if (n.name == p.name) found = &n;
      }
      if (found == nullptr) continue;
      report_cost(ctx, p.range, p.callee, found->value, p.pbkdf2, p.name);
    }
    return nullptr;
  }

 private:
  static void report_cost(FileContext& ctx, const Range& range, std::string_view callee, long value,
                          bool pbkdf2, std::string_view via) {
    const std::string shown =
        std::to_string(value) + (via.empty() ? "" : " (`" + std::string(via) + "`)");
    if (pbkdf2) {
      if (value >= kMinPbkdf2Iterations || value <= 0) return;
      ctx.report(range,
                 std::string(callee) + "() runs " + shown +
                     " iterations; GPUs test such PBKDF2 hashes quickly. OWASP asks for "
                     "600,000 with HMAC-SHA256 (210,000 with SHA-512); prefer argon2id or "
                     "scrypt",
                 Confidence::kHigh);
    } else {
      if (value >= kMinBcryptCost || value <= 0) return;
      ctx.report(range,
                 std::string(callee) + "() uses bcrypt cost " + shown +
                     "; below 10 a stolen hash is cheap to brute-force. Use a cost of at least "
                     "10 (OWASP), tuned so one hash takes about a quarter second",
                 Confidence::kHigh);
    }
  }

  static void cost_argument(const SyntaxNode& call, std::uint32_t index, std::string_view callee,
                            bool pbkdf2, FileContext& ctx) {
    const SyntaxNode args = call.field("arguments");
    if (args.is_null() || args.named_child_count() <= index) return;
    const SyntaxNode arg = args.named_child(index).unwrapped();
    long v = 0;
    if (number_value(arg, ctx, v)) {
      report_cost(ctx, ctx.range(call), callee, v, pbkdf2, "");
    } else if (arg.is("identifier")) {
      ctx.state<State>().pending.push_back(
          PendingCost{std::string(ctx.text(arg)), pbkdf2, std::string(callee), ctx.range(call)});
    }
  }

  static void on_call(const SyntaxNode& node, FileContext& ctx) {
    const SyntaxNode callee = node.field("function").unwrapped();
    std::string_view object;
    std::string_view name;
    SyntaxNode object_node;
    if (callee.is("identifier")) {
      name = ctx.text(callee);
      // Bare calls matter only when bound to a digest or bcrypt package (cheap map lookup).
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr) return;
    } else if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (!one_of(name, kMemberNames)) return;  // before any further node access
      object_node = callee.field("object").unwrapped();
      if (object_node.is("identifier")) object = ctx.text(object_node);
    } else {
      return;
    }
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || args.named_child_count() == 0) return;

    if (name == "update") {
      // crypto.createHash('md5').update(password), or through a variable holding the hash
      if (object_node.is("identifier")) {
        for (const HashVar& h : ctx.state<State>().hashes) {
          if (h.name != object || !mentions_password(args.named_child(0), ctx)) continue;
          report_digest(node, ctx, "createHash('" + h.algorithm + "') (`" + h.name + "`)");
          return;
        }
        return;
      }
      if (!object_node.is("call_expression")) return;
      const std::string_view inner = last_name(object_node.field("function"), ctx);
      if (inner != "createHash") return;
      const SyntaxNode inner_args = object_node.field("arguments");
      if (inner_args.is_null() || inner_args.named_child_count() == 0) return;
      const std::string_view alg = string_value(inner_args.named_child(0).unwrapped(), ctx);
      if (!is_fast_digest(alg) || !mentions_password(args.named_child(0), ctx)) return;
      report_digest(node, ctx, "createHash('" + std::string(alg) + "')");
      return;
    }
    if (name == "hash" || name == "hashSync" || name == "genSalt" || name == "genSaltSync") {
      const bool bcrypt = object.empty()
                              ? bound_to(name, ctx, {"bcrypt", "bcryptjs", "bcrypt-nodejs"})
                              : (bound_to(object, ctx, {"bcrypt", "bcryptjs", "bcrypt-nodejs"}) ||
                                 (ctx.import_of(object) == nullptr &&
                                  (object == "bcrypt" || object == "bcryptjs")));
      if (!bcrypt) return;
      const bool salt = name == "genSalt" || name == "genSaltSync";
      cost_argument(node, salt ? 0 : 1,
                    object.empty() ? name : std::string(object) + "." + std::string(name), false,
                    ctx);
      return;
    }
    if (name == "pbkdf2" || name == "pbkdf2Sync") {
      if (!mentions_password(args.named_child(0), ctx)) return;
      cost_argument(node, 2, name, true, ctx);
      return;
    }
    // md5(password), sha1(password), CryptoJS.MD5(password), CryptoJS.SHA256(password)
    if (object.empty()) {
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr) return;
      const std::string_view m = b->module;
      const bool digest_pkg = m == "md5" || m == "blueimp-md5" || m == "sha1" || m == "js-md5" ||
                              m == "js-sha256" || m == "js-sha1" || m == "crypto-js/md5" ||
                              m == "crypto-js/sha1" || m == "crypto-js/sha256" ||
                              m == "crypto-js/sha512";
      if (!digest_pkg || !mentions_password(args.named_child(0), ctx)) return;
      report_digest(node, ctx, std::string(name) + "() from " + std::string(m));
      return;
    }
    if ((name == "MD5" || name == "SHA1" || name == "SHA256" || name == "SHA512" ||
         name == "SHA3") &&
        bound_to(object, ctx, {"crypto-js"})) {
      if (!mentions_password(args.named_child(0), ctx)) return;
      report_digest(node, ctx, std::string(object) + "." + std::string(name) + "()");
    }
  }

  static void report_digest(const SyntaxNode& node, FileContext& ctx, const std::string& what) {
    ctx.report(ctx.range(node),
               what +
                   " hashes a password with a fast digest: GPUs try billions of guesses a "
                   "second against such hashes, salted or not. Use bcrypt, scrypt or argon2id",
               Confidence::kHigh);
  }

  // `user.password === req.body.password`: a stored password compared with input.
  static void on_comparison(const SyntaxNode& node, FileContext& ctx) {
    // binary_expression's children are left, operator, right: child(1) avoids a field lookup.
    if (node.child_count() != 3) return;
    const std::string_view op = ctx.text(node.child(1));
    if (op != "===" && op != "==" && op != "!==" && op != "!=") return;
    const SyntaxNode left = node.field("left").unwrapped();
    const SyntaxNode right = node.field("right").unwrapped();
    if (!is_password_name(last_name(left, ctx)) || !is_password_name(last_name(right, ctx))) {
      return;
    }
    const bool left_stored = is_stored(left, ctx);
    const bool right_stored = is_stored(right, ctx);
    if (left_stored == right_stored) return;  // two inputs (confirmation) or two records
    ctx.report(ctx.range(node),
               "a stored password is compared with `" + std::string(op) +
                   "` to the one supplied (`" + std::string(ctx.text(node)).substr(0, 80) +
                   "`): passwords are kept in plaintext. Store a bcrypt/argon2 hash and check "
                   "with bcrypt.compare / argon2.verify",
               Confidence::kMedium);
  }

  // A record's field (`user.password`, `account.pwd`, `rows[0].password`), not request input.
  static bool is_stored(const SyntaxNode& e, FileContext& ctx) {
    if (!e.is("member_expression")) return false;
    const SyntaxNode obj = e.field("object").unwrapped();
    if (obj.is("this")) return true;  // a model method: `this.password === candidate`
    std::string_view owner = last_name(obj, ctx);
    if (owner.empty() && obj.is("subscript_expression")) {
      owner = last_name(obj.field("object"), ctx);
    }
    if (owner.empty()) return false;
    const std::string o = lower(owner);
    constexpr std::array<std::string_view, 18> kInput = {
        "req",   "request", "body",   "query",   "params", "ctx",
        "input", "payload", "dto",    "data",    "args",   "credentials",
        "form",  "values",  "fields", "options", "opts",   "event"};
    if (one_of(std::string_view(o), kInput) || o.find("dto") != std::string::npos ||
        o.find("input") != std::string::npos || o.find("body") != std::string::npos) {
      return false;
    }
    return true;
  }
};

}  // namespace

const Rule& security_weak_password_hash() {
  static const WeakPasswordHash kRule;
  return kRule;
}

}  // namespace nodescope::rules
