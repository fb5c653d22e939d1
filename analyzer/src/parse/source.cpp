// File loading and refusal reasons (see source.h). The checks are ordered cheapest first and each
// is a single pass over memory: size from the byte count, NUL bytes with memchr, UTF-8 with
// simdjson's validator, line lengths with memchr.
#include "parse/source.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <simdjson.h>

namespace nodescope::parse {
namespace {

Diagnostic make(const std::string& rel_path, std::string_view kind, std::string message) {
  Diagnostic d;
  d.file = rel_path;
  d.kind = std::string(kind);
  d.message = std::move(message);
  return d;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_source_map_comment(std::string_view line) {
  return line.substr(0, 21) == "//# sourceMappingURL=" ||
         line.substr(0, 21) == "//@ sourceMappingURL=";
}

}  // namespace

std::optional<Diagnostic> classify(const std::string& rel_path, std::string_view text,
                                   const SourceLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    return make(rel_path, diag::kTooLarge,
                fmt::format("file is {} bytes, over the {} byte limit; skipped (raise it with "
                            "--max-file-size)",
                            text.size(), limits.max_file_bytes));
  }
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    const auto at = static_cast<const char*>(nul) - text.data();
    return make(rel_path, diag::kBinary,
                fmt::format("file contains a NUL byte at offset {}: looks binary; skipped", at));
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return make(rel_path, diag::kNotUtf8,
                "file is not valid UTF-8; skipped (save it as UTF-8 to have it analysed)");
  }
  if (ends_with(rel_path, ".min.js") || ends_with(rel_path, ".min.mjs") ||
      ends_with(rel_path, ".min.cjs")) {
    return make(rel_path, diag::kSkippedMinified, "minified file (by name); skipped");
  }
  std::size_t lines = 0;
  std::size_t longest = 0;
  std::size_t measured = 0;  // bytes of the lines that count
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const void* hit = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    const char* line_end = hit ? static_cast<const char*>(hit) : end;
    const std::string_view line(p, static_cast<std::size_t>(line_end - p));
    p = line_end + 1;
    // Compilers (Babel, tsc) append an inline source map as one huge comment line; the code
    // above it is ordinary, so that line does not make a file "minified".
    if (is_source_map_comment(line)) continue;
    longest = std::max(longest, line.size());
    measured += line.size() + 1;
    ++lines;
  }
  if (longest > limits.minified_line_bytes) {
    return make(rel_path, diag::kSkippedMinified,
                fmt::format("a line of {} bytes (over {}): looks minified or bundled; skipped",
                            longest, limits.minified_line_bytes));
  }
  // Small files can have a few long lines legitimately; judge the average only past 4 KiB.
  if (lines > 0 && measured > 4096 && measured / lines > limits.minified_average_line) {
    return make(rel_path, diag::kSkippedMinified,
                fmt::format("average line length {} bytes (over {}): looks minified; skipped",
                            measured / lines, limits.minified_average_line));
  }
  return std::nullopt;
}

std::variant<LoadedSource, Diagnostic> load_source(const std::string& rel_path,
                                                   const std::filesystem::path& abs_path,
                                                   std::optional<std::string> content,
                                                   const SourceLimits& limits) {
  LoadedSource src;
  if (content) {
    src.bytes = std::move(*content);
  } else {
    std::error_code ec;
    const auto size = std::filesystem::file_size(abs_path, ec);
    if (!ec && size > limits.max_file_bytes) {
      return make(rel_path, diag::kTooLarge,
                  fmt::format("file is {} bytes, over the {} byte limit; skipped (raise it with "
                              "--max-file-size)",
                              size, limits.max_file_bytes));
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(abs_path.c_str(), "rb"),
                                                      &std::fclose);
    if (!f) {
      return make(rel_path, diag::kUnreadable,
                  fmt::format("cannot open: {}; skipped", std::strerror(errno)));
    }
    // Read up to one byte past the limit so a file that grew since stat is still caught.
    const std::size_t cap = static_cast<std::size_t>(limits.max_file_bytes) + 1;
    src.bytes.resize(ec ? std::size_t{64} * 1024 : std::min<std::size_t>(size + 1, cap));
    std::size_t got = 0;
    for (;;) {
      got += std::fread(src.bytes.data() + got, 1, src.bytes.size() - got, f.get());
      if (got < src.bytes.size()) break;
      if (src.bytes.size() >= cap) break;
      src.bytes.resize(std::min(cap, src.bytes.size() * 2));
    }
    if (std::ferror(f.get())) {
      return make(rel_path, diag::kUnreadable,
                  fmt::format("read error: {}; skipped", std::strerror(errno)));
    }
    src.bytes.resize(got);
  }
  if (src.bytes.size() >= 3 && static_cast<unsigned char>(src.bytes[0]) == 0xEF &&
      static_cast<unsigned char>(src.bytes[1]) == 0xBB &&
      static_cast<unsigned char>(src.bytes[2]) == 0xBF) {
    src.offset = 3;
  }
  if (auto refused = classify(rel_path, src.text(), limits)) return *refused;
  return src;
}

}  // namespace nodescope::parse
