// security/hardcoded-secret: secrets written as literals in production code. Per file during the
// walk (cheap kind and name checks first), judged in end_file, reported in the whole-program phase
// only so that test files (ModelView::is_test_file) and fixture/mock folders stay silent.
// What counts: (1) literals in secret positions whatever they look like (jsonwebtoken sign/verify
// key, crypto HMAC/cipher keys, cookie-parser's secret, Koa `app.keys`, and options or names that
// end in "secret": express-session, passport's clientSecret/secretOrKey, @fastify/cookie, ...);
// (2) literals that look like real secrets (well-known token formats, or high-entropy values)
// given to password/token/api-key names; (3) well-known key formats (AWS, GitHub, Slack, Stripe,
// Google, PEM private keys) anywhere; (4) database URLs with a password. `env || 'literal'`
// fallbacks get their own message at low confidence. Placeholders, labels and names are left out.
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "nodescope/secret_patterns.h"

#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 2> kCwe = {798, 321};
constexpr std::array<std::string_view, 4> kTags = {"security", "secrets", "cwe-259", "owasp-a07"};
// String literals themselves are opaque to the walk: they are judged where they are used (a
// value, an assignment, a call argument).
constexpr std::array<std::string_view, 8> kKinds = {
    "call_expression",         "new_expression",        "pair",
    "variable_declarator",     "assignment_expression", "template_string",
    "public_field_definition", "field_definition"};
constexpr RuleMeta kMeta{
    .id = "security/hardcoded-secret",
    .summary =
        "A secret (key, password, token or connection-string password) is written as a literal "
        "in the source.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,  // ModelView::is_test_file: tests may hold fake secrets
};

// scheme://user:password@  (the password without '$', '<', '{' so templates and placeholders fail)
const RE2& db_url() {
  static const RE2 kUrl(
      R"(\b(postgres|postgresql|mysql|mariadb|mssql|sqlserver|mongodb|mongodb\+srv|redis|rediss|amqp|amqps)://([^:/@\s]*):([^@\s/$<{]+)@)");
  return kUrl;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k]) {
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

// Values nobody would mistake for a real secret, in any position.
bool is_placeholder(std::string_view v) {
  if (v.empty()) return true;
  constexpr std::array<std::string_view, 16> kMarks = {
      "xxx",     "${",      "{{",    "<",    "your", "example", "placeholder", "redacted",
      "replace", "insert_", "dummy", "****", "...",  "sample",  "fake",        "todo"};
  for (std::string_view m : kMarks) {
    if (contains_ci(v, m)) return true;
  }
  bool same = true;
  for (char c : v) same = same && c == v[0];
  return same;
}

// Defaults that are not secrets when given to a password/token name (a session secret of
// 'changeme' is still a finding: see the secret positions).
bool is_generic_default(std::string_view v) {
  constexpr std::array<std::string_view, 3> kChange = {"changeme", "change-me", "change_me"};
  for (std::string_view w : kChange) {
    if (contains_ci(v, w)) return true;
  }
  constexpr std::array<std::string_view, 9> kWords = {
      "secret", "password", "pass", "passwd", "test", "default", "undefined", "null", "admin"};
  for (std::string_view w : kWords) {
    if (v.size() == w.size() && contains_ci(v, w)) return true;
  }
  return false;
}

// A UI label or sentence ('Client Secret', 'Password is required.'), not a key.
bool looks_like_label(std::string_view v) {
  if (v.empty()) return true;
  const char last = v.back();
  if (last == '.' || last == '?' || last == '!' || last == ':') return true;
  const bool has_space = v.find(' ') != std::string_view::npos;
  if (has_space && std::isupper(static_cast<unsigned char>(v[0]))) return true;
  std::size_t spaces = 0;
  for (char c : v) spaces += c == ' ' ? 1 : 0;
  return spaces >= 3;
}

double entropy(std::string_view v) {
  std::array<int, 256> count{};
  for (char c : v) ++count[static_cast<unsigned char>(c)];
  double h = 0;
  for (int n : count) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(v.size());
    h -= p * std::log2(p);
  }
  return h;
}

