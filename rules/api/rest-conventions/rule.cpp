// api/rest-conventions: route paths that break REST conventions, judged per app over the route
// table: verbs in paths (`/getUsers`, `/orders/create`), a resource named singular with an id
// (`/user/:id`) while the app also uses the plural (`/users`), and GET routes whose handler
// reaches a database write (create/insert/update/save/delete) or a file deletion.
// Per file: the rules/reach.h call index, plus write calls on receivers db_binding.h binds to a
// database. In analyze: one note per offending route at its registration; an app whose routes are
// mostly verb-named (RPC style, at least five) gets one note at the app instead of one per route.
// Left out on purpose: link-driven GET flows (OAuth callbacks, e-mail verification, unsubscribe,
// logout), counters and audit-log writes, key-value caches, file writes other than deletions.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "db_binding.h"
#include "nodescope/syntax.h"
#include "reach.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<std::string_view, 2> kTags = {"api", "rest"};
constexpr std::array<std::string_view, 11> kKinds = {"call_expression",
                                                     "function_declaration",
                                                     "generator_function_declaration",
                                                     "function_expression",
                                                     "function",
                                                     "generator_function",
                                                     "arrow_function",
                                                     "method_definition",
                                                     "variable_declarator",
                                                     "import_statement",
                                                     "new_expression"};
constexpr RuleMeta kMeta{
    .id = "api/rest-conventions",
    .summary =
        "Route paths that break REST conventions: verbs in paths, mixed singular and plural "
        "resource names, GET routes that write.",
    .severity = Severity::kNote,
    .confidence = Confidence::kMedium,
    .cwe = {},
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 14> kVerbPrefixes = {
    "get",  "create", "update", "delete", "remove",   "add",  "fetch",
    "edit", "save",   "insert", "modify", "retrieve", "list", "destroy"};
constexpr std::array<std::string_view, 9> kVerbSegments = {
    "create", "update", "delete", "remove", "get", "fetch", "insert", "modify", "destroy"};

constexpr std::array<std::string_view, 26> kWriteMethods = {"create",
                                                            "insert",
                                                            "insertOne",
                                                            "insertMany",
                                                            "update",
                                                            "updateOne",
                                                            "updateMany",
                                                            "save",
                                                            "delete",
                                                            "deleteOne",
                                                            "deleteMany",
                                                            "destroy",
                                                            "remove",
                                                            "upsert",
                                                            "findOneAndUpdate",
                                                            "findByIdAndUpdate",
                                                            "findByIdAndDelete",
                                                            "findOneAndDelete",
                                                            "findByIdAndRemove",
                                                            "findOneAndRemove",
                                                            "bulkCreate",
                                                            "createMany",
                                                            "replaceOne",
                                                            "bulkWrite",
                                                            "truncate",
                                                            "drop"};
constexpr std::array<std::string_view, 6> kFsDeletes = {"unlink", "unlinkSync", "rm",
                                                        "rmSync", "rmdir",      "rmdirSync"};

// GET flows that are driven by links or redirects, where a write is expected.
constexpr std::array<std::string_view, 14> kLinkFlows = {
    "callback", "verify", "confirm", "activate", "unsubscribe", "logout", "oauth",
    "login",    "signin", "sso",     "webhook",  "track",       "magic",  "invite"};
// Receivers whose writes are bookkeeping, not the resource: logs, audits, counters.
constexpr std::array<std::string_view, 9> kBookkeeping = {
    "log", "audit", "event", "visit", "view", "stat", "metric", "session", "token"};

struct WriteCandidate {
  std::uint32_t at = 0;
  std::string root;
  std::string label;
  bool fs = false;
};

struct Site {
  std::uint32_t at = 0;
  std::string label;
  std::string spec;  // non-empty: receiver from this project module (checked in analyze)
};

struct State : RuleState {
  reach::Collector collector;
  db::Binder binder;
  std::vector<WriteCandidate> writes;
};

struct Facts : RuleFacts {
  reach::Index index;
  std::vector<Site> sites;  // sorted by at
  bool imports_db = false;
  std::vector<std::string> project_imports;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains_word(std::string_view haystack, std::string_view needle) {
  return lower(haystack).find(needle) != std::string::npos;
}

// A segment split into lower-case words: getUsers -> get users, create-order -> create order.
std::vector<std::string> words(std::string_view seg) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    const char c = seg[i];
    if (c == '-' || c == '_' || c == '.') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) != 0 && !cur.empty() &&
        std::islower(static_cast<unsigned char>(cur.back())) != 0) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool is_param(std::string_view seg) {
  return (!seg.empty() && (seg[0] == ':' || seg[0] == '*')) ||
         (seg.size() > 2 && seg[0] == '{' && seg != "{dynamic}");
}

