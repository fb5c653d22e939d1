// The scan pipeline (see engine.h): load -> classify -> parse -> one walk dispatching rules and
// fact extractors by node kind -> end_file hooks -> free the tree; then, after a barrier, the
// whole-program hooks, fingerprints and a total sort. Per-file results are stored by file index,
// so thread scheduling never changes the output.
#include "engine/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>
#include <variant>

#include <fmt/format.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/dispatch.h"
#include "engine/fingerprint.h"
#include "engine/suppress.h"
#include "facts/backend_facts.h"
#include "facts/file_facts.h"
#include "facts/json_check.h"
#include "facts/summary.h"
#include "model/program.h"
#include "model/resolve.h"
#include "model/routes.h"
#include "nodescope/syntax.h"
#include "parse/line_index.h"
#include "parse/parser.h"
#include "parse/source.h"

namespace nodescope::engine {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Everything one file contributes; filled by one task, read after the barrier.
struct FileOutcome {
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::unique_ptr<RuleFacts>> rule_facts;  // by rule index; may hold nulls
  facts::FileFacts facts;
  std::vector<Suppression> suppressions;  // the file's nodescope-ignore comments
  bool parsed = false;
};

class FileContextImpl final : public FileContext {
 public:
  FileContextImpl(const InputFile& file, std::string_view source, const parse::LineIndex& lines,
                  std::span<const Rule* const> rules, FileOutcome& out)
      : file_(file),
        source_(source),
        lines_(lines),
        rules_(rules),
        out_(out),
        states_(rules.size()) {}

  void set_rule(std::size_t index) { rule_ = index; }

  std::string_view path() const override { return file_.rel_path; }
  Language language() const override { return file_.language; }
  std::string_view source() const override { return source_; }
  std::string_view text(const SyntaxNode& node) const override {
    if (node.is_null()) return {};  // an absent field: rules may ask without checking
    const std::uint32_t start = std::min<std::uint32_t>(node.start_byte(), source_.size());
    const std::uint32_t end = std::clamp<std::uint32_t>(node.end_byte(), start, source_.size());
    return source_.substr(start, end - start);
  }
  Range range(const SyntaxNode& node) const override {
    if (node.is_null()) return lines_.range(0, 0);
    return lines_.range(node.start_byte(), node.end_byte());
  }
  void report(const SyntaxNode& node, std::string message) override {
    report(range(node), std::move(message), rules_[rule_]->meta().confidence);
  }
  void report(const Range& range, std::string message, Confidence confidence) override {
    const RuleMeta& meta = rules_[rule_]->meta();
    Finding f;
    f.rule_id = std::string(meta.id);
    f.severity = meta.severity;
    f.confidence = confidence;
    f.message = std::move(message);
    f.file = file_.rel_path;
    f.range = range;
    f.line_hash = line_hash(lines_.line_text(range.line));
    out_.findings.push_back(std::move(f));
  }
  const ImportBinding* import_of(std::string_view local) const override {
    return out_.facts.import_of(local);
  }
  bool is_constant_name(std::string_view name) const override {
    return out_.facts.is_constant_name(name);
  }

 protected:
  std::unique_ptr<RuleState>& state_slot() override { return states_[rule_]; }
  std::unique_ptr<RuleState>& shared_slot(const void* key) override {
    for (auto& [k, slot] : shared_) {
      if (k == key) return slot;
    }
    return shared_.emplace_back(key, nullptr).second;
  }

