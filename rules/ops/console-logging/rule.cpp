// ops/console-logging: console.log/info/warn/error/debug/trace in the server code of a project that
// runs a service (the model found an app). One finding per file, at its first call, with the count.
// Per file the walk counts the calls; analyze reports the files that are server code and names the
// project's own logger when it depends on one (pino, winston, bunyan, log4js, Nest's Logger).
// Not server code (rules/server_code.h): tests, scripts and CLIs (also any file starting with a
// shebang), seeders, migrations, configuration files, build tooling, examples, docs, browser code;
// and the project's logger itself (a file whose name says logger or logging: console may be its
// transport). Calls where ESLint's no-console is turned off (eslint-disable-line, -next-line, or a
// file-level block) are deliberate and not counted. Projects with no app are not judged.
#include <array>
#include <string>

#include "nodescope/model.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"
#include "server_code.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 0> kCwe = {};
constexpr std::array<std::string_view, 2> kTags = {"ops", "logging"};
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "ops/console-logging",
    .summary = "Server code logs with console instead of a structured logger.",
    .severity = Severity::kNote,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 6> kMethods = {"log",   "info",  "warn",
                                                      "error", "debug", "trace"};

struct Logger {
  std::string_view package;
  std::string_view name;
};
constexpr std::array<Logger, 8> kLoggers = {{{"pino", "pino"},
                                             {"winston", "winston"},
                                             {"bunyan", "bunyan"},
                                             {"log4js", "log4js"},
                                             {"@nestjs/common", "Nest's Logger"},
                                             {"roarr", "roarr"},
                                             {"signale", "signale"},
                                             {"loglevel", "loglevel"}}};

struct Facts : RuleFacts {
  std::size_t count = 0;
  Range first;
};

struct State : RuleState {
  Facts facts;
};

// Whether an ESLint directive text turns no-console off: no rule list (all rules) or one that
// names no-console.
bool disables_console(std::string_view directive) {
  const std::size_t end = directive.find("*/");
  if (end != std::string_view::npos) directive = directive.substr(0, end);
  const std::size_t dash = directive.find("--");  // "-- reason" is a description
  if (dash != std::string_view::npos) directive = directive.substr(0, dash);
  for (char c : directive) {
    if (c != ' ' && c != '\t' && c != '\r')
      return directive.find("no-console") != std::string_view::npos;
  }
  return true;
}

// Whether the console call at `at` is deliberate: ESLint's no-console is turned off for its line
// (`// eslint-disable-line`, `// eslint-disable-next-line` above) or for the file
// (`/* eslint-disable no-console */`).
bool deliberate(std::string_view src, std::size_t at) {
  const std::size_t line_start = src.rfind('\n', at == 0 ? 0 : at - 1);
  const std::size_t begin = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::size_t line_end = src.find('\n', at);
  if (line_end == std::string_view::npos) line_end = src.size();
  const std::string_view line = src.substr(begin, line_end - begin);
  constexpr std::string_view kLine = "eslint-disable-line";
  if (std::size_t p = line.find(kLine); p != std::string_view::npos) {
    if (disables_console(line.substr(p + kLine.size()))) return true;
  }
  if (begin > 0) {
    const std::size_t prev_start = src.rfind('\n', begin - 1 == 0 ? 0 : begin - 2);
    const std::size_t pb = prev_start == std::string_view::npos || begin < 2 ? 0 : prev_start + 1;
    const std::string_view prev = src.substr(pb, begin - 1 - pb);
    constexpr std::string_view kNext = "eslint-disable-next-line";
    if (std::size_t p = prev.find(kNext); p != std::string_view::npos) {
      if (disables_console(prev.substr(p + kNext.size()))) return true;
    }
  }
  return false;
}

// A block directive that turns no-console off for the rest of the file.
bool file_disables_console(std::string_view src) {
  constexpr std::string_view kBlock = "/* eslint-disable";
  for (std::size_t p = src.find(kBlock); p != std::string_view::npos; p = src.find(kBlock, p + 1)) {
    const std::string_view rest = src.substr(p + kBlock.size());
    if (!rest.empty() && rest[0] == '-') continue;  // eslint-disable-line / -next-line
    if (disables_console(rest)) return true;
  }
  return false;
}

class ConsoleLogging final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void on_node(const SyntaxNode& node, FileContext& ctx) const override {
    const SyntaxNode callee = node.field("function");
    if (!callee.is("member_expression")) return;
    const SyntaxNode object = callee.field("object");
    if (!object.is("identifier") || ctx.text(object) != "console") return;
    if (!one_of(ctx.text(callee.field("property")), kMethods)) return;
    if (deliberate(ctx.source(), node.start_byte())) return;
    Facts& f = ctx.state<State>().facts;
    if (f.count++ == 0) f.first = ctx.range(node);
  }

  std::unique_ptr<RuleFacts> end_file(FileContext& ctx) const override {
    State& st = ctx.state<State>();
    if (st.facts.count == 0 || !non_server_reason(ctx.path()).empty()) return nullptr;
    if (ctx.source().starts_with("#!")) return nullptr;  // a CLI
    if (file_disables_console(ctx.source())) return nullptr;
    // The project's logger module, where console may be the transport.
    const std::string_view path = ctx.path();
    const std::string_view base = path.substr(path.rfind('/') + 1);
    if (base.find("logger") != std::string_view::npos ||
        base.find("logging") != std::string_view::npos ||
        base.find("Logger") != std::string_view::npos || base.starts_with("log.")) {
      return nullptr;
    }
    // A `console` of the file's own (`const console = require('./console')`).
    if (ctx.import_of("console") != nullptr) return nullptr;
    return std::make_unique<Facts>(st.facts);
  }

  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    // A service: some app created in server code (a library's test app does not make it one).
    bool service = false;
    for (const App& a : model->apps()) {
      service = service || (a.site.known() && !model->is_test_file(a.site.file) &&
                            non_server_reason(a.site.file).empty());
    }
    if (!service) return;
    std::string_view logger;
    for (const Logger& l : kLoggers) {
      if (model->has_dependency(l.package)) {
        logger = l.name;
        break;
      }
    }
    for (const auto& ff : ctx.facts()) {
      if (model->is_test_file(ff.path)) continue;
      const auto* f = static_cast<const Facts*>(ff.facts);
      std::string message =
          f->count == 1 ? std::string("console is used for logging in this server file")
                        : std::to_string(f->count) +
                              " console calls log from this server file (the first is here)";
      message +=
          ": console output has no levels to filter, no structure for the log pipeline to "
          "parse and no request context; ";
      if (!logger.empty()) {
        message += "use the project's logger " + std::string(logger);
      } else {
        message += "use a structured logger (pino, winston)";
      }
      ctx.report(ff.path, f->first, std::move(message), Confidence::kMedium);
    }
  }
};

}  // namespace

const Rule& ops_console_logging() {
  static const ConsoleLogging kRule;
  return kRule;
}

}  // namespace nodescope::rules
