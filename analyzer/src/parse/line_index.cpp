// Line and UTF-16 column computation for ranges (see line_index.h).
#include "parse/line_index.h"

#include <algorithm>
#include <cstring>

namespace nodescope::parse {

LineIndex::LineIndex(std::string_view source) : source_(source) {
  starts_.reserve(source.size() / 32 + 1);
  starts_.push_back(0);
  const char* begin = source.data();
  const char* end = begin + source.size();
  for (const char* p = begin; p < end;) {
    const void* hit = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (hit == nullptr) break;
    p = static_cast<const char*>(hit) + 1;
    starts_.push_back(static_cast<std::uint32_t>(p - begin));
  }
}

std::uint32_t LineIndex::line_of(std::uint32_t byte) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), byte);
  return static_cast<std::uint32_t>(it - starts_.begin());
}

std::uint32_t utf16_length(std::string_view utf8) {
  std::uint32_t units = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      ++units;
      ++i;
    } else if ((c >> 5) == 0x6) {
      ++units;
      i += 2;
    } else if ((c >> 4) == 0xE) {
      ++units;
      i += 3;
    } else if ((c >> 3) == 0x1E) {
      units += 2;  // a supplementary-plane code point is a surrogate pair in UTF-16
      i += 4;
    } else {
      ++units;
      ++i;
    }
  }
  return units;
}

std::uint32_t LineIndex::column_of(std::uint32_t byte) const {
  byte = std::min<std::uint32_t>(byte, static_cast<std::uint32_t>(source_.size()));
  const std::uint32_t line = line_of(byte);
  const std::uint32_t start = starts_[line - 1];
  return utf16_length(source_.substr(start, byte - start)) + 1;
}

Range LineIndex::range(std::uint32_t start, std::uint32_t end) const {
  Range r;
  r.start_byte = start;
  r.end_byte = std::max(start, end);
  r.line = line_of(start);
  r.column = column_of(start);
  r.end_line = line_of(r.end_byte);
  r.end_column = column_of(r.end_byte);
  return r;
}

std::string_view LineIndex::line_text(std::uint32_t line) const {
  if (line == 0 || line > starts_.size()) return {};
  const std::uint32_t start = starts_[line - 1];
  std::uint32_t end =
      line < starts_.size() ? starts_[line] : static_cast<std::uint32_t>(source_.size());
  if (end > start && source_[end - 1] == '\n') --end;
  if (end > start && source_[end - 1] == '\r') --end;
  return source_.substr(start, end - start);
}

}  // namespace nodescope::parse