 private:
  const InputFile& file_;
  std::string_view source_;
  const parse::LineIndex& lines_;
  std::span<const Rule* const> rules_;
  FileOutcome& out_;
  std::vector<std::unique_ptr<RuleState>> states_;
  std::size_t rule_ = 0;
  // Per-file slots shared by rules (FileContext::shared), few per file: a linear list.
  std::vector<std::pair<const void*, std::unique_ptr<RuleState>>> shared_;
};

Diagnostic file_diagnostic(const std::string& file, std::string_view kind, std::string message,
                           std::uint32_t line = 0, std::uint32_t column = 0) {
  return Diagnostic{file, std::string(kind), std::move(message), line, column};
}

// The single walk: pre-order over every node with a cursor (no recursion: trees can be 100,000
// levels deep). Also finds the first syntax error for the diagnostic.
void walk(TSTree* tree, const DispatchTable& table, Language language,
          std::span<const Rule* const> rules, FileContextImpl& ctx, facts::Extractor& extractor,
          TSNode& first_error) {
  TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree));
  bool want_error = ts_node_has_error(ts_tree_root_node(tree));
  for (;;) {
    const TSNode node = ts_tree_cursor_current_node(&cursor);
    if (want_error && (ts_node_is_error(node) || ts_node_is_missing(node))) {
      first_error = node;
      want_error = false;
    }
    const TSSymbol symbol = ts_node_symbol(node);
    const auto subs = table.subscribers(language, symbol);
    if (!subs.empty()) {
      const SyntaxNode syntax(node);
      for (const std::int32_t who : subs) {
        if (who == kExtractor) {
          extractor.on_node(syntax);
        } else {
          ctx.set_rule(static_cast<std::size_t>(who));
          rules[static_cast<std::size_t>(who)]->on_node(syntax, ctx);
        }
      }
    }
    if (!table.skip_children(language, symbol)) {
      if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    } else if (want_error && ts_node_has_error(node)) {
      first_error = node;  // the error is somewhere inside the skipped subtree
      want_error = false;
    }
    if (ts_tree_cursor_goto_next_sibling(&cursor)) continue;
    bool done = true;
    while (ts_tree_cursor_goto_parent(&cursor)) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        done = false;
        break;
      }
    }
    if (done) break;
  }
  ts_tree_cursor_delete(&cursor);
}

void process_file(InputFile& file, const DispatchTable& table, std::span<const Rule* const> rules,
                  const EngineOptions& options, bool model, parse::Parser& parser,
                  FileOutcome& out) {
  parse::SourceLimits limits;
  limits.max_file_bytes = std::min<std::uint64_t>(options.max_file_bytes, 1u << 30);
  limits.minified_line_bytes = options.minified_line_bytes;
  limits.minified_average_line = options.minified_average_line;
  auto loaded = parse::load_source(file.rel_path, file.abs_path, std::move(file.content), limits);
  file.content.reset();
  if (auto* refused = std::get_if<Diagnostic>(&loaded)) {
    out.diagnostics.push_back(std::move(*refused));
    return;
  }
  const parse::LoadedSource& src = std::get<parse::LoadedSource>(loaded);
  const std::string_view text = src.text();
  auto parsed =
      parser.parse(file.language, text, std::chrono::milliseconds(options.parse_timeout_ms));
  if (!parsed.tree) {
    out.diagnostics.push_back(file_diagnostic(
        file.rel_path, parsed.timed_out ? diag::kParseTimeout : diag::kInternalError,
        parsed.timed_out ? fmt::format("parsing took longer than {} ms; skipped (raise it with "
                                       "--parse-timeout)",
                                       options.parse_timeout_ms)
                         : std::string("the parser could not be started; skipped")));
    return;
  }
  out.parsed = true;
  if (options.parse_only) return;

  const parse::LineIndex lines(text);
  FileContextImpl ctx(file, text, lines, rules, out);
  TSNode first_error{};
  facts::Extractor extractor(text, lines, out.facts, model, file.rel_path, &options.test_globs);
  walk(parsed.tree.get(), table, file.language, rules, ctx, extractor, first_error);
  out.suppressions = find_suppressions(text, ts_tree_root_node(parsed.tree.get()), lines);
  if (!ts_node_is_null(first_error)) {
    const Range r = lines.range(ts_node_start_byte(first_error), ts_node_end_byte(first_error));
    out.diagnostics.push_back(file_diagnostic(
        file.rel_path, diag::kParseError,
        fmt::format("syntax error at {}:{}; the rest of the file was still analysed", r.line,
                    r.column),
        r.line, r.column));
  }
  out.rule_facts.resize(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    ctx.set_rule(i);
    out.rule_facts[i] = rules[i]->end_file(ctx);
  }
}

