// security/nosql-injection: Request input that can carry query operators is passed as a MongoDB
// or mongoose query filter.
// On the shared data-flow summaries (rules/dataflow): the filter (first argument) of find/findOne/
// update*/delete*/count*/distinct/where/... on a receiver bound to mongoose or the MongoDB driver
// (directly, or a model from a project module that makes one). Only input that can be an object
// counts: parsed bodies (JSON, urlencoded extended), and Express query strings (qs turns
// `?a[$ne]=x` into an object) unless the project pins Express 5 (simple parser). Route params,
// headers, Koa/Hapi/Fastify query strings are strings and stay silent. A route whose chain holds a
// sanitiser (express-mongo-sanitize, a *sanitize* middleware) or any validation (a schema) is
// skipped; casts (String, Number), sanitize*/validate* calls and allow-list checks untaint.
#include <array>
#include <string>

#include "dataflow/dataflow.h"
#include "nodescope/syntax.h"
#include "registry.h"
#include "rule_util.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 1> kCwe = {943};
constexpr std::array<std::string_view, 4> kTags = {"security", "injection", "nosql", "owasp-a03"};
constexpr RuleMeta kMeta{
    .id = "security/nosql-injection",
    .summary =
        "Request input that can carry query operators is passed as a MongoDB or mongoose query "
        "filter.",
    .severity = Severity::kError,
    .confidence = Confidence::kHigh,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = dataflow::kNodeKinds,
    .needs_model = true,
};

constexpr std::array<std::string_view, 22> kFilterMethods = {"find",
                                                             "findOne",
                                                             "findOneAndUpdate",
                                                             "findOneAndDelete",
                                                             "findOneAndReplace",
                                                             "findOneAndRemove",
                                                             "updateOne",
                                                             "updateMany",
                                                             "update",
                                                             "deleteOne",
                                                             "deleteMany",
                                                             "remove",
                                                             "replaceOne",
                                                             "count",
                                                             "countDocuments",
                                                             "distinct",
                                                             "where",
                                                             "exists",
                                                             "findAll",
                                                             "findBy",
                                                             "findOneBy",
                                                             "findAndCount"};

bool select(const dataflow::SinkHit& s, dataflow::Taint& out) {
  if (s.kind != dataflow::SinkKind::kDb || s.first.empty()) return false;
  if (!one_of(std::string_view(s.method), kFilterMethods)) return false;
  out = s.first;
  return true;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

class NosqlInjection final : public dataflow::Consumer {
 public:
  NosqlInjection() : Consumer(kMeta) {}
  void analyze(ProgramContext& ctx) const override {
    const ModelView* model = ctx.model();
    if (model == nullptr) return;
    // Express 5 parses query strings with the simple parser: values are strings, never objects.
    bool express5 = false;
    for (const FrameworkVersion& f : model->frameworks()) {
      if (f.name == "express" && f.major >= 5) express5 = true;
    }
    dataflow::RouteRule rule;
    rule.select = select;
    rule.noun = "query filter";
    rule.mongo_only = true;
    rule.dto_sources = false;  // class-validator types each field: an object is not a string
    rule.source_ok = [express5](const Route& route, const std::string& source) {
      if (contains(source, ".body") || contains(source, ".payload") ||
          contains(source, "@Body()")) {
        return true;
      }
      const bool express = route.framework == "express" || route.framework == "nestjs";
      return express && !express5 && (contains(source, ".query") || contains(source, "@Query()"));
    };
    rule.route_safe = [](const Route& route) {
      if (route.validated) return true;
      for (const RouteMiddleware& m : route.middleware) {
        if (contains(m.name, "anitize")) return true;  // mongoSanitize(), sanitize(), ...
      }
      return false;
    };
    dataflow::analyze_routes(ctx, rule);
  }
};

}  // namespace

const Rule& security_nosql_injection() {
  static const NosqlInjection kRule;
  return kRule;
}

}  // namespace nodescope::rules
