// Text reporters (see reports.h): the terminal view, grouped by file as ESLint's default
// formatter does, so people who read lint output read this without learning anything.
#include <fmt/format.h>
#include <algorithm>

#include "nodescope/reports/reports.h"

namespace nodescope::reports {
namespace {

struct Style {
  bool on;
  std::string paint(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view severity_color(Severity s) {
  switch (s) {
    case Severity::kError:
      return "31";
    case Severity::kWarning:
      return "33";
    case Severity::kNote:
      return "36";
  }
  return "0";
}

std::string plural(std::uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

std::string to_text(const ScanResult& result, const TextOptions& options) {
  const Style style{options.color};
  std::string out;
  std::string_view current;
  std::uint64_t counts[3] = {0, 0, 0};
  for (const Finding& f : result.findings) {
    if (f.file != current) {
      if (!current.empty()) out += "\n";
      out += style.paint("4", f.file) + "\n";
      current = f.file;
    }
    ++counts[static_cast<int>(f.severity)];
    const std::string pos = fmt::format("{}:{}", f.range.line, f.range.column);
    const std::string sev = fmt::format("{:<7}", to_string(f.severity));
    out += fmt::format("  {:<9} {}  {}  {}\n", pos, style.paint(severity_color(f.severity), sev),
                       f.message, style.paint("2", f.rule_id));
  }
  if (!result.findings.empty()) out += "\n";
  if (!result.diagnostics.empty()) {
    out += style.paint("1", "Diagnostics (files not fully analysed):") + "\n";
    for (const Diagnostic& d : result.diagnostics) {
      const std::string where =
          d.line != 0 ? fmt::format("{}:{}:{}", d.file, d.line, d.column) : d.file;
      out += fmt::format("  {}  {}  {}\n", where.empty() ? std::string("(scan)") : where,
                         style.paint("2", d.kind), d.message);
    }
    out += "\n";
  }
  const std::uint64_t total = counts[0] + counts[1] + counts[2];
  const std::string summary =
      total == 0
          ? std::string("No problems found")
          : fmt::format("{} ({}, {}, {})", plural(total, "problem"), plural(counts[2], "error"),
                        plural(counts[1], "warning"), plural(counts[0], "note"));
  out += style.paint(total == 0 ? "32" : (counts[2] ? "31" : "33"), summary);
  out += fmt::format(" in {} ({} parsed, {} skipped).\n", plural(result.stats.files, "file"),
                     result.stats.parsed, result.stats.skipped);
  if (result.stats.model && result.stats.routes > 0) {
    // Route coverage by tests (testing/untested-route reports the untested ones).
    out += fmt::format("Routes: {} tested of {} ({:.0f}%).\n", result.stats.tested_routes,
                       result.stats.routes,
                       100.0 * static_cast<double>(result.stats.tested_routes) /
                           static_cast<double>(result.stats.routes));
  }
  if (result.stats.suppressed != 0 || result.stats.baselined != 0) {
    std::string hidden;
    if (result.stats.suppressed != 0) {
      hidden = fmt::format("{} suppressed inline", result.stats.suppressed);
    }
    if (result.stats.baselined != 0) {
      hidden +=
          fmt::format("{}{} in the baseline", hidden.empty() ? "" : ", ", result.stats.baselined);
    }
    out += fmt::format("Not shown: {}.\n", hidden);
  }
  if (options.show_timings) {
    const double secs = result.timings.total_ms / 1000.0;
    const double mb = static_cast<double>(result.stats.bytes) / (1024.0 * 1024.0);
    out += fmt::format(
        "Scanned {:.1f} MB in {:.2f} s ({:.1f} MB/s): discovery {:.0f} ms, files "
        "{:.0f} ms, whole program {:.0f} ms.\n",
        mb, secs, secs > 0 ? mb / secs : 0.0, result.timings.discover_ms,
        result.timings.per_file_ms, result.timings.program_ms);
  }
  return out;
}

std::string rules_to_text(std::span<const Rule* const> rules) {
  auto cwe_of = [](const RuleMeta& m) {
    std::string cwe;
    for (int c : m.cwe) cwe += fmt::format("{}CWE-{}", cwe.empty() ? "" : ",", c);
    return cwe;
  };
  std::size_t width = 0;
  std::size_t cwe_width = 9;
  for (const Rule* r : rules) {
    width = std::max(width, r->meta().id.size());
    cwe_width = std::max(cwe_width, cwe_of(r->meta()).size());
  }
  std::string out;
  for (const Rule* r : rules) {
    const RuleMeta& m = r->meta();
    out += fmt::format("{:<{}}  {:<7}  {:<{}}  {}\n", m.id, width, to_string(m.severity), cwe_of(m),
                       cwe_width, m.summary);
  }
  return out;
}

}  // namespace nodescope::reports