// The backend model handed to rules that need it; read-only, shared by the rules' parallel phase.
class ModelViewImpl final : public ModelView {
 public:
  ModelViewImpl(const model::Program& program, const std::vector<Route>& routes,
                const std::vector<App>& apps, const std::vector<FrameworkVersion>& frameworks)
      : program_(program), routes_(routes), apps_(apps), frameworks_(frameworks) {}
  std::span<const Route> routes() const override { return routes_; }
  std::span<const App> apps() const override { return apps_; }
  std::span<const FrameworkVersion> frameworks() const override { return frameworks_; }
  std::string resolve_module(std::string_view from_path, std::string_view spec) const override {
    const auto index = model::resolve_module(program_, from_path, spec);
    return index ? program_.files()[*index].path : std::string();
  }
  bool has_dependency(std::string_view package) const override {
    return program_.config().dependency(package) != nullptr;
  }
  bool is_test_file(std::string_view path) const override {
    const model::FileRecord* f = program_.file(path);
    return f != nullptr && f->facts.test_file;
  }
  std::size_t test_request_count() const override {
    std::size_t n = 0;
    for (const model::FileRecord& f : program_.files()) n += f.facts.test_requests.size();
    return n;
  }

 private:
  const model::Program& program_;
  const std::vector<Route>& routes_;
  const std::vector<App>& apps_;
  const std::vector<FrameworkVersion>& frameworks_;
};

class ProgramContextImpl final : public ProgramContext {
 public:
  ProgramContextImpl(const Rule& rule, std::vector<FileFacts> facts, const ModelView* model,
                     std::vector<Finding>& out)
      : rule_(rule), facts_(std::move(facts)), model_(model), out_(out) {}
  std::span<const FileFacts> facts() const override { return facts_; }
  const ModelView* model() const override { return rule_.meta().needs_model ? model_ : nullptr; }
  void report(const SourceSpan& at, std::string message, Confidence confidence) override {
    if (!at.known()) return;  // a finding needs a real location
    Range range;
    range.line = at.line;
    range.start_byte = at.start_byte;
    range.end_byte = at.end_byte;
    report(at.file, range, std::move(message), confidence);
    out_.back().needs_range = true;
  }
  void report_flow(std::string_view path, const Range& range, std::string message,
                   Confidence confidence, std::vector<FlowStep> flow) override {
    report(path, range, std::move(message), confidence);
    out_.back().flow = std::move(flow);
  }
  void report(std::string_view path, const Range& range, std::string message,
              Confidence confidence) override {
    Finding f;
    f.rule_id = std::string(rule_.meta().id);
    f.severity = rule_.meta().severity;
    f.confidence = confidence;
    f.message = std::move(message);
    f.file = std::string(path);
    f.range = range;
    out_.push_back(std::move(f));  // line_hash is filled after the barrier
  }

 private:
  const Rule& rule_;
  std::vector<FileFacts> facts_;
  const ModelView* model_;
  std::vector<Finding>& out_;
};

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.file, a.range.line, a.range.column, a.rule_id, a.message, a.range.end_line,
                  a.range.end_column) < std::tie(b.file, b.range.line, b.range.column, b.rule_id,
                                                 b.message, b.range.end_line, b.range.end_column);
}

bool same_finding(const Finding& a, const Finding& b) {
  return !finding_less(a, b) && !finding_less(b, a);
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.file, a.line, a.column, a.kind, a.message) <
         std::tie(b.file, b.line, b.column, b.kind, b.message);
}

