// Module resolution (see resolve.h).
#include "model/resolve.h"

#include <array>
#include <vector>

namespace nodescope::model {

bool is_relative_specifier(std::string_view spec) {
  return spec == "." || spec == ".." || spec.substr(0, 2) == "./" || spec.substr(0, 3) == "../";
}

std::optional<std::string> normalize_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(p);
  }
  return out;
}

namespace {

// A project path (relative to the root) as a file: exact, `.js` naming `.ts`, with an extension,
// or as a folder with an index file.
std::optional<std::size_t> probe(const Program& program, const std::string& base) {
  auto find = [&](const std::string& p) -> std::optional<std::size_t> {
    if (const FileRecord* f = program.file(p)) {
      return static_cast<std::size_t>(f - program.files().data());
    }
    return std::nullopt;
  };
  static constexpr std::array<std::string_view, 8> kExtensions = {".ts",  ".tsx", ".js",  ".jsx",
                                                                  ".mjs", ".cjs", ".mts", ".cts"};
  if (auto hit = find(base)) return hit;
  // `./x.js` written for `x.ts` (TypeScript's NodeNext resolution), and .mjs/.cjs likewise.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSwaps = {
      {{".js", ".ts"}, {".js", ".tsx"}, {".mjs", ".mts"}, {".cjs", ".cts"}}};
  for (const auto& [from, to] : kSwaps) {
    if (base.size() > from.size() &&
        base.compare(base.size() - from.size(), from.size(), from) == 0) {
      if (auto hit = find(base.substr(0, base.size() - from.size()) + std::string(to))) return hit;
    }
  }
  for (std::string_view ext : kExtensions) {
    if (auto hit = find(base + std::string(ext))) return hit;
  }
  for (std::string_view ext : kExtensions) {
    const std::string index =
        (base.empty() ? std::string("index") : base + "/index") + std::string(ext);
    if (auto hit = find(index)) return hit;
  }
  return std::nullopt;
}

std::optional<std::size_t> probe_joined(const Program& program, const std::string& dir,
                                        const std::string& rel) {
  const auto joined = normalize_path(dir.empty() ? rel : dir + "/" + rel);
  return joined ? probe(program, *joined) : std::nullopt;
}

// tsconfig `paths` and `baseUrl` of the nearest tsconfig above the importing file.
std::optional<std::size_t> resolve_alias(const Program& program, std::string_view from_file,
                                         std::string_view spec) {
  const facts::TsPathMapping* best = nullptr;
  for (const auto& m : program.config().tsconfigs) {
    const bool above =
        m.dir.empty() || (from_file.substr(0, m.dir.size()) == m.dir &&
                          from_file.size() > m.dir.size() && from_file[m.dir.size()] == '/');
    if (above && (best == nullptr || m.dir.size() > best->dir.size())) best = &m;
  }
  if (best == nullptr) return std::nullopt;
  for (const auto& [pattern, targets] : best->paths) {
    const std::size_t star = pattern.find('*');
    std::string captured;
    if (star == std::string::npos) {
      if (spec != pattern) continue;
    } else {
      const std::string_view head = std::string_view(pattern).substr(0, star);
      const std::string_view tail = std::string_view(pattern).substr(star + 1);
      if (spec.size() < head.size() + tail.size() || spec.substr(0, head.size()) != head ||
          spec.substr(spec.size() - tail.size()) != tail) {
        continue;
      }
      captured = std::string(spec.substr(head.size(), spec.size() - head.size() - tail.size()));
    }
    for (std::string target : targets) {
      if (const auto s = target.find('*'); s != std::string::npos) target.replace(s, 1, captured);
      if (auto hit = probe_joined(program, best->paths_dir, target)) return hit;
    }
  }
  if (best->has_base_url) return probe_joined(program, best->base_url, std::string(spec));
  return std::nullopt;
}

// A package of the repository by name (`@acme/auth`, `@acme/auth/sub`): its entry, else its
// src/index or index (an entry in unscanned build output falls back to the sources).
std::optional<std::size_t> resolve_package(const Program& program, std::string_view spec) {
  for (const auto& pkg : program.config().packages) {
    if (spec.substr(0, pkg.name.size()) != pkg.name) continue;
    if (spec.size() == pkg.name.size()) {
      if (!pkg.entry.empty()) {
        if (auto hit = probe_joined(program, pkg.dir, pkg.entry)) return hit;
        // dist/index.js -> src/index.ts
        std::string entry = pkg.entry;
        if (entry.rfind("./", 0) == 0) entry = entry.substr(2);
        for (std::string_view out : {"dist/", "build/", "lib/", "out/"}) {
          if (entry.rfind(out, 0) == 0) {
            if (auto hit = probe_joined(program, pkg.dir, "src/" + entry.substr(out.size())))
              return hit;
          }
        }
      }
      if (auto hit = probe_joined(program, pkg.dir, "src/index")) return hit;
      if (auto hit = probe_joined(program, pkg.dir, "index")) return hit;
      return std::nullopt;
    }
    if (spec[pkg.name.size()] == '/') {
      const std::string sub(spec.substr(pkg.name.size() + 1));
      if (auto hit = probe_joined(program, pkg.dir, sub)) return hit;
      if (auto hit = probe_joined(program, pkg.dir, "src/" + sub)) return hit;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::size_t> resolve_module(const Program& program, std::string_view from_file,
                                          std::string_view spec) {
  if (!is_relative_specifier(spec)) {
    if (spec.empty() || spec.substr(0, 5) == "node:") return std::nullopt;
    if (auto hit = resolve_alias(program, from_file, spec)) return hit;
    return resolve_package(program, spec);
  }
  const std::size_t slash = from_file.rfind('/');
  const std::string dir =
      slash == std::string_view::npos ? "" : std::string(from_file.substr(0, slash));
  return probe_joined(program, dir, std::string(spec));
}

}  // namespace nodescope::model