// A value given to a password/token/api-key name that looks like a real secret: long enough, no
// spaces, letters mixed with digits or symbols, not a URL, path, identifier or hash.
bool looks_random(std::string_view v, std::size_t min_size) {
  if (v.size() < min_size || v.size() > 512) return false;
  if (v.find("://") != std::string_view::npos || v[0] == '/' || v[0] == '.') return false;
  if (v.substr(0, 2) == "$2" || v.substr(0, 7) == "$argon2") return false;  // a stored hash
  bool lower = false, upper = false, digit = false, symbol = false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) return false;
    if (std::islower(u))
      lower = true;
    else if (std::isupper(u))
      upper = true;
    else if (std::isdigit(u))
      digit = true;
    else
      symbol = true;
  }
  if (!lower && !upper) return false;
  if (!digit && !symbol) return false;
  // identifier-ish: words joined by _ - . only, no digits (`auth.password.label`, `ACCESS_TOKEN`)
  if (!digit) {
    bool only_joiners = true;
    for (char c : v) {
      if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
          c != ':') {
        only_joiners = false;
      }
    }
    if (only_joiners) return false;
  }
  return entropy(v) >= 2.5;
}

// Lower-case, without `_`, `-`, `$` and quotes: JWT_SECRET -> jwtsecret.
std::string normalize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '_' || c == '-' || c == '$' || c == '\'' || c == '"' || c == '#') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

enum class NameKind { kNone, kSecret, kCredential };

// kSecret: the name says the value is a secret key (jwtSecret, clientSecret, secretOrKey): any
// literal is one. kCredential: passwords, tokens, API keys: only values that look real.
NameKind classify_name(std::string_view raw) {
  const std::string n = normalize(raw);
  if (n.empty()) return NameKind::kNone;
  // Names about a secret rather than holding one: `API_KEY_PREFIX`, `tokenHeader`, `SECRET_ENV`.
  constexpr std::array<std::string_view, 12> kAbout = {"prefix", "suffix", "pattern",     "regex",
                                                       "header", "label",  "placeholder", "field",
                                                       "param",  "url",    "path",        "envvar"};
  for (std::string_view a : kAbout) {
    if (n.find(a) != std::string::npos) return NameKind::kNone;
  }
  if (ends_with(n, "secret") || n == "secretorkey" || n == "secretorprivatekey" ||
      n == "sessionkeys") {
    return NameKind::kSecret;
  }
  constexpr std::array<std::string_view, 12> kSuffixes = {
      "password",        "passwd",     "passphrase",    "apikey",    "privatekey", "secretkey",
      "secretaccesskey", "signingkey", "encryptionkey", "masterkey", "authkey",    "token"};
  for (std::string_view s : kSuffixes) {
    if (!ends_with(n, s)) continue;
    // pagination and sync cursors are called tokens too
    if (ends_with(n, "pagetoken") || ends_with(n, "nexttoken") || ends_with(n, "synctoken") ||
        ends_with(n, "continuationtoken") || ends_with(n, "canceltoken") ||
        ends_with(n, "cancellationtoken")) {
      return NameKind::kNone;
    }
    return NameKind::kCredential;
  }
  return NameKind::kNone;
}

struct Hit {
  std::uint32_t start = 0;  // byte offset of the literal: one finding per literal
  Range range;
  std::string message;
  Confidence confidence = Confidence::kHigh;
};

struct ConstString {
  std::string name;
  std::string value;
  Range range;
  std::uint32_t start = 0;
  bool fallback = false;
  std::string fallback_of;
};

struct NameUse {
  std::string name;
  std::string sink;  // what the name is given to
};

struct State : RuleState {
  std::vector<Hit> hits;
  std::vector<ConstString> consts;
  std::vector<NameUse> uses;
};

struct Facts : RuleFacts {
  std::vector<Hit> hits;
};

// A literal (or a fallback to one) and where it is.
struct Literal {
  bool found = false;
  bool fallback = false;
  std::string value;
  std::string fallback_of;  // the expression before || / ??, shortened
  SyntaxNode node;
};

// The contents of a string or a template without substitutions.
bool literal_text(const SyntaxNode& n, FileContext& ctx, std::string& out) {
  if (n.is("string")) {
    out = std::string(string_value(n, ctx));
    return true;
  }
  if (n.is("template_string")) {
    for (std::uint32_t i = 0; i < n.named_child_count(); ++i) {
      if (n.named_child(i).is("template_substitution")) return false;
    }
    const std::string_view t = ctx.text(n);
    out = t.size() >= 2 ? std::string(t.substr(1, t.size() - 2)) : std::string();
    return true;
  }
  return false;
}