// Whole-program findings were reported without their line text (and, when reported at a byte
// span, without lines and columns); read the file back once to fill them in.
void fill_missing_line_hashes(std::vector<Finding>& findings, const std::vector<InputFile>& files,
                              const EngineOptions& options) {
  std::map<std::string_view, const InputFile*> by_path;
  for (const InputFile& f : files) by_path.emplace(f.rel_path, &f);
  std::map<std::string_view, std::vector<Finding*>> pending;
  for (Finding& f : findings) {
    if (f.line_hash == 0) pending[f.file].push_back(&f);
  }
  for (auto& [path, list] : pending) {
    auto it = by_path.find(path);
    if (it == by_path.end()) continue;
    parse::SourceLimits limits;
    limits.max_file_bytes = std::min<std::uint64_t>(options.max_file_bytes, 1u << 30);
    limits.minified_line_bytes = UINT32_MAX;
    limits.minified_average_line = UINT32_MAX;
    auto loaded =
        parse::load_source(it->second->rel_path, it->second->abs_path, it->second->content, limits);
    if (auto* src = std::get_if<parse::LoadedSource>(&loaded)) {
      const parse::LineIndex lines(src->text());
      for (Finding* f : list) {
        if (f->needs_range) {
          f->range = lines.range(std::min<std::uint32_t>(f->range.start_byte, src->text().size()),
                                 std::min<std::uint32_t>(f->range.end_byte, src->text().size()));
          f->needs_range = false;
        }
        f->line_hash = line_hash(lines.line_text(f->range.line));
      }
    }
  }
}

// Strict-JSON project files are validated up front so a broken one is named with its position
// (later phases read dependencies and settings from them).
// Also returns the texts of the files module resolution needs (package.json, tsconfig.json).
std::vector<facts::ProjectFileText> check_project_files(
    const std::vector<fs::ProjectFileEntry>& entries, std::uint64_t max_bytes, bool lockfiles,
    const std::map<std::string, std::optional<std::string>>& overlay, std::vector<Diagnostic>& out,
    bool summary = false) {
  std::vector<facts::ProjectFileText> texts;
  for (const fs::ProjectFileEntry& e : entries) {
    const std::string_view name = std::string_view(e.rel_path).substr(e.rel_path.rfind('/') + 1);
    const bool tsconfig =
        (name.starts_with("tsconfig") && name.ends_with(".json")) || name == "jsconfig.json";
    const bool lockfile = name == "package-lock.json" || name == "npm-shrinkwrap.json" ||
                          name == "yarn.lock" || name == "pnpm-lock.yaml";
    if (lockfile && !lockfiles) continue;
    // .nodescope.json is read by the configuration loader (engine/config.h), which names its
    // problems itself, before the scan starts.
    // The report's facts: version files, Dockerfiles and bun's lockfiles (bun.lockb is binary:
    // its presence is the fact, so it is not read).
    const bool summary_file =
        summary && (name == ".nvmrc" || name == ".node-version" || name == ".tool-versions" ||
                    name == "bun.lock" || name.starts_with("Dockerfile"));
    if (summary && name == "bun.lockb") {
      texts.push_back(facts::ProjectFileText{e.rel_path, std::string()});
      continue;
    }
    if (name != "package.json" && !tsconfig && !lockfile && !summary_file) continue;
    parse::SourceLimits limits;
    // Lockfiles of tens of MB are normal; they are read once, with simdjson or a line scan.
    limits.max_file_bytes = lockfile ? std::max<std::uint64_t>(max_bytes, 64u << 20) : max_bytes;
    limits.minified_line_bytes = UINT32_MAX;
    limits.minified_average_line = UINT32_MAX;
    const auto over = overlay.find(e.rel_path);
    auto loaded = parse::load_source(e.rel_path, e.abs_path,
                                     over != overlay.end() ? over->second : std::nullopt, limits);
    if (auto* refused = std::get_if<Diagnostic>(&loaded)) {
      out.push_back(std::move(*refused));
      continue;
    }
    const std::string_view text = std::get<parse::LoadedSource>(loaded).text();
    texts.push_back(facts::ProjectFileText{e.rel_path, std::string(text)});
    if (tsconfig || lockfile || summary_file)
      continue;  // JSONC / not JSON: read where they are used
    if (auto err = facts::check_json(text)) {
      out.push_back(file_diagnostic(
          e.rel_path, diag::kMalformedJson,
          fmt::format("malformed JSON ({}); fix the file: nodescope reads it for the project's "
                      "dependencies and settings",
                      err->message),
          err->line, err->column));
    }
  }
  return texts;
}

