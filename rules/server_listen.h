// Where a project starts a server, for the rules that judge entry points
// (reliability/no-graceful-shutdown, reliability/no-unhandled-rejection-handler). Per file, from
// on_node: listen_call() turns `X.listen(...)` / Hapi's `server.start()` into a Listen when the
// receiver may be a server (a createServer()/express()/fastify() call, a name, an imported name,
// `this.x`). In analyze, ServerFiles keeps the listens that start a server the model knows: an app
// created in the same file, a file that calls http(s).createServer, or (lower confidence) a name
// imported from the file that creates the app.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "nodescope/model.h"
#include "nodescope/rule.h"
#include "nodescope/syntax.h"

namespace nodescope::rules {

struct Listen {
  Range range;
  bool direct = false;  // on createServer(...) / express() / fastify() itself
  bool hapi = false;    // server.start()
  std::string spec;     // the receiver is imported from this module
};

// For a call `node` whose callee is the member expression `callee` with property `method`: the
// Listen when it is `.listen(...)` or `.start()` on something that may be a server.
inline std::optional<Listen> listen_call(const SyntaxNode& node, const SyntaxNode& callee,
                                         std::string_view method, FileContext& ctx) {
  if (method != "listen" && method != "start") return std::nullopt;
  const SyntaxNode recv = callee.field("object").unwrapped();
  Listen l;
  l.range = ctx.range(node);
  l.hapi = method == "start";
  if (recv.is("call_expression")) {
    if (l.hapi) return std::nullopt;
    const SyntaxNode f = recv.field("function").unwrapped();
    const std::string_view ft = ctx.text(f.is("member_expression") ? f.field("property") : f);
    if (ft != "createServer" && ft != "express" && ft != "fastify" && ft != "Fastify") {
      return std::nullopt;
    }
    l.direct = true;
  } else if (recv.is("identifier")) {
    // server.start(): only on a name that says it is the server (jobs and queues start too).
    if (l.hapi && ctx.text(recv).find("erver") == std::string_view::npos) return std::nullopt;
    const ImportBinding* b = ctx.import_of(ctx.text(recv));
    if (b != nullptr && !b->module.empty() && b->module[0] == '.') l.spec = b->module;
  } else if (l.hapi || !recv.is("member_expression") || !recv.field("object").is("this")) {
    return std::nullopt;
  }
  return l;
}

// The files where the model saw an app created (all frameworks, and Hapi's alone).
class ServerFiles {
 public:
  explicit ServerFiles(const ModelView& model) : model_(model) {
    for (const App& a : model.apps()) {
      if (!a.site.known()) continue;
      apps_.insert(a.site.file);
      if (a.framework == "hapi") hapi_.insert(a.site.file);
    }
  }

  // Whether `l` (in `path`, a file that calls createServer when `creates_server`) starts a server
  // the model knows; `imported` is set when only a name imported from the app's file says so.
  bool starts_server(std::string_view path, const Listen& l, bool creates_server,
                     bool& imported) const {
    const std::string p(path);
    if (l.hapi) return hapi_.count(p) != 0;
    if (l.direct || creates_server || apps_.count(p) != 0) return true;
    if (l.spec.empty()) return false;
    imported = true;
    return apps_.count(model_.resolve_module(path, l.spec)) != 0;
  }

 private:
  const ModelView& model_;
  std::set<std::string> apps_;
  std::set<std::string> hapi_;
};

}  // namespace nodescope::rules