bool is_static_word(std::string_view seg) {
  if (seg.empty()) return false;
  for (char c : seg) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
  }
  return true;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = path.find('/', i);
    const std::size_t end = j == std::string_view::npos ? path.size() : j;
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

// The verb-named segment of a path, or "".
std::string_view verb_segment(std::string_view path) {
  for (std::string_view seg : segments(path)) {
    if (!is_static_word(seg)) continue;
    const std::vector<std::string> w = words(seg);
    if (w.empty()) continue;
    if (w.size() == 1 ? one_of(std::string_view(w[0]), kVerbSegments)
                      : one_of(std::string_view(w[0]), kVerbPrefixes)) {
      return seg;
    }
  }
  return {};
}

std::vector<std::string> plurals(const std::string& s) {
  std::vector<std::string> out = {s + "s", s + "es"};
  if (s.size() > 1 && s.back() == 'y') out.push_back(s.substr(0, s.size() - 1) + "ies");
  return out;
}

std::string route_name(const Route& r) { return r.method + " " + r.path; }

class RestConventions final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    State& st = ctx.state<State>();
    const std::string_view k = node.kind();
    if (k == "import_statement") {
      st.binder.on_import(node, ctx);
      return;
    }
    if (k == "variable_declarator") {
      st.binder.on_declarator(node, ctx);
      st.collector.on_declarator(node, ctx);
      return;
    }
    if (k == "new_expression") return;
    if (k != "call_expression") {
      if (k == "method_definition") st.binder.on_method(node, ctx);
      st.collector.on_function(node, ctx);
      return;
    }
    st.collector.on_call(node, ctx);
    const SyntaxNode callee = node.field("function");
    if (!callee.is("member_expression")) return;
    const std::string_view method = ctx.text(callee.field("property"));
    const bool fs = one_of(method, kFsDeletes);
    if (!fs && !one_of(method, kWriteMethods)) return;
    const std::string root = db::chain_root(callee.field("object"), ctx);
    if (root.empty()) return;
    const std::string_view args = ctx.text(node.field("arguments"));
    if (args.find("$inc") != std::string_view::npos) return;  // counters
    st.writes.push_back(
        WriteCandidate{node.start_byte(), root, root + "." + std::string(method) + "()", fs});
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    auto facts = std::make_unique<Facts>();
    facts->imports_db = st.binder.imports_db;
    facts->project_imports = st.binder.project_requires;
    for (const WriteCandidate& w : st.writes) {
      if (w.fs) {
        const ImportBinding* b = ctx.import_of(w.root);
        if (b == nullptr) continue;
        const std::string_view m = builtin_name(b->module);
        if (m != "fs" && m != "fs/promises" && m != "fs-extra") continue;
        facts->sites.push_back(Site{w.at, w.label, {}});
        continue;
      }
      if (w.root.rfind("require:", 0) == 0) continue;
      bool bookkeeping = false;
      for (const std::string& word : words(w.root)) {
        for (std::string_view b : kBookkeeping) {
          bookkeeping = bookkeeping || word == b || word == std::string(b) + "s";
        }
      }
      if (bookkeeping) continue;
      std::string spec;
      bool kv = false;
      if (!st.binder.bound(w.root, ctx, spec, kv) || kv) continue;
      facts->sites.push_back(Site{w.at, w.label, std::move(spec)});
    }
    facts->index = st.collector.finish(ctx);
    std::sort(facts->sites.begin(), facts->sites.end(),
              [](const Site& a, const Site& b) { return a.at < b.at; });
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr || model->routes().empty()) return;
    std::map<std::string, const Facts*> by_path;
    for (const ProgramContext::FileFacts& f : ctx.facts()) {
      by_path.emplace(std::string(f.path), static_cast<const Facts*>(f.facts));
    }

    // Group routes per app, skipping test files and registrations seen twice (mounted twice).
    std::map<std::int32_t, std::vector<const Route*>> apps;
    std::set<std::tuple<std::string, std::uint32_t, std::string>> seen;
    for (const Route& r : model->routes()) {
      if (!r.site.known() || model->is_test_file(r.site.file)) continue;
      if (!seen.emplace(r.site.file, r.site.start_byte, r.path).second) continue;
      apps[r.app].push_back(&r);
    }

    std::set<std::pair<std::string, std::uint32_t>> reported;  // one note per registration
    const auto report = [&](const Route& r, std::string msg) {
      if (!reported.emplace(r.site.file, r.site.start_byte).second) return;
      ctx.report(r.site, std::move(msg), Confidence::kMedium);
    };

    for (const auto& [app, routes] : apps) {
      // 1. Verbs in paths.
      std::vector<std::pair<const Route*, std::string_view>> verbs;
      for (const Route* r : routes) {
        const std::string_view v = verb_segment(r->path);
        if (!v.empty()) verbs.emplace_back(r, v);
      }
      const bool rpc_style = verbs.size() >= 5 && verbs.size() * 2 >= routes.size();
      if (rpc_style && app >= 0 && app < static_cast<std::int32_t>(model->apps().size()) &&
          model->apps()[app].site.known()) {
        std::string msg = std::to_string(verbs.size()) + " of " + std::to_string(routes.size()) +
                          " routes of this app name an action in the path (";
        for (std::size_t i = 0; i < verbs.size() && i < 3; ++i) {
          msg += (i == 0 ? "" : ", ") + route_name(*verbs[i].first);
        }
        msg += verbs.size() > 3 ? ", ...)" : ")";
        msg += ": REST paths name resources and let the HTTP method say the action";
        ctx.report(model->apps()[app].site, std::move(msg), Confidence::kMedium);
      } else {
        for (const auto& [r, v] : verbs) {
          report(*r, route_name(*r) + " names an action in the path ('" + std::string(v) +
                         "'): name the resource and let the HTTP method say the action (e.g. "
                         "GET /users, POST /orders, DELETE /items/:id)");
        }
      }

      // 2. Singular with an id while the plural is used under the same prefix in the app
      //    (`/api/user/:id` and `/api/users`; not `/posts/slug/:slug` against `/slugs`).
      std::map<std::string, const Route*> prefixed;  // lower-case "prefix|segment" -> first route
      const auto key_of = [](const std::vector<std::string_view>& segs, std::size_t i,
                             const std::string& seg) {
        std::string key;
        for (std::size_t j = 0; j < i; ++j) key += is_param(segs[j]) ? ":" : lower(segs[j]);
        return key + "|" + seg;
      };
      for (const Route* r : routes) {
        const std::vector<std::string_view> segs = segments(r->path);
        for (std::size_t i = 0; i < segs.size(); ++i) {
          if (is_static_word(segs[i])) prefixed.try_emplace(key_of(segs, i, lower(segs[i])), r);
        }
      }
      for (const Route* r : routes) {
        const std::vector<std::string_view> segs = segments(r->path);
        for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
          if (!is_static_word(segs[i]) || !is_param(segs[i + 1]) || segs[i].size() < 3) continue;
          const std::string s = lower(segs[i]);
          if (s.back() == 's') continue;
          for (const std::string& p : plurals(s)) {
            const auto it = prefixed.find(key_of(segs, i, p));
            if (it == prefixed.end()) continue;
            report(*r, route_name(*r) + " names the resource '" + std::string(segs[i]) +
                           "' while " + route_name(*it->second) + " uses '" + p +
                           "': use one name per resource (plural by convention)");
            break;
          }
          break;
        }
      }

      // 3. GET routes that write.
      const auto imports_db = [&](const std::string& p) {
        const auto it = by_path.find(p);
        return it != by_path.end() && it->second->imports_db;
      };
      const std::vector<std::string> none;
      const auto requires_of = [&](const std::string& p) -> const std::vector<std::string>& {
        const auto it = by_path.find(p);
        return it == by_path.end() ? none : it->second->project_imports;
      };
      const reach::Walker walker(*model, [&](const std::string& path) -> const reach::Index* {
        const auto it = by_path.find(path);
        return it == by_path.end() ? nullptr : &it->second->index;
      });
      for (const Route* r : routes) {
        if (r->method != "GET" || !r->handler_code.known()) continue;
        bool link_flow = false;
        for (std::string_view w : kLinkFlows) link_flow = link_flow || contains_word(r->path, w);
        if (link_flow) continue;
        std::string found;
        walker.walk(r->handler_code.file, r->handler_code.start_byte, r->handler_code.end_byte,
                    [&](const std::string& file, std::uint32_t start, std::uint32_t end,
                        const std::string& via) {
                      if (!found.empty()) return;
                      const auto it = by_path.find(file);
                      if (it == by_path.end()) return;
                      const std::vector<Site>& sites = it->second->sites;
                      auto s =
                          std::lower_bound(sites.begin(), sites.end(), start,
                                           [](const Site& x, std::uint32_t b) { return x.at < b; });
                      for (; s != sites.end() && s->at < end; ++s) {
                        if (!s->spec.empty() &&
                            !db::db_module(*model, file, s->spec, imports_db, requires_of)) {
                          continue;
                        }
                        found = s->label;
                        if (!via.empty()) found += " (through " + via + ")";
                        return;
                      }
                    });
        if (found.empty()) continue;
        report(*r, route_name(*r) + " writes: its handler reaches " + found +
                       "; GET must be safe, since crawlers, link prefetching and retries repeat "
                       "it: use POST, PUT, PATCH or DELETE");
      }
    }
  }
};

}  // namespace

const Rule& api_rest_conventions() {
  static const RestConventions kRule;
  return kRule;
}

}  // namespace nodescope::rules