Literal literal_of(const SyntaxNode& value, FileContext& ctx) {
  Literal lit;
  const SyntaxNode v = value.unwrapped();
  if (v.is_null()) return lit;
  if (literal_text(v, ctx, lit.value)) {
    lit.found = true;
    lit.node = v;
    return lit;
  }
  if (v.is("binary_expression")) {
    const SyntaxNode op = v.field("operator");
    const std::string_view o = ctx.text(op);
    if (o != "||" && o != "??") return lit;
    const SyntaxNode right = v.field("right").unwrapped();
    if (!literal_text(right, ctx, lit.value)) return lit;
    const SyntaxNode left = v.field("left").unwrapped();
    if (left.is_null() || is_constant_expression(left)) return lit;
    lit.found = true;
    lit.fallback = true;
    lit.fallback_of = one_line_excerpt(ctx.text(left));
    lit.node = right;
  }
  return lit;
}

// `Buffer.from('literal', ...)` as a key is still a literal key.
Literal key_literal(const SyntaxNode& arg, FileContext& ctx) {
  const SyntaxNode a = arg.unwrapped();
  if (a.is("call_expression")) {
    const SyntaxNode fn = a.field("function");
    if (fn.is("member_expression") && ctx.text(fn) == "Buffer.from") {
      const SyntaxNode args = a.field("arguments");
      if (!args.is_null() && args.named_child_count() >= 1)
        return literal_of(args.named_child(0), ctx);
    }
    return {};
  }
  return literal_of(a, ctx);
}

void add_hit(State& s, const SyntaxNode& at, FileContext& ctx, std::string message,
             Confidence confidence) {
  const std::uint32_t start = at.start_byte();
  for (const Hit& h : s.hits) {
    if (h.start == start) return;  // first verdict wins; the walk meets the sink before the literal
  }
  s.hits.push_back(Hit{start, ctx.range(at), std::move(message), confidence});
}

std::string fallback_message(const Literal& lit, std::string_view what) {
  return std::string(what) + " falls back to a literal when `" + lit.fallback_of +
         "` is unset, so a misconfigured deployment runs with a secret that is in the source; "
         "fail at startup instead of falling back";
}

// A literal in a secret position: reported unless it is a placeholder or a label.
// `DEFAULT_WEBHOOK_SECRET`, `'string'`: a constant's name or a type, not a secret.
bool looks_like_name(std::string_view v) {
  constexpr std::array<std::string_view, 7> kTypes = {"string", "number",   "boolean", "object",
                                                      "array",  "password", "text"};
  if (one_of(v, kTypes)) return true;
  // snake_case or dotted lower-case: a parameter or config key name (`client_secret`,
  // `auth.jwt.secret`)
  bool joined = false;
  bool lower_only = true;
  for (char c : v) {
    if (c == '_' || c == '.')
      joined = true;
    else if (!std::islower(static_cast<unsigned char>(c)))
      lower_only = false;
  }
  if (lower_only && joined) return true;
  bool upper = false;
  bool underscore = false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isupper(u))
      upper = true;
    else if (c == '_')
      underscore = true;
    else if (!std::isdigit(u))
      return false;
  }
  return upper && underscore;
}

void judge_secret_position(const Literal& lit, std::string_view what, FileContext& ctx) {
  if (!lit.found || is_placeholder(lit.value) || looks_like_label(lit.value) ||
      looks_like_name(lit.value)) {
    return;
  }
  State& s = ctx.state<State>();
  if (lit.fallback) {
    add_hit(s, lit.node, ctx, fallback_message(lit, what), Confidence::kLow);
    return;
  }
  add_hit(s, lit.node, ctx,
          std::string(what) +
              " is a literal in the source: anyone with the code (or a leaked copy) holds the "
              "secret; read it from the environment or a secret store",
          Confidence::kHigh);
}

// A literal given to a name: judged by the kind of name.
void judge_named(std::string_view name, const Literal& lit, FileContext& ctx) {
  if (!lit.found) return;
  const NameKind kind = classify_name(name);
  if (kind == NameKind::kNone) return;
  // Built by append: `"literal" + std::string` trips GCC 12's bogus -Wrestrict (PR 105329).
  std::string what = "`";
  what.append(name);
  what += '`';
  if (kind == NameKind::kSecret) {
    judge_secret_position(lit, what, ctx);
    return;
  }
  if (is_placeholder(lit.value) || is_generic_default(lit.value)) return;
  State& s = ctx.state<State>();
  if (RE2::FullMatch(lit.value, jwt_format())) {
    add_hit(s, lit.node, ctx,
            what +
                " holds a literal JSON Web Token; it grants whatever its claims say to "
                "anyone who reads the source; read it from the environment",
            Confidence::kHigh);
    return;
  }
  // Passwords may be short; API keys and tokens are long.
  const std::string n = normalize(name);
  const bool password = n.find("pass") != std::string::npos || ends_with(n, "pwd");
  if (!looks_random(lit.value, password ? 8 : 16)) return;
  if (lit.fallback) {
    add_hit(s, lit.node, ctx, fallback_message(lit, what), Confidence::kLow);
    return;
  }
  add_hit(s, lit.node, ctx,
          what +
              " is given a literal that looks like a real credential; anyone with the code "
              "holds it; read it from the environment or a secret store",
          Confidence::kMedium);
}

