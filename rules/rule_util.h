// Small helpers that several rules share: set membership and string-literal contents. Pure
// functions of their arguments; rules keep their own judgement logic.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "nodescope/rule.h"
#include "nodescope/syntax.h"

namespace nodescope::rules {

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  for (std::string_view x : set) {
    if (s == x) return true;
  }
  return false;
}

// A quoted literal's text without its quotes ('x' or "x"); anything else unchanged.
inline std::string_view unquote(std::string_view s) {
  return s.size() >= 2 && (s[0] == '\'' || s[0] == '"') ? s.substr(1, s.size() - 2) : s;
}

// The contents of a string literal node, or "" when the node is not one.
inline std::string_view string_value(const SyntaxNode& s, FileContext& ctx) {
  if (!s.is("string")) return {};
  const std::string_view t = ctx.text(s);
  return t.size() >= 2 ? t.substr(1, t.size() - 2) : std::string_view{};
}

}  // namespace nodescope::rules
