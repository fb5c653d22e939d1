// Gitignore-syntax matching: compiles one ignore file's text into patterns and answers, for a path
// below that file's folder, whether its last matching pattern ignores or re-includes the path.
// IgnoreChain layers the files of nested folders with their precedence. Reads no files and walks
// no folders (discovery.cpp does both) and knows nothing about which file names are ignore files.
// The matcher is hand-written rather than RE2: gitignore globs work per path segment with `**`
// spanning segments, which a small segment matcher states directly, whereas a regex translation
// adds an escaping layer to get wrong. Literal and `*.ext` patterns (most) take a fast path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nodescope::fs {

enum class IgnoreVerdict : std::uint8_t { kNone, kIgnore, kInclude };

// Matches one path segment (no '/') against one glob segment: `*`, `?`, `[...]` (with `!`/`^`
// negation, ranges, `[:alpha:]`-style classes) and `\` escapes. An unterminated `[` or a
// trailing `\` never matches, as in git.
bool glob_match_segment(std::string_view pattern, std::string_view text);

// The patterns of one ignore file, in file order.
class IgnoreFile {
 public:
  // Parses gitignore syntax: `#` comments, `!` negation, `\#`/`\!` escapes, trailing `/` for
  // folders only, a leading or middle `/` anchoring the pattern to the file's folder, `**` as a
  // whole segment spanning folders, unescaped trailing spaces trimmed, CRLF and a UTF-8 BOM
  // tolerated. Lines that cannot match anything are dropped.
  static IgnoreFile parse(std::string_view text);

  // `components` is the path relative to the ignore file's folder, split on '/', never empty.
  IgnoreVerdict match(std::span<const std::string_view> components, bool is_dir) const;
  // Convenience for tests and callers holding a "a/b/c" path.
  IgnoreVerdict match_path(std::string_view rel_path, bool is_dir) const;

  bool empty() const { return patterns_.empty(); }
  std::size_t size() const { return patterns_.size(); }

 private:
  enum class SegmentKind : std::uint8_t { kLiteral, kSuffix, kGlob, kAnyOne, kGlobstar };
  struct Segment {
    SegmentKind kind = SegmentKind::kLiteral;
    std::string text;  // the literal, the suffix after `*`, or the glob
  };
  struct Pattern {
    std::vector<Segment> segments;  // one segment when basename_only
    bool negated = false;
    bool dir_only = false;
    bool basename_only = false;  // no '/' in the pattern: matches the last component at any depth
  };

  static bool segment_matches(const Segment& segment, std::string_view component);
  static bool segments_match(const std::vector<Segment>& segments,
                             std::span<const std::string_view> components);

  std::vector<Pattern> patterns_;
};

// The ignore files of one folder. `depth` counts the folder's components below the anchor (the
// enclosing git repository's top folder, or the scan root outside a repository).
struct IgnoreLevel {
  std::size_t depth = 0;
  IgnoreFile git;   // .gitignore
  IgnoreFile tool;  // .nodescopeignore
};

// The levels that apply to a folder, deepest first; shared by the folders below it.
struct IgnoreChain {
  std::shared_ptr<const IgnoreLevel> level;
  std::shared_ptr<const IgnoreChain> parent;
};

std::shared_ptr<const IgnoreChain> push_level(std::shared_ptr<const IgnoreChain> chain,
                                              std::shared_ptr<const IgnoreLevel> level);

// Precedence, as ripgrep has it for .ignore over .gitignore: the deepest .nodescopeignore with a
// matching pattern decides; failing that the deepest .gitignore; failing that the repository's
// info/exclude (`repo_exclude`, may be null). `components` is the path below the anchor.
bool is_ignored(const IgnoreChain* chain, const IgnoreFile* repo_exclude,
                std::span<const std::string_view> components, bool is_dir);

}  // namespace nodescope::fs
