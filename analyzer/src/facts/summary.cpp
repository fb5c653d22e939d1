// The report's facts (see summary.h). Everything here is a pure function of its inputs, walked in
// sorted order, so the summary is the same bytes for any thread count. JSON goes through
// simdjson (tsconfig after strip_jsonc); lockfiles are only sniffed at their head, never parsed
// again (project.cpp reads their versions once).
#include "facts/summary.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

namespace nodescope::facts {
namespace {

std::string dir_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string_view file_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool inside(std::string_view file, std::string_view dir) {
  return dir.empty() ||
         (file.size() > dir.size() && file.starts_with(dir) && file[dir.size()] == '/');
}

std::string join(std::string_view dir, std::string_view name) {
  return dir.empty() ? std::string(name) : fmt::format("{}/{}", dir, name);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Normalises "a/./b/../c" (relative, forward slashes).
std::string normalise(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

struct PackageJson {
  std::string rel_path;
  std::string dir;
  std::string name;
  std::string main;
  std::vector<std::string> bins;
  std::string start;
  std::string engines_node;
  std::string package_manager;
  std::map<std::string, std::string> deps;  // dependencies, devDependencies, peerDependencies
};

std::optional<PackageJson> read_package(const ProjectFileText& f) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(f.text).get(root) || !root.is_object()) return std::nullopt;
  PackageJson p;
  p.rel_path = f.rel_path;
  p.dir = dir_of(f.rel_path);
  std::string_view s;
  if (!root["name"].get_string().get(s)) p.name = s;
  if (!root["main"].get_string().get(s)) p.main = s;
  if (!root["bin"].get_string().get(s)) p.bins.emplace_back(s);
  simdjson::dom::object obj;
  if (!root["bin"].get_object().get(obj)) {
    for (auto field : obj) {
      if (!field.value.get_string().get(s)) p.bins.emplace_back(s);
    }
  }
  if (!root["scripts"]["start"].get_string().get(s)) p.start = s;
  if (!root["engines"]["node"].get_string().get(s)) p.engines_node = s;
  if (!root["packageManager"].get_string().get(s)) p.package_manager = s;
  for (const char* section : {"dependencies", "devDependencies", "peerDependencies"}) {
    simdjson::dom::object deps;
    if (root[section].get_object().get(deps)) continue;
    for (auto field : deps) {
      std::string_view range;
      if (!field.value.get_string().get(range)) p.deps.emplace(field.key, range);
    }
  }
  return p;
}

// The facts are looked up from the nearest folder outwards: the service's folder, its parents,
// the root.
std::vector<std::string> chain_of(const std::string& dir) {
  std::vector<std::string> chain;
  std::string d = dir;
  for (;;) {
    chain.push_back(d);
    if (d.empty()) break;
    d = dir_of(d);
  }
  return chain;
}

std::string framework_display(std::string_view name) {
  if (name == "express") return "Express";
  if (name == "fastify") return "Fastify";
  if (name == "koa") return "Koa";
  if (name == "hapi") return "Hapi";
  if (name == "nestjs") return "NestJS";
  return std::string(name);
}

// Version text: "v18.19.0" -> "18.19.0"; the first line of a version file.
std::string clean_version(std::string_view text) {
  text = trim(text.substr(0, text.find('\n')));
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V') && text.size() > 1 &&
      std::isdigit(static_cast<unsigned char>(text[1]))) {
    text.remove_prefix(1);
  }
  return std::string(text);
}

int node_major(std::string_view v) {
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  return major_of(v);
}

struct Candidate {
  int rank = 0;
  std::size_t distance = 0;  // index in the chain: 0 nearest
  std::string value;
  std::string source;
};

SummaryFact node_version(const std::vector<std::string>& chain,
                         const std::map<std::string, const ProjectFileText*>& files,
                         const std::map<std::string, PackageJson>& packages) {
  std::vector<Candidate> found;
  for (std::size_t d = 0; d < chain.size(); ++d) {
    const std::string& dir = chain[d];
    auto text_at = [&](std::string_view name) -> const ProjectFileText* {
      auto it = files.find(join(dir, name));
      return it == files.end() ? nullptr : it->second;
    };
    if (const auto* f = text_at(".nvmrc"); f && !clean_version(f->text).empty()) {
      found.push_back({0, d, clean_version(f->text), f->rel_path});
    }
    if (const auto* f = text_at(".node-version"); f && !clean_version(f->text).empty()) {
      found.push_back({1, d, clean_version(f->text), f->rel_path});
    }
    if (const auto* f = text_at(".tool-versions")) {
      std::size_t i = 0;
      while (i < f->text.size()) {
        std::size_t j = f->text.find('\n', i);
        if (j == std::string::npos) j = f->text.size();
        const std::string_view line = trim(std::string_view(f->text).substr(i, j - i));
        i = j + 1;
        for (std::string_view tool : {"nodejs ", "node "}) {
          if (line.starts_with(tool)) {
            const std::string_view rest = trim(line.substr(tool.size()));
            found.push_back({2, d, clean_version(rest.substr(0, rest.find(' '))), f->rel_path});
          }
        }
      }
    }
    // Dockerfiles of this folder, in name order: the first `FROM node:TAG`.
    for (auto it = files.lower_bound(join(dir, "Dockerfile")); it != files.end(); ++it) {
      if (dir_of(it->first) != dir || !file_of(it->first).starts_with("Dockerfile")) break;
      const std::string& text = it->second->text;
      std::size_t i = 0;
      while (i < text.size()) {
        std::size_t j = text.find('\n', i);
        if (j == std::string::npos) j = text.size();
        std::string_view line = trim(std::string_view(text).substr(i, j - i));
        i = j + 1;
        if (line.size() < 5 || lower(line.substr(0, 5)) != "from ") continue;
        line = trim(line.substr(5));
        while (line.starts_with("--")) {  // --platform=...
          const auto sp = line.find(' ');
          line = sp == std::string_view::npos ? std::string_view() : trim(line.substr(sp));
        }
        std::string_view image = line.substr(0, line.find(' '));
        if (image.starts_with("docker.io/")) image.remove_prefix(10);
        if (image.starts_with("library/")) image.remove_prefix(8);
        if (!image.starts_with("node:")) continue;
        std::string_view tag = image.substr(5);
        tag = tag.substr(0, tag.find('@'));
        found.push_back({3, d, std::string(tag), it->first});
        break;
      }
    }
    if (auto it = packages.find(dir); it != packages.end() && !it->second.engines_node.empty()) {
      found.push_back({4, d, it->second.engines_node + " (engines.node)", it->second.rel_path});
    }
  }
  SummaryFact fact;
  if (found.empty()) {
    fact.value =
        "unknown (no .nvmrc, .node-version, .tool-versions, Dockerfile `FROM node:` or "
        "engines.node)";
    return fact;
  }
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.rank, a.distance) < std::tie(b.rank, b.distance);
  });
  fact.value = found[0].value;
  fact.source = found[0].source;
  const int major = node_major(found[0].value);
  for (std::size_t i = 1; i < found.size(); ++i) {
    const int other = node_major(found[i].value);
    if (found[i].rank == 4 && major >= 0) continue;  // a range is not a pin: not a conflict
    if (other != major || (other < 0 && found[i].value != found[0].value)) {
      fact.notes.push_back(fmt::format("{} ({})", found[i].value, found[i].source));
    }
  }
  return fact;
}

