// reliability/no-unhandled-rejection-handler: A server entry point starts listening while the project installs no process-level unhandledRejection handler.
// TODO: say what the rule judges, per file or per app/route, and what it deliberately leaves out.
#include <array>

#include "nodescope/syntax.h"
#include "registry.h"

namespace nodescope::rules {
namespace {

constexpr std::array<int, 0> kCwe = {};
constexpr std::array<std::string_view, 1> kTags = {"reliability"};
constexpr std::array<std::string_view, 1> kKinds = {"call_expression"};
constexpr RuleMeta kMeta{
    .id = "reliability/no-unhandled-rejection-handler",
    .summary = "A server entry point starts listening while the project installs no process-level unhandledRejection handler.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kMedium,
    .cwe = kCwe,
    .tags = kTags,
    .node_kinds = kKinds,
};

class NoUnhandledRejectionHandler final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }
  void on_node(const SyntaxNode& /*node*/, FileContext& /*ctx*/) const override {}
};

}  // namespace

const Rule& reliability_no_unhandled_rejection_handler() {
  static const NoUnhandledRejectionHandler kRule;
  return kRule;
}

}  // namespace nodescope::rules