// The report's facts (facts/summary.h), with source texts read back from disk (or the given
// content) for route purposes and listen() calls.
Summary build_summary(const std::vector<InputFile>& files,
                      const std::vector<facts::ProjectFileText>& project_files,
                      const facts::ProjectConfig& config, const ScanResult& result,
                      const std::vector<App>& apps, std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> sources;
  sources.reserve(files.size());
  for (const InputFile& f : files) sources.push_back(f.rel_path);
  facts::SummaryInput in;
  in.project_files = &project_files;
  in.sources = &sources;
  in.routes = &result.routes;
  in.apps = &apps;
  in.frameworks = &result.frameworks;
  in.config = &config;
  in.text_of = [&files](const std::string& rel) -> std::string {
    auto it =
        std::lower_bound(files.begin(), files.end(), rel,
                         [](const InputFile& f, const std::string& p) { return f.rel_path < p; });
    if (it == files.end() || it->rel_path != rel) return {};
    if (it->content) return *it->content;
    std::ifstream stream(it->abs_path, std::ios::binary);
    std::ostringstream text;
    if (stream) text << stream.rdbuf();
    std::string s = text.str();
    if (s.starts_with("\xEF\xBB\xBF")) s.erase(0, 3);  // offsets count after a BOM
    return s;
  };
  return facts::build_summary(in, diagnostics);
}

// `scan --staged`: staged contents replace the working tree's, files staged as deleted leave the
// scan, and staged files missing from disk join it (unless in an excluded folder).
void apply_overlay(const std::filesystem::path& root,
                   const std::map<std::string, std::optional<std::string>>& overlay,
                   const fs::DiscoveryOptions& discovery, std::vector<InputFile>& files) {
  std::set<std::string_view> seen;
  for (InputFile& f : files) {
    seen.insert(f.rel_path);
    if (auto it = overlay.find(f.rel_path); it != overlay.end() && it->second) {
      f.content = it->second;
      f.size = it->second->size();
    }
  }
  std::vector<InputFile> added;
  for (const auto& [path, content] : overlay) {
    if (!content || seen.contains(path)) continue;
    const auto language = fs::language_of(path);
    if (!language) continue;
    std::error_code ec;
    const std::filesystem::path abs = root / path;
    if (std::filesystem::exists(std::filesystem::symlink_status(abs, ec))) continue;
    bool excluded = false;
    for (const auto& part : std::filesystem::path(path).parent_path()) {
      const std::string name = part.string();
      excluded =
          excluded || name == ".git" || name == "node_modules" ||
          std::find(discovery.default_excluded_dirs.begin(), discovery.default_excluded_dirs.end(),
                    name) != discovery.default_excluded_dirs.end();
    }
    if (!excluded) added.push_back(InputFile{path, abs, *language, content->size(), content});
  }
  std::erase_if(files, [&](const InputFile& f) {
    const auto it = overlay.find(f.rel_path);
    return it != overlay.end() && !it->second;
  });
  std::move(added.begin(), added.end(), std::back_inserter(files));
}

