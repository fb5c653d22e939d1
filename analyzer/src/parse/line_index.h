// Maps byte offsets in a source to 1-based lines and UTF-16 columns, and gives each line's text.
// Built once per file in one pass over the bytes; lookups are a binary search plus a scan of one
// line (ASCII lines take a fast path). Knows nothing about syntax.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "nodescope/result.h"

namespace nodescope::parse {

class LineIndex {
 public:
  explicit LineIndex(std::string_view source);

  // 1-based line containing `byte` (a byte at the end of the source belongs to the last line).
  std::uint32_t line_of(std::uint32_t byte) const;
  // 1-based column of `byte` on its line, in UTF-16 code units.
  std::uint32_t column_of(std::uint32_t byte) const;
  // The range [start, end) with lines and UTF-16 columns filled in.
  Range range(std::uint32_t start, std::uint32_t end) const;
  // A line's text without its line terminator ("\n" or "\r\n"); 1-based.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  const std::vector<std::uint32_t>& starts() const { return starts_; }

 private:
  std::string_view source_;
  std::vector<std::uint32_t> starts_;  // byte offset of each line's first byte
};

// Counts UTF-16 code units in a UTF-8 string (invalid bytes count one unit each).
std::uint32_t utf16_length(std::string_view utf8);

}  // namespace nodescope::parse
