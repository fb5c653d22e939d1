// Inline suppressions, owned by the engine (clang-tidy's NOLINT model: rules never see them).
// Finds `nodescope-ignore-next-line`, `nodescope-ignore` and `nodescope-ignore-file` comments in a
// parsed file, removes the findings they cover once every finding of the scan is known, and
// builds the `meta/unused-suppression` findings for directives that covered nothing or named an
// unknown rule. Does not read files, know rule logic or print.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tree_sitter/api.h>

#include "nodescope/result.h"
#include "nodescope/rule.h"
#include "parse/line_index.h"

namespace nodescope::engine {

// The rule id under which the engine reports unused and malformed suppressions (its metadata,
// README and fixtures live in rules/meta/unused-suppression).
inline constexpr std::string_view kUnusedSuppressionRule = kUnusedSuppressionRuleId;

struct Suppression {
  enum class Scope : std::uint8_t { kNextLine, kSameLine, kFile };
  Scope scope = Scope::kSameLine;
  std::string directive;          // as written: "nodescope-ignore-next-line", ...
  std::vector<std::string> ids;   // rule ids as written; "*" means every rule
  std::vector<bool> used;         // per id: it covered at least one finding
  Range comment;                  // where the comment is (meta/unused-suppression reports there)
  std::uint32_t target_line = 0;  // the covered line (not for kFile)
  bool alone_on_line = false;     // nothing but the comment on its line (a hint for kSameLine)
  std::uint64_t line_hash = 0;    // of the comment's first line, for the report's fingerprint
  // Set when the comment is malformed (an unknown directive word, no rule ids): it suppresses
  // nothing and meta/unused-suppression reports this message.
  std::string problem;
};

// Finds the directive comments of one parsed file. A directive is a comment (`//`, `/* */`, JSX
// `{/* */}`) whose text starts with the directive word. The file's text is searched for
// "nodescope-ignore" (a memchr-speed scan; almost every file has no hit), and each hit is
// confirmed against the tree, so the word inside a string or a template is not a directive and
// the per-node walk pays nothing.
std::vector<Suppression> find_suppressions(std::string_view text, TSNode root,
                                           const parse::LineIndex& lines);

// What the engine knows when it applies suppressions.
struct SuppressionContext {
  std::set<std::string, std::less<>> known_ids;  // every registered rule id
  std::set<std::string, std::less<>> ran_ids;    // the rules that ran in this scan
  bool report_unused = false;                    // meta/unused-suppression is among them
  Severity severity = Severity::kWarning;        // its metadata
  Confidence confidence = Confidence::kHigh;
};

// Removes the findings covered by a suppression of their file (`suppressions` by file path) and
// returns how many were removed; then appends the meta/unused-suppression findings to `unused`
// (without fingerprints) when `ctx.report_unused`. Findings of meta/unused-suppression itself are
// never suppressed. An id of a rule that did not run neither counts as used nor is reported:
// whether it would have suppressed something is unknown.
std::uint64_t apply_suppressions(std::vector<Finding>& findings,
                                 std::map<std::string, std::vector<Suppression>>& suppressions,
                                 const SuppressionContext& ctx, std::vector<Finding>& unused);

}  // namespace nodescope::engine
