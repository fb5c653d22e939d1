// performance/sync-io-in-handler: blocking calls (fs *Sync, child_process execSync/execFileSync/
// spawnSync, crypto pbkdf2Sync/scryptSync/generateKeyPairSync/generatePrimeSync, bcrypt and
// bcryptjs hashSync/compareSync, zlib *Sync) reachable from a route handler.
// Per file: candidate calls (callee name ending in Sync, a cheap check) are kept during the walk
// and judged in end_file once imports are known; the call index of rules/reach.h records function
// spans and calls to project functions. In analyze, each route's handler code is walked up to
// three calls deep across files. One finding per blocking call site, naming one route (the first
// in route order) and counting the others. Sync calls outside any reached function (module top
// level, startup code, CLI scripts, require-time config loading) are never reported.
#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "nodescope/syntax.h"
#include "reach.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

// No CWE: CWE-1050 is about work repeated in loops, not about blocking the event loop.
constexpr std::array<std::string_view, 2> kTags = {"performance", "event-loop"};
constexpr std::array<std::string_view, 10> kKinds = {
    "variable_declarator",  "call_expression",
    "function_declaration", "generator_function_declaration",
    "function_expression",  "function",
    "generator_function",   "arrow_function",
    "method_definition",    "new_expression"};
constexpr RuleMeta kMeta{
    .id = "performance/sync-io-in-handler",
    .summary =
        "A blocking synchronous call (fs, child_process, crypto, zlib, bcrypt) is "
        "reachable from a route handler.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = {},
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 3> kChildProcess = {"execSync", "execFileSync", "spawnSync"};
constexpr std::array<std::string_view, 4> kCrypto = {"pbkdf2Sync", "scryptSync",
                                                     "generateKeyPairSync", "generatePrimeSync"};
constexpr std::array<std::string_view, 2> kBcrypt = {"hashSync", "compareSync"};

// Whether `name` imported from `module` blocks; the module label for the message.
bool blocking(std::string_view module, std::string_view name, std::string& label) {
  module = builtin_name(module);
  if (module == "fs" || module == "fs-extra" || module == "graceful-fs") {
    label = "fs";
    return true;  // every *Sync of fs blocks on the disk
  }
  if (module == "child_process") {
    label = "child_process";
    return one_of(name, kChildProcess);
  }
  if (module == "crypto") {
    label = "crypto";
    return one_of(name, kCrypto);
  }
  if (module == "zlib") {
    label = "zlib";
    return true;
  }
  if (module == "bcrypt" || module == "bcryptjs") {
    label = std::string(module);
    return one_of(name, kBcrypt);
  }
  return false;
}

struct Candidate {
  std::string object;  // receiver name, "require:<spec>" for require('x').f(), "" for bare f()
  std::string name;
  Range range;
  std::uint32_t at = 0;
};

struct Site {
  std::uint32_t at = 0;
  Range range;
  std::string label;  // fs.readFileSync
};

struct State : RuleState {
  reach::Collector collector;
  std::vector<Candidate> candidates;
};

struct Facts : RuleFacts {
  reach::Index index;
  std::vector<Site> sites;  // sorted by at
};

// Whether the call sits in a memoised loader: its function first returns a cached value when it
// has one (`if (cached !== undefined) return cached;`) and stores the result in that name, so
// the blocking call runs once, not per request.
bool memoised(const SyntaxNode& call, FileContext& ctx) {
  SyntaxNode fn = call.parent();
  SyntaxNode stmt = call;
  for (int guard = 0; guard < 32 && fn; ++guard) {
    const std::string_view k = fn.kind();
    if (k == "function_declaration" || k == "function_expression" || k == "arrow_function" ||
        k == "method_definition" || k == "function") {
      break;
    }
    stmt = fn;
    fn = fn.parent();
  }
  const SyntaxNode body = fn ? fn.field("body") : SyntaxNode();
  if (!body.is("statement_block")) return false;
  for (std::uint32_t i = 0; i < body.named_child_count(); ++i) {
    const SyntaxNode s = body.named_child(i);
    if (s.start_byte() >= call.start_byte()) break;
    if (!s.is("if_statement")) continue;
    SyntaxNode then = s.field("consequence");
    if (then.is("statement_block") && then.named_child_count() == 1) then = then.named_child(0);
    if (!then.is("return_statement") || then.named_child_count() != 1) continue;
    const SyntaxNode value = then.named_child(0).unwrapped();
    if (!value.is("identifier") && !value.is("member_expression")) continue;
    const std::string target = std::string(ctx.text(value)) + " =";
    const std::string_view rest = ctx.source().substr(s.end_byte(), body.end_byte() - s.end_byte());
    if (rest.find(target) != std::string_view::npos) return true;
  }
  (void)stmt;
  return false;
}

bool ends_with_sync(std::string_view s) { return s.size() > 4 && s.substr(s.size() - 4) == "Sync"; }

class SyncIoInHandler final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    State& st = ctx.state<State>();
    if (node.is("new_expression")) return;
    if (node.is("variable_declarator")) {
      st.collector.on_declarator(node, ctx);
      return;
    }
    if (!node.is("call_expression")) {
      st.collector.on_function(node, ctx);
      return;
    }
    st.collector.on_call(node, ctx);
    const SyntaxNode callee = node.field("function").unwrapped();
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      if (!ends_with_sync(name) || memoised(node, ctx)) return;
      st.candidates.push_back(Candidate{{}, std::string(name), ctx.range(node), node.start_byte()});
      return;
    }
    if (!callee.is("member_expression")) return;
    const std::string_view name = ctx.text(callee.field("property"));
    if (!ends_with_sync(name) || memoised(node, ctx)) return;
    const SyntaxNode obj = callee.field("object").unwrapped();
    std::string object;
    if (obj.is("identifier")) {
      object = std::string(ctx.text(obj));
    } else if (obj.is("call_expression")) {
      const SyntaxNode fn = obj.field("function");
      const SyntaxNode args = obj.field("arguments");
      if (!fn.is("identifier") || ctx.text(fn) != "require" || args.named_child_count() != 1) {
        return;
      }
      const std::string_view spec = string_value(args.named_child(0), ctx);
      if (spec.empty()) return;
      object = "require:" + std::string(spec);
    } else {
      return;
    }
    st.candidates.push_back(
        Candidate{std::move(object), std::string(name), ctx.range(node), node.start_byte()});
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    auto facts = std::make_unique<Facts>();
    for (const Candidate& c : st.candidates) {
      std::string module;
      std::string imported = c.name;
      if (c.object.rfind("require:", 0) == 0) {
        module = c.object.substr(8);
      } else if (c.object.empty()) {
        const ImportBinding* b = ctx.import_of(c.name);
        if (b == nullptr || b->is_module_object()) continue;
        module = b->module;
        imported = b->imported;
      } else {
        const ImportBinding* b = ctx.import_of(c.object);
        if (b == nullptr) continue;
        if (!b->is_module_object()) {
          // const { promises } = require('fs') is not sync; bcrypt default import is the module.
          continue;
        }
        module = b->module;
      }
      std::string label;
      if (!ends_with_sync(imported) || !blocking(module, imported, label)) continue;
      facts->sites.push_back(Site{c.at, c.range, label + "." + imported});
    }
    if (facts->sites.empty() && st.collector.functions.empty()) return nullptr;
    facts->index = st.collector.finish(ctx);
    std::sort(facts->sites.begin(), facts->sites.end(),
              [](const Site& a, const Site& b) { return a.at < b.at; });
    return facts;
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    std::map<std::string, const Facts*> by_path;
    bool any_site = false;
    for (const ProgramContext::FileFacts& f : ctx.facts()) {
      const auto* facts = static_cast<const Facts*>(f.facts);
      by_path.emplace(std::string(f.path), facts);
      any_site = any_site || !facts->sites.empty();
    }
    if (!any_site) return;
    const reach::Walker walker(*model, [&](const std::string& path) -> const reach::Index* {
      const auto it = by_path.find(path);
      return it == by_path.end() ? nullptr : &it->second->index;
    });

    struct Hit {
      const Site* site = nullptr;
      std::string route;
      std::string via;
      int others = 0;
    };
    std::map<std::pair<std::string, std::uint32_t>, Hit> hits;  // by (file, at): file order
    for (const Route& route : model->routes()) {
      if (!route.handler_code.known() || model->is_test_file(route.handler_code.file)) continue;
      const std::string name = route.method + " " + route.path;
      std::set<std::pair<std::string, std::uint32_t>> mine;
      walker.walk(
          route.handler_code.file, route.handler_code.start_byte, route.handler_code.end_byte,
          [&](const std::string& file, std::uint32_t start, std::uint32_t end,
              const std::string& via) {
            const auto it = by_path.find(file);
            if (it == by_path.end()) return;
            const std::vector<Site>& sites = it->second->sites;
            auto s = std::lower_bound(sites.begin(), sites.end(), start,
                                      [](const Site& x, std::uint32_t b) { return x.at < b; });
            for (; s != sites.end() && s->at < end; ++s) {
              const auto key = std::make_pair(file, s->at);
              if (!mine.insert(key).second) continue;
              auto [h, fresh] = hits.try_emplace(key);
              if (fresh) {
                h->second = Hit{&*s, name, via, 0};
              } else {
                ++h->second.others;
              }
            }
          });
    }
    for (const auto& [key, h] : hits) {
      std::string msg = h.route + " reaches " + h.site->label;
      if (!h.via.empty()) msg += " (through " + h.via + ")";
      if (h.others > 0) {
        msg +=
            " (and " + std::to_string(h.others) + " other route" + (h.others == 1 ? "" : "s") + ")";
      }
      msg +=
          ": it blocks the event loop, so every other request waits while it runs; use the "
          "asynchronous form";
      ctx.report(key.first, h.site->range, std::move(msg), Confidence::kMedium);
    }
  }
};

}  // namespace

const Rule& performance_sync_io_in_handler() {
  static const SyncIoInHandler kRule;
  return kRule;
}

}  // namespace nodescope::rules
