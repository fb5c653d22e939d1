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

std::optional<std::size_t> resolve_module(const Program& program, std::string_view from_file,
                                          std::string_view spec) {
  if (!is_relative_specifier(spec)) return std::nullopt;
  const std::size_t slash = from_file.rfind('/');
  const std::string dir =
      slash == std::string_view::npos ? "" : std::string(from_file.substr(0, slash));
  const auto base = normalize_path(dir + "/" + std::string(spec));
  if (!base) return std::nullopt;
  auto find = [&](const std::string& p) -> std::optional<std::size_t> {
    if (const FileRecord* f = program.file(p)) {
      return static_cast<std::size_t>(f - program.files().data());
    }
    return std::nullopt;
  };
  static constexpr std::array<std::string_view, 8> kExtensions = {".ts",  ".tsx", ".js",  ".jsx",
                                                                  ".mjs", ".cjs", ".mts", ".cts"};
  if (auto hit = find(*base)) return hit;
  // `./x.js` written for `x.ts` (TypeScript's NodeNext resolution), and .mjs/.cjs likewise.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kSwaps = {
      {{".js", ".ts"}, {".js", ".tsx"}, {".mjs", ".mts"}, {".cjs", ".cts"}}};
  for (const auto& [from, to] : kSwaps) {
    if (base->size() > from.size() &&
        base->compare(base->size() - from.size(), from.size(), from) == 0) {
      if (auto hit = find(base->substr(0, base->size() - from.size()) + std::string(to)))
        return hit;
    }
  }
  for (std::string_view ext : kExtensions) {
    if (auto hit = find(*base + std::string(ext))) return hit;
  }
  for (std::string_view ext : kExtensions) {
    const std::string index =
        (base->empty() ? std::string("index") : *base + "/index") + std::string(ext);
    if (auto hit = find(index)) return hit;
  }
  return std::nullopt;
}

}  // namespace nodescope::model