SummaryFact package_manager(const std::vector<std::string>& chain,
                            const std::map<std::string, const ProjectFileText*>& files,
                            const std::map<std::string, PackageJson>& packages) {
  SummaryFact declared;
  for (const std::string& dir : chain) {
    auto it = packages.find(dir);
    if (it == packages.end() || it->second.package_manager.empty()) continue;
    std::string pm = it->second.package_manager;
    pm = pm.substr(0, pm.find('+'));  // "pnpm@8.15.0+sha256..." keeps "pnpm@8.15.0"
    const auto at = pm.find('@', 1);
    declared.value = at == std::string::npos ? pm : pm.substr(0, at) + " " + pm.substr(at + 1);
    declared.value += " (packageManager field)";
    declared.source = it->second.rel_path;
    break;
  }
  // Lockfiles, nearest folder first.
  std::vector<std::pair<std::string, std::string>> locks;  // (kind text, file)
  for (const std::string& dir : chain) {
    for (std::string_view name : {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
                                  "pnpm-lock.yaml", "bun.lock", "bun.lockb"}) {
      auto it = files.find(join(dir, name));
      if (it == files.end()) continue;
      const std::string_view head = std::string_view(it->second->text).substr(0, 4096);
      std::string kind;
      if (name == "package-lock.json" || name == "npm-shrinkwrap.json") {
        const auto k = head.find("\"lockfileVersion\"");
        std::string v;
        if (k != std::string_view::npos) {
          std::size_t i = head.find(':', k);
          while (i != std::string_view::npos && i < head.size() &&
                 !std::isdigit(static_cast<unsigned char>(head[i]))) {
            ++i;
          }
          while (i != std::string_view::npos && i < head.size() &&
                 std::isdigit(static_cast<unsigned char>(head[i]))) {
            v += head[i++];
          }
        }
        kind = v.empty() ? "npm" : fmt::format("npm (lockfile v{})", v);
      } else if (name == "yarn.lock") {
        kind = head.find("__metadata:") != std::string_view::npos ? "yarn berry (v2+)" : "yarn v1";
      } else if (name == "pnpm-lock.yaml") {
        std::string v;
        if (head.starts_with("lockfileVersion:")) {
          std::string_view rest = trim(head.substr(16, head.find('\n') - 16));
          while (!rest.empty() && (rest.front() == '\'' || rest.front() == '"'))
            rest.remove_prefix(1);
          while (!rest.empty() && (rest.back() == '\'' || rest.back() == '"'))
            rest.remove_suffix(1);
          v = rest;
        }
        kind = v.empty() ? "pnpm" : fmt::format("pnpm (lockfile v{})", v);
      } else {
        kind = "bun";
      }
      locks.emplace_back(kind, it->first);
    }
    if (!locks.empty()) break;
  }
  SummaryFact fact;
  if (!declared.value.empty()) {
    fact = declared;
    const std::string tool = declared.value.substr(0, declared.value.find(' '));
    for (const auto& [kind, file] : locks) {
      if (!kind.starts_with(tool)) fact.notes.push_back(fmt::format("{} ({})", kind, file));
    }
    return fact;
  }
  if (locks.empty()) {
    fact.value = "unknown (no packageManager field and no lockfile)";
    return fact;
  }
  fact.value = locks[0].first;
  fact.source = locks[0].second;
  for (std::size_t i = 1; i < locks.size(); ++i) {
    fact.notes.push_back(fmt::format("{} ({})", locks[i].first, locks[i].second));
  }
  return fact;
}

