// Small pure text helpers the reporters share: a section of a rule README, percent-encoding of
// path URIs, and the escapes of GitHub workflow commands and XML. Internal to reports/.
#pragma once

#include <string>
#include <string_view>

#include "nodescope/result.h"

namespace nodescope::reports::text {

// Diagnostics that only say a file was skipped as expected (minified, too large, binary, symlinks,
// not a regular file): reported quietly by the CI formats.
inline bool is_routine_skip(std::string_view kind) {
  return kind == diag::kSkippedMinified || kind == diag::kTooLarge || kind == diag::kBinary ||
         kind == diag::kSymlinkLoop || kind == diag::kSymlinkOutsideRoot || kind == diag::kNotAFile;
}

// The first paragraph under "## <heading>" of a markdown document, its lines joined with single
// spaces; "" when there is no such heading.
inline std::string markdown_section(std::string_view doc, std::string_view heading) {
  std::string out;
  bool inside = false;
  std::size_t pos = 0;
  while (pos <= doc.size()) {
    std::size_t end = doc.find('\n', pos);
    if (end == std::string_view::npos) end = doc.size();
    std::string_view line = doc.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.starts_with("#")) {
      if (inside) break;
      std::string_view h = line;
      while (!h.empty() && h.front() == '#') h.remove_prefix(1);
      while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
      inside = line.starts_with("## ") && h == heading;
      continue;
    }
    if (!inside) continue;
    const bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      if (!out.empty()) break;
      continue;
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!out.empty()) out.push_back(' ');
    out.append(line);
  }
  return out;
}

// A relative path as a URI reference: every byte outside RFC 3986's unreserved set and '/' is
// percent-encoded (spaces, '%', ':', '#', '?', non-ASCII UTF-8 bytes), so the result never reads
// as a scheme, query or fragment.
inline std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// GitHub workflow command data (the message after `::`): %, CR and LF are encoded.
inline std::string github_data(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// A workflow command property value (file=, title=): also ':' and ',', which end a property.
inline std::string github_property(std::string_view s) {
  std::string out;
  for (char c : github_data(s)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Text for XML 1.0 content and attribute values: the five entities, tab/LF/CR as character
// references (so attributes keep them), and U+FFFD for control characters XML 1.0 forbids.
inline std::string xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (c < 0x20) {
          out += "\xEF\xBF\xBD";
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

}  // namespace nodescope::reports::text
