// The fixture runner: analyses real .js/.ts/.tsx sources carrying inline expectations and fails on
// any difference, both ways (clang-tidy / Semgrep style):
//   // expect: id[, id]       a finding of each id on the next code line
//   // expect-not: id         no finding of id there
//   // todo-expect: id        a known miss: fails once the finding appears (promote it)
//   // todo-expect-not: id    a known false positive: fails once it disappears
// (also inside /* */ and JSX {/* */} comments). Annotations are blanked to spaces before analysis,
// keeping every offset, so they cannot steer it. Suppression comments (`nodescope-ignore...`) are
// not annotations and stay, so fixtures test them (rules/meta/unused-suppression). Each fixture
// runs at 1 and N threads and the JSON outputs must be identical bytes.
//   --rule ID     every fixture under rules/ID/fixtures (a file, or a folder analysed as one
//                 project, with its package.json / tsconfig.json / lockfile as the project
//                 configuration); only findings of ID are checked
//   --app DIR     one multi-file app under fixtures/apps, all rules checked
// A folder fixture or app with a .nodescope.json at its top is analysed with that configuration
// (rules off or re-levelled, ignore and test patterns, middleware names), as `nodescope scan` does.
// Ends with "N passed, M failed".
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "engine/config.h"
#include "engine/engine.h"
#include "facts/project.h"
#include "fs/discovery.h"
#include "nodescope/reports/reports.h"
#include "nodescope/rule.h"

namespace {

namespace stdfs = std::filesystem;
using nodescope::Finding;

enum class Kind { kExpect, kExpectNot, kTodoExpect, kTodoExpectNot };

struct Expectation {
  Kind kind;
  std::string rule;
  std::string file;
  std::uint32_t line;          // target line
  std::uint32_t comment_line;  // where the annotation is
};

struct Fixture {
  std::string name;
  std::vector<nodescope::engine::InputFile> files;
  // package.json, tsconfig/jsconfig and lockfiles of a folder fixture: module resolution (path
  // aliases, workspace packages) and framework versions, as `nodescope scan` reads them.
  std::vector<nodescope::facts::ProjectFileText> project_files;
  std::vector<Expectation> expectations;
};

std::string read_file(const stdfs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> split_ids(const std::string& list) {
  std::vector<std::string> ids;
  std::string cur;
  for (char c : list + ",") {
    if (c == ',') {
      if (!cur.empty()) ids.push_back(cur);
      cur.clear();
    } else if (c != ' ' && c != '\t') {
      cur.push_back(c);
    }
  }
  return ids;
}

// Finds annotations, blanks them in `text`, and returns them with their target lines.
std::vector<Expectation> take_annotations(const std::string& file, std::string& text) {
  static const RE2 kLine(
      R"((//|/\*)\s*(todo-expect-not|todo-expect|expect-not|expect):\s*([A-Za-z0-9_/,\s-]+?)\s*(\*/\s*\}?)?\s*$)");
  std::vector<Expectation> out;
  std::vector<std::string_view> lines;
  std::vector<std::size_t> starts;
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    starts.push_back(pos);
    lines.emplace_back(text.data() + pos, nl - pos);
    pos = nl + 1;
  }
  std::vector<bool> annotation_only(lines.size(), false);
  struct Raw {
    Kind kind;
    std::vector<std::string> ids;
    std::size_t line_index;
  };
  std::vector<Raw> raws;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string opener, kind, ids, closer;
    re2::StringPiece input(line.data(), line.size());
    if (!RE2::PartialMatch(input, kLine, &opener, &kind, &ids, &closer)) continue;
    const std::size_t at = line.find(opener == "//" ? "//" : "/*");
    // Find the annotation's own comment start (the last opener before the keyword).
    const std::size_t kw = line.find(kind + ":");
    const std::size_t start = line.rfind(opener, kw);
    if (start == std::string_view::npos || at == std::string_view::npos) continue;
    std::size_t blank_from = start;
    // A JSX {/* ... */} annotation: blank the braces too.
    const std::size_t brace = line.rfind('{', start);
    if (opener == "/*" && brace != std::string_view::npos &&
        line.substr(brace + 1, start - brace - 1).find_first_not_of(" \t") ==
            std::string_view::npos) {
      blank_from = brace;
    }
    const std::string_view before = line.substr(0, blank_from);
    annotation_only[i] = before.find_first_not_of(" \t") == std::string_view::npos;
    for (std::size_t k = starts[i] + blank_from; k < starts[i] + line.size(); ++k) text[k] = ' ';
    Kind k = Kind::kExpect;
    if (kind == "expect-not") k = Kind::kExpectNot;
    if (kind == "todo-expect") k = Kind::kTodoExpect;
    if (kind == "todo-expect-not") k = Kind::kTodoExpectNot;
    raws.push_back(Raw{k, split_ids(ids), i});
  }
  for (const Raw& r : raws) {
    std::size_t target = r.line_index + 1;
    while (target < lines.size() && annotation_only[target]) ++target;
    if (!annotation_only[r.line_index]) target = r.line_index;  // trailing form: same line
    for (const std::string& id : r.ids) {
      out.push_back(Expectation{r.kind, id, file, static_cast<std::uint32_t>(target + 1),
                                static_cast<std::uint32_t>(r.line_index + 1)});
    }
  }
  return out;
}