// compilerOptions.strict along `extends` (relative files only). Returns "strict",
// "not strict (strict: false)", ... and the file that decided it.
std::pair<std::string, std::string> ts_strictness(
    const std::string& tsconfig, const std::map<std::string, const ProjectFileText*>& files,
    std::vector<Diagnostic>& diagnostics) {
  std::string current = tsconfig;
  for (int depth = 0; depth < 8; ++depth) {
    auto it = files.find(current);
    if (it == files.end()) {
      return {fmt::format("strictness unknown ({} not found)", current), ""};
    }
    const std::string json = strip_jsonc(it->second->text);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json).get(root) || !root.is_object()) {
      diagnostics.push_back(Diagnostic{current, std::string(diag::kMalformedJson),
                                       "malformed tsconfig (JSONC); its strictness is unknown in "
                                       "the report: fix the file",
                                       0, 0});
      return {"strictness unknown (malformed tsconfig)", current};
    }
    bool strict = false;
    if (!root["compilerOptions"]["strict"].get_bool().get(strict)) {
      return {strict ? "strict" : "not strict (strict: false)", current};
    }
    std::string_view ext;
    if (root["extends"].get_string().get(ext)) {
      return {"not strict (strict not set)", current};
    }
    if (ext.empty() || ext[0] != '.') {
      return {fmt::format("strictness unknown (extends package {}, not read)", ext), current};
    }
    std::string next = normalise(join(dir_of(current), ext));
    if (!next.ends_with(".json")) next += ".json";
    current = next;
  }
  return {"strictness unknown (extends chain too deep)", tsconfig};
}

SummaryFact typescript(const std::vector<std::string>& chain, const ServiceSummary& service,
                       bool& strict, const std::vector<std::string>& sources,
                       const std::map<std::string, const ProjectFileText*>& files,
                       const ProjectConfig& config, std::vector<Diagnostic>& diagnostics) {
  std::size_t ts = 0;
  for (const std::string& s : sources) {
    if (!inside(s, service.dir)) continue;
    if (s.ends_with(".ts") || s.ends_with(".tsx") || s.ends_with(".mts") || s.ends_with(".cts")) {
      ++ts;
    }
  }
  SummaryFact fact;
  const DependencyVersion* dep = config.dependency("typescript");
  std::size_t all = 0;
  for (const std::string& src : sources) all += inside(src, service.dir) ? 1 : 0;
  if (ts == 0) {
    fact.value = "not used (no .ts files)";
    return fact;
  }
  if (ts * 2 < all)
    fact.notes.push_back(fmt::format("{} of {} source files are TypeScript", ts, all));
  std::string version = dep != nullptr ? dep->version : "";
  if (dep != nullptr) fact.source = dep->source;
  std::string tsconfig;
  for (const std::string& dir : chain) {
    if (files.count(join(dir, "tsconfig.json")) != 0) {
      tsconfig = join(dir, "tsconfig.json");
      break;
    }
  }
  std::string strictness = "strictness unknown (no tsconfig.json)";
  if (!tsconfig.empty()) {
    auto [text, from] = ts_strictness(tsconfig, files, diagnostics);
    strictness = from.empty() ? text : fmt::format("{} ({})", text, from);
    strict = text == "strict" && ts * 2 >= all;
  }
  fact.value = fmt::format(
      "{}, {}", version.empty() ? "version unknown (typescript is not a dependency)" : version,
      strictness);
  return fact;
}