// The data sections of the report (facts/backend_facts.h) for each service of the summary: the
// backend collector's own code scan (cheap substring filter first), project files, the scan's
// findings and the service's routes. Its diagnostics join the result's, sorted again.
void fill_backend_facts(ScanResult& result, const std::vector<fs::ProjectFileEntry>& entries,
                        const std::vector<InputFile>& sources,
                        const std::vector<facts::ProjectFileText>& project_texts,
                        const EngineOptions& options) {
  std::vector<Diagnostic> ignored;  // already reported by the scan
  const facts::ProjectConfig config = facts::load_project(project_texts, ignored);
  std::vector<Diagnostic> diagnostics;
  const std::vector<facts::ProjectFileText> files =
      facts::read_backend_files(entries, options.max_file_bytes, diagnostics);
  std::vector<std::string> paths;
  std::vector<facts::BackendCodeFacts> code;
  for (const InputFile& f : sources) {
    paths.push_back(f.rel_path);
    parse::SourceLimits limits;
    limits.max_file_bytes = options.max_file_bytes;
    auto loaded = parse::load_source(f.rel_path, f.abs_path, f.content, limits);
    if (auto* ok = std::get_if<parse::LoadedSource>(&loaded)) {
      code.push_back(facts::scan_backend_code(f.rel_path, ok->text(), f.language));
    }
  }
  std::vector<facts::FindingRef> findings;
  for (const Finding& f : result.findings) {
    findings.push_back(facts::FindingRef{f.rule_id, FactSource{f.file, f.range.line}});
  }
  for (ServiceSummary& service : result.summary.services) {
    facts::BackendInputs in;
    in.service_dir = service.dir;
    in.project = &config;
    in.files = files;
    in.source_paths = paths;
    in.code = code;
    in.findings = findings;
    in.metrics = options.metrics;
    for (std::uint32_t r : service.routes) {
      const Route& route = result.routes[r];
      in.routes.push_back(
          facts::RouteRef{route.method, route.path, FactSource{route.file, route.line}});
    }
    service.backend = facts::collect_backend_facts(in, diagnostics);
  }
  std::move(diagnostics.begin(), diagnostics.end(), std::back_inserter(result.diagnostics));
  std::sort(result.diagnostics.begin(), result.diagnostics.end(), diagnostic_less);
  result.diagnostics.erase(std::unique(result.diagnostics.begin(), result.diagnostics.end(),
                                       [](const Diagnostic& a, const Diagnostic& b) {
                                         return a.file == b.file && a.line == b.line &&
                                                a.column == b.column && a.kind == b.kind &&
                                                a.message == b.message;
                                       }),
                           result.diagnostics.end());
}

SuppressionContext suppression_context(std::span<const Rule* const> rules,
                                       const EngineOptions& options) {
  SuppressionContext ctx;
  for (const Rule* r : rules) {
    ctx.ran_ids.emplace(r->meta().id);
    if (r->meta().id == kUnusedSuppressionRule) {
      ctx.report_unused = true;
      ctx.severity = r->meta().severity;
      ctx.confidence = r->meta().confidence;
    }
  }
  if (options.known_rule_ids.empty()) {
    ctx.known_ids = {ctx.ran_ids.begin(), ctx.ran_ids.end()};
  } else {
    ctx.known_ids = {options.known_rule_ids.begin(), options.known_rule_ids.end()};
  }
  return ctx;
}

}  // namespace

