// Gitignore pattern compilation and matching (see ignore.h). Semantics follow git's documented
// gitignore(5) rules; where the documentation is silent (unterminated classes, trailing
// backslashes, `**` inside a segment) this follows what `git check-ignore` does. No I/O here.
#include "fs/ignore.h"

#include <cctype>
#include <utility>

namespace nodescope::fs {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool has_glob_chars(std::string_view text) {
  return text.find_first_of("*?[\\") != std::string_view::npos;
}

bool is_globstar(std::string_view segment) {
  return segment.size() >= 2 && segment.find_first_not_of('*') == std::string_view::npos;
}

// Git trims trailing spaces unless a backslash escapes them; the backslash stays so the matcher
// reads `\ ` as a literal space.
std::string_view trim_trailing_spaces(std::string_view line) {
  std::size_t keep = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      ++i;
      keep = i + 1;
    } else if (line[i] != ' ') {
      keep = i + 1;
    }
  }
  return line.substr(0, keep);
}

bool class_name_matches(std::string_view name, unsigned char ch, bool& known) {
  known = true;
  if (name == "alnum") return std::isalnum(ch) != 0;
  if (name == "alpha") return std::isalpha(ch) != 0;
  if (name == "blank") return ch == ' ' || ch == '\t';
  if (name == "cntrl") return std::iscntrl(ch) != 0;
  if (name == "digit") return std::isdigit(ch) != 0;
  if (name == "graph") return std::isgraph(ch) != 0;
  if (name == "lower") return std::islower(ch) != 0;
  if (name == "print") return std::isprint(ch) != 0;
  if (name == "punct") return std::ispunct(ch) != 0;
  if (name == "space") return std::isspace(ch) != 0;
  if (name == "upper") return std::isupper(ch) != 0;
  if (name == "xdigit") return std::isxdigit(ch) != 0;
  known = false;
  return false;
}

enum class ClassResult : std::uint8_t { kMatch, kNoMatch, kMalformed };

// `pos` is at '['; on success it is left just past the closing ']'.
ClassResult match_class(std::string_view p, std::size_t& pos, unsigned char ch) {
  std::size_t i = pos + 1;
  bool negated = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negated = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  for (;;) {
    if (i >= p.size()) return ClassResult::kMalformed;
    const char c = p[i];
    if (c == ']' && !first) {
      ++i;
      break;
    }
    first = false;
    if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
      const std::size_t end = p.find(":]", i + 2);
      if (end != std::string_view::npos) {
        bool known = false;
        if (class_name_matches(p.substr(i + 2, end - i - 2), ch, known)) matched = true;
        if (!known) return ClassResult::kMalformed;
        i = end + 2;
        continue;
      }
    }
    unsigned char lo = 0;
    if (c == '\\') {
      if (i + 1 >= p.size()) return ClassResult::kMalformed;
      lo = static_cast<unsigned char>(p[i + 1]);
      i += 2;
    } else {
      lo = static_cast<unsigned char>(c);
      ++i;
    }
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      unsigned char hi = 0;
      if (p[i + 1] == '\\') {
        if (i + 2 >= p.size()) return ClassResult::kMalformed;
        hi = static_cast<unsigned char>(p[i + 2]);
        i += 3;
      } else {
        hi = static_cast<unsigned char>(p[i + 1]);
        i += 2;
      }
      if (lo <= ch && ch <= hi) matched = true;
    } else if (ch == lo) {
      matched = true;
    }
  }
  pos = i;
  return matched != negated ? ClassResult::kMatch : ClassResult::kNoMatch;
}

}  // namespace

