// The CI formats (see reports.h): GitHub Actions workflow commands, GitLab Code Quality JSON and
// JUnit XML. GitLab's JSON is written with RapidJSON; the two line formats with fmt and the
// escapes in text_util.h.
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "json_writer.h"
#include "nodescope/reports/reports.h"
#include "text_util.h"

namespace nodescope::reports {
namespace {

std::string_view github_command(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "notice";
  }
  return "warning";
}

std::string_view gitlab_severity(Severity s, bool security) {
  switch (s) {
    case Severity::kError:
      return security ? "critical" : "major";
    case Severity::kWarning:
      return "minor";
    case Severity::kNote:
      return "info";
  }
  return "minor";
}

}  // namespace

std::string to_github(const ScanResult& result) {
  std::string out;
  for (const Finding& f : result.findings) {
    fmt::format_to(std::back_inserter(out),
                   "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                   github_command(f.severity), text::github_property(f.file), f.range.line,
                   f.range.column, f.range.end_line, f.range.end_column,
                   text::github_property(f.rule_id), text::github_data(f.message));
  }
  // Diagnostics after the findings (GitHub shows only the first few annotations of each kind per
  // step): an internal error as a warning, what the user may fix (parse errors, malformed JSON,
  // not UTF-8) as a notice, and the expected skips (minified, too large, binary, symlinks) only in
  // the debug log, so a bundled theme does not fill the annotations.
  for (const Diagnostic& d : result.diagnostics) {
    if (text::is_routine_skip(d.kind)) {
      fmt::format_to(std::back_inserter(out), "::debug::{}\n",
                     text::github_data(fmt::format("nodescope {}: {}: {}", d.kind,
                                                   d.file.empty() ? "(scan)" : d.file, d.message)));
      continue;
    }
    std::string props;
    if (!d.file.empty()) {
      props = "file=" + text::github_property(d.file);
      if (d.line != 0) props += fmt::format(",line={}", d.line);
      if (d.column != 0) props += fmt::format(",col={}", d.column);
      props += ",";
    }
    props += "title=" + text::github_property(fmt::format("nodescope {}", d.kind));
    fmt::format_to(std::back_inserter(out), "::{} {}::{}\n",
                   d.kind == diag::kInternalError ? "warning" : "notice", props,
                   text::github_data(d.message));
  }
  return out;
}

std::string to_gitlab(const ScanResult& result, std::span<const Rule* const> rules) {
  std::unordered_set<std::string_view> security;
  for (const Rule* rule : rules) {
    const RuleMeta& m = rule->meta();
    const bool tagged =
        std::find(m.tags.begin(), m.tags.end(), std::string_view("security")) != m.tags.end();
    if (m.id.starts_with("security/") || tagged) security.insert(m.id);
  }
  rapidjson::StringBuffer buf;
  json::Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartArray();
  for (const Finding& f : result.findings) {
    const bool sec = security.contains(f.rule_id);
    w.StartObject();
    json::key(w, "type");
    json::str(w, "issue");
    json::key(w, "description");
    json::str(w, f.message);
    json::key(w, "check_name");
    json::str(w, f.rule_id);
    json::key(w, "fingerprint");
    json::str(w, f.fingerprint);
    json::key(w, "severity");
    json::str(w, gitlab_severity(f.severity, sec));
    json::key(w, "categories");
    w.StartArray();
    json::str(w, sec ? "Security" : "Bug Risk");
    w.EndArray();
    json::key(w, "location");
    w.StartObject();
    json::key(w, "path");
    json::str(w, f.file);
    json::key(w, "lines");
    w.StartObject();
    json::key(w, "begin");
    w.Uint(f.range.line);
    json::key(w, "end");
    w.Uint(f.range.end_line);
    w.EndObject();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  return json::finish(buf);
}

std::string to_junit(const ScanResult& result, const ToolInfo& tool) {
  using text::xml;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::size_t failures = result.findings.size();
  const std::size_t tests = std::max<std::size_t>(failures, 1);
  fmt::format_to(std::back_inserter(out),
                 "<testsuites name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"0\">\n"
                 "  <testsuite name=\"{0}\" tests=\"{1}\" failures=\"{2}\" errors=\"0\" "
                 "skipped=\"0\">\n",
                 xml(tool.name), tests, failures);
  if (failures == 0) {
    fmt::format_to(std::back_inserter(out), "    <testcase classname=\"{0}\" name=\"{0}\"/>\n",
                   xml(tool.name));
  }
  for (const Finding& f : result.findings) {
    const std::string where = fmt::format("{}:{}:{}", f.file, f.range.line, f.range.column);
    fmt::format_to(
        std::back_inserter(out),
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">\n"
        "      <failure type=\"{}\" message=\"{}\">{} {} {} ({}, confidence {})</failure>\n"
        "    </testcase>\n",
        xml(f.file), xml(fmt::format("{} at {}:{}", f.rule_id, f.range.line, f.range.column)),
        xml(f.file), f.range.line, xml(to_string(f.severity)), xml(f.message), xml(where),
        xml(f.rule_id), xml(f.message), xml(to_string(f.severity)), xml(to_string(f.confidence)));
  }
  if (!result.diagnostics.empty()) {
    out += "    <system-err>";
    for (const Diagnostic& d : result.diagnostics) {
      std::string line = d.file.empty() ? std::string("(scan)") : d.file;
      if (d.line != 0) line += fmt::format(":{}", d.line);
      out += xml(fmt::format("{}: {}: {}", line, d.kind, d.message));
      out += "&#10;";
    }
    out += "</system-err>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace nodescope::reports