ScanResult analyze_files(std::vector<InputFile> files, std::span<const Rule* const> rules,
                         const EngineOptions& options, std::vector<Diagnostic> diagnostics,
                         const std::vector<facts::ProjectFileText>& project_files) {
  const auto t0 = Clock::now();
  ScanResult result;
  std::sort(files.begin(), files.end(),
            [](const InputFile& a, const InputFile& b) { return a.rel_path < b.rel_path; });
  files.erase(
      std::unique(files.begin(), files.end(),
                  [](const InputFile& a, const InputFile& b) { return a.rel_path == b.rel_path; }),
      files.end());
  // Content may be moved out during processing; keep a copy for the whole-program line lookup.
  std::vector<InputFile> index_files;
  index_files.reserve(files.size());
  for (const InputFile& f : files) index_files.push_back(f);

  result.stats.files = files.size();
  for (const InputFile& f : files) {
    result.stats.bytes += f.content ? f.content->size() : f.size;
  }

  // The model's facts are extracted only when something reads them: the route table, or a rule
  // that declares it needs the model. Otherwise the extractor runs light (bindings, constants).
  bool model = options.build_routes;
  for (const Rule* r : rules) model = model || r->meta().needs_model;
  const DispatchTable table(rules, model);
  std::vector<FileOutcome> outcomes(files.size());
  const unsigned jobs =
      options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  // More workers than cores is allowed (users ask for --jobs 8 on 2 cores); lift TBB's default
  // cap for this scan so it neither ignores the request nor prints a warning.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            std::max<std::size_t>(jobs, tbb::this_task_arena::max_concurrency()));
  tbb::task_arena arena(static_cast<int>(jobs));
  tbb::enumerable_thread_specific<parse::Parser> parsers;
  // Each task publishes its outcome with a release increment; the acquire load after the loop
  // makes that ordering explicit (TBB's own join is invisible to ThreadSanitizer, since Debian's
  // TBB is not instrumented) and checks that every file was processed.
  std::atomic<std::size_t> finished{0};
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, files.size(), 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          for (std::size_t i = range.begin(); i != range.end(); ++i) {
            FileOutcome& out = outcomes[i];
            try {
              process_file(files[i], table, rules, options, model, parsers.local(), out);
            } catch (const std::exception& e) {
              // A bug in a rule or the engine must not cancel the scan: drop this file's partial
              // work and say so.
              out = FileOutcome{};
              out.diagnostics.push_back(file_diagnostic(
                  files[i].rel_path, diag::kInternalError,
                  fmt::format("internal error while analysing this file: {}; skipped (please "
                              "report it)",
                              e.what())));
            }
            const std::size_t done = finished.fetch_add(1, std::memory_order_acq_rel) + 1;
            if (options.progress) options.progress(done, files.size());
          }
        });
  });
  if (finished.load(std::memory_order_acquire) != files.size()) {
    diagnostics.push_back(file_diagnostic("", diag::kInternalError,
                                          "not every file was processed; please report it"));
  }
  result.timings.per_file_ms = ms_since(t0);

  // Barrier passed: merge in file order.
  const auto t1 = Clock::now();
  std::vector<model::FileRecord> records;
  std::map<std::string, std::vector<Suppression>> suppressions;
  for (std::size_t i = 0; i < files.size(); ++i) {
    FileOutcome& out = outcomes[i];
    if (!out.suppressions.empty())
      suppressions.emplace(files[i].rel_path, std::move(out.suppressions));
    if (out.parsed) {
      ++result.stats.parsed;
    } else {
      ++result.stats.skipped;
    }
    std::move(out.findings.begin(), out.findings.end(), std::back_inserter(result.findings));
    std::move(out.diagnostics.begin(), out.diagnostics.end(), std::back_inserter(diagnostics));
    if (out.parsed && !options.parse_only) {
      records.push_back(
          model::FileRecord{files[i].rel_path, files[i].language, std::move(out.facts)});
    }
  }
  const model::Program program(
      std::move(records),
      model ? facts::load_project(project_files, diagnostics) : facts::ProjectConfig{});
  std::vector<App> apps;
  if (model && !options.parse_only) {
    // Rules that read the model see the same table `nodescope routes` prints; route diagnostics
    // (dynamic paths) are part of a scan's output only when the routes were asked for.
    std::vector<Diagnostic> route_diagnostics;
    result.routes =
        model::build_routes(program, route_diagnostics, options.middleware_kinds, &apps);
    result.frameworks = model::framework_versions(program, result.routes);
    result.stats.model = true;
    result.stats.routes = result.routes.size();
    for (const Route& r : result.routes) result.stats.tested_routes += r.tested ? 1 : 0;
    if (options.build_routes) {
      std::move(route_diagnostics.begin(), route_diagnostics.end(),
                std::back_inserter(diagnostics));
    }
    if (options.build_summary) {
      result.summary =
          build_summary(index_files, project_files, program.config(), result, apps, diagnostics);
      for (const Rule* r : rules) result.summary.rules_run.emplace_back(r->meta().id);
      std::sort(result.summary.rules_run.begin(), result.summary.rules_run.end());
      result.has_summary = true;
    }
  }
  const ModelViewImpl model_view(program, result.routes, apps, result.frameworks);

  if (!options.parse_only) {
    std::vector<std::vector<Finding>> per_rule(rules.size());
    std::atomic<std::size_t> analyzed{0};
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, rules.size(), [&](std::size_t r) {
        std::vector<ProgramContext::FileFacts> facts;
        for (std::size_t i = 0; i < files.size(); ++i) {
          if (r < outcomes[i].rule_facts.size() && outcomes[i].rule_facts[r]) {
            facts.push_back({files[i].rel_path, outcomes[i].rule_facts[r].get()});
          }
        }
        ProgramContextImpl ctx(*rules[r], std::move(facts), &model_view, per_rule[r]);
        rules[r]->analyze(ctx);
        analyzed.fetch_add(1, std::memory_order_acq_rel);
      });
    });
    if (analyzed.load(std::memory_order_acquire) != rules.size()) {
      diagnostics.push_back(file_diagnostic("", diag::kInternalError,
                                            "not every rule finished its whole-program phase; "
                                            "please report it"));
    }
    for (auto& list : per_rule) {
      std::move(list.begin(), list.end(), std::back_inserter(result.findings));
    }
  }
  outcomes.clear();
  if (!options.build_routes) {
    result.routes.clear();  // the scan's output carries routes only when asked for
    result.frameworks.clear();
  }
  fill_missing_line_hashes(result.findings, index_files, options);
  result.timings.program_ms = ms_since(t1);

  std::sort(result.findings.begin(), result.findings.end(), finding_less);
  result.findings.erase(std::unique(result.findings.begin(), result.findings.end(), same_finding),
                        result.findings.end());
  // Fingerprints come before suppressions, so adding or removing a suppression never changes
  // the fingerprints of the findings it does not cover.
  assign_fingerprints(result.findings);
  if (!options.parse_only) {
    std::vector<Finding> unused;
    result.stats.suppressed = apply_suppressions(result.findings, suppressions,
                                                 suppression_context(rules, options), unused);
    std::sort(unused.begin(), unused.end(), finding_less);
    unused.erase(std::unique(unused.begin(), unused.end(), same_finding), unused.end());
    assign_fingerprints(unused);
    const auto middle = static_cast<std::ptrdiff_t>(result.findings.size());
    std::move(unused.begin(), unused.end(), std::back_inserter(result.findings));
    std::inplace_merge(result.findings.begin(), result.findings.begin() + middle,
                       result.findings.end(), finding_less);
  }
  if (!options.severity_overrides.empty()) {
    for (Finding& f : result.findings) {
      auto it = options.severity_overrides.find(f.rule_id);
      if (it != options.severity_overrides.end()) f.severity = it->second;
    }
  }
  std::sort(diagnostics.begin(), diagnostics.end(), diagnostic_less);
  result.diagnostics = std::move(diagnostics);
  result.timings.total_ms = ms_since(t0);
  return result;
}

