// Command-line implementation (see cli.h). Every user-facing error is its own case with a message
// naming what went wrong, where, and what to do (ast-grep style), and exit code 2.
#include "cli/cli.h"
#include "cli/config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/progress.h"
#include "cli/scope.h"
#include "engine/baseline.h"
#include "engine/engine.h"
#include "explain/explain.h"
#include "facts/backend_facts.h"
#include "nodescope/reports/reports.h"
#include "nodescope/rule.h"

namespace nodescope::cli {
namespace {

namespace stdfs = std::filesystem;

std::string version_line() {
  return fmt::format(
      "nodescope {} (tree-sitter {}, tree-sitter-javascript {}, "
      "tree-sitter-typescript {})",
      NODESCOPE_VERSION, NODESCOPE_TREE_SITTER_VERSION, NODESCOPE_TS_JAVASCRIPT_VERSION,
      NODESCOPE_TS_TYPESCRIPT_VERSION);
}

reports::ToolInfo tool_info() { return reports::ToolInfo{"nodescope", NODESCOPE_VERSION}; }

// Colour only for a terminal, unless NO_COLOR / FORCE_COLOR say otherwise (no-color.org).
bool want_color(bool to_file) {
  if (const char* force = std::getenv("FORCE_COLOR"); force != nullptr && *force != '\0') {
    return std::string_view(force) != "0";
  }
  if (const char* no = std::getenv("NO_COLOR"); no != nullptr && *no != '\0') return false;
  return !to_file && isatty(STDOUT_FILENO) == 1;
}

// Writes `bytes` to `path`, or to `out` when path is empty. False (and a message) on failure.
bool emit(const std::string& bytes, const std::string& path, std::ostream& out, std::ostream& err) {
  if (path.empty()) {
    out << bytes;
    out.flush();
    return true;
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (f) f << bytes;
  if (!f) {
    err << fmt::format(
        "nodescope: error: cannot write the report to '{}': {}; check that the "
        "folder exists and is writable\n",
        path, std::strerror(errno));
    return false;
  }
  return true;
}

// The folder reported paths are relative to (ADR 0001): a single folder argument; otherwise the
// current folder, as linters report the files they are given; or, when some input lies outside
// the current folder, the deepest folder containing every input.
stdfs::path choose_root(const std::vector<stdfs::path>& inputs) {
  std::error_code ec;
  stdfs::path cwd = stdfs::current_path(ec);
  if (inputs.size() == 1 && stdfs::is_directory(inputs[0], ec)) return inputs[0];
  auto inside = [](const stdfs::path& dir, const stdfs::path& p) {
    auto d = dir.begin();
    auto q = p.begin();
    for (; d != dir.end() && !d->empty(); ++d, ++q) {
      if (q == p.end() || *d != *q) return false;
    }
    return true;
  };
  std::vector<stdfs::path> absolute;
  bool all_inside = true;
  for (const stdfs::path& in : inputs) {
    // A missing input keeps the current folder as root, so discovery names it in its error.
    if (!stdfs::exists(in, ec)) return cwd;
    absolute.push_back(stdfs::weakly_canonical(stdfs::absolute(in, ec), ec).lexically_normal());
    all_inside = all_inside && inside(cwd, absolute.back());
  }
  if (all_inside) return cwd;
  stdfs::path common =
      stdfs::is_directory(absolute[0], ec) ? absolute[0] : absolute[0].parent_path();
  for (const stdfs::path& p : absolute) {
    while (!inside(common, p) && common.has_relative_path()) common = common.parent_path();
  }
  return common;
}

struct ScanFlags {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  // Extra reports written in the same run, beside the main one (--sarif FILE, --json FILE, ...).
  std::string sarif_file;
  std::string json_file;
  std::string gitlab_file;
  std::string junit_file;
  std::string baseline_file;  // --baseline: report only findings not listed in it
  unsigned jobs = 0;
  std::string fail_on = "error";
  int max_warnings = -1;  // --max-warnings: more warnings than this make the exit code 1
  bool quiet = false;     // --quiet: report errors only (ESLint's meaning)
  bool parse_only = false;
  bool no_default_excludes = false;
  bool stats = false;
  std::uint64_t max_file_size = 2u << 20;
  std::uint32_t parse_timeout_ms = 10'000;
  bool summary = false;      // --summary (scan): add the report's `summary` object to JSON
  std::string metrics_file;  // --metrics (report): an autocannon or k6 JSON summary
  // The report's scope (cli/scope.h): --staged, the files after `--`, --changed-since REV.
  bool staged = false;
  bool files_given = false;
  std::vector<std::string> files;
  std::string changed_since;
  ConfigFlags config;  // --config, --no-config, --rule
  // --explain (report, scan): LLM explanations of the first findings (explain/explain.h).
  bool explain = false;
  std::string explain_model;  // --explain-model, else $OPENAI_MODEL
  std::string explain_cache;  // --explain-cache DIR: the only place answers are stored
  std::size_t explain_max = 20;
  double explain_timeout_s = 30;  // per request, total
};

void add_explain_options(CLI::App& cmd, ScanFlags& flags) {
  cmd.add_flag("--explain", flags.explain,
               "Ask an OpenAI-compatible endpoint ($OPENAI_BASE_URL, $OPENAI_API_KEY) to explain "
               "the first findings (code is sent with secrets redacted)");
  cmd.add_option("--explain-model", flags.explain_model,
                 "Model for --explain (default: $OPENAI_MODEL)")
      ->type_name("NAME");
  cmd.add_option("--explain-cache", flags.explain_cache,
                 "Keep --explain answers in DIR and reuse them (no cache without it)")
      ->type_name("DIR");
  cmd.add_option("--explain-max", flags.explain_max, "Explain at most N findings")
      ->type_name("N")
      ->capture_default_str();
  cmd.add_option("--explain-timeout", flags.explain_timeout_s,
                 "Seconds one --explain request may take")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

// --explain's settings from flags and environment; nullopt (after a usage error) without a model.
std::optional<explain::ExplainOptions> explain_options(const ScanFlags& flags, std::ostream& err) {
  explain::ExplainOptions o;
  o.model = !flags.explain_model.empty() ? flags.explain_model : env_or_empty("OPENAI_MODEL");
  if (o.model.empty()) {
    err << "nodescope: error: --explain needs a model: pass --explain-model NAME or set "
           "OPENAI_MODEL\n";
    return std::nullopt;
  }
  o.base_url = env_or_empty("OPENAI_BASE_URL");
  if (o.base_url.empty()) o.base_url = "https://api.openai.com/v1";
  o.api_key = env_or_empty("OPENAI_API_KEY");
  o.cache_dir = flags.explain_cache;
  o.max = flags.explain_max;
  o.timeout_ms = static_cast<long>(flags.explain_timeout_s * 1000);
  o.connect_timeout_ms = std::min<long>(5000, o.timeout_ms);
  return o;
}

// The paths to scan (the current folder when none is given).
std::vector<stdfs::path> inputs_of(const ScanFlags& flags) {
  std::vector<stdfs::path> inputs(flags.paths.begin(), flags.paths.end());
  if (inputs.empty()) inputs.emplace_back(".");
  return inputs;
}

fs::DiscoveryOptions discovery_of(const ScanFlags& flags) {
  fs::DiscoveryOptions discovery;
  if (flags.no_default_excludes) discovery.default_excluded_dirs.clear();
  return discovery;
}

// Reads and parses --baseline FILE; an unreadable or malformed file is a usage error (exit 2),
// reported before the scan starts.
std::optional<engine::Baseline> load_baseline(const std::string& path, std::ostream& err) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream text;
  if (f) text << f.rdbuf();
  if (!f) {
    err << fmt::format(
        "nodescope: error: cannot read the baseline '{}': {}; check the path, or create one "
        "with `nodescope baseline`\n",
        path, std::strerror(errno));
    return std::nullopt;
  }
  auto baseline = engine::parse_baseline(text.str(), path);
  if (!baseline) {
    err << "nodescope: error: " << baseline.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*baseline);
}

// The bytes of one scan report format (`--format` values and the extra-output flags).
std::string render_scan(const std::string& format, const ScanResult& result,
                        const stdfs::path& root, const ScanFlags& flags, bool to_file) {
  if (format == "json") return reports::to_json(result, tool_info());
  if (format == "markdown") return reports::to_markdown(result);
  if (format == "sarif") {
    reports::SarifOptions sarif;
    sarif.tool = tool_info();
    sarif.information_uri = NODESCOPE_HOMEPAGE_URL;
    sarif.rules = all_rules();
    sarif.rule_help = rule_readme;
    std::error_code ec;
    const stdfs::path abs = stdfs::weakly_canonical(stdfs::absolute(root, ec), ec);
    if (!ec) sarif.source_root = abs.generic_string();
    return reports::to_sarif(result, sarif);
  }
  if (format == "github") return reports::to_github(result);
  if (format == "gitlab") return reports::to_gitlab(result, all_rules());
  if (format == "junit") return reports::to_junit(result, tool_info());
  reports::TextOptions text;
  text.color = want_color(to_file);
  text.show_timings = flags.stats;
  return reports::to_text(result, text);
}

// Every file the run writes, as (format, path): the main report when -o names one, then the
// extra outputs in a fixed order.
std::vector<std::pair<std::string, std::string>> output_files(const ScanFlags& flags) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!flags.output.empty()) files.emplace_back(flags.format, flags.output);
  if (!flags.sarif_file.empty()) files.emplace_back("sarif", flags.sarif_file);
  if (!flags.json_file.empty()) files.emplace_back("json", flags.json_file);
  if (!flags.gitlab_file.empty()) files.emplace_back("gitlab", flags.gitlab_file);
  if (!flags.junit_file.empty()) files.emplace_back("junit", flags.junit_file);
  return files;
}

int run_scan(const ScanFlags& flags, std::ostream& out, std::ostream& err) {
  const std::vector<stdfs::path> inputs = inputs_of(flags);
  const stdfs::path root = choose_root(inputs);

  // Two reports into one file would leave whichever came last: refuse before scanning.
  const auto files = output_files(flags);
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      std::error_code ec;
      const auto a = stdfs::weakly_canonical(stdfs::absolute(files[i].second, ec), ec);
      const auto b = stdfs::weakly_canonical(stdfs::absolute(files[j].second, ec), ec);
      if (a == b) {
        err << fmt::format(
            "nodescope: error: the {} and the {} report would both be written to '{}'; give "
            "each output its own file\n",
            files[j].first, files[i].first, files[i].second);
        return kExitError;
      }
    }
  }

  // --metrics FILE: read and checked before the scan, like a baseline (a usage error, exit 2).
  std::optional<PerformanceFacts> metrics;
  if (!flags.metrics_file.empty()) {
    std::ifstream f(flags.metrics_file, std::ios::binary);
    std::ostringstream text;
    if (f) text << f.rdbuf();
    if (!f) {
      err << fmt::format(
          "nodescope: error: cannot read the metrics '{}': {}; give an autocannon --json or k6 "
          "--summary-export file\n",
          flags.metrics_file, std::strerror(errno));
      return kExitError;
    }
    auto parsed = facts::parse_metrics(flags.metrics_file, text.str());
    if (!parsed) {
      err << "nodescope: error: " << parsed.error().message << "\n";
      return kExitError;
    }
    metrics = std::move(*parsed);
  }

  std::optional<engine::Baseline> baseline;
  if (!flags.baseline_file.empty()) {
    baseline = load_baseline(flags.baseline_file, err);
    if (!baseline) return kExitError;
  }

  std::optional<explain::ExplainOptions> explaining;
  if (flags.explain) {
    explaining = explain_options(flags, err);
    if (!explaining) return kExitError;
  }

  // The whole project is analysed; --staged, `-- FILE...` and --changed-since choose what is shown.
  std::vector<std::string> notes;
  auto scope = ReportScope::make(
      ScopeRequest{flags.staged, flags.files_given, flags.files, flags.changed_since}, root, notes);
  if (!scope) {
    err << "nodescope: error: " << scope.error().message << "\n";
    return kExitError;
  }
  for (const std::string& note : notes) {
    if (!flags.quiet) err << "nodescope: note: " << note << "\n";
  }
  if (scope->empty()) {
    for (const Diagnostic& d : scope->diagnostics()) {
      err << fmt::format("nodescope: {}: {}: {}\n", d.file, d.kind, d.message);
    }
    if (!flags.quiet) err << "nodescope: " << scope->nothing_to_check() << "\n";
    return kExitClean;
  }

  engine::EngineOptions options;
  options.jobs = flags.jobs;
  options.parse_only = flags.parse_only;
  options.max_file_bytes = flags.max_file_size;
  options.parse_timeout_ms = flags.parse_timeout_ms;
  fs::DiscoveryOptions discovery = discovery_of(flags);
  std::vector<const Rule*> rules;
  if (!configure(flags.config, root, options, discovery, rules, err)) return kExitError;
  // The report needs the model and the summary; every output of this run then carries it.
  options.build_summary = flags.summary || flags.format == "markdown";
  options.build_routes = options.build_summary;
  options.metrics = std::move(metrics);
  options.overlay = scope->take_overlay();
  Progress progress(err, !flags.quiet && Progress::terminal());
  if (progress.enabled()) {
    options.progress = [&progress](std::size_t done, std::size_t total) {
      progress.update(done, total);
    };
  }
  auto result = engine::scan(root, inputs, rules, options, discovery);
  progress.finish();
  if (!result) {
    err << "nodescope: error: " << result.error().message << "\n";
    return kExitError;
  }
  if (baseline) engine::apply_baseline(*result, *baseline);
  scope->apply(*result);
  if (flags.quiet) {
    std::erase_if(result->findings,
                  [](const Finding& f) { return f.severity != Severity::kError; });
  }
  if (explaining) {
    explain::explain_findings(
        *result, *explaining,
        [&root](const std::string& file) -> std::optional<std::string> {
          std::ifstream f(root / file, std::ios::binary);
          if (!f) return std::nullopt;
          std::ostringstream text;
          text << f.rdbuf();
          return text.str();
        },
        [](std::string_view id) {
          for (const Rule* r : all_rules()) {
            if (r->meta().id == id) return std::string(r->meta().summary);
          }
          return std::string();
        });
  }

  // The main report (stdout or -o), then each extra output; every failure is reported, and any
  // one makes the exit code 2.
  bool written = emit(render_scan(flags.format, *result, root, flags, !flags.output.empty()),
                      flags.output, out, err);
  for (std::size_t i = flags.output.empty() ? 0 : 1; i < files.size(); ++i) {
    written =
        emit(render_scan(files[i].first, *result, root, flags, true), files[i].second, out, err) &&
        written;
  }
  if (!written) return kExitError;
  if (flags.stats && flags.format != "text") {
    const auto& t = result->timings;
    err << fmt::format(
        "nodescope: {} files, {} bytes in {:.1f} ms (discovery {:.1f}, files "
        "{:.1f}, whole program {:.1f})\n",
        result->stats.files, result->stats.bytes, t.total_ms, t.discover_ms, t.per_file_ms,
        t.program_ms);
  }

  if (flags.max_warnings >= 0) {
    const auto warnings =
        std::count_if(result->findings.begin(), result->findings.end(),
                      [](const Finding& f) { return f.severity == Severity::kWarning; });
    if (warnings > flags.max_warnings) {
      err << fmt::format("nodescope: {} warnings, more than --max-warnings {}\n", warnings,
                         flags.max_warnings);
      return kExitFindings;
    }
  }
  if (flags.fail_on == "none") return kExitClean;
  Severity threshold = Severity::kError;
  parse_severity(flags.fail_on, threshold);
  for (const Finding& f : result->findings) {
    if (f.severity >= threshold) return kExitFindings;
  }
  return kExitClean;
}

