// Plain data that crosses layers: positions, findings, diagnostics, statistics and the finished
// result of a scan. No behaviour beyond small helpers, no tree-sitter, no I/O: reporters and rules
// see only this. Field names mirror the JSON output contract (README "JSON output").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nodescope/model.h"
#include "nodescope/summary.h"

namespace nodescope {

enum class Severity : std::uint8_t { kNote, kWarning, kError };
enum class Confidence : std::uint8_t { kLow, kMedium, kHigh };
enum class Language : std::uint8_t { kJavaScript, kTypeScript, kTsx };

std::string_view to_string(Severity severity);
std::string_view to_string(Confidence confidence);
std::string_view to_string(Language language);
// Parses "error" / "warning" / "note"; returns false for anything else.
bool parse_severity(std::string_view text, Severity& out);

// A source range. Lines are 1-based; columns are 1-based and counted in UTF-16 code units (what
// JavaScript tools, editors and SARIF's utf16CodeUnits expect); bytes are 0-based offsets into
// the file as read (after a UTF-8 BOM, if any). End is exclusive.
struct Range {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  std::uint32_t end_line = 1;
  std::uint32_t end_column = 1;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
};

// One step of a traced source-to-sink flow: where, and what happens there ("req.query.id is
// request input", "passed to buildQuery()", "reaches knex.raw()").
struct FlowStep {
  std::string file;
  Range range;
  std::string message;
};

struct Finding {
  std::string rule_id;
  Severity severity = Severity::kWarning;
  Confidence confidence = Confidence::kMedium;
  std::string message;
  std::string file;  // relative to the scan root, forward slashes
  Range range;
  // Stable across unrelated line shifts: hash of rule, file, the normalised text of the reported
  // line and the occurrence index among identical (rule, file, line text) findings.
  std::string fingerprint;
  // Internal: hash of the reported line's normalised text, used to build the fingerprint.
  std::uint64_t line_hash = 0;
  // Internal: reported at a byte span (range.start_byte/end_byte); the engine fills the rest.
  bool needs_range = false;
  // The traced flow from source to sink, in order, when the rule traces one (else empty).
  std::vector<FlowStep> flow;
  // A short explanation by an LLM (`--explain`), added after the scan; empty when none was asked
  // for or the request failed (never changes anything else about the finding).
  std::string explanation;
};

// Why a file (or the scan) could not be analysed completely. Kinds are part of the JSON contract.
namespace diag {
inline constexpr std::string_view kParseError = "parse-error";
inline constexpr std::string_view kParseTimeout = "parse-timeout";
inline constexpr std::string_view kSkippedMinified = "skipped-minified";
inline constexpr std::string_view kTooLarge = "too-large";
inline constexpr std::string_view kNotUtf8 = "not-utf8";
inline constexpr std::string_view kBinary = "binary";
inline constexpr std::string_view kUnreadable = "unreadable";
inline constexpr std::string_view kNotAFile = "not-a-file";
inline constexpr std::string_view kSymlinkLoop = "symlink-loop";
inline constexpr std::string_view kSymlinkOutsideRoot = "symlink-outside-root";
inline constexpr std::string_view kMalformedJson = "malformed-json";
inline constexpr std::string_view kInternalError = "internal-error";
// A file given after `--` (scan -- FILE...) that does not exist.
inline constexpr std::string_view kMissingFile = "missing-file";
// `--explain`: no explanation for a finding (no key, network error, timeout, bad answer).
inline constexpr std::string_view kExplainFailed = "explain-failed";
}  // namespace diag

struct Diagnostic {
  std::string file;  // relative to the scan root; empty for scan-wide diagnostics
  std::string kind;  // one of diag::k*
  std::string message;
  std::uint32_t line = 0;  // 1-based when known, else 0
  std::uint32_t column = 0;
};

struct ScanStats {
  std::uint64_t files = 0;    // JS/TS files discovered
  std::uint64_t bytes = 0;    // their total size
  std::uint64_t parsed = 0;   // files parsed and analysed (possibly with syntax errors)
  std::uint64_t skipped = 0;  // files not analysed (see diagnostics)
  // Route coverage by tests, when the backend model was built (a rule or `routes` needed it).
  bool model = false;
  std::uint64_t routes = 0;         // routes in the model
  std::uint64_t tested_routes = 0;  // of them, matched by some test's request
  // Findings removed by inline suppressions (nodescope-ignore comments).
  std::uint64_t suppressed = 0;
  // Findings removed because a baseline (--baseline FILE) lists them; `baseline` says one was
  // given.
  bool baseline = false;
  std::uint64_t baselined = 0;
};

// Wall-clock timings. Never part of the JSON output (it must be byte-identical across runs).
struct ScanTimings {
  double discover_ms = 0;
  double per_file_ms = 0;
  double program_ms = 0;
  double total_ms = 0;
};

struct ScanResult {
  std::vector<Finding> findings;             // sorted: file, line, column, rule, message
  std::vector<Diagnostic> diagnostics;       // sorted: file, line, kind, message
  std::vector<Route> routes;                 // sorted: path, method, file, line (when requested)
  std::vector<FrameworkVersion> frameworks;  // of the routes' frameworks, sorted by name
  ScanStats stats;
  ScanTimings timings;
  // The report's facts (EngineOptions::build_summary: `nodescope report`, `scan --format
  // markdown`, `scan --summary`); empty otherwise.
  bool has_summary = false;
  Summary summary;
};

}  // namespace nodescope