bool glob_match_segment(std::string_view p, std::string_view t) {
  // Every token but `*` consumes exactly one character, so remembering only the last `*` and
  // retrying from one character further is complete and stays O(|p| * |t|) in the worst case.
  std::size_t pi = 0;
  std::size_t ti = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      const char c = p[pi];
      if (c == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        star_p = pi;
        star_t = ti;
        continue;
      }
      if (c == '?') {
        ++pi;
        ++ti;
        continue;
      }
      if (c == '[') {
        std::size_t next = pi;
        const ClassResult r = match_class(p, next, static_cast<unsigned char>(t[ti]));
        if (r == ClassResult::kMalformed) return false;
        if (r == ClassResult::kMatch) {
          pi = next;
          ++ti;
          continue;
        }
      } else if (c == '\\') {
        if (pi + 1 < p.size() && p[pi + 1] == t[ti]) {
          pi += 2;
          ++ti;
          continue;
        }
      } else if (c == t[ti]) {
        ++pi;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

IgnoreFile IgnoreFile::parse(std::string_view text) {
  IgnoreFile file;
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    line = trim_trailing_spaces(line);
    if (line.empty() || line.front() == '#') continue;

    Pattern pattern;
    if (line.front() == '!') {
      pattern.negated = true;
      line.remove_prefix(1);
    } else if (line.starts_with("\\!") || line.starts_with("\\#")) {
      line.remove_prefix(1);  // the escaped character is not special to the matcher
    }
    if (line.ends_with('/')) {
      pattern.dir_only = true;
      line.remove_suffix(1);
    }
    if (line.empty()) continue;
    pattern.basename_only = line.find('/') == std::string_view::npos;
    if (line.front() == '/') line.remove_prefix(1);
    if (line.empty()) continue;

    auto compile_segment = [](std::string_view seg) {
      Segment s;
      if (is_globstar(seg)) {
        s.kind = SegmentKind::kGlobstar;
      } else if (!has_glob_chars(seg)) {
        s.kind = SegmentKind::kLiteral;
        s.text = seg;
      } else if (seg.size() > 1 && seg.front() == '*' && !has_glob_chars(seg.substr(1))) {
        s.kind = SegmentKind::kSuffix;
        s.text = seg.substr(1);
      } else {
        s.kind = SegmentKind::kGlob;
        s.text = seg;
      }
      return s;
    };

    if (pattern.basename_only) {
      Segment s = compile_segment(line);
      // Within one name `**` is just `*`.
      if (s.kind == SegmentKind::kGlobstar) s = Segment{SegmentKind::kGlob, "*"};
      pattern.segments.push_back(std::move(s));
    } else {
      while (true) {
        const std::size_t slash = line.find('/');
        pattern.segments.push_back(compile_segment(line.substr(0, slash)));
        if (slash == std::string_view::npos) break;
        line.remove_prefix(slash + 1);
      }
      // A trailing `/**` matches everything inside but not the folder itself, so that
      // `dir/**` followed by `!dir/keep.js` can re-include a file.
      if (pattern.segments.back().kind == SegmentKind::kGlobstar) {
        pattern.segments.back().kind = SegmentKind::kAnyOne;
        pattern.segments.push_back(Segment{SegmentKind::kGlobstar, {}});
      }
    }
    file.patterns_.push_back(std::move(pattern));
  }
  return file;
}

bool IgnoreFile::segment_matches(const Segment& segment, std::string_view component) {
  switch (segment.kind) {
    case SegmentKind::kLiteral:
      return component == segment.text;
    case SegmentKind::kSuffix:
      return component.ends_with(segment.text);
    case SegmentKind::kGlob:
      return glob_match_segment(segment.text, component);
    case SegmentKind::kAnyOne:
    case SegmentKind::kGlobstar:
      return true;
  }
  return false;
}

bool IgnoreFile::segments_match(const std::vector<Segment>& segments,
                                std::span<const std::string_view> components) {
  // Each non-globstar segment matches exactly one component, so the single-backtrack wildcard
  // algorithm (resume after the last globstar, one component later) is complete.
  std::size_t si = 0;
  std::size_t ci = 0;
  std::size_t star_s = std::string_view::npos;
  std::size_t star_c = 0;
  while (ci < components.size()) {
    if (si < segments.size() && segments[si].kind == SegmentKind::kGlobstar) {
      star_s = si++;
      star_c = ci;
      continue;
    }
    if (si < segments.size() && segment_matches(segments[si], components[ci])) {
      ++si;
      ++ci;
      continue;
    }
    if (star_s == std::string_view::npos) return false;
    si = star_s + 1;
    ci = ++star_c;
  }
  while (si < segments.size() && segments[si].kind == SegmentKind::kGlobstar) ++si;
  return si == segments.size();
}

IgnoreVerdict IgnoreFile::match(std::span<const std::string_view> components, bool is_dir) const {
  if (components.empty()) return IgnoreVerdict::kNone;
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    const Pattern& p = *it;
    if (p.dir_only && !is_dir) continue;
    const bool hit = p.basename_only ? segment_matches(p.segments.front(), components.back())
                                     : segments_match(p.segments, components);
    if (hit) return p.negated ? IgnoreVerdict::kInclude : IgnoreVerdict::kIgnore;
  }
  return IgnoreVerdict::kNone;
}

IgnoreVerdict IgnoreFile::match_path(std::string_view rel_path, bool is_dir) const {
  std::vector<std::string_view> components;
  while (!rel_path.empty()) {
    const std::size_t slash = rel_path.find('/');
    if (slash != 0) components.push_back(rel_path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rel_path.remove_prefix(slash + 1);
  }
  return match(components, is_dir);
}

std::shared_ptr<const IgnoreChain> push_level(std::shared_ptr<const IgnoreChain> chain,
                                              std::shared_ptr<const IgnoreLevel> level) {
  return std::make_shared<const IgnoreChain>(IgnoreChain{std::move(level), std::move(chain)});
}

bool is_ignored(const IgnoreChain* chain, const IgnoreFile* repo_exclude,
                std::span<const std::string_view> components, bool is_dir) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const IgnoreChain* node = chain; node != nullptr; node = node->parent.get()) {
      const IgnoreLevel& level = *node->level;
      // A level only ever holds ancestors of the path, so it is strictly shorter.
      if (level.depth >= components.size()) continue;
      const IgnoreFile& file = pass == 0 ? level.tool : level.git;
      if (file.empty()) continue;
      const IgnoreVerdict v = file.match(components.subspan(level.depth), is_dir);
      if (v != IgnoreVerdict::kNone) return v == IgnoreVerdict::kIgnore;
    }
  }
  if (repo_exclude != nullptr) {
    return repo_exclude->match(components, is_dir) == IgnoreVerdict::kIgnore;
  }
  return false;
}

}  // namespace nodescope::fs