// The first of `names` the service declares (a lockfile also lists what dependencies pull in,
// which says nothing of what the code uses): package.json files along the chain and inside the
// service's folder.
SummaryFact first_dependency(const std::map<std::string, std::string>& declared,
                             std::initializer_list<std::string_view> names,
                             std::string_view looked_for) {
  SummaryFact fact;
  for (std::string_view n : names) {
    if (auto it = declared.find(std::string(n)); it != declared.end()) {
      fact.value = std::string(n);
      fact.source = it->second;
      return fact;
    }
  }
  fact.notes.push_back(fmt::format("none of {} is a dependency", looked_for));
  return fact;
}

std::string role_by_name(std::string_view name) {
  static const std::map<std::string, std::string, std::less<>> kRoles = {
      {"routes", "routes"},
      {"router", "routes"},
      {"routers", "routes"},
      {"route", "routes"},
      {"controllers", "controllers"},
      {"controller", "controllers"},
      {"services", "services"},
      {"service", "services"},
      {"models", "models"},
      {"model", "models"},
      {"entities", "models"},
      {"entity", "models"},
      {"schemas", "models"},
      {"schema", "models"},
      {"middleware", "middlewares"},
      {"middlewares", "middlewares"},
      {"config", "config"},
      {"configs", "config"},
      {"configuration", "config"},
      {"utils", "utils"},
      {"util", "utils"},
      {"helpers", "utils"},
      {"helper", "utils"},
      {"test", "tests"},
      {"tests", "tests"},
      {"__tests__", "tests"},
      {"spec", "tests"},
      {"e2e", "tests"}};
  auto it = kRoles.find(lower(name));
  return it == kRoles.end() ? std::string() : it->second;
}

bool is_test_file(std::string_view name) {
  return name.find(".test.") != std::string_view::npos ||
         name.find(".spec.") != std::string_view::npos ||
         name.find(".e2e-spec.") != std::string_view::npos;
}

// Content roles: a suffix convention shared by most files (users.controller.ts), files that
// register routes, or test files.
std::pair<std::string, std::string> role_by_content(const std::vector<std::string_view>& names,
                                                    std::size_t route_files) {
  static constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
      {".controller.", "controllers"}, {".service.", "services"}, {".model.", "models"},
      {".entity.", "models"},          {".schema.", "models"},    {".middleware.", "middlewares"},
      {".routes.", "routes"},          {".router.", "routes"}};
  if (names.empty()) return {};
  for (const auto& [suffix, role] : kSuffixes) {
    std::size_t n = 0;
    for (std::string_view f : names) n += f.find(suffix) != std::string_view::npos ? 1 : 0;
    if (n * 2 > names.size()) return {std::string(role), fmt::format("*{}* files", suffix)};
  }
  std::size_t tests = 0;
  for (std::string_view f : names) tests += is_test_file(f) ? 1 : 0;
  if (tests * 2 > names.size()) return {"tests", "holds test files"};
  if (route_files * 2 > names.size()) return {"routes", "registers routes"};
  return {};
}

constexpr int kMaxDepth = 3;
constexpr std::size_t kMaxFolders = 60;

void fill_folders(ServiceSummary& service, const std::string& base,
                  const std::vector<std::string>& sources,
                  const std::map<std::string, std::set<std::string>>& route_files) {
  std::map<std::string, std::vector<std::string_view>> direct;  // folder -> file names
  std::set<std::string> all;
  all.insert(base);
  for (const std::string& s : sources) {
    if (!inside(s, base)) continue;
    std::string d = dir_of(s);
    direct[d].push_back(file_of(s));
    while (d != base && all.insert(d).second) d = dir_of(d);
  }
  const auto base_depth = base.empty() ? 0 : std::count(base.begin(), base.end(), '/') + 1;
  auto depth_of = [&](const std::string& d) {
    return d.empty() ? 0 : static_cast<int>(std::count(d.begin(), d.end(), '/') + 1 - base_depth);
  };
  // The deepest level (at most kMaxDepth) whose whole tree fits in kMaxFolders, so a big
  // repository shows every top-level folder rather than the first ones in full.
  int max_depth = kMaxDepth;
  for (; max_depth > 1; --max_depth) {
    const auto shown = std::count_if(
        all.begin(), all.end(), [&](const std::string& d) { return depth_of(d) <= max_depth; });
    if (static_cast<std::size_t>(shown) <= kMaxFolders) break;
  }
  for (const std::string& d : all) {
    const int depth = depth_of(d);
    if (depth > max_depth || service.folders.size() >= kMaxFolders) {
      service.folders_truncated = true;
      continue;
    }
    SummaryFolder folder;
    folder.path = d;
    folder.depth = depth;
    auto it = direct.find(d);
    static const std::vector<std::string_view> kNone;
    const auto& names = it == direct.end() ? kNone : it->second;
    folder.files = static_cast<std::uint32_t>(names.size());
    if (depth > 0) folder.role = role_by_name(file_of(d));
    if (!folder.role.empty()) {
      folder.why = "by name";
    } else {
      auto rf = route_files.find(d);
      auto [role, why] = role_by_content(names, rf == route_files.end() ? 0 : rf->second.size());
      folder.role = std::move(role);
      folder.why = std::move(why);
    }
    service.folders.push_back(std::move(folder));
  }
}

