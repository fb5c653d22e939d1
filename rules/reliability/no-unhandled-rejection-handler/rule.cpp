// reliability/no-unhandled-rejection-handler: a server entry point with no process-level
// `unhandledRejection` listener anywhere in the project. Per project: the walk notes listen calls
// (and Hapi's server.start()), `process.on('unhandledRejection', ...)` and the packages that
// install such a listener; analyze keeps the listen calls that start a server the model knows
// (an app created in the same file or imported from the file that creates it, or
// http(s).createServer(...).listen) outside test files (ModelView::is_test_file), and reports them
// when nothing handles rejections. Projects that never listen (libraries, serverless handlers) stay
// silent.
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

constexpr std::array<int, 2> kCwe = {755, 248};
constexpr std::array<std::string_view, 2> kTags = {"reliability", "promises"};
constexpr std::array<std::string_view, 2> kKinds = {"call_expression", "import_statement"};
constexpr RuleMeta kMeta{
    .id = "reliability/no-unhandled-rejection-handler",
    .summary =
        "A server entry point starts listening while the project installs no process-level "
        "unhandledRejection handler.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

// Packages that install a process-level unhandledRejection listener when loaded or initialised.
constexpr std::array<std::string_view, 4> kHandlerPackages = {
    "make-promises-safe", "loud-rejection", "hard-rejection", "@sentry/node"};

struct Facts : RuleFacts {
  bool handled = false;
  bool uncaught = false;        // process.on('uncaughtException', ...)
  bool creates_server = false;  // http(s).createServer(...) somewhere in the file
  std::vector<Listen> listens;
};

struct State : RuleState {
  Facts facts;
};

bool handler_package(std::string_view spec) {
  for (std::string_view p : kHandlerPackages) {
    if (spec == p) return true;
  }
  return false;
}

class NoUnhandledRejectionHandler final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    if (node.is("import_statement")) {
      if (handler_package(string_value(node.field("source"), ctx))) {
        ctx.state<State>().facts.handled = true;
      }
      return;
    }
    const SyntaxNode callee = node.field("function").unwrapped();
    const SyntaxNode args = node.field("arguments");
    if (callee.is("identifier")) {
      const std::string_view name = ctx.text(callee);
      if (name == "require" && args.named_child_count() == 1 &&
          handler_package(string_value(args.named_child(0), ctx))) {
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
      if (ctx.text(callee.field("object")) != "process" || args.named_child_count() == 0) return;
      const std::string_view event = string_value(args.named_child(0), ctx);
      if (event == "unhandledRejection") ctx.state<State>().facts.handled = true;
      if (event == "uncaughtException") ctx.state<State>().facts.uncaught = true;
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
    if (!st.facts.handled && !st.facts.uncaught && st.facts.listens.empty()) return nullptr;
    return std::make_unique<Facts>(std::move(st.facts));
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    // Since Node 15 an unhandled rejection is raised as an uncaught exception, so an
    // uncaughtException listener sees it too: still reported (the issue asks for the
    // rejection handler), with low confidence.
    // Test files (the model's one notion, which the configuration's test patterns extend) are
    // left out: a test's server is no entry point, and its process handlers are the runner's.
    bool uncaught = false;
    for (const auto& ff : ctx.facts()) {
      if (model->is_test_file(ff.path)) continue;
      const auto* f = static_cast<const Facts*>(ff.facts);
      if (f->handled) return;
      uncaught = uncaught || f->uncaught;
    }
    for (std::string_view p : kHandlerPackages) {
      if (p == "@sentry/node" && model->has_dependency(p)) return;
    }
    const ServerFiles servers(*model);
    for (const auto& ff : ctx.facts()) {
      if (model->is_test_file(ff.path)) continue;
      const auto* f = static_cast<const Facts*>(ff.facts);
      for (const Listen& l : f->listens) {
        bool imported = false;
        if (!servers.starts_server(ff.path, l, f->creates_server, imported)) continue;
        Confidence confidence = imported ? Confidence::kMedium : Confidence::kHigh;
        if (uncaught) confidence = Confidence::kLow;
        ctx.report(ff.path, l.range,
                   std::string("the server starts here (") + (l.hapi ? "start()" : "listen()") +
                       ") but no process.on('unhandledRejection', ...) handler exists anywhere "
                       "in the project: a stray rejected promise kills the process (Node 15+) "
                       "without your logging or graceful shutdown; install one at start-up",
                   confidence);
      }
    }
  }
};

}  // namespace

const Rule& reliability_no_unhandled_rejection_handler() {
  static const NoUnhandledRejectionHandler kRule;
  return kRule;
}

}  // namespace nodescope::rules