Expected<ScanResult> scan(const std::filesystem::path& root,
                          const std::vector<std::filesystem::path>& inputs,
                          std::span<const Rule* const> rules, const EngineOptions& options,
                          const fs::DiscoveryOptions& discovery) {
  const auto t0 = Clock::now();
  auto found = fs::discover(root, inputs, discovery);
  if (!found) return found.error();
  const double discover_ms = ms_since(t0);
  std::vector<InputFile> files;
  files.reserve(found->sources.size());
  for (fs::SourceEntry& s : found->sources) {
    files.push_back(
        InputFile{std::move(s.rel_path), std::move(s.abs_path), s.language, s.size, {}});
  }
  if (!options.overlay.empty()) apply_overlay(root, options.overlay, discovery, files);
  bool model = options.build_routes;
  for (const Rule* r : rules) model = model || r->meta().needs_model;
  const auto project =
      check_project_files(found->project_files, options.max_file_bytes, model, options.overlay,
                          found->diagnostics, options.build_summary);
  std::vector<InputFile> summary_sources;
  if (options.build_summary) summary_sources = files;  // analyze_files consumes them
  ScanResult result =
      analyze_files(std::move(files), rules, options, std::move(found->diagnostics), project);
  if (options.build_summary && result.has_summary) {
    fill_backend_facts(result, found->project_files, summary_sources, project, options);
  }
  result.timings.discover_ms = discover_ms;
  result.timings.total_ms += discover_ms;
  return result;
}

}  // namespace nodescope::engine