// `nodescope baseline`: scans like `scan` and records every finding (after inline suppressions)
// in .nodescope-baseline.json in the scan root, or in --output.
int run_baseline(const ScanFlags& flags, std::ostream& out, std::ostream& err) {
  const std::vector<stdfs::path> inputs = inputs_of(flags);
  const stdfs::path root = choose_root(inputs);
  engine::EngineOptions options;
  options.jobs = flags.jobs;
  options.max_file_bytes = flags.max_file_size;
  options.parse_timeout_ms = flags.parse_timeout_ms;
  fs::DiscoveryOptions discovery = discovery_of(flags);
  std::vector<const Rule*> rules;
  if (!configure(flags.config, root, options, discovery, rules, err)) return kExitError;
  auto result = engine::scan(root, inputs, rules, options, discovery);
  if (!result) {
    err << "nodescope: error: " << result.error().message << "\n";
    return kExitError;
  }
  const std::string path =
      flags.output.empty() ? (root / ".nodescope-baseline.json").lexically_normal().generic_string()
                           : flags.output;
  if (!emit(reports::to_baseline(*result), path, out, err)) return kExitError;
  out << fmt::format(
      "nodescope: recorded {} in {}; `nodescope scan --baseline {}` now reports only findings "
      "not in it\n",
      result->findings.size() == 1 ? std::string("1 finding")
                                   : fmt::format("{} findings", result->findings.size()),
      path, path);
  return kExitClean;
}