bool is_entry_name(std::string_view file) {
  const std::string_view stem = file.substr(0, file.find('.'));
  return stem == "index" || stem == "main" || stem == "app" || stem == "www" ||
         stem.find("server") != std::string_view::npos;
}

// The 1-based line of the first `.listen(` call in text (outside `//` line comments), or 0.
std::uint32_t listen_line(std::string_view text, std::string_view call = ".listen(") {
  std::size_t at = 0;
  while ((at = text.find(call, at)) != std::string_view::npos) {
    const std::size_t line_start = text.rfind('\n', at) + 1;  // npos + 1 == 0
    const std::string_view before = text.substr(line_start, at - line_start);
    if (before.find("//") == std::string_view::npos) {
      return static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + at, '\n') + 1);
    }
    at += call.size();
  }
  return 0;
}

void fill_entry_points(ServiceSummary& service, const std::vector<std::string>& chain,
                       const std::map<std::string, PackageJson>& packages,
                       const std::vector<std::string>& sources,
                       const std::set<std::string>& app_files, const SummaryInput& in) {
  // Same file twice (main and the start script): one entry naming both reasons.
  auto add = [&service](std::string file, std::string why) {
    for (SummaryFact& e : service.entry_points) {
      if (e.value == file) {
        e.source += ", " + why;
        return;
      }
    }
    service.entry_points.push_back({std::move(file), std::move(why), {}});
  };
  // The nearest package.json's main, bin and start script.
  for (const std::string& dir : chain) {
    auto it = packages.find(dir);
    if (it == packages.end()) continue;
    const PackageJson& p = it->second;
    if (!p.main.empty()) {
      add(normalise(join(dir, p.main)), p.rel_path + " main");
    }
    for (const std::string& b : p.bins) {
      add(normalise(join(dir, b)), p.rel_path + " bin");
    }
    if (!p.start.empty()) {
      // The script's file: the first argument of node/ts-node/tsx/nodemon, or a token with a
      // JS/TS extension; only when it is one of the project's files (else the command itself).
      std::string file;
      std::string_view cmd = p.start;
      bool runner = false;
      std::size_t i = 0;
      while (i < cmd.size() && file.empty()) {
        std::size_t j = cmd.find(' ', i);
        if (j == std::string_view::npos) j = cmd.size();
        const std::string_view token = cmd.substr(i, j - i);
        i = j + 1;
        if (token.empty() || token.starts_with("-")) continue;
        bool candidate = runner;
        for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".mts"}) {
          candidate = candidate || token.ends_with(ext);
        }
        runner = token == "node" || token == "ts-node" || token == "tsx" || token == "nodemon";
        if (!candidate) continue;
        const std::string path = normalise(join(dir, token));
        const bool known = std::any_of(service.entry_points.begin(), service.entry_points.end(),
                                       [&](const SummaryFact& e) { return e.value == path; });
        if (known || std::binary_search(sources.begin(), sources.end(), path)) file = path;
        break;
      }
      if (file.empty()) {
        add(p.start, p.rel_path + " scripts.start, a command");
      } else {
        add(file, p.rel_path + " scripts.start");
      }
    }
    break;
  }
  std::size_t listeners = 0;
  for (const std::string& s : sources) {
    if (listeners == 5) break;  // enough to find the way in; the rest are more of the same
    if (!inside(s, service.dir) || is_test_file(file_of(s))) continue;
    if (app_files.count(s) == 0 && !is_entry_name(file_of(s))) continue;
    if (!in.text_of) continue;
    const std::string text = in.text_of(s);
    if (const std::uint32_t line = listen_line(text); line != 0) {
      add(fmt::format("{}:{}", s, line), "calls listen()");
      ++listeners;
    } else if (const std::uint32_t start = listen_line(text, "server.start()"); start != 0) {
      add(fmt::format("{}:{}", s, start), "calls server.start()");
      ++listeners;
    }
  }
}

