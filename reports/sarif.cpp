// SARIF 2.1.0 (see reports.h), written with RapidJSON's PrettyWriter. The shape follows what
// GitHub code scanning reads (docs.github.com, "SARIF support for code scanning"): driver rules
// with help and security-severity, results with a location each, partialFingerprints and a
// category in automationDetails. The mappings (precision, security-severity, notification levels)
// are documented in the README, "SARIF and CI".
#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "json_writer.h"
#include "nodescope/reports/reports.h"
#include "text_util.h"

namespace nodescope::reports {
namespace {

using json::key;
using json::str;
using json::Writer;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kSrcRoot = "%SRCROOT%";
constexpr std::string_view kFingerprintKey = "nodescopeFingerprint/v1";

std::string_view level_of(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "warning";
}

// CodeQL's precision vocabulary is very-high|high|medium|low; nodescope's confidence has three
// steps, which map one to one onto the lower three (very-high is kept for nothing today).
std::string_view precision_of(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return "high";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kLow:
      return "low";
  }
  return "medium";
}

// GitHub buckets security-severity as critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0.
// An error-level security rule is "high" (8.0), a warning "medium" (5.0), a note "low" (2.0);
// nothing is called critical without a traced source-to-sink flow, which no rule has yet.
std::string_view security_severity_of(Severity s) {
  switch (s) {
    case Severity::kError:
      return "8.0";
    case Severity::kWarning:
      return "5.0";
    case Severity::kNote:
      return "2.0";
  }
  return "5.0";
}

bool is_security(const RuleMeta& m) {
  if (m.id.starts_with("security/")) return true;
  return std::find(m.tags.begin(), m.tags.end(), std::string_view("security")) != m.tags.end();
}

// "security/code-injection" -> "CodeInjection": SARIF's `name` is a readable identifier.
std::string pascal_name(std::string_view id) {
  const std::size_t slash = id.rfind('/');
  const std::string_view last = slash == std::string_view::npos ? id : id.substr(slash + 1);
  std::string out;
  bool upper = true;
  for (char c : last) {
    if (c == '-' || c == '_' || c == '.') {
      upper = true;
      continue;
    }
    out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    upper = false;
  }
  return out;
}

void message(Writer& w, std::string_view k, std::string_view text) {
  key(w, k);
  w.StartObject();
  key(w, "text");
  str(w, text);
  w.EndObject();
}

void write_rule(Writer& w, const RuleMeta& m, std::string_view readme) {
  w.StartObject();
  key(w, "id");
  str(w, m.id);
  key(w, "name");
  str(w, pascal_name(m.id));
  message(w, "shortDescription", m.summary);
  const std::string why = text::markdown_section(readme, "Why it matters");
  std::string full(m.summary);
  if (!why.empty()) {
    full.push_back(' ');
    full.append(why);
  }
  message(w, "fullDescription", full);
  key(w, "help");
  w.StartObject();
  key(w, "text");
  str(w, readme.empty() ? m.summary : readme);
  key(w, "markdown");
  str(w, readme.empty() ? m.summary : readme);
  w.EndObject();
  key(w, "defaultConfiguration");
  w.StartObject();
  key(w, "level");
  str(w, level_of(m.severity));
  w.EndObject();
  key(w, "properties");
  w.StartObject();
  key(w, "tags");
  w.StartArray();
  for (std::string_view t : m.tags) str(w, t);
  for (int c : m.cwe) str(w, "external/cwe/cwe-" + std::to_string(c));
  w.EndArray();
  key(w, "precision");
  str(w, precision_of(m.confidence));
  if (is_security(m)) {
    key(w, "security-severity");
    str(w, security_severity_of(m.severity));
  }
  w.EndObject();
  w.EndObject();
}

void write_artifact_location(Writer& w, std::string_view file) {
  key(w, "artifactLocation");
  w.StartObject();
  key(w, "uri");
  str(w, text::uri_path(file));
  key(w, "uriBaseId");
  str(w, kSrcRoot);
  w.EndObject();
}

void write_result(Writer& w, const Finding& f,
                  const std::unordered_map<std::string_view, int>& index) {
  w.StartObject();
  key(w, "ruleId");
  str(w, f.rule_id);
  if (auto it = index.find(f.rule_id); it != index.end()) {
    key(w, "ruleIndex");
    w.Int(it->second);
  }
  key(w, "level");
  str(w, level_of(f.severity));
  message(w, "message", f.message);
  key(w, "locations");
  w.StartArray();
  w.StartObject();
  key(w, "physicalLocation");
  w.StartObject();
  write_artifact_location(w, f.file);
  key(w, "region");
  w.StartObject();
  key(w, "startLine");
  w.Uint(f.range.line);
  key(w, "startColumn");
  w.Uint(f.range.column);
  key(w, "endLine");
  w.Uint(f.range.end_line);
  key(w, "endColumn");
  w.Uint(f.range.end_column);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  w.EndArray();
  key(w, "partialFingerprints");
  w.StartObject();
  key(w, kFingerprintKey);
  str(w, f.fingerprint);
  w.EndObject();
  // A traced flow (source -> steps -> sink) becomes one codeFlow with one threadFlow whose
  // locations are the steps, in order.
  if (!f.flow.empty()) {
    key(w, "codeFlows");
    w.StartArray();
    w.StartObject();
    key(w, "threadFlows");
    w.StartArray();
    w.StartObject();
    key(w, "locations");
    w.StartArray();
    for (const FlowStep& step : f.flow) {
      w.StartObject();
      key(w, "location");
      w.StartObject();
      key(w, "physicalLocation");
      w.StartObject();
      write_artifact_location(w, step.file);
      key(w, "region");
      w.StartObject();
      key(w, "startLine");
      w.Uint(step.range.line);
      key(w, "startColumn");
      w.Uint(step.range.column);
      key(w, "endLine");
      w.Uint(step.range.end_line);
      key(w, "endColumn");
      w.Uint(step.range.end_column);
      w.EndObject();
      w.EndObject();
      message(w, "message", step.message);
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.EndArray();
  }
  key(w, "properties");
  w.StartObject();
  key(w, "confidence");
  str(w, to_string(f.confidence));
  w.EndObject();
  w.EndObject();
}

// Diagnostics are about the tool's run, not the code: a file it could not (fully) analyse.
// internal-error is an error; the expected skips (minified, too large, binary, symlinks, not a
// file) are notes; everything else (parse errors and timeouts, not UTF-8, unreadable, malformed
// JSON) a warning, since findings in that file may be missing.
std::string_view notification_level(std::string_view kind) {
  if (kind == diag::kInternalError) return "error";
  return text::is_routine_skip(kind) ? "note" : "warning";
}

void write_notification(Writer& w, const Diagnostic& d) {
  w.StartObject();
  key(w, "level");
  str(w, notification_level(d.kind));
  message(w, "message", d.message);
  key(w, "descriptor");
  w.StartObject();
  key(w, "id");
  str(w, d.kind);
  w.EndObject();
  if (!d.file.empty()) {
    key(w, "locations");
    w.StartArray();
    w.StartObject();
    key(w, "physicalLocation");
    w.StartObject();
    write_artifact_location(w, d.file);
    if (d.line != 0) {
      key(w, "region");
      w.StartObject();
      key(w, "startLine");
      w.Uint(d.line);
      if (d.column != 0) {
        key(w, "startColumn");
        w.Uint(d.column);
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string to_sarif(const ScanResult& result, const SarifOptions& options) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "$schema");
  str(w, kSchema);
  key(w, "version");
  str(w, "2.1.0");
  key(w, "runs");
  w.StartArray();
  w.StartObject();

  key(w, "tool");
  w.StartObject();
  key(w, "driver");
  w.StartObject();
  key(w, "name");
  str(w, options.tool.name);
  key(w, "semanticVersion");
  str(w, options.tool.version);
  if (!options.information_uri.empty()) {
    key(w, "informationUri");
    str(w, options.information_uri);
  }
  key(w, "rules");
  w.StartArray();
  std::unordered_map<std::string_view, int> index;
  for (const Rule* rule : options.rules) {
    const RuleMeta& m = rule->meta();
    index.emplace(m.id, static_cast<int>(index.size()));
    write_rule(w, m, options.rule_help ? options.rule_help(m.id) : std::string_view());
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();

  key(w, "invocations");
  w.StartArray();
  w.StartObject();
  key(w, "executionSuccessful");
  w.Bool(std::none_of(result.diagnostics.begin(), result.diagnostics.end(),
                      [](const Diagnostic& d) { return d.kind == diag::kInternalError; }));
  key(w, "toolExecutionNotifications");
  w.StartArray();
  for (const Diagnostic& d : result.diagnostics) write_notification(w, d);
  w.EndArray();
  w.EndObject();
  w.EndArray();

  key(w, "originalUriBaseIds");
  w.StartObject();
  key(w, kSrcRoot);
  w.StartObject();
  if (!options.source_root.empty()) {
    std::string uri = "file://";
    if (!options.source_root.starts_with('/')) uri.push_back('/');
    uri.append(text::uri_path(options.source_root));
    if (!uri.ends_with('/')) uri.push_back('/');
    key(w, "uri");
    str(w, uri);
  }
  message(w, "description", "The folder nodescope scanned; result paths are relative to it.");
  w.EndObject();
  w.EndObject();

  key(w, "automationDetails");
  w.StartObject();
  key(w, "id");
  str(w, options.automation_id);
  w.EndObject();

  key(w, "columnKind");
  str(w, "utf16CodeUnits");

  key(w, "results");
  w.StartArray();
  for (const Finding& f : result.findings) write_result(w, f, index);
  w.EndArray();

  w.EndObject();
  w.EndArray();
  w.EndObject();
  return json::finish(buf);
}

}  // namespace nodescope::reports