int run_routes(const ScanFlags& flags, std::ostream& out, std::ostream& err) {
  const std::vector<stdfs::path> inputs = inputs_of(flags);
  engine::EngineOptions options;
  options.jobs = flags.jobs;
  options.build_routes = true;
  fs::DiscoveryOptions discovery = discovery_of(flags);
  std::vector<const Rule*> rules;
  if (!configure(flags.config, choose_root(inputs), options, discovery, rules, err)) {
    return kExitError;
  }
  auto result = engine::scan(choose_root(inputs), inputs, rules, options, discovery);
  if (!result) {
    err << "nodescope: error: " << result.error().message << "\n";
    return kExitError;
  }
  std::string bytes;
  if (flags.format == "json") {
    bytes = reports::routes_to_json(result->routes, result->frameworks);
  } else if (flags.format == "openapi") {
    // The title is the scanned folder's name, or the project's when it is the current folder.
    std::error_code ec;
    const auto root = stdfs::weakly_canonical(choose_root(inputs), ec);
    bytes = reports::routes_to_openapi(result->routes, root.filename().string());
  } else {
    bytes = reports::routes_to_text(result->routes);
  }
  // Diagnostics (dynamic paths, unmounted routers, skipped files) go to stderr so the table's
  // formats stay exactly what tools read.
  for (const Diagnostic& d : result->diagnostics) {
    err << fmt::format("nodescope: {}{}: {}: {}\n", d.file.empty() ? "(scan)" : d.file,
                       d.line != 0 ? fmt::format(":{}", d.line) : std::string(), d.kind, d.message);
  }
  return emit(bytes, flags.output, out, err) ? kExitClean : kExitError;
}

