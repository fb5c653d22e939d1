// The reporters: pure functions from a finished scan result (or rule metadata) to the bytes of one
// output format. No I/O, no clocks, no environment: the caller decides where bytes go and passes
// anything run-specific (tool version, colour, timings) in explicitly.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "nodescope/result.h"
#include "nodescope/rule.h"

namespace nodescope::reports {

struct ToolInfo {
  std::string name = "nodescope";
  std::string version;
};

// The JSON contract (README "JSON output"): version, tool, findings, diagnostics, stats. Pretty
// printed with two-space indent and a final newline. Byte-identical for identical results.
std::string to_json(const ScanResult& result, const ToolInfo& tool);

// `nodescope report` / `scan --format markdown`: the NODE.JS BACKEND ANALYSIS report from a
// result with a summary (EngineOptions::build_summary): header facts, then Architecture
// Overview, API Design, Database Schema, Performance Metrics, Security Measures, Deployment
// Strategy and Self-Verification, one set per service. Table cells have pipes escaped. The JSON
// form is the `summary` object to_json adds when the result has one.
std::string to_markdown(const ScanResult& result);

struct TextOptions {
  bool color = false;
  bool show_timings = false;  // append the timing line (not deterministic; text output only)
};

// ESLint-style text: findings grouped by file, then diagnostics, then a summary line.
std::string to_text(const ScanResult& result, const TextOptions& options);

// `nodescope routes`: the route table. JSON: {"routes": [...]} in the documented shape; text: a
// table with method, path, flags (auth, validation, rate limit), handler and where it is defined.
std::string routes_to_json(const std::vector<Route>& routes,
                           const std::vector<FrameworkVersion>& frameworks = {});
std::string routes_to_text(const std::vector<Route>& routes);
// OpenAPI 3.1: one path item per route path (`:id` and Hapi's `{id*}` become `{id}` with a path
// parameter), an operation per method (ALL becomes every standard method the path does not
// define otherwise), a security requirement where the chain authenticates, and the chain and
// source location as x-nodescope-* extensions. Dynamic routes are left out (counted in
// info.description), since their paths are not known.
std::string routes_to_openapi(const std::vector<Route>& routes, const std::string& title);

// SARIF 2.1.0 for code hosts (GitHub code scanning, GitLab, Azure DevOps). Everything run-specific
// comes in here; the reporter reads no files (ADR 0003: rule READMEs are embedded at build time
// and handed in through `rule_help`).
struct SarifOptions {
  ToolInfo tool;
  std::string information_uri;  // the project's home page (driver.informationUri); "" leaves it out
  // driver.rules, in this order (results point into it with ruleIndex). A finding whose rule is
  // not listed still gets a result, with ruleId only.
  std::span<const Rule* const> rules;
  // The rule's README (markdown) by id, used as help.text / help.markdown and for
  // fullDescription; "" (or no function) falls back to the rule's summary.
  std::function<std::string_view(std::string_view)> rule_help;
  // The scan root as an absolute path (forward slashes), written as a file URI ending in '/' in
  // originalUriBaseIds["%SRCROOT%"].uri; "" leaves the uri out (consumers then resolve against
  // their checkout, as code hosts do).
  std::string source_root;
  // runs[0].automationDetails.id: the category GitHub keys alerts by ("nodescope/").
  std::string automation_id = "nodescope/";
};

// One run: driver and rules with help, precision, security-severity and CWE tags; one result per
// finding (relative URI with uriBaseId %SRCROOT%, 1-based region in UTF-16 columns, the
// fingerprint as partialFingerprints["nodescopeFingerprint/v1"]); diagnostics as
// toolExecutionNotifications of the single invocation. Two-space indent, final newline,
// byte-identical for identical input.
std::string to_sarif(const ScanResult& result, const SarifOptions& options);

// `::error file=..,line=..,col=..,endLine=..,endColumn=..,title=rule::message` per finding
// (GitHub Actions workflow commands; note severity as ::notice); then diagnostics: an internal
// error as ::warning, other problems as ::notice, routine skips (minified, too large) as ::debug.
std::string to_github(const ScanResult& result);

// GitLab Code Quality (a JSON array of issues: description, check_name, fingerprint, severity,
// location.path, location.lines). Severity: note -> info, warning -> minor, error -> major, and
// error in a security rule (of `rules`) -> critical; see the README.
std::string to_gitlab(const ScanResult& result, std::span<const Rule* const> rules);

// JUnit XML: one <testsuite name="nodescope">, a failing <testcase> per finding (classname =
// file, name = "rule at line:column"), a single passing testcase when there is none, and
// diagnostics in <system-err>.
std::string to_junit(const ScanResult& result, const ToolInfo& tool);

// `nodescope baseline`: the findings to accept, as versioned JSON (version 1): each finding's
// ruleId, file and fingerprint (what `scan --baseline` matches on) and its message (for people
// reviewing the file), sorted by file, rule and fingerprint. No line numbers: regenerating after
// unrelated edits that only move code gives the same bytes.
std::string to_baseline(const ScanResult& result);

// `nodescope rules`: every rule's metadata.
std::string rules_to_json(std::span<const Rule* const> rules, const ToolInfo& tool);
std::string rules_to_text(std::span<const Rule* const> rules);

}  // namespace nodescope::reports