// Lines of text, without their line ends.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    i = j + 1;
  }
  return lines;
}

bool is_directive(std::string_view comment) {
  for (std::string_view d :
       {"expect:", "expect-not:", "todo-expect", "eslint", "prettier", "istanbul",
        "nodescope-ignore", "@ts-", "tslint", "c8 ", "TODO", "FIXME", "#region", "#endregion"}) {
    if (comment.starts_with(d)) return true;
  }
  return false;
}

std::string first_sentence(std::string_view text) {
  text = trim(text);
  std::size_t end = text.size();
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '.' && (text[i + 1] == ' ' || text[i + 1] == '\n')) {
      end = i;
      break;
    }
  }
  std::string out(trim(text.substr(0, end)));
  while (!out.empty() && out.back() == '.') out.pop_back();
  bool letter = false;
  for (char c : out) letter = letter || std::isalpha(static_cast<unsigned char>(c));
  if (!letter) return {};
  if (out.size() > 120) {
    std::size_t cut = 117;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

// `summary: '...'` inside an @ApiOperation(...) on line.
std::string api_operation_summary(std::string_view line) {
  const auto at = line.find("ApiOperation(");
  if (at == std::string_view::npos) return {};
  const auto key = line.find("summary", at);
  if (key == std::string_view::npos) return {};
  const auto open = line.find_first_of("'\"`", key);
  if (open == std::string_view::npos) return {};
  const auto close = line.find(line[open], open + 1);
  if (close == std::string_view::npos) return {};
  return first_sentence(line.substr(open + 1, close - open - 1));
}

}  // namespace

std::string words_of_name(std::string_view handler) {
  if (const auto dot = handler.rfind('.'); dot != std::string_view::npos) {
    handler = handler.substr(dot + 1);
  }
  if (handler.empty()) return {};
  for (char c : handler) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return {};
  }
  static const std::set<std::string, std::less<>> kGeneric = {
      "handler", "handle", "fn",    "cb",      "callback", "middleware", "run", "respond",
      "send",    "next",   "proxy", "forward", "dispatch", "router",     "app"};
  if (kGeneric.count(handler) != 0) return {};
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < handler.size(); ++i) {
    const char c = handler[i];
    if (c == '_' || c == '$') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    const bool prev_lower = i > 0 && (std::islower(static_cast<unsigned char>(handler[i - 1])) ||
                                      std::isdigit(static_cast<unsigned char>(handler[i - 1])));
    const bool next_lower =
        i + 1 < handler.size() && std::islower(static_cast<unsigned char>(handler[i + 1]));
    const bool prev_upper = i > 0 && std::isupper(static_cast<unsigned char>(handler[i - 1]));
    if (upper && !word.empty() && (prev_lower || (prev_upper && next_lower))) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!word.empty()) words.push_back(std::move(word));
  // "createUserHandler", "lazyCheckoutMw": the suffix names the role, not the purpose.
  while (words.size() > 1 &&
         (words.back() == "mw" || words.back() == "middleware" || words.back() == "handler" ||
          words.back() == "controller" || words.back() == "fn" || words.back() == "cb")) {
    words.pop_back();
  }
  if (words.empty()) return {};
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

RoutePurpose purpose_above(std::string_view text, std::uint32_t line) {
  if (line == 0) return {};
  const std::vector<std::string_view> lines = lines_of(text);
  if (line > lines.size()) return {};
  // @ApiOperation among the decorators around a Nest route (above and below the route line).
  for (std::size_t i = line - 1, n = 0; i < lines.size() && n < 8; ++i, ++n) {
    const std::string_view t = trim(lines[i]);
    if (n > 0 && !t.starts_with('@')) break;
    if (std::string s = api_operation_summary(t); !s.empty()) return {s, "@ApiOperation"};
  }
  std::size_t i = line - 1;  // 0-based index of the route line
  while (i > 0) {
    const std::string_view t = trim(lines[i - 1]);
    if (!t.starts_with('@')) break;
    if (std::string s = api_operation_summary(t); !s.empty()) return {s, "@ApiOperation"};
    --i;
  }
  if (i == 0) return {};
  std::string_view above = trim(lines[i - 1]);
  std::vector<std::string_view> body;
  if (above.ends_with("*/")) {
    std::size_t j = i - 1;
    for (std::size_t n = 0; n < 40; ++n) {
      std::string_view t = trim(lines[j]);
      const bool start = t.starts_with("/*");
      if (start) t.remove_prefix(t.starts_with("/**") ? 3 : 2);
      if (t.ends_with("*/")) t.remove_suffix(2);
      t = trim(t);
      if (t.starts_with('*')) t = trim(t.substr(1));
      body.push_back(t);
      if (start || j == 0) break;
      --j;
    }
    std::reverse(body.begin(), body.end());
  } else {
    // Line comments above a route are as often section titles or remarks on the code as they
    // are its description: only doc blocks count.
    return {};
  }
  std::string joined;
  for (std::string_view b : body) {
    if (b.empty()) {
      if (!joined.empty()) break;  // the first paragraph
      continue;
    }
    if (b.starts_with('@') || b.starts_with('#') || is_directive(b)) {
      if (!joined.empty()) break;
      continue;
    }
    if (!joined.empty()) joined += ' ';
    joined += b;
  }
  std::string s = first_sentence(joined);
  if (s.empty()) return {};
  return {s, "doc comment"};
}