// Well-known formats and database URLs, in any string literal.
void judge_literal_text(const SyntaxNode& node, FileContext& ctx) {
  const std::string_view t = ctx.text(node);
  if (t.size() < 20) return;
  // One linear pass decides whether any format can match (most strings: no).
  const bool maybe_format = RE2::PartialMatch(t, secret_formats_prefilter());
  for (const SecretFormat& f : secret_formats()) {
    if (!maybe_format) break;
    if (!RE2::PartialMatch(t, *f.re)) continue;
    if (contains_ci(t, "example") || contains_ci(t, "xxxx")) return;
    add_hit(ctx.state<State>(), node, ctx,
            "this literal contains " + std::string(f.name) +
                "; it is valid for whoever reads the source: revoke it and load it from the "
                "environment or a secret store",
            Confidence::kHigh);
    return;
  }
  if (t.find("://") == std::string_view::npos || t.find('@') == std::string_view::npos) return;
  std::string scheme, user, password;
  if (!RE2::PartialMatch(t, db_url(), &scheme, &user, &password)) return;
  if (is_placeholder(password) || is_generic_default(password) || password == "pwd" ||
      password == "pw" || password == user) {
    return;
  }
  add_hit(ctx.state<State>(), node, ctx,
          "this " + scheme +
              " connection string has a literal password; move the URL (or at least the "
              "password) to the environment",
          Confidence::kHigh);
}

// The property name of `a.b.name` / `name` on the left of an assignment.
std::string_view assigned_name(const SyntaxNode& left, FileContext& ctx) {
  const SyntaxNode l = left.unwrapped();
  if (l.is("identifier")) return ctx.text(l);
  if (l.is("member_expression")) {
    const SyntaxNode p = l.field("property");
    if (p.is("property_identifier") || p.is("private_property_identifier")) return ctx.text(p);
  }
  return {};
}

bool is_jwt_object(std::string_view object, FileContext& ctx) {
  const ImportBinding* b = ctx.import_of(object);
  if (b != nullptr) return b->module == "jsonwebtoken" && b->is_module_object();
  return object == "jwt" || object == "jsonwebtoken";
}

// Calls that take a connection URL as an argument.
constexpr std::array<std::string_view, 13> kConnectors = {
    "connect", "createConnection", "createPool",  "createClient", "Pool",
    "Client",  "Sequelize",        "MongoClient", "Redis",        "Cluster",
    "knex",    "postgres",         "DataSource"};

// Member calls whose key argument is a secret position.
constexpr std::array<std::string_view, 5> kKeyedCalls = {"sign", "verify", "createHmac",
                                                         "createCipheriv", "createDecipheriv"};

