// JSON reporters (see reports.h), written with RapidJSON's PrettyWriter so escaping and number
// formatting are the library's, never hand-made.
#include "json_writer.h"
#include "nodescope/reports/reports.h"
#include "summary_json.h"

namespace nodescope::reports {
namespace {

using json::key;
using json::str;
using json::Writer;

void write_tool(Writer& w, const ToolInfo& tool) {
  key(w, "tool");
  w.StartObject();
  key(w, "name");
  str(w, tool.name);
  key(w, "version");
  str(w, tool.version);
  w.EndObject();
}

}  // namespace

std::string to_json(const ScanResult& result, const ToolInfo& tool) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "version");
  w.Uint(1);
  write_tool(w, tool);
  key(w, "findings");
  w.StartArray();
  for (const Finding& f : result.findings) {
    w.StartObject();
    key(w, "ruleId");
    str(w, f.rule_id);
    key(w, "severity");
    str(w, to_string(f.severity));
    key(w, "confidence");
    str(w, to_string(f.confidence));
    key(w, "message");
    str(w, f.message);
    key(w, "file");
    str(w, f.file);
    key(w, "line");
    w.Uint(f.range.line);
    key(w, "column");
    w.Uint(f.range.column);
    key(w, "endLine");
    w.Uint(f.range.end_line);
    key(w, "endColumn");
    w.Uint(f.range.end_column);
    key(w, "fingerprint");
    str(w, f.fingerprint);
    if (!f.flow.empty()) {  // added only when a rule traced one (the shape is a contract)
      key(w, "flow");
      w.StartArray();
      for (const FlowStep& step : f.flow) {
        w.StartObject();
        key(w, "file");
        str(w, step.file);
        key(w, "line");
        w.Uint(step.range.line);
        key(w, "column");
        w.Uint(step.range.column);
        key(w, "endLine");
        w.Uint(step.range.end_line);
        key(w, "endColumn");
        w.Uint(step.range.end_column);
        key(w, "message");
        str(w, step.message);
        w.EndObject();
      }
      w.EndArray();
    }
    if (!f.explanation.empty()) {  // --explain; added only when there is one
      key(w, "explanation");
      str(w, f.explanation);
    }
    w.EndObject();
  }
  w.EndArray();
  key(w, "diagnostics");
  w.StartArray();
  for (const Diagnostic& d : result.diagnostics) {
    w.StartObject();
    key(w, "file");
    str(w, d.file);
    key(w, "kind");
    str(w, d.kind);
    key(w, "message");
    str(w, d.message);
    if (d.line != 0) {
      key(w, "line");
      w.Uint(d.line);
      key(w, "column");
      w.Uint(d.column);
    }
    w.EndObject();
  }
  w.EndArray();
  key(w, "stats");
  w.StartObject();
  key(w, "files");
  w.Uint64(result.stats.files);
  key(w, "bytes");
  w.Uint64(result.stats.bytes);
  key(w, "parsed");
  w.Uint64(result.stats.parsed);
  key(w, "skipped");
  w.Uint64(result.stats.skipped);
  // Findings removed by nodescope-ignore comments; and, when a baseline was given, by it.
  key(w, "suppressed");
  w.Uint64(result.stats.suppressed);
  if (result.stats.baseline) {
    key(w, "baselined");
    w.Uint64(result.stats.baselined);
  }
  if (result.stats.model) {
    // Route coverage by tests; present only when the backend model was built.
    key(w, "routes");
    w.StartObject();
    key(w, "total");
    w.Uint64(result.stats.routes);
    key(w, "tested");
    w.Uint64(result.stats.tested_routes);
    w.EndObject();
  }
  w.EndObject();
  if (result.has_summary) {
    // The report's content (`nodescope report --format json`, `scan --summary`); an added
    // field, so scans without it keep their exact bytes.
    key(w, "summary");
    write_summary_json(w, result);
  }
  w.EndObject();
  return json::finish(buf);
}

std::string rules_to_json(std::span<const Rule* const> rules, const ToolInfo& tool) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  key(w, "version");
  w.Uint(1);
  write_tool(w, tool);
  key(w, "rules");
  w.StartArray();
  for (const Rule* rule : rules) {
    const RuleMeta& m = rule->meta();
    w.StartObject();
    key(w, "id");
    str(w, m.id);
    key(w, "summary");
    str(w, m.summary);
    key(w, "severity");
    str(w, to_string(m.severity));
    key(w, "confidence");
    str(w, to_string(m.confidence));
    key(w, "cwe");
    w.StartArray();
    for (int c : m.cwe) w.Int(c);
    w.EndArray();
    key(w, "tags");
    w.StartArray();
    for (std::string_view t : m.tags) str(w, t);
    w.EndArray();
    key(w, "docs");
    str(w, std::string("rules/") + std::string(m.id) + "/README.md");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return json::finish(buf);
}

}  // namespace nodescope::reports