Summary build_summary(const SummaryInput& in, std::vector<Diagnostic>& diagnostics) {
  Summary summary;
  static const std::vector<ProjectFileText> kNoFiles;
  static const std::vector<std::string> kNoSources;
  static const std::vector<Route> kNoRoutes;
  static const std::vector<App> kNoApps;
  static const std::vector<FrameworkVersion> kNoFrameworks;
  static const ProjectConfig kNoConfig;
  const auto& project_files = in.project_files ? *in.project_files : kNoFiles;
  const auto& sources = in.sources ? *in.sources : kNoSources;
  const auto& routes = in.routes ? *in.routes : kNoRoutes;
  const auto& apps = in.apps ? *in.apps : kNoApps;
  const auto& frameworks = in.frameworks ? *in.frameworks : kNoFrameworks;
  const auto& config = in.config ? *in.config : kNoConfig;

  std::map<std::string, const ProjectFileText*> files;
  std::map<std::string, PackageJson> packages;  // by folder
  for (const ProjectFileText& f : project_files) {
    files.emplace(f.rel_path, &f);
    if (file_of(f.rel_path) == "package.json") {
      if (auto p = read_package(f)) packages.emplace(p->dir, std::move(*p));
    }
  }
  auto package_dir_of = [&](const std::string& file) {
    for (std::string d = dir_of(file);; d = dir_of(d)) {
      if (packages.count(d) != 0 || d.empty()) return d;
    }
  };

  // Services: the packages whose code creates an app; the root when there are fewer than two.
  std::set<std::string> service_dirs;
  std::set<std::string> app_files;
  for (const App& a : apps) {
    if (!a.site.known()) continue;
    app_files.insert(a.site.file);
    service_dirs.insert(package_dir_of(a.site.file));
  }
  if (service_dirs.size() < 2) service_dirs = {std::string()};
  const bool single = service_dirs.size() == 1;
  for (const std::string& dir : service_dirs) {
    ServiceSummary s;
    s.dir = dir;
    if (auto it = packages.find(dir); it != packages.end() && !it->second.name.empty()) {
      s.name = it->second.name;
    } else {
      s.name = dir.empty() ? "(root)" : std::string(file_of(dir));
    }
    summary.services.push_back(std::move(s));
  }
  auto service_of = [&](const std::string& file) -> std::size_t {
    std::size_t best = 0;
    std::size_t best_len = 0;
    bool found = false;
    for (std::size_t i = 0; i < summary.services.size(); ++i) {
      const std::string& d = summary.services[i].dir;
      if (inside(file, d) && (!found || d.size() > best_len)) {
        best = i;
        best_len = d.size();
        found = true;
      }
    }
    return best;
  };

  // Routes and their purposes.
  summary.route_purposes.resize(routes.size());
  // A handler name many routes share (a generic `respond`, `proxy`) says nothing of any one.
  std::map<std::string, std::size_t> handler_uses;
  for (const Route& r : routes) ++handler_uses[r.handler];
  std::map<std::string, std::string> texts;
  auto text = [&](const std::string& file) -> const std::string& {
    auto it = texts.find(file);
    if (it == texts.end()) it = texts.emplace(file, in.text_of ? in.text_of(file) : "").first;
    return it->second;
  };
  // Per service: folder -> the files in it that register routes.
  std::vector<std::map<std::string, std::set<std::string>>> route_dirs(summary.services.size());
  for (std::size_t r = 0; r < routes.size(); ++r) {
    const Route& route = routes[r];
    std::string owner = route.file;
    if (route.app >= 0 && static_cast<std::size_t>(route.app) < apps.size() &&
        apps[route.app].site.known()) {
      owner = apps[route.app].site.file;
    }
    const std::size_t s = service_of(owner);
    summary.services[s].routes.push_back(static_cast<std::uint32_t>(r));
    if (!route.file.empty())
      route_dirs[service_of(route.file)][dir_of(route.file)].insert(route.file);
    RoutePurpose purpose;
    if (!route.file.empty()) purpose = purpose_above(text(route.file), route.line);
    if (purpose.text.empty() && route.handler_site.known()) {
      purpose = purpose_above(text(route.handler_site.file), route.handler_site.line);
    }
    if (purpose.text.empty() && handler_uses[route.handler] <= 3) {
      if (std::string words = words_of_name(route.handler); !words.empty()) {
        purpose = {std::move(words), "handler name"};
      }
    }
    summary.route_purposes[r] = std::move(purpose);
  }

  for (std::size_t i = 0; i < summary.services.size(); ++i) {
    ServiceSummary& s = summary.services[i];
    // A single service reads its facts from the app's package outwards (a root without a
    // package.json around one app in server/).
    std::string anchor = s.dir;
    if (single) {
      for (const App& a : apps) {
        if (a.site.known()) {
          anchor = package_dir_of(a.site.file);
          break;
        }
      }
    }
    const std::vector<std::string> chain = chain_of(anchor);
    std::set<std::string> names;
    std::set<std::string> service_app_files;
    for (const App& a : apps) {
      if (!a.site.known() || service_of(a.site.file) != i) continue;
      names.insert(a.framework);
      service_app_files.insert(a.site.file);
    }
    if (names.empty()) {
      s.framework.value =
          "unknown (no express(), fastify(), new Koa(), Hapi.server() or NestFactory.create() "
          "found)";
    } else {
      std::string value;
      for (const std::string& n : names) {
        if (!value.empty()) value += ", ";
        value += framework_display(n);
        auto fv = std::find_if(frameworks.begin(), frameworks.end(),
                               [&](const FrameworkVersion& f) { return f.name == n; });
        if (fv != frameworks.end() && !fv->version.empty()) {
          value += " " + fv->version;
          if (s.framework.source.empty()) s.framework.source = fv->source;
        } else {
          value += " (version unknown: not in package.json or a lockfile)";
        }
      }
      s.framework.value = value;
    }
    s.typescript = typescript(chain, s, s.typescript_strict, sources, files, config, diagnostics);
    s.node_version = node_version(chain, files, packages);
    s.package_manager = package_manager(chain, files, packages);
    // The tree starts where the service's code starts: a lone service in a wrapper folder
    // (an unpacked package/, a server/ beside docs) shows from there.
    std::string base = s.dir;
    if (single) {
      bool first = true;
      for (const std::string& src : sources) {
        const std::string d = dir_of(src);
        if (first) {
          base = d;
          first = false;
        }
        while (!base.empty() && d != base && !inside(d, base)) base = dir_of(base);
      }
    }
    fill_folders(s, base, sources, route_dirs[i]);
    fill_entry_points(s, chain, packages, sources, service_app_files, in);
    std::map<std::string, std::string> declared;  // package -> the package.json declaring it
    for (const auto& [dir, p] : packages) {
      const bool on_chain = std::find(chain.begin(), chain.end(), dir) != chain.end();
      if (!on_chain && !inside(p.rel_path, s.dir)) continue;
      for (const auto& [dep, range] : p.deps) declared.emplace(dep, p.rel_path);
    }
    s.env_config = first_dependency(
        declared,
        {"@nestjs/config", "dotenv", "dotenv-flow", "config", "convict", "envalid", "env-var",
         "@fastify/env", "nconf", "@t3-oss/env-core"},
        "dotenv, @nestjs/config, config, convict, envalid, env-var, @fastify/env, nconf");
    s.logging = first_dependency(
        declared, {"pino", "nestjs-pino", "winston", "nest-winston", "bunyan", "log4js", "roarr"},
        "pino, winston, bunyan, log4js, roarr");
    if (s.logging.value.empty() && names.count("fastify") != 0) {
      s.logging.value = "pino (built into Fastify)";
      s.logging.notes.clear();
    }
    s.api_docs = first_dependency(
        declared,
        {"@nestjs/swagger", "swagger-ui-express", "swagger-jsdoc", "@fastify/swagger",
         "fastify-swagger", "hapi-swagger", "koa2-swagger-ui", "tsoa", "express-openapi",
         "@asteasolutions/zod-to-openapi"},
        "@nestjs/swagger, swagger-ui-express, swagger-jsdoc, @fastify/swagger, hapi-swagger, "
        "tsoa");
  }
  return summary;
}

}  // namespace nodescope::facts
