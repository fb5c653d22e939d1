// meta/unused-suppression: A nodescope-ignore comment suppressed nothing, or names a rule that does
// not exist. Metadata only. Suppressions belong to the engine (clang-tidy's NOLINT model: rules
// never see them), so the engine finds the directive comments, removes the findings they cover and,
// when this rule is among the rules it runs, reports the directives that covered nothing under this
// id (analyzer/src/engine/suppress.cpp). The class exists so the id is listed by `nodescope rules`,
// documented, switchable like any rule, and checked by the fixture runner.
#include <array>

#include "registry.h"

namespace nodescope::rules {
namespace {

constexpr std::array<std::string_view, 2> kTags = {"meta", "maintainability"};
constexpr RuleMeta kMeta{
    .id = kUnusedSuppressionRuleId,
    .summary =
        "A nodescope-ignore comment suppressed nothing, or names a rule that does not exist.",
    .severity = Severity::kWarning,
    .confidence = Confidence::kHigh,
    .cwe = {},
    .tags = kTags,
    .node_kinds = {},
};

class UnusedSuppression final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }
};

}  // namespace

const Rule& meta_unused_suppression() {
  static const UnusedSuppression kRule;
  return kRule;
}

}  // namespace nodescope::rules
