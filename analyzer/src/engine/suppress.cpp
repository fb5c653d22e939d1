// Inline suppressions (see suppress.h): finding directive comments in a parsed file, removing the
// findings they cover, and reporting the directives that covered nothing.
#include "engine/suppress.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "engine/fingerprint.h"

namespace nodescope::engine {
namespace {

constexpr std::string_view kMarker = "nodescope-ignore";
constexpr std::string_view kNextLine = "nodescope-ignore-next-line";
constexpr std::string_view kFile = "nodescope-ignore-file";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Sets `body` to the comment's text without its delimiters; false when the comment is not a
// directive (its text does not start with the marker: prose that mentions it is not one).
bool directive_body(std::string_view comment, std::string_view& body) {
  if (comment.starts_with("//")) {
    comment.remove_prefix(2);
  } else if (comment.starts_with("/*")) {
    comment.remove_prefix(2);
    if (comment.ends_with("*/")) comment.remove_suffix(2);
  } else {
    return false;
  }
  body = trim(comment);
  return body.starts_with(kMarker);
}

// Parses "<directive> id[, id ...] [-- reason]" into `s`.
void parse_directive(std::string_view body, Suppression& s) {
  std::size_t word_end = 0;
  while (word_end < body.size() && !is_space(body[word_end])) ++word_end;
  const std::string_view word = body.substr(0, word_end);
  s.directive = std::string(word);
  if (word == kNextLine) {
    s.scope = Suppression::Scope::kNextLine;
  } else if (word == kFile) {
    s.scope = Suppression::Scope::kFile;
  } else if (word == kMarker) {
    s.scope = Suppression::Scope::kSameLine;
  } else {
    s.problem = fmt::format(
        "'{}' is not a nodescope directive: write nodescope-ignore-next-line, nodescope-ignore "
        "(same line) or nodescope-ignore-file, followed by rule ids; it suppresses nothing as "
        "written",
        word);
    return;
  }
  std::string_view rest = body.substr(word_end);
  // The ids end at "--" (what follows is the reason, free text) or at a "//" that starts a
  // note after the directive (`// nodescope-ignore id // TODO: ...`).
  rest = rest.substr(0, std::min(rest.find("--"), rest.find("//")));
  std::string cur;
  for (const char c : rest) {
    if (c == ',' || is_space(c)) {
      if (!cur.empty()) s.ids.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) s.ids.push_back(std::move(cur));
  s.used.assign(s.ids.size(), false);
  if (s.ids.empty()) {
    s.problem = fmt::format(
        "{} names no rule: write the rule id(s) it suppresses (or * for every rule); it "
        "suppresses nothing as written",
        s.directive);
  }
}

bool blank(std::string_view s, std::string_view also) {
  return std::ranges::all_of(
      s, [&](char c) { return is_space(c) || also.find(c) != std::string_view::npos; });
}

std::string join_ids(const std::vector<std::string_view>& ids) {
  std::string out;
  for (const std::string_view id : ids) {
    if (!out.empty()) out += ", ";
    out += id;
  }
  return out;
}

}  // namespace

std::vector<Suppression> find_suppressions(std::string_view text, TSNode root,
                                           const parse::LineIndex& lines) {
  std::vector<Suppression> out;
  std::size_t pos = 0;
  while ((pos = text.find(kMarker, pos)) != std::string_view::npos) {
    const auto start = static_cast<std::uint32_t>(pos);
    const TSNode node = ts_node_descendant_for_byte_range(
        root, start, start + static_cast<std::uint32_t>(kMarker.size()));
    if (ts_node_is_null(node) || std::strcmp(ts_node_type(node), "comment") != 0) {
      pos += kMarker.size();  // in a string, a template, JSX text or an identifier
      continue;
    }
    const std::uint32_t begin = ts_node_start_byte(node);
    const std::uint32_t end = std::max(ts_node_end_byte(node), begin);
    pos = std::max<std::size_t>(end, pos + kMarker.size());
    std::string_view body;
    if (!directive_body(text.substr(begin, end - begin), body)) continue;
    Suppression s;
    s.comment = lines.range(begin, end);
    parse_directive(body, s);
    s.target_line =
        s.scope == Suppression::Scope::kNextLine ? s.comment.end_line + 1 : s.comment.line;
    const std::string_view first = lines.line_text(s.comment.line);
    const std::uint32_t first_start = lines.starts()[s.comment.line - 1];
    // Clamped: a `//` comment on a CRLF line includes the '\r' that line_text leaves out.
    const std::string_view before =
        first.substr(0, std::min<std::size_t>(begin - first_start, first.size()));
    std::string_view after;
    if (s.comment.end_line == s.comment.line) {
      after = first.substr(std::min<std::size_t>(end - first_start, first.size()));
    }
    s.alone_on_line = blank(before, "{") && blank(after, "}");
    s.line_hash = line_hash(first);
    out.push_back(std::move(s));
  }
  return out;
}

std::uint64_t apply_suppressions(std::vector<Finding>& findings,
                                 std::map<std::string, std::vector<Suppression>>& suppressions,
                                 const SuppressionContext& ctx, std::vector<Finding>& unused) {
  std::uint64_t removed = 0;
  if (!suppressions.empty()) {
    auto covered = [&](const Finding& f) {
      if (f.rule_id == kUnusedSuppressionRule) return false;
      const auto it = suppressions.find(f.file);
      if (it == suppressions.end()) return false;
      bool hit = false;
      for (Suppression& s : it->second) {
        if (!s.problem.empty()) continue;
        if (s.scope != Suppression::Scope::kFile && s.target_line != f.range.line) continue;
        for (std::size_t i = 0; i < s.ids.size(); ++i) {
          if (s.ids[i] == "*" || s.ids[i] == f.rule_id) {
            s.used[i] = true;
            hit = true;
          }
        }
      }
      return hit;
    };
    const auto first = std::remove_if(findings.begin(), findings.end(), covered);
    removed = static_cast<std::uint64_t>(findings.end() - first);
    findings.erase(first, findings.end());
  }
  if (!ctx.report_unused) return removed;

  for (const auto& entry : suppressions) {
    const std::string& file = entry.first;  // not a structured binding: lambdas capture it
    for (const Suppression& s : entry.second) {
      auto report = [&](std::string message) {
        Finding f;
        f.rule_id = std::string(kUnusedSuppressionRule);
        f.severity = ctx.severity;
        f.confidence = ctx.confidence;
        f.message = std::move(message);
        f.file = file;
        f.range = s.comment;
        f.line_hash = s.line_hash;
        unused.push_back(std::move(f));
      };
      if (!s.problem.empty()) {
        report(s.problem);
        continue;
      }
      std::vector<std::string_view> unknown;
      std::vector<std::string_view> idle;
      bool names_meta = false;
      for (std::size_t i = 0; i < s.ids.size(); ++i) {
        const std::string& id = s.ids[i];
        if (id == kUnusedSuppressionRule) {
          names_meta = true;
        } else if (id != "*" && !ctx.known_ids.contains(id)) {
          unknown.push_back(id);
        } else if (!s.used[i] && (id == "*" || ctx.ran_ids.contains(id))) {
          idle.push_back(id);
        }
      }
      if (!unknown.empty()) {
        report(fmt::format(
            "{} names unknown rule id{} {}: check the spelling (`nodescope rules` lists every "
            "id); an unknown id suppresses nothing",
            s.directive, unknown.size() == 1 ? "" : "s", join_ids(unknown)));
      }
      if (names_meta) {
        report(fmt::format(
            "{} names {}, which cannot be suppressed inline: remove the suppression it reports "
            "(or record it in a baseline)",
            s.directive, kUnusedSuppressionRule));
      }
      if (!idle.empty()) {
        const bool all = idle.size() == 1 && idle.front() == "*";
        const std::string what = all ? "no finding" : "no " + join_ids(idle) + " finding";
        std::string where;
        switch (s.scope) {
          case Suppression::Scope::kFile:
            where = "in this file";
            break;
          case Suppression::Scope::kNextLine:
            where = fmt::format("on the next line ({})", s.target_line);
            break;
          case Suppression::Scope::kSameLine:
            where = s.alone_on_line ? "on its own line (a trailing nodescope-ignore covers the "
                                      "line it is on: use nodescope-ignore-next-line for the line "
                                      "below)"
                                    : "on its line";
            break;
        }
        report(
            fmt::format("{} suppresses nothing: {} {}; remove it, or the ids that no longer "
                        "apply",
                        s.directive, what, where));
      }
    }
  }
  return removed;
}

}  // namespace nodescope::engine
