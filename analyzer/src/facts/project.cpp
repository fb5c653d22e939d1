// Loading tsconfig path mappings and package entries (see project.h).
#include "facts/project.h"

#include <algorithm>
#include <map>

#include <simdjson.h>

#include "facts/json_check.h"

namespace nodescope::facts {
namespace {

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string file_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Joins and normalises "a/b" + "../c" -> "a/c" ("" when it climbs above the root).
std::string join_norm(const std::string& base, const std::string& rel) {
  std::vector<std::string> parts;
  auto push = [&](const std::string& p) {
    std::size_t i = 0;
    while (i <= p.size()) {
      std::size_t j = p.find('/', i);
      if (j == std::string::npos) j = p.size();
      const std::string part = p.substr(i, j - i);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      i = j + 1;
    }
  };
  if (rel.empty() || rel[0] != '/') push(base);
  push(rel);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

struct RawTsconfig {
  std::string extends;
  bool has_base_url = false;
  std::string base_url;
  bool has_paths = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> paths;
};

bool parse_tsconfig(const std::string& rel_path, std::string_view text, RawTsconfig& out,
                    std::vector<Diagnostic>& diagnostics) {
  const std::string json = strip_jsonc(text);
  if (auto err = check_json(json)) {
    diagnostics.push_back(Diagnostic{
        rel_path, std::string(diag::kMalformedJson),
        "malformed JSONC (" + err->message + "); path aliases from this file are not used",
        err->line, err->column});
    return false;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root)) return false;
  std::string_view s;
  if (!root["extends"].get_string().get(s)) out.extends = std::string(s);
  simdjson::dom::object options;
  if (root["compilerOptions"].get_object().get(options)) return true;
  if (!options["baseUrl"].get_string().get(s)) {
    out.has_base_url = true;
    out.base_url = std::string(s);
  }
  simdjson::dom::object paths;
  if (!options["paths"].get_object().get(paths)) {
    out.has_paths = true;
    for (auto field : paths) {
      std::vector<std::string> targets;
      simdjson::dom::array arr;
      if (!field.value.get_array().get(arr)) {
        for (auto t : arr) {
          if (!t.get_string().get(s)) targets.emplace_back(s);
        }
      }
      out.paths.emplace_back(std::string(field.key), std::move(targets));
    }
  }
  return true;
}

// The entry file of a package: exports (string, "." string, or "." condition object: require,
// import, node, default), then main.
std::string package_entry(simdjson::dom::element root) {
  std::string_view s;
  simdjson::dom::element exports;
  if (!root["exports"].get(exports)) {
    if (!exports.get_string().get(s)) return std::string(s);
    simdjson::dom::element dot;
    if (!exports["."].get(dot)) {
      if (!dot.get_string().get(s)) return std::string(s);
      for (const char* cond : {"require", "import", "node", "default", "types"}) {
        if (!dot[cond].get_string().get(s)) return std::string(s);
        simdjson::dom::element nested;
        if (!dot[cond].get(nested) && !nested["default"].get_string().get(s)) return std::string(s);
      }
    }
  }
  if (!root["main"].get_string().get(s)) return std::string(s);
  return {};
}

// Versions from lockfiles, by package name (the first seen wins: files are read in path order, so
// the root lockfile comes first).
void read_lockfile(const ProjectFileText& f, std::map<std::string, DependencyVersion>& out) {
  const std::string name = file_of(f.rel_path);
  auto add = [&](std::string pkg, std::string version) {
    if (pkg.empty() || version.empty() || out.count(pkg) != 0) return;
    out.emplace(pkg, DependencyVersion{pkg, version, f.rel_path, major_of(version)});
  };
  if (name == "package-lock.json" || name == "npm-shrinkwrap.json") {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(f.text).get(root)) return;
    simdjson::dom::object packages;
    if (!root["packages"].get_object().get(packages)) {  // v2, v3
      for (auto field : packages) {
        const std::string_view key = field.key;
        constexpr std::string_view kPrefix = "node_modules/";
        if (key.substr(0, kPrefix.size()) != kPrefix) continue;
        const std::string_view pkg = key.substr(kPrefix.size());
        if (pkg.find("/node_modules/") != std::string_view::npos) continue;  // nested copies
        std::string_view v;
        if (!field.value["version"].get_string().get(v)) add(std::string(pkg), std::string(v));
      }
    }
    simdjson::dom::object deps;
    if (!root["dependencies"].get_object().get(deps)) {  // v1
      for (auto field : deps) {
        std::string_view v;
        if (!field.value["version"].get_string().get(v))
          add(std::string(field.key), std::string(v));
      }
    }
    return;
  }
  // yarn.lock (v1: `express@^4.18.2:` then `  version "4.18.2"`; berry:
  // `"express@npm:^4.18.2":` then `  version: 4.18.2`) and pnpm-lock.yaml (`/express@4.18.2:` or
  // `express@4.18.2:` keys under packages).
  std::string pending;
  std::size_t i = 0;
  while (i < f.text.size()) {
    std::size_t j = f.text.find('\n', i);
    if (j == std::string::npos) j = f.text.size();
    std::string_view line(f.text.data() + i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    const bool top = line[0] != ' ';
    std::string_view t = line;
    while (!t.empty() && t[0] == ' ') t.remove_prefix(1);
    if (name == "pnpm-lock.yaml") {
      // "  /express@4.18.2:" or "  express@4.18.2(...):" under packages:
      if (t.empty() || t.back() != ':') continue;
      std::string_view key = t.substr(0, t.size() - 1);
      if (!key.empty() && (key[0] == '\'' || key[0] == '"')) key = key.substr(1, key.size() - 2);
      if (!key.empty() && key[0] == '/') key.remove_prefix(1);
      const std::size_t at = key.find('@', key[0] == '@' ? 1 : 0);
      if (at == std::string_view::npos || at == 0) continue;
      std::string_view version = key.substr(at + 1);
      version = version.substr(0, version.find('('));
      if (!version.empty() && version[0] >= '0' && version[0] <= '9') {
        add(std::string(key.substr(0, at)), std::string(version));
      }
      continue;
    }
    if (top) {
      // The first descriptor of the entry names the package.
      std::string_view key = line.substr(0, line.find(','));
      if (!key.empty() && key[0] == '"') key.remove_prefix(1);
      const std::size_t at = key.find('@', key[0] == '@' ? 1 : 0);
      pending = at == std::string_view::npos ? "" : std::string(key.substr(0, at));
      continue;
    }
    if (!pending.empty() && t.substr(0, 7) == "version") {
      std::string_view v = t.substr(7);
      while (!v.empty() && (v[0] == ' ' || v[0] == ':' || v[0] == '"')) v.remove_prefix(1);
      while (!v.empty() && v.back() == '"') v.remove_suffix(1);
      add(pending, std::string(v));
      pending.clear();
    }
  }
}

}  // namespace

int major_of(std::string_view version) {
  std::size_t i = 0;
  while (i < version.size() && (version[i] < '0' || version[i] > '9')) {
    if (version[i] == '*' || version[i] == 'x' || version[i] == 'X') return -1;
    ++i;
  }
  if (i == version.size()) return -1;
  int major = 0;
  for (; i < version.size() && version[i] >= '0' && version[i] <= '9' && major < 100000; ++i) {
    major = major * 10 + (version[i] - '0');
  }
  return major;
}

const DependencyVersion* ProjectConfig::dependency(std::string_view name) const {
  auto it =
      std::lower_bound(dependencies.begin(), dependencies.end(), name,
                       [](const DependencyVersion& d, std::string_view n) { return d.name < n; });
  return it != dependencies.end() && it->name == name ? &*it : nullptr;
}

std::string strip_jsonc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) out.push_back('\n');
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i += 2;
      while (i + 1 < text.size() && !(text[i] == '*' && text[i + 1] == '/')) {
        if (text[i] == '\n') out.push_back('\n');
        ++i;
      }
      ++i;
    } else {
      out.push_back(c);
    }
  }
  // Trailing commas: a comma followed only by white space before } or ].
  std::string cleaned;
  cleaned.reserve(out.size());
  in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      cleaned.push_back(c);
      if (c == '\\' && i + 1 < out.size()) {
        cleaned.push_back(out[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      std::size_t j = i + 1;
      while (j < out.size() &&
             (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r'))
        ++j;
      if (j < out.size() && (out[j] == '}' || out[j] == ']')) {
        cleaned.push_back(' ');
        continue;
      }
    }
    cleaned.push_back(c);
  }
  return cleaned;
}

ProjectConfig load_project(const std::vector<ProjectFileText>& files,
                           std::vector<Diagnostic>& diagnostics) {
  ProjectConfig config;
  std::map<std::string, const ProjectFileText*> by_path;
  for (const auto& f : files) by_path.emplace(f.rel_path, &f);
  std::map<std::string, DependencyVersion> declared;  // from package.json ranges
  std::map<std::string, DependencyVersion> locked;    // from lockfiles
  // Shallower files first, so the root package.json and lockfile win.
  std::vector<const ProjectFileText*> ordered;
  for (const auto& f : files) ordered.push_back(&f);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    return std::count(a->rel_path.begin(), a->rel_path.end(), '/') <
           std::count(b->rel_path.begin(), b->rel_path.end(), '/');
  });
  for (const ProjectFileText* f : ordered) {
    const std::string n = file_of(f->rel_path);
    if (n == "package-lock.json" || n == "npm-shrinkwrap.json" || n == "yarn.lock" ||
        n == "pnpm-lock.yaml") {
      read_lockfile(*f, locked);
    }
  }

  for (const ProjectFileText* fp : ordered) {
    const ProjectFileText& f = *fp;
    const std::string name = file_of(f.rel_path);
    if (name == "package.json") {
      if (check_json(f.text)) continue;  // reported by the engine's package.json check
      simdjson::dom::parser parser;
      simdjson::dom::element root;
      if (parser.parse(f.text).get(root)) continue;
      for (const char* section : {"dependencies", "devDependencies", "peerDependencies"}) {
        simdjson::dom::object deps;
        if (root[section].get_object().get(deps)) continue;
        for (auto field : deps) {
          std::string_view range;
          if (field.value.get_string().get(range)) continue;
          const std::string dep(field.key);
          if (declared.count(dep) == 0) {
            declared.emplace(
                dep, DependencyVersion{dep, std::string(range), f.rel_path, major_of(range)});
          }
        }
      }
      std::string_view pkg_name;
      if (root["name"].get_string().get(pkg_name) || pkg_name.empty()) continue;
      config.packages.push_back(
          PackageEntry{std::string(pkg_name), dir_of(f.rel_path), package_entry(root)});
      continue;
    }
    if (name != "tsconfig.json" && name != "jsconfig.json") continue;
    // Merge along `extends` (relative files only), the child winning.
    TsPathMapping mapping;
    mapping.dir = dir_of(f.rel_path);
    bool got_base = false;
    bool got_paths = false;
    std::string current = f.rel_path;
    for (int depth = 0; depth < 8 && !current.empty(); ++depth) {
      auto it = by_path.find(current);
      if (it == by_path.end()) break;
      RawTsconfig raw;
      if (!parse_tsconfig(current, it->second->text, raw, diagnostics)) break;
      const std::string here = dir_of(current);
      if (!got_base && raw.has_base_url) {
        got_base = true;
        mapping.has_base_url = true;
        mapping.base_url = join_norm(here, raw.base_url);
      }
      if (!got_paths && raw.has_paths) {
        got_paths = true;
        mapping.paths = std::move(raw.paths);
        mapping.paths_dir = here;
      }
      if (raw.extends.empty() || raw.extends[0] != '.') break;  // package configs are not read
      std::string next = join_norm(here, raw.extends);
      if (next.size() < 5 || next.compare(next.size() - 5, 5, ".json") != 0) next += ".json";
      current = next;
    }
    if (mapping.has_base_url) mapping.paths_dir = mapping.base_url;
    if (mapping.has_base_url || !mapping.paths.empty())
      config.tsconfigs.push_back(std::move(mapping));
  }
  for (auto& [dep, v] : declared) locked.emplace(dep, v);  // lockfile versions win
  for (auto& [dep, v] : locked) config.dependencies.push_back(std::move(v));
  std::sort(config.tsconfigs.begin(), config.tsconfigs.end(),
            [](const auto& a, const auto& b) { return a.dir < b.dir; });
  std::sort(config.packages.begin(), config.packages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.dir) < std::tie(b.name, b.dir);
  });
  return config;
}

}  // namespace nodescope::facts
