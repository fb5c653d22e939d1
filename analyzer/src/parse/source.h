// Loading a source file and deciding whether it can be analysed: too large, binary, not UTF-8 or
// minified files are refused with a diagnostic naming the reason. A UTF-8 BOM is skipped so that
// offsets, lines and columns match what editors show. No parsing happens here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "nodescope/result.h"

namespace nodescope::parse {

struct SourceLimits {
  std::uint64_t max_file_bytes = 2u << 20;
  std::uint32_t minified_line_bytes = 10'000;
  std::uint32_t minified_average_line = 400;
};

struct LoadedSource {
  std::string bytes;         // the file as read
  std::uint32_t offset = 0;  // 3 when the file starts with a UTF-8 BOM
  std::string_view text() const { return std::string_view(bytes).substr(offset); }
};

// Reads `abs_path` (or takes `content` when given) and classifies it. On refusal, returns a
// Diagnostic with `file` set to `rel_path`.
std::variant<LoadedSource, Diagnostic> load_source(const std::string& rel_path,
                                                   const std::filesystem::path& abs_path,
                                                   std::optional<std::string> content,
                                                   const SourceLimits& limits);

// The classification alone, for content already in memory (exposed for tests).
std::optional<Diagnostic> classify(const std::string& rel_path, std::string_view text,
                                   const SourceLimits& limits);

}  // namespace nodescope::parse
