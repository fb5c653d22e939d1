// reliability/no-graceful-shutdown: a server entry point that starts listening while nothing in the
// project handles SIGTERM or SIGINT. Per project: the walk notes listen calls (and Hapi's
// server.start()), process-level SIGTERM/SIGINT listeners, Nest's enableShutdownHooks() and the
// packages that close a server on those signals (terminus, http-terminator, stoppable, lightship,
// close-with-grace, fastify-graceful-shutdown, ...); analyze keeps the listen calls that start a
// server the model knows (as reliability/no-unhandled-rejection-handler does) outside test files
// and reports the first one of each file when nothing handles the signals. A signal handler whose
// only effect is process.exit() is reported too, with low confidence: it ends requests as abruptly
// as the default. Projects that never listen (libraries, serverless handlers) stay silent.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "nodescope/model.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"
#include "server_listen.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {404};
constexpr std::array<std::string_view, 3> kTags = {"reliability", "shutdown", "ops"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "import_statement"};
constexpr RuleMeta kMeta{
    .id = "reliability/no-graceful-shutdown",
    .summary =
        "A server starts listening but nothing closes it on SIGTERM or SIGINT, so deploys "
        "and restarts cut in-flight requests.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// Packages that close servers on SIGTERM/SIGINT when used.
constexpr std::array<std::string_view, 13> kShutdownPackages = {"@godaddy/terminus",
                                                                "terminus",
                                                                "http-terminator",
                                                                "stoppable",
                                                                "lightship",
                                                                "close-with-grace",
                                                                "fastify-graceful-shutdown",
                                                                "http-graceful-shutdown",
                                                                "@moebius/http-graceful-shutdown",
                                                                "graceful-shutdown",
                                                                "node-graceful-shutdown",
                                                                "@hapi/good-shutdown",
                                                                "exit-hook"};

struct Facts : RuleFacts {
  bool handled = false;         // a signal handler that does more than exit, or a package
  bool exit_only = false;       // a signal handler whose only effect is process.exit()
  bool creates_server = false;  // http(s).createServer(...) somewhere in the file
  std::vector<Listen> listens;
};

struct State : RuleState {
  Facts facts;
};

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// Test files and folders: servers started there are test fixtures, not entry points.
bool is_test_path(std::string_view path) {
  std::string p;  // with a leading slash, so "test/x.js" matches "/test/"
  p.reserve(path.size() + 1);
  p.push_back('/');
  p.append(path);
  for (std::string_view part : {"/test/", "/tests/", "/__tests__/", "/spec/", "/e2e/",
                                "/__mocks__/", "/fixtures/", ".test.", ".spec.", ".e2e-spec."}) {
    if (p.find(part) != std::string::npos) return true;
  }
  return false;
}

// Whether a signal handler (its source text) only exits: it calls process.exit and nothing that
// closes, stops or drains anything.
bool exits_only(std::string_view handler) {
  if (!contains(handler, "process.exit")) return false;
  for (std::string_view word : {"close", "Close", "stop", "Stop", "shut", "Shut", "terminat",
                                "Terminat", "drain", "destroy", "disconnect", "Disconnect", "quit",
                                "end(", "cleanup", "teardown", "dispose", "kill"}) {
    if (contains(handler, word)) return false;
  }
  return true;
}

class NoGracefulShutdown final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("import_statement")) {
      if (one_of(string_value(node.field("source"), ctx), kShutdownPackages)) {
        ctx.state<State>().facts.handled = true;
      }
      return;
    }
    const SyntaxNode callee = node.field("function").unwrapped();
    const SyntaxNode args = node.field("arguments");
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      if (name == "require" && args.named_child_count() == 1 &&
          one_of(string_value(args.named_child(0), ctx), kShutdownPackages)) {
        ctx.state<State>().facts.handled = true;
      } else if (name == "createServer") {
        ctx.state<State>().facts.creates_server = true;
      }
      return;
    }
    if (!callee.is("member_expression")) return;
    const std::string_view method = ctx.text(callee.field("property"));
    if (method == "on" || method == "once" || method == "addListener" ||
        method == "prependListener") {
      if (ctx.text(callee.field("object")) != "process" || args.named_child_count() < 2) return;
      const std::string_view event = string_value(args.named_child(0), ctx);
      if (event != "SIGTERM" && event != "SIGINT") return;
      if (exits_only(ctx.text(args.named_child(1)))) {
        ctx.state<State>().facts.exit_only = true;
      } else {
        ctx.state<State>().facts.handled = true;
      }
      return;
    }
    if (method == "enableShutdownHooks") {
      ctx.state<State>().facts.handled = true;
      return;
    }
    if (method == "createServer") {
      ctx.state<State>().facts.creates_server = true;
      return;
    }
    if (std::optional<Listen> l = listen_call(node, callee, method, ctx)) {
      ctx.state<State>().facts.listens.push_back(std::move(*l));
    }
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    if (!st.facts.handled && !st.facts.exit_only && st.facts.listens.empty()) return nullptr;
    // A test's server is no entry point, and its signal handlers are the test runner's.
    if (is_test_path(ctx.path())) return nullptr;
    return std::make_unique<Facts>(std::move(st.facts));
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    bool exit_only = false;
    for (const auto& ff : ctx.facts()) {
      const auto* f = static_cast<const Facts*>(ff.facts);
      if (f->handled) return;
      exit_only = exit_only || f->exit_only;
    }
    for (std::string_view p : kShutdownPackages) {
      // Wired up in a way the walk does not see (a config file, a framework plugin list).
      if (p != "exit-hook" && model->has_dependency(p)) return;
    }
    const ServerFiles servers(*model);
    for (const auto& ff : ctx.facts()) {
      const auto* f = static_cast<const Facts*>(ff.facts);
      for (const Listen& l : f->listens) {
        bool imported = false;
        if (!servers.starts_server(ff.path, l, f->creates_server, imported)) continue;
        Confidence confidence = imported ? Confidence::kLow : Confidence::kMedium;
        std::string message =
            std::string("the server starts here (") + (l.hapi ? "start()" : "listen()") + ") but ";
        if (exit_only) {
          message +=
              "the project's SIGTERM/SIGINT handler only calls process.exit() without closing "
              "it";
          confidence = Confidence::kLow;
        } else {
          message += "nothing in the project handles SIGTERM or SIGINT to close it";
        }
        message +=
            ": on a deploy, scale-down or restart the process dies with requests in flight and "
            "connections open; on SIGTERM stop accepting connections (server.close(), "
            "app.close(), Nest's enableShutdownHooks(), @godaddy/terminus), finish what is "
            "running, then exit";
        ctx.report(ff.path, l.range, std::move(message), confidence);
        break;  // one finding per entry point
      }
    }
  }
};

}  // namespace

const Rule& reliability_no_graceful_shutdown() {
  static const NoGracefulShutdown kRule;
  return kRule;
}

}  // namespace nodescope::rules