// The options `scan` and `baseline` share: what to read and how hard to try.
void add_discovery_options(CLI::App& cmd, ScanFlags& flags) {
  cmd.add_option("-j,--jobs", flags.jobs, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--max-file-size", flags.max_file_size, "Skip files larger than this many bytes")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30))
      ->capture_default_str();
  cmd.add_option("--parse-timeout", flags.parse_timeout_ms,
                 "Give up parsing one file after this many milliseconds")
      ->check(CLI::Range(1u, 3'600'000u))
      ->capture_default_str();
  cmd.add_flag("--no-default-excludes", flags.no_default_excludes,
               "Also scan dist/, build/ and coverage/ folders");
  add_config_options(cmd, flags.config, true);
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "nodescope: a fast static analyzer for Node.js backends (Express, Fastify, NestJS, "
      "Koa, Hapi).",
      "nodescope"};
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error.\n"
      "Docs: README.md; rules: nodescope rules.");

  ScanFlags scan;
  CLI::App* scan_cmd =
      app.add_subcommand("scan", "Analyse files and folders (default: the current folder)");
  scan_cmd->add_option("paths", scan.paths,
                       "Files or folders to scan; files after `--` are analysed with the whole "
                       "project as context and only their findings are reported");
  scan_cmd
      ->add_option("-f,--format", scan.format,
                   "Output format: text, json, sarif (SARIF 2.1.0), github (Actions annotations), "
                   "gitlab (Code Quality), junit, markdown (the report, as `nodescope report`)")
      ->check(CLI::IsMember({"text", "json", "sarif", "github", "gitlab", "junit", "markdown"}))
      ->capture_default_str();
  scan_cmd->add_option("-o,--output", scan.output, "Write the report to FILE instead of stdout");
  scan_cmd->add_option("--sarif", scan.sarif_file, "Also write SARIF 2.1.0 to FILE");
  scan_cmd->add_option("--json", scan.json_file, "Also write the JSON report to FILE");
  scan_cmd->add_option("--gitlab", scan.gitlab_file, "Also write GitLab Code Quality JSON to FILE");
  scan_cmd->add_option("--junit", scan.junit_file, "Also write JUnit XML to FILE");
  scan_cmd->add_option("--baseline", scan.baseline_file,
                       "Report only findings not listed in this baseline file (written by "
                       "`nodescope baseline`)");
  add_discovery_options(*scan_cmd, scan);
  scan_cmd->add_option("--fail-on", scan.fail_on, "Lowest severity that makes the exit code 1")
      ->check(CLI::IsMember({"error", "warning", "note", "none"}))
      ->capture_default_str();
  scan_cmd
      ->add_option("--max-warnings", scan.max_warnings,
                   "Exit 1 when there are more than N warnings (default: no limit)")
      ->check(CLI::Range(0, 1 << 30));
  scan_cmd->add_flag("-q,--quiet", scan.quiet,
                     "Report errors only (warnings and notes are left out)");
  scan_cmd->add_flag("--stats", scan.stats, "Print timings (to stderr unless the format is text)");
  scan_cmd->add_flag("--parse-only", scan.parse_only,
                     "Read and parse only, run no rules (for benchmarks)");
  scan_cmd->add_flag("--summary", scan.summary,
                     "Add the report's `summary` object to the JSON output (builds the model)");
  add_explain_options(*scan_cmd, scan);

  ScanFlags report;
  report.format = "markdown";
  report.fail_on = "none";
  report.summary = true;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Write the NODE.JS BACKEND ANALYSIS report (markdown, or JSON with `summary`)");
  report_cmd->add_option("paths", report.paths, "Files or folders (default: the current folder)");
  report_cmd->add_option("-f,--format", report.format, "Output format")
      ->check(CLI::IsMember({"markdown", "json"}))
      ->capture_default_str();
  report_cmd->add_option("-o,--output", report.output,
                         "Write the report to FILE instead of stdout");
  add_discovery_options(*report_cmd, report);
  add_explain_options(*report_cmd, report);
  report_cmd->add_option("--metrics", report.metrics_file,
                         "Fill Performance Metrics from a load test summary (autocannon --json or "
                         "k6 --summary-export)");
  scan_cmd
      ->add_flag("--staged", scan.staged,
                 "Report only findings in files staged for commit, read from the git index")
      ->excludes(scan_cmd
                     ->add_option("--changed-since", scan.changed_since,
                                  "Report only findings on lines changed since REV (diffed from "
                                  "its merge base with "
                                  "HEAD; findings not on a changed line are left out)")
                     ->type_name("REV"));

  ScanFlags routes;
  CLI::App* routes_cmd =
      app.add_subcommand("routes", "List every route with its full path and middleware chain");
  routes_cmd->add_option("paths", routes.paths, "Files or folders (default: the current folder)");
  routes_cmd->add_option("-f,--format", routes.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "openapi"}))
      ->capture_default_str();
  routes_cmd->add_option("-o,--output", routes.output, "Write the table to FILE instead of stdout");
  routes_cmd->add_option("-j,--jobs", routes.jobs, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1u, 1024u));
  routes_cmd->add_flag("--no-default-excludes", routes.no_default_excludes,
                       "Also scan dist/, build/ and coverage/ folders");
  add_config_options(*routes_cmd, routes.config, false);

  ScanFlags base;
  CLI::App* baseline_cmd = app.add_subcommand(
      "baseline", "Record the current findings (.nodescope-baseline.json) for `scan --baseline`");
  baseline_cmd->add_option("paths", base.paths, "Files or folders (default: the current folder)");
  baseline_cmd->add_option("-o,--output", base.output,
                           "Write the baseline to FILE instead of the scan root");
  add_discovery_options(*baseline_cmd, base);

  std::string rules_format = "text";
  CLI::App* rules_cmd = app.add_subcommand("rules", "List every rule with its metadata");
  rules_cmd->add_option("-f,--format", rules_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  // Files after `--` (as lint-staged and pre-commit pass them) narrow `scan`'s report; CLI11 would
  // take them as more paths to scan, so they are split off first.
  std::vector<const char*> args(argv, argv + argc);
  const auto dashes = std::find_if(args.begin() + std::min(argc, 1), args.end(),
                                   [](const char* a) { return std::string_view(a) == "--"; });
  std::vector<std::string> after_dashes(dashes == args.end() ? dashes : dashes + 1, args.end());
  scan.files_given = dashes != args.end();
  args.erase(dashes, args.end());
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::Success& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    err << "Run 'nodescope --help' or 'nodescope " << (scan_cmd->parsed() ? "scan " : "")
        << "--help' for usage.\n";
    return kExitError;
  }

  if (*rules_cmd) {
    const std::string bytes = rules_format == "json"
                                  ? reports::rules_to_json(all_rules(), tool_info())
                                  : reports::rules_to_text(all_rules());
    return emit(bytes, "", out, err) ? kExitClean : kExitError;
  }
  if (*routes_cmd) {
    routes.paths.insert(routes.paths.end(), after_dashes.begin(), after_dashes.end());
    return run_routes(routes, out, err);
  }
  if (*baseline_cmd) {
    base.paths.insert(base.paths.end(), after_dashes.begin(), after_dashes.end());
    return run_baseline(base, out, err);
  }
  // The report is `scan` with the summary, exit code 0 unless something failed.
  if (*report_cmd) {
    report.paths.insert(report.paths.end(), after_dashes.begin(), after_dashes.end());
    return run_scan(report, out, err);
  }
  scan.files = std::move(after_dashes);
  return run_scan(scan, out, err);
}

}  // namespace nodescope::cli