bool add_file(Fixture& fx, const stdfs::path& abs, const std::string& rel) {
  if (nodescope::fs::is_project_file(abs.filename().string())) {
    fx.project_files.push_back(nodescope::facts::ProjectFileText{rel, read_file(abs)});
    return true;
  }
  auto lang = nodescope::fs::language_of(rel);
  if (!lang) return false;
  std::string text = read_file(abs);
  auto exps = take_annotations(rel, text);
  fx.expectations.insert(fx.expectations.end(), exps.begin(), exps.end());
  nodescope::engine::InputFile in;
  in.rel_path = rel;
  in.abs_path = abs;
  in.language = *lang;
  in.size = text.size();
  in.content = std::move(text);
  fx.files.push_back(std::move(in));
  return true;
}

Fixture load_fixture(const stdfs::path& path, const std::string& name) {
  Fixture fx;
  fx.name = name;
  if (stdfs::is_directory(path)) {
    std::vector<stdfs::path> all;
    for (const auto& e : stdfs::recursive_directory_iterator(path)) {
      if (e.is_regular_file() && e.path().string().find("node_modules") == std::string::npos) {
        all.push_back(e.path());
      }
    }
    std::sort(all.begin(), all.end());
    for (const auto& p : all) {
      const std::string rel = stdfs::relative(p, path).generic_string();
      add_file(fx, p, rel);
    }
  } else {
    add_file(fx, path, path.filename().generic_string());
  }
  return fx;
}

