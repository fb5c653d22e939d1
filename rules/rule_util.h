// Small helpers that several rules share: set membership, string-literal contents, object-literal
// properties, `require('x')` specifiers, the enclosing function, apps grouped by creation site and
// short excerpts for messages. Pure functions of their arguments; rules keep their own judgement
// logic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nodescope/model.h"
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

// A property of an object literal by key, or a null node: a `key: value` pair (identifier or
// string key) or a shorthand `key`; with `methods`, a method `key() {...}` too.
inline SyntaxNode object_property(const SyntaxNode& object, std::string_view key, FileContext& ctx,
                                  bool methods = false) {
  for (std::uint32_t i = 0; i < object.named_child_count(); ++i) {
    const SyntaxNode c = object.named_child(i);
    if (c.is("pair")) {
      const SyntaxNode k = c.field("key");
      const std::string_view name =
          k.is("string") ? string_value(k, ctx) : (k.is("property_identifier") ? ctx.text(k) : "");
      if (name == key) return c;
    } else if (c.is("shorthand_property_identifier") && ctx.text(c) == key) {
      return c;
    } else if (methods && c.is("method_definition") && ctx.text(c.field("name")) == key) {
      return c;
    }
  }
  return {};
}

// Whether an object literal spreads another object (`{...defaults, a: 1}`): its keys are unknown.
inline bool has_spread(const SyntaxNode& object) {
  for (std::uint32_t i = 0; i < object.named_child_count(); ++i) {
    if (object.named_child(i).is("spread_element")) return true;
  }
  return false;
}

// The innermost function around a node, as its start byte + 1 (0 = module scope): a key that
// tells apart the functions of a file.
inline std::uint32_t enclosing_function(const SyntaxNode& node) {
  static constexpr std::array<std::string_view, 6> kFunctionKinds = {
      "function_declaration",
      "function_expression",
      "arrow_function",
      "method_definition",
      "function",
      "generator_function_declaration"};
  for (SyntaxNode p = node.parent(); !p.is_null(); p = p.parent()) {
    if (one_of(p.kind(), kFunctionKinds)) return p.start_byte() + 1;
  }
  return 0;
}

// `require('x')` -> "x", else "".
inline std::string_view require_spec(const SyntaxNode& call, FileContext& ctx) {
  if (!call.is("call_expression")) return {};
  const SyntaxNode fn = call.field("function");
  if (!fn.is("identifier") || ctx.text(fn) != "require") return {};
  const SyntaxNode args = call.field("arguments");
  if (args.is_null() || args.named_child_count() != 1) return {};
  return string_value(args.named_child(0), ctx);
}

// For each app (an index into ModelView::apps()), the first app created at the same site: apps
// made at one place (a factory called for each sub-app) count as one there.
inline std::vector<std::size_t> app_sites(std::span<const App> apps) {
  std::vector<std::size_t> site_of(apps.size());
  std::map<std::pair<std::string, std::uint32_t>, std::size_t> first_app;
  for (std::size_t a = 0; a < apps.size(); ++a) {
    site_of[a] =
        first_app.try_emplace({apps[a].site.file, apps[a].site.start_byte}, a).first->second;
  }
  return site_of;
}

// Source text for a message: line breaks and tabs as spaces, cut after 40 characters ("...").
inline std::string one_line_excerpt(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    out.push_back(c);
    if (out.size() >= 40) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace nodescope::rules
