// Test requests: which HTTP requests a test file sends to the app under test (see TestRequest in
// file_facts.h). Runs during the single walk, in model mode, and only once the file is known to be
// a test file (by name and folder up front, or by an import of a test framework seen earlier in
// the file), so other files pay one flag check per call. Recognises supertest (`request(app)`,
// agents, clients kept in variables, `[method]`), light-my-request `inject` (Fastify, Hapi),
// chai-http, frisby, and axios / fetch / got to a local URL. Matching requests with routes is
// the model's job (model/test_coverage.cpp); this file records method, path pattern and line.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "facts/file_facts.h"

namespace nodescope::facts {
namespace {

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Packages whose import makes a file a test file.
constexpr std::array<std::string_view, 16> kTestModules = {"jest",
                                                           "@jest/globals",
                                                           "mocha",
                                                           "vitest",
                                                           "ava",
                                                           "tap",
                                                           "node:test",
                                                           "supertest",
                                                           "chai-http",
                                                           "frisby",
                                                           "chai",
                                                           "light-my-request",
                                                           "@nestjs/testing",
                                                           "supertest-session",
                                                           "uvu",
                                                           "@japa/runner"};

// Packages that are supertest-like clients of an app (paths relative to the app).
constexpr std::array<std::string_view, 3> kAppClientModules = {"supertest", "supertest-session",
                                                               "supertest-as-promised"};
// Packages that send requests to a URL (only local URLs count).
constexpr std::array<std::string_view, 6> kHttpModules = {"axios",      "got",    "frisby",
                                                          "node-fetch", "undici", "superagent"};

// `.get(...)` and friends on a client: the HTTP method, or "" for other names.
std::string http_method(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kMethods = {"get",    "post", "put",    "patch",
                                                               "delete", "head", "options"};
  const std::string l = lower(name);
  if (l == "del") return "DELETE";
  if (!one_of(l, kMethods)) return {};
  std::string upper = l;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// Names tests give to supertest-like clients and helpers that make them (`agent`, `api`,
// `request`, `getAdminAPIAgent()`, `this.client`). Accepting a look-alike only marks a route
// tested (a missed finding), never reports one.
bool client_like_name(std::string_view name) {
  const std::string l = lower(name);
  for (std::string_view part : {"agent", "request", "supertest", "api", "client", "session"}) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

bool is_function_node(const SyntaxNode& n) {
  return n.is("arrow_function") || n.is("function_expression") || n.is("function");
}

// A local URL's host: localhost, loopback, or the any-address.
bool local_host(std::string_view host) {
  if (host.starts_with("[")) return host.starts_with("[::1]");
  const std::string_view name = host.substr(0, host.find(':'));
  return name == "localhost" || name.starts_with("127.") || name == "0.0.0.0";
}

}  // namespace

bool is_test_path(std::string_view path, const fs::PathGlobs* globs) {
  if (globs != nullptr && !globs->empty()) {
    const fs::IgnoreVerdict verdict = globs->match_file(path);
    if (verdict != fs::IgnoreVerdict::kNone) return verdict == fs::IgnoreVerdict::kIgnore;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (slash == std::string_view::npos) {
      return part.find(".test.") != std::string_view::npos ||
             part.find(".spec.") != std::string_view::npos ||
             part.find(".e2e-spec.") != std::string_view::npos;
    }
    if (part == "test" || part == "tests" || part == "__tests__" || part == "e2e" ||
        part == "spec" || part == "__mocks__" || part == "fixtures" || part == "__fixtures__") {
      return true;
    }
    start = slash + 1;
  }
}

bool Extractor::in_test_file() {
  if (out_.test_file) return true;
  while (imports_checked_ < out_.imports.size()) {
    const std::string& module = out_.imports[imports_checked_++].module;
    if (one_of(std::string_view(module), kTestModules)) out_.test_file = true;
  }
  return out_.test_file;
}

// The constant string a name is bound to in this file (the latest binding seen), with
// kTestWildcard for parts known only at run time; "" when the name is not bound to a string.
std::string Extractor::const_string(std::string_view name) const {
  const auto& bindings = out_.values.bindings;
  for (auto it = bindings.rbegin(); it != bindings.rend(); ++it) {
    if (it->name != name) continue;
    if (it->value == kNoValue) return {};
    std::string out;
    // Strings, templates and concatenations; names inside them once more, then wildcards.
    auto walk = [&](auto&& self, ValueId id, int depth) -> bool {
      if (id == kNoValue || depth > 6) return false;
      const Value& v = out_.values.at(id);
      switch (v.kind) {
        case ValueKind::kString:
          out += v.text;
          return true;
        case ValueKind::kTemplate:
          for (std::uint32_t i = 0; i < v.count; ++i) {
            if (!self(self, out_.values.item(v, i), depth + 1)) out.push_back(kTestWildcard);
          }
          return true;
        case ValueKind::kConcat:
          if (!self(self, v.a, depth + 1)) out.push_back(kTestWildcard);
          if (!self(self, v.b, depth + 1)) out.push_back(kTestWildcard);
          return true;
        default:
          return false;
      }
    };
    return walk(walk, it->value, 0) ? out : std::string();
  }
  return {};
}

// Appends the path pattern an expression builds; parts known only at run time become wildcards.
bool Extractor::path_of(const SyntaxNode& raw, std::string& out, int depth) const {
  const SyntaxNode node = raw.unwrapped();
  if (node.is_null() || depth > 8) {
    out.push_back(kTestWildcard);
    return true;
  }
  if (node.is("string")) {
    out += string_contents(node);
  } else if (node.is("template_string")) {
    for (std::uint32_t i = 0; i < node.named_child_count(); ++i) {
      const SyntaxNode part = node.named_child(i);
      if (part.is("template_substitution")) {
        path_of(part.named_child(0), out, depth + 1);
      } else {
        out += text(part);
      }
    }
  } else if (node.is("binary_expression") && text(node.field("operator")) == "+") {
    path_of(node.field("left"), out, depth + 1);
    path_of(node.field("right"), out, depth + 1);
  } else if (node.is("identifier")) {
    const std::string s = const_string(text(node));
    if (s.empty()) {
      out.push_back(kTestWildcard);
    } else {
      out += s;
    }
  } else {
    out.push_back(kTestWildcard);
  }
  return true;
}

// Whether a call makes a supertest-like client of an app: `request(app)`, `supertest(server)`,
// `request.agent(app)`, `chai.request(app)`, `app.inject()` (a light-my-request chain), or a
// project helper named like one (`getAgent()`). A client of a non-local URL is not one.
bool Extractor::is_app_client_call(const SyntaxNode& call) const {
  const SyntaxNode callee = call.field("function").unwrapped();
  const SyntaxNode args = call.field("arguments");
  if (!args.is("arguments")) return false;
  bool ok = false;
  if (callee.is("identifier")) {
    const std::string_view name = text(callee);
    const ImportBinding* b = out_.import_of(name);
    if (b != nullptr && one_of(std::string_view(b->module), kHttpModules)) return false;
    ok = (b != nullptr && one_of(std::string_view(b->module), kAppClientModules)) ||
         client_like_name(name);
  } else if (callee.is("member_expression")) {
    const std::string_view prop = text(callee.field("property"));
    if (prop == "inject") return args.named_child_count() == 0;
    if (prop == "create" || prop == "extend") return false;  // axios.create / got.extend
    ok = client_like_name(prop);
  } else if (callee.is("call_expression")) {
    // `require('supertest')(app)`
    const SyntaxNode inner = callee.field("function");
    const SyntaxNode inner_args = callee.field("arguments");
    ok = inner.is("identifier") && text(inner) == "require" &&
         inner_args.named_child_count() == 1 && inner_args.named_child(0).is("string") &&
         one_of(std::string_view(string_contents(inner_args.named_child(0))), kAppClientModules);
  }
  if (!ok) return false;
  // `request('https://api.example.com')` tests somebody else's server.
  if (args.named_child_count() > 0) {
    const SyntaxNode first = args.named_child(0).unwrapped();
    if (first.is("string") || first.is("template_string")) {
      std::string url;
      path_of(first, url, 0);
      if ((url.starts_with("http://") || url.starts_with("https://")) &&
          !local_host(url.substr(url.find("://") + 3))) {
        return false;
      }
    }
  }
  return true;
}

// What kind of client a request's receiver is; `base` gets a local client's base path.
Extractor::Client Extractor::client_of(const SyntaxNode& raw, std::string* base, int depth) {
  SyntaxNode r = raw.unwrapped();
  if (r.is("await_expression")) r = r.named_child(0).unwrapped();
  if (r.is_null() || depth > 4) return Client::kNone;
  if (r.is("call_expression")) return is_app_client_call(r) ? Client::kApp : Client::kNone;
  std::string_view name;
  if (r.is("identifier")) {
    name = text(r);
  } else if (r.is("member_expression")) {
    name = text(r.field("property"));  // this.agent, t.context.api
  } else {
    return Client::kNone;
  }
  for (auto it = clients_.rbegin(); it != clients_.rend(); ++it) {
    if (it->name != name) continue;
    if (base != nullptr) *base = it->base;
    return it->kind;
  }
  if (r.is("identifier")) {
    if (const ImportBinding* b = out_.import_of(name)) {
      if (one_of(std::string_view(b->module), kHttpModules)) return Client::kLocalHttp;
      if (one_of(std::string_view(b->module), kAppClientModules)) return Client::kNone;
    }
    if (name == "axios" || name == "got" || name == "frisby" || name == "superagent") {
      return Client::kLocalHttp;
    }
  }
  return client_like_name(name) ? Client::kApp : Client::kNone;
}

// A client made by `call` and kept in a variable or property: `const api = request(app)`,
// `agent = request.agent(app)`, `this.client = axios.create({ baseURL })`.
void Extractor::remember_client(const SyntaxNode& call, Client kind, std::string base) {
  SyntaxNode at = call;
  SyntaxNode parent = call.parent();
  for (int i = 0; i < 3 && (parent.is("await_expression") || parent.is("parenthesized_expression"));
       ++i) {
    at = parent;
    parent = parent.parent();
  }
  SyntaxNode name;
  if (parent.is("variable_declarator")) {
    name = parent.field("name");
  } else if (parent.is("assignment_expression")) {
    name = parent.field("left").unwrapped();
    if (name.is("member_expression")) name = name.field("property");
  }
  if (name.is("identifier") || name.is("property_identifier")) {
    clients_.push_back(ClientName{std::string(text(name)), kind, std::move(base)});
  }
}

void Extractor::add_test_request(std::string method, const SyntaxNode& url, Client kind,
                                 const std::string& base, std::uint32_t at) {
  std::string raw;
  path_of(url, raw, 0);
  std::string path;
  if (raw.starts_with("http://") || raw.starts_with("https://")) {
    const std::string_view rest = std::string_view(raw).substr(raw.find("://") + 3);
    const std::size_t slash = rest.find_first_of("/?#");
    const std::string_view host = rest.substr(0, slash);
    if (!local_host(host)) return;  // another server, or a host known only at run time
    path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  } else if (kind == Client::kLocalHttp) {
    if (base.empty()) return;  // a relative URL with no local base we know
    path = base;
    if (!path.ends_with('/') && !raw.starts_with('/')) path.push_back('/');
    if (path.ends_with('/') && raw.starts_with('/')) path.pop_back();
    path += raw;
  } else {
    path = raw;
  }
  path = path.substr(0, path.find_first_of("?#"));
  // Nothing but wildcards and slashes: the test sends a request, to a path we cannot know.
  if (std::all_of(path.begin(), path.end(),
                  [](char c) { return c == kTestWildcard || c == '/'; })) {
    path.clear();
  }
  out_.test_requests.push_back(
      TestRequest{std::move(method), std::move(path), out_.values.line_of(at)});
}

void Extractor::on_test_call(const SyntaxNode& call) {
  const SyntaxNode args = call.field("arguments");
  if (!args.is("arguments")) return;  // tagged template
  const SyntaxNode callee = call.field("function").unwrapped();
  const SyntaxNode first = args.named_child_count() > 0 ? args.named_child(0) : SyntaxNode();
  for (std::uint32_t i = 0; i < args.named_child_count(); ++i) {
    if (is_function_node(args.named_child(i))) return;  // a registration, a hook, a callback
  }

  if (callee.is("identifier")) {
    const std::string_view name = text(callee);
    const ImportBinding* b = out_.import_of(name);
    const bool http = (b != nullptr && one_of(std::string_view(b->module), kHttpModules)) ||
                      name == "fetch" || name == "axios" || name == "got";
    if (http && !first.is_null()) {
      // fetch(url, { method }), got(url, { method }), axios(url, { method }), axios({ url, method
      // })
      SyntaxNode url = first;
      SyntaxNode options = args.named_child_count() > 1 ? args.named_child(1) : SyntaxNode();
      if (first.unwrapped().is("object")) {
        options = first;
        url = SyntaxNode();
      }
      std::string method = "GET";
      if (!options.is_null() && options.unwrapped().is("object")) {
        const SyntaxNode o = options.unwrapped();
        for (std::uint32_t i = 0; i < o.named_child_count(); ++i) {
          const SyntaxNode p = o.named_child(i);
          if (!p.is("pair")) continue;
          const std::string_view k = text(p.field("key"));
          const SyntaxNode v = p.field("value").unwrapped();
          if (k == "method" || k == "'method'" || k == "\"method\"") {
            method = v.is("string") ? http_method(string_contents(v)) : std::string();
          } else if (k == "url" && url.is_null()) {
            url = v;
          }
        }
      }
      if (!url.is_null()) add_test_request(method, url, Client::kLocalHttp, {}, call.start_byte());
      return;
    }
  }

  // Clients kept for later: supertest-like ones, and axios.create / got.extend with a local base.
  if (callee.is("member_expression")) {
    const std::string_view prop = text(callee.field("property"));
    const SyntaxNode object = callee.field("object").unwrapped();
    if ((prop == "create" || prop == "extend") && object.is("identifier") &&
        client_of(object, nullptr, 0) == Client::kLocalHttp) {
      std::string base;
      if (!first.is_null() && first.unwrapped().is("object")) {
        const SyntaxNode o = first.unwrapped();
        for (std::uint32_t i = 0; i < o.named_child_count(); ++i) {
          const SyntaxNode p = o.named_child(i);
          if (!p.is("pair")) continue;
          const std::string_view k = text(p.field("key"));
          if (k != "baseURL" && k != "prefixUrl" && k != "baseUrl") continue;
          std::string url;
          path_of(p.field("value"), url, 0);
          if (url.starts_with("http://") || url.starts_with("https://")) {
            const std::string_view rest = std::string_view(url).substr(url.find("://") + 3);
            const std::size_t slash = rest.find('/');
            if (local_host(rest.substr(0, slash))) {
              base = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
            }
          }
        }
      }
      // A client of another server is remembered too, so its name does not pass for an app's.
      remember_client(call, base.empty() ? Client::kNone : Client::kLocalHttp, base);
      return;
    }
  }
  if (is_app_client_call(call)) {
    remember_client(call, Client::kApp, {});
    return;
  }

  // A request: client.get(path), client['post'](path), app.inject({ method, url }).
  std::string method;
  SyntaxNode receiver;
  std::uint32_t at = call.start_byte();
  if (callee.is("member_expression")) {
    const SyntaxNode prop = callee.field("property");
    receiver = callee.field("object");
    at = prop.start_byte();
    if (text(prop) == "inject") {
      if (first.is_null()) return;
      const SyntaxNode f = first.unwrapped();
      if (f.is("object")) {
        std::string m = "GET";
        SyntaxNode url;
        for (std::uint32_t i = 0; i < f.named_child_count(); ++i) {
          const SyntaxNode p = f.named_child(i);
          if (p.is("shorthand_property_identifier")) {
            if (text(p) == "method") m.clear();
            if (text(p) == "url") url = p;
            continue;
          }
          if (!p.is("pair")) continue;
          const std::string_view k = text(p.field("key"));
          const SyntaxNode v = p.field("value").unwrapped();
          if (k == "method") {
            m = v.is("string") ? http_method(string_contents(v)) : std::string();
          } else if (k == "url" || k == "path") {
            url = v;
          }
        }
        if (url.is_null()) return;
        add_test_request(m, url, Client::kApp, {}, at);
      } else {
        add_test_request("GET", f, Client::kApp, {}, at);  // server.inject('/path')
      }
      return;
    }
    method = http_method(text(prop));
    if (method.empty()) return;
  } else if (callee.is("subscript_expression")) {
    // client['post'](path), client[method](path)
    const SyntaxNode index = callee.field("index").unwrapped();
    receiver = callee.field("object");
    at = index.start_byte();
    if (index.is("string")) {
      method = http_method(string_contents(index));
      if (method.empty()) return;
    } else if (index.is("identifier")) {
      const std::string m = const_string(text(index));
      method = m.empty() ? std::string() : http_method(m);
      if (!m.empty() && method.empty()) return;
    } else {
      return;
    }
  } else {
    return;
  }
  if (first.is_null()) return;
  std::string base;
  const Client kind = client_of(receiver, &base, 0);
  if (kind == Client::kNone) return;
  add_test_request(std::move(method), first, kind, base, at);
}

}  // namespace nodescope::facts