// Runs one fixture; returns the failure messages (empty when it passes).
std::vector<std::string> run_fixture(Fixture fx, const std::string& only_rule, unsigned jobs) {
  std::vector<std::string> failures;
  nodescope::engine::EngineOptions options;
  // A .nodescope.json at the fixture's top applies as `nodescope scan` would apply it.
  std::vector<const nodescope::Rule*> rules(nodescope::all_rules().begin(),
                                            nodescope::all_rules().end());
  for (const auto& pf : fx.project_files) {
    if (pf.rel_path != nodescope::engine::kConfigFileName) continue;
    std::vector<std::string_view> ids;
    for (const nodescope::Rule* r : nodescope::all_rules()) ids.push_back(r->meta().id);
    auto config = nodescope::engine::parse_config(pf.text, pf.rel_path, ids);
    if (!config) return {"fixture configuration: " + config.error().message};
    rules = nodescope::engine::apply_config(*config, "", nodescope::all_rules(), options, nullptr);
    const nodescope::fs::PathGlobs ignore(config->ignore, "");
    std::erase_if(fx.files, [&](const nodescope::engine::InputFile& f) {
      return ignore.match_file(f.rel_path) == nodescope::fs::IgnoreVerdict::kIgnore;
    });
  }
  options.jobs = 1;
  auto one = nodescope::engine::analyze_files(fx.files, rules, options, {}, fx.project_files);
  options.jobs = jobs;
  auto many = nodescope::engine::analyze_files(fx.files, rules, options, {}, fx.project_files);
  const nodescope::reports::ToolInfo tool{"nodescope", "test"};
  if (nodescope::reports::to_json(one, tool) != nodescope::reports::to_json(many, tool)) {
    failures.push_back("output differs between 1 and " + std::to_string(jobs) + " threads");
  }
  for (const auto& d : one.diagnostics) {
    if (d.kind != "parse-error") continue;
    failures.push_back(d.file + ":" + std::to_string(d.line) +
                       ": fixture does not parse: " + d.message);
  }
  // (file, line, rule) -> count of findings
  std::map<std::tuple<std::string, std::uint32_t, std::string>, std::vector<const Finding*>> found;
  for (const Finding& f : one.findings) {
    if (!only_rule.empty() && f.rule_id != only_rule) continue;
    found[{f.file, f.range.line, f.rule_id}].push_back(&f);
  }
  std::set<std::tuple<std::string, std::uint32_t, std::string>> accounted;
  for (const Expectation& e : fx.expectations) {
    if (!only_rule.empty() && e.rule != only_rule) continue;
    const auto key = std::make_tuple(e.file, e.line, e.rule);
    const bool present = found.count(key) > 0;
    const std::string where = e.file + ":" + std::to_string(e.comment_line) + ": ";
    switch (e.kind) {
      case Kind::kExpect:
        if (!present) {
          failures.push_back(where + "expected " + e.rule + " on line " + std::to_string(e.line) +
                             ", got none");
        }
        accounted.insert(key);
        break;
      case Kind::kExpectNot:
        if (present) {
          failures.push_back(where + "expect-not " + e.rule + " on line " + std::to_string(e.line) +
                             ", but it was reported: " + found[key].front()->message);
        }
        break;
      case Kind::kTodoExpect:
        if (present) {
          failures.push_back(where + "todo-expect " + e.rule + " on line " +
                             std::to_string(e.line) + " now passes: promote it to `expect:`");
          accounted.insert(key);
        }
        break;
      case Kind::kTodoExpectNot:
        if (!present) {
          failures.push_back(where + "todo-expect-not " + e.rule + " on line " +
                             std::to_string(e.line) +
                             " no longer reported: promote it to `expect-not:`");
        }
        accounted.insert(key);
        break;
    }
  }
  for (const auto& [key, list] : found) {
    if (accounted.count(key) != 0) continue;
    const auto& [file, line, rule] = key;
    bool excused = false;
    for (const Expectation& e : fx.expectations) {
      if (e.file == file && e.line == line && e.rule == rule && e.kind == Kind::kExpectNot) {
        excused = true;  // already failed above
      }
    }
    if (excused) continue;
    failures.push_back(file + ":" + std::to_string(line) + ": unexpected " + rule + ": " +
                       list.front()->message);
  }
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rule;
  std::string app;
  std::string root = NODESCOPE_SOURCE_DIR;
  unsigned jobs = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rule") rule = argv[i + 1];
    if (flag == "--app") app = argv[i + 1];
    if (flag == "--root") root = argv[i + 1];
    if (flag == "--jobs") jobs = static_cast<unsigned>(std::stoul(argv[i + 1]));
  }
  std::vector<Fixture> fixtures;
  if (!rule.empty()) {
    const stdfs::path dir = stdfs::path(root) / "rules" / rule / "fixtures";
    if (!stdfs::is_directory(dir)) {
      std::cerr << "no fixtures folder: " << dir << "\n0 passed, 1 failed\n";
      return 1;
    }
    std::vector<stdfs::path> entries;
    for (const auto& e : stdfs::directory_iterator(dir)) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const auto& p : entries) {
      if (stdfs::is_directory(p) || nodescope::fs::language_of(p.filename().string())) {
        fixtures.push_back(load_fixture(p, rule + "/" + p.filename().string()));
      }
    }
  } else if (!app.empty()) {
    const stdfs::path dir = stdfs::path(root) / app;
    fixtures.push_back(load_fixture(dir, app));
  } else {
    std::cerr << "usage: nodescope_fixtures (--rule ID | --app DIR) [--root SRC] [--jobs N]\n";
    return 2;
  }
  int passed = 0;
  int failed = 0;
  for (Fixture& fx : fixtures) {
    if (fx.files.empty()) {
      std::cout << "FAIL " << fx.name << "\n  no source files\n";
      ++failed;
      continue;
    }
    const std::string name = fx.name;
    auto failures = run_fixture(std::move(fx), rule, jobs);
    if (failures.empty()) {
      std::cout << "ok   " << name << "\n";
      ++passed;
    } else {
      std::cout << "FAIL " << name << "\n";
      for (const auto& f : failures) std::cout << "  " << f << "\n";
      ++failed;
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