class HardcodedSecret final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const std::string_view kind = node.kind();
    if (kind == "template_string") {
      judge_literal_text(node, ctx);
    } else if (kind == "pair") {
      const SyntaxNode key = node.field("key");
      std::string_view name;
      if (key.is("property_identifier"))
        name = ctx.text(key);
      else if (key.is("string"))
        name = string_value(key, ctx);
      else
        return;
      const Literal lit = literal_of(node.field("value"), ctx);
      if (!lit.found) return;
      judge_string(lit, ctx);
      if (is_password_key(name) && in_connection_options(node, ctx)) {
        judge_db_password(name, lit, ctx);
      }
      // Sibling scans only for secret-like names (objects can have thousands of pairs).
      if (classify_name(name) == NameKind::kNone || in_word_table(node, ctx)) return;
      judge_named(name, lit, ctx);
    } else if (kind == "variable_declarator") {
      const SyntaxNode name = node.field("name");
      if (!name.is("identifier")) return;
      const Literal lit = literal_of(node.field("value"), ctx);
      if (!lit.found) return;
      judge_string(lit, ctx);
      judge_named(ctx.text(name), lit, ctx);
      // Kept for names handed to a secret position later in the file.
      ConstString c{std::string(ctx.text(name)), lit.value,    ctx.range(lit.node),
                    lit.node.start_byte(),       lit.fallback, lit.fallback_of};
      ctx.state<State>().consts.push_back(std::move(c));
    } else if (kind == "assignment_expression") {
      const SyntaxNode left = node.field("left");
      const std::string_view name = assigned_name(left, ctx);
      if (name.empty()) return;
      if (name == "keys") {
        koa_keys(node, ctx);
        return;
      }
      const Literal lit = literal_of(node.field("right"), ctx);
      judge_string(lit, ctx);
      judge_named(name, lit, ctx);
    } else if (kind == "public_field_definition" || kind == "field_definition") {
      SyntaxNode name = node.field("name");
      if (name.is_null()) name = node.field("property");
      if (!name.is("property_identifier")) return;
      judge_named(ctx.text(name), literal_of(node.field("value"), ctx), ctx);
    } else {
      on_call(node, ctx);
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& s = ctx.state<State>();
    // Names given to secret positions: `const SECRET = 'x'; jwt.sign(p, SECRET)`.
    for (const NameUse& u : s.uses) {
      const ConstString* found = nullptr;
      std::size_t count = 0;
      for (const ConstString& c : s.consts) {
        if (c.name == u.name) {
          found = &c;
          ++count;
        }
      }
      if (count != 1 || is_placeholder(found->value) || looks_like_label(found->value)) continue;
      bool seen = false;
      for (const Hit& h : s.hits) seen = seen || h.start == found->start;
      if (seen) continue;
      std::string message =
          found->fallback
              ? "`" + u.name + "`, used as " + u.sink + ", falls back to a literal when `" +
                    found->fallback_of + "` is unset; fail at startup instead of falling back"
              : "`" + u.name + "` is a literal used as " + u.sink +
                    ": anyone with the code holds the secret; read it from the environment or a "
                    "secret store";
      s.hits.push_back(Hit{found->start, found->range, std::move(message),
                           found->fallback ? Confidence::kLow : Confidence::kHigh});
    }
    if (s.hits.empty()) return nullptr;
    auto facts = std::make_unique<Facts>();
    facts->hits = std::move(s.hits);
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    for (const auto& f : ctx.facts()) {
      if (model != nullptr && model->is_test_file(f.path)) continue;
      if (in_fixture_folder(f.path)) continue;
      for (const Hit& h : static_cast<const Facts*>(f.facts)->hits) {
        ctx.report(f.path, h.range, h.message, h.confidence);
      }
    }
  }

 private:
  static bool in_fixture_folder(std::string_view path) {
    std::size_t start = 0;
    for (;;) {
      const std::size_t slash = path.find('/', start);
      if (slash == std::string_view::npos) return false;
      const std::string_view part = path.substr(start, slash - start);
      if (part == "fixtures" || part == "__fixtures__" || part == "__mocks__" || part == "mocks" ||
          part == "test-utils" || part == "testing" || part == "examples" || part == "example") {
        return true;
      }
      start = slash + 1;
    }
  }

  static bool is_password_key(std::string_view name) {
    const std::string n = normalize(name);
    return n == "password" || n == "pass" || n == "pwd" || n == "passwd";
  }

  // `{ host: ..., user: 'root', password: 'root' }`: a database or broker connection's options.
  static bool in_connection_options(const SyntaxNode& pair, FileContext& ctx) {
    const SyntaxNode object = pair.parent();
    if (!object.is("object")) return false;
    bool host = false;
    bool user = false;
    for (std::uint32_t i = 0; i < object.named_child_count(); ++i) {
      const SyntaxNode c = object.named_child(i);
      SyntaxNode key = c.is("pair") ? c.field("key") : c;
      if (!key.is("property_identifier") && !key.is("shorthand_property_identifier")) continue;
      const std::string_view k = ctx.text(key);
      host = host || k == "host" || k == "hostname" || k == "server" || k == "database";
      user = user || k == "user" || k == "username" || k == "userName";
    }
    return host && user;
  }

  // Any real literal is a finding there, even a weak default such as 'root' or '123456'.
  static void judge_db_password(std::string_view name, const Literal& lit, FileContext& ctx) {
    if (is_placeholder(lit.value) || looks_like_label(lit.value) || looks_like_name(lit.value) ||
        lit.value == "password") {
      return;
    }
    State& s = ctx.state<State>();
    if (lit.fallback) {
      add_hit(s, lit.node, ctx,
              fallback_message(lit, "the connection's `" + std::string(name) + "`"),
              Confidence::kLow);
      return;
    }
    add_hit(s, lit.node, ctx,
            "the connection's `" + std::string(name) +
                "` is a literal: anyone with the code can log in to that database or broker; read "
                "it from the environment or a secret store",
            Confidence::kHigh);
  }

  // A pair in a table of words (`{ admin_session_secret: 'core', title: 'site', ... }`: setting
  // groups, types, labels): three or more string values, all single lower-case words.
  static bool in_word_table(const SyntaxNode& pair, FileContext& ctx) {
    const SyntaxNode object = pair.parent();
    if (!object.is("object")) return false;
    std::uint32_t strings = 0;
    for (std::uint32_t i = 0; i < object.named_child_count(); ++i) {
      const SyntaxNode c = object.named_child(i);
      if (!c.is("pair")) continue;
      const SyntaxNode v = c.field("value").unwrapped();
      if (!v.is("string")) continue;
      for (char ch : string_value(v, ctx)) {
        if (!std::islower(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
      }
      ++strings;
    }
    return strings >= 3;
  }

  // `app.keys = ['k1', 'k2']` (Koa's cookie signing keys).
  static void koa_keys(const SyntaxNode& node, FileContext& ctx) {
    const SyntaxNode right = node.field("right").unwrapped();
    if (!right.is("array")) return;
    for (std::uint32_t i = 0; i < right.named_child_count(); ++i) {
      judge_secret_position(literal_of(right.named_child(i), ctx), "a cookie signing key", ctx);
    }
  }

  // Formats and database URLs in a string literal (templates are judged on their own).
  static void judge_string(const Literal& lit, FileContext& ctx) {
    if (lit.found && lit.node.is("string")) judge_literal_text(lit.node, ctx);
  }

  static void on_call(const SyntaxNode& node, FileContext& ctx) {
    const bool is_new = node.is("new_expression");
    const SyntaxNode callee = node.field(is_new ? "constructor" : "function").unwrapped();
    std::string_view object;
    std::string_view name;
    bool member = false;  // `a.b.name()`: not a bare imported name
    if (callee.is("identifier")) {
      name = ctx.text(callee);
    } else if (callee.is("member_expression")) {
      const SyntaxNode prop = callee.field("property");
      if (!prop.is("property_identifier")) return;
      name = ctx.text(prop);
      if (!one_of(name, kConnectors) && !one_of(name, kKeyedCalls)) return;  // before the receiver
      const SyntaxNode obj = callee.field("object").unwrapped();
      if (obj.is("identifier")) object = ctx.text(obj);
      member = true;
    } else {
      return;
    }
    if (one_of(name, kConnectors)) {
      // `new Pool('postgres://u:p@h/db')`, `mongoose.connect('mongodb://...')`
      const SyntaxNode all = node.field("arguments");
      if (!all.is("arguments")) return;
      for (std::uint32_t i = 0; i < all.named_child_count() && i < 2; ++i) {
        const SyntaxNode a = all.named_child(i);
        if (a.is("string")) judge_literal_text(a, ctx);
      }
      return;
    }
    std::uint32_t index = 0;
    std::string sink;
    if (name == "sign" || name == "verify") {
      if (object.empty() && member) return;
      if (object.empty()) {
        const ImportBinding* b = ctx.import_of(name);
        if (b == nullptr || b->module != "jsonwebtoken") return;
      } else if (!is_jwt_object(object, ctx)) {
        return;
      }
      index = 1;
      sink = "the JWT " + std::string(name == "sign" ? "signing" : "verification") + " key";
    } else if (name == "createHmac" || name == "createCipheriv" || name == "createDecipheriv") {
      index = 1;
      sink = "the key of " + std::string(name) + "()";
    } else if (!member && !is_new) {
      const ImportBinding* b = ctx.import_of(name);
      if (b == nullptr || b->module != "cookie-parser") return;
      index = 0;
      sink = "cookie-parser's signing secret";
    } else {
      return;
    }
    const SyntaxNode args = node.field("arguments");
    if (args.is_null() || args.named_child_count() <= index) return;
    const SyntaxNode arg = args.named_child(index).unwrapped();
    if (arg.is("identifier")) {
      ctx.state<State>().uses.push_back(NameUse{std::string(ctx.text(arg)), sink});
      return;
    }
    judge_secret_position(key_literal(arg, ctx), sink, ctx);
  }
};

}  // namespace

const Rule& security_hardcoded_secret() {
  static const HardcodedSecret kRule;
  return kRule;
}

}  // namespace nodescope::rules
