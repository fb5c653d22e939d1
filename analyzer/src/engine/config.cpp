// Reading `.nodescope.json` (see config.h). Comments and trailing commas are blanked to spaces
// first, so every offset stays where it was; the syntax is then checked with positions
// (facts::check_json) and the shape read with simdjson On-Demand, whose tokens point into the
// text, so a shape error names its line and column too. Unknown keys are errors, not warnings:
// a misspelt key silently doing nothing is how a rule stays on in CI that someone turned off.
#include "engine/config.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "facts/json_check.h"
#include "fs/path_globs.h"

namespace nodescope::engine {
namespace {

namespace od = simdjson::ondemand;
namespace stdfs = std::filesystem;

constexpr std::string_view kTopKeys = R"("$schema", "rules", "ignore", "tests", "middleware")";
constexpr std::string_view kRuleValues = R"("off", "on", "error", "warning" (or "warn"), "note")";

// Config key -> the model's middleware kind.
struct MiddlewareKey {
  std::string_view key;
  std::string_view kind;
};
constexpr std::array<MiddlewareKey, 5> kMiddlewareKeys = {{{"auth", "auth"},
                                                           {"validation", "validation"},
                                                           {"rateLimit", "rate-limit"},
                                                           {"securityHeaders", "security-headers"},
                                                           {"other", "other"}}};
constexpr std::string_view kMiddlewareKeyList =
    R"("auth", "validation", "rateLimit", "securityHeaders", "other")";

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The nearest of `candidates` within a third of the word's length, or "".
std::string nearest(std::string_view word, std::span<const std::string_view> candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(c);
    }
  }
  return best;
}

std::string did_you_mean(const std::string& suggestion) {
  return suggestion.empty() ? std::string() : fmt::format(" (did you mean \"{}\"?)", suggestion);
}

// JSONC -> JSON of the same length: comments and trailing commas become spaces (line breaks
// inside block comments stay), so positions in the result are positions in the file.
std::string blank_jsonc(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
      for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      const std::size_t end = out.find("*/", i + 2);
      const std::size_t stop = end == std::string::npos ? out.size() : end + 2;
      for (; i < stop; ++i) {
        if (out[i] != '\n' && out[i] != '\r') out[i] = ' ';
      }
      --i;
    }
  }
  // Trailing commas: a comma followed by nothing but white space before } or ].
  in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c != ',') continue;
    const std::size_t next = out.find_first_not_of(" \t\r\n", i + 1);
    if (next != std::string::npos && (out[next] == '}' || out[next] == ']')) out[i] = ' ';
  }
  return out;
}

class Reader {
 public:
  Reader(std::string_view text, const simdjson::padded_string& padded, std::string path)
      : text_(text), padded_(padded), path_(std::move(path)) {}

  // "path:line:column: what" at a pointer into the parsed buffer.
  Error at(const char* where, std::string_view what) const {
    std::size_t offset = 0;
    if (where >= padded_.data() && where <= padded_.data() + text_.size()) {
      offset = static_cast<std::size_t>(where - padded_.data());
    }
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    // Columns count characters (UTF-8 continuation bytes are not counted), as editors show them.
    std::size_t column = 1;
    for (std::size_t i = line_start; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return Error{fmt::format("{}:{}:{}: {}", path_, line, column, what)};
  }
  Error at(std::string_view token, std::string_view what) const { return at(token.data(), what); }

 private:
  std::string_view text_;
  const simdjson::padded_string& padded_;
  std::string path_;
};

// A short description of a JSON value for messages: scalars as written (cut when long), arrays
// and objects by kind. Call it only on a value not consumed yet.
std::string shown(od::value& value) {
  od::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return "an unreadable value";
  if (type == od::json_type::array) return "an array";
  if (type == od::json_type::object) return "an object";
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.size() > 40) return std::string(token.substr(0, 37)) + "...";
  return std::string(token);
}

// Reads an array of patterns or names: non-empty strings on one line.
Expected<std::vector<std::string>> string_list(od::value value, const Reader& reader,
                                               std::string_view what, bool glob) {
  const std::string_view token = value.raw_json_token();
  od::array arr;
  if (value.get_array().get(arr) != simdjson::SUCCESS) {
    return reader.at(token, fmt::format("{} must be an array of strings, like [{}]; got {}", what,
                                        glob ? R"("test/fixtures/", "**/*.generated.js")"
                                             : R"("requireUser", "auth.check")",
                                        shown(value)));
  }
  std::vector<std::string> out;
  for (auto element : arr) {
    od::value item;
    if (element.get(item) != simdjson::SUCCESS) return reader.at(token, "unreadable array");
    const std::string_view item_token = item.raw_json_token();
    const std::string desc = shown(item);
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) {
      return reader.at(item_token,
                       fmt::format("each entry of {} must be a string; got {}", what, desc));
    }
    if (s.find_first_not_of(" \t") == std::string_view::npos) {
      return reader.at(item_token, fmt::format("empty entry in {}; remove it", what));
    }
    if (s.find_first_of("\r\n") != std::string_view::npos) {
      return reader.at(item_token, fmt::format("an entry of {} has a line break; give one {} "
                                               "per string",
                                               what, glob ? "pattern" : "name"));
    }
    if (glob && s.front() == '#') {
      return reader.at(item_token,
                       fmt::format("an entry of {} starts with '#', which gitignore syntax reads "
                                   "as a comment; write \"\\\\#...\" for a literal '#'",
                                   what));
    }
    out.emplace_back(s);
  }
  return out;
}

// Iterates an object's fields, rejecting duplicate keys. `fn(key, key_position, value)` returns
// an optional Error.
template <class Fn>
std::optional<Error> each_field(od::object& obj, const Reader& reader, std::string_view where,
                                Fn&& fn) {
  std::set<std::string, std::less<>> seen;
  for (auto field : obj) {
    od::raw_json_string raw_key;
    if (field.key().get(raw_key) != simdjson::SUCCESS) return Error{"unreadable object"};
    const char* key_at = raw_key.raw() - 1;  // raw() points just past the opening quote
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return reader.at(key_at, "unreadable key");
    }
    std::string owned(key);
    if (!seen.insert(owned).second) {
      return reader.at(key_at, fmt::format("\"{}\" appears twice in {}; keep one", owned, where));
    }
    od::value value;
    if (field.value().get(value) != simdjson::SUCCESS) {
      return reader.at(key_at, fmt::format("unreadable value of \"{}\"", owned));
    }
    if (std::optional<Error> e = fn(owned, key_at, value)) return e;
  }
  return std::nullopt;
}

std::optional<Error> read_rules(od::value value, const Reader& reader,
                                std::span<const std::string_view> known, Config& out) {
  const std::string_view token = value.raw_json_token();
  od::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    return reader.at(token, fmt::format("\"rules\" must be an object of rule ids and settings, "
                                        "like {{\"security/missing-helmet\": \"off\"}}; got {}",
                                        shown(value)));
  }
  return each_field(
      obj, reader, "\"rules\"",
      [&](const std::string& id, const char* key_at, od::value v) -> std::optional<Error> {
        if (std::find(known.begin(), known.end(), id) == known.end()) {
          return reader.at(
              key_at, fmt::format("unknown rule \"{}\"{}; `nodescope rules` lists every id", id,
                                  did_you_mean(nearest_rule_id(id, known))));
        }
        const std::string_view v_token = v.raw_json_token();
        const std::string desc = shown(v);
        std::string_view s;
        RuleSetting setting;
        if (v.get_string().get(s) != simdjson::SUCCESS || !parse_rule_setting(s, setting)) {
          return reader.at(v_token, fmt::format("the setting of \"{}\" must be one of {}; got {}",
                                                id, kRuleValues, desc));
        }
        out.rules[id] = setting;
        return std::nullopt;
      });
}

std::optional<Error> read_middleware(od::value value, const Reader& reader, Config& out) {
  const std::string_view token = value.raw_json_token();
  od::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    return reader.at(token, fmt::format("\"middleware\" must be an object whose keys are {} and "
                                        "whose values are arrays of names, like {{\"auth\": "
                                        "[\"requireUser\"]}}; got {}",
                                        kMiddlewareKeyList, shown(value)));
  }
  std::map<std::string, std::string> key_of_name;  // to name both lists in a conflict
  return each_field(
      obj, reader, "\"middleware\"",
      [&](const std::string& key, const char* key_at, od::value v) -> std::optional<Error> {
        const auto* it = std::find_if(kMiddlewareKeys.begin(), kMiddlewareKeys.end(),
                                      [&](const MiddlewareKey& k) { return k.key == key; });
        if (it == kMiddlewareKeys.end()) {
          std::vector<std::string_view> keys;
          keys.reserve(kMiddlewareKeys.size());
          for (const MiddlewareKey& k : kMiddlewareKeys) keys.push_back(k.key);
          return reader.at(key_at,
                           fmt::format("unknown middleware kind \"{}\"{}; expected one "
                                       "of {}",
                                       key, did_you_mean(nearest(key, keys)), kMiddlewareKeyList));
        }
        const std::string_view v_token = v.raw_json_token();
        auto names = string_list(v, reader, fmt::format(R"("middleware"."{}")", key), false);
        if (!names) return names.error();
        for (const std::string& name : *names) {
          auto [prev, inserted] = key_of_name.emplace(name, key);
          if (!inserted && prev->second != key) {
            return reader.at(v_token, fmt::format("\"{}\" is listed under both \"{}\" and \"{}\" "
                                                  "in \"middleware\"; keep it under one kind",
                                                  name, prev->second, key));
          }
          out.middleware[name] = std::string(it->kind);
        }
        return std::nullopt;
      });
}

}  // namespace

bool parse_rule_setting(std::string_view text, RuleSetting& out) {
  if (text == "off") {
    out = RuleSetting{false, std::nullopt};
  } else if (text == "on") {
    out = RuleSetting{true, std::nullopt};
  } else if (text == "error") {
    out = RuleSetting{true, Severity::kError};
  } else if (text == "warning" || text == "warn") {
    out = RuleSetting{true, Severity::kWarning};
  } else if (text == "note") {
    out = RuleSetting{true, Severity::kNote};
  } else {
    return false;
  }
  return true;
}

std::string nearest_rule_id(std::string_view id, std::span<const std::string_view> known) {
  // The pack left out or wrong: the same rule name in exactly one pack.
  const std::string_view name =
      id.substr(id.find('/') == std::string_view::npos ? 0 : id.find('/') + 1);
  std::string same_name;
  int count = 0;
  for (std::string_view k : known) {
    if (k.substr(k.find('/') + 1) == name) {
      same_name = std::string(k);
      ++count;
    }
  }
  if (count == 1) return same_name;
  return nearest(id, known);
}

Expected<Config> parse_config(std::string_view text, const std::string& display_path,
                              std::span<const std::string_view> known_rule_ids) {
  // A UTF-8 BOM (some Windows editors write one) is neither JSON nor worth an error; editors do
  // not count it in columns either.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::string json = blank_jsonc(text);
  if (auto err = facts::check_json(json)) {
    return Error{
        fmt::format("{}:{}:{}: malformed JSON ({}); fix the file (comments and trailing "
                    "commas are allowed)",
                    display_path, err->line, err->column, err->message)};
  }
  const simdjson::padded_string padded(json);
  const Reader reader(json, padded, display_path);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(root) != simdjson::SUCCESS) {
    const std::size_t first = json.find_first_not_of(" \t\r\n");
    return reader.at(padded.data() + (first == std::string::npos ? 0 : first),
                     fmt::format("the top level must be an object with any of the keys {}, like "
                                 "{{\"rules\": {{\"security/missing-helmet\": \"off\"}}}}",
                                 kTopKeys));
  }
  Config config;
  config.path = display_path;
  std::optional<Error> error = each_field(
      root, reader, "the top level",
      [&](const std::string& key, const char* key_at, od::value value) -> std::optional<Error> {
        if (key == "$schema") {
          const std::string_view token = value.raw_json_token();
          std::string_view s;
          if (value.get_string().get(s) != simdjson::SUCCESS) {
            return reader.at(token, fmt::format("\"$schema\" must be a string (the schema's URL "
                                                "or path); got {}",
                                                shown(value)));
          }
          return std::nullopt;
        }
        if (key == "rules") return read_rules(value, reader, known_rule_ids, config);
        if (key == "middleware") return read_middleware(value, reader, config);
        if (key == "ignore" || key == "tests") {
          auto list = string_list(value, reader, fmt::format("\"{}\"", key), true);
          if (!list) return list.error();
          (key == "ignore" ? config.ignore : config.tests) = std::move(*list);
          return std::nullopt;
        }
        static constexpr std::array<std::string_view, 5> kKeys = {"$schema", "rules", "ignore",
                                                                  "tests", "middleware"};
        return reader.at(key_at, fmt::format("unknown key \"{}\"{}; expected one of {}", key,
                                             did_you_mean(nearest(key, kKeys)), kTopKeys));
      });
  if (error) return *error;
  return config;
}

std::optional<stdfs::path> find_config(const stdfs::path& root) {
  std::error_code ec;
  stdfs::path dir = stdfs::weakly_canonical(stdfs::absolute(root, ec), ec);
  if (ec) return std::nullopt;
  if (!stdfs::is_directory(dir, ec)) dir = dir.parent_path();
  for (;;) {
    const stdfs::path candidate = dir / kConfigFileName;
    if (stdfs::is_regular_file(candidate, ec)) return candidate;
    if (!dir.has_relative_path()) return std::nullopt;  // the file system's root
    dir = dir.parent_path();
  }
}

Expected<Config> load_config(const stdfs::path& file,
                             std::span<const std::string_view> known_rule_ids) {
  const std::string shown_path = file.generic_string();
  std::error_code ec;
  if (stdfs::is_directory(file, ec)) {
    return Error{
        fmt::format("{}: is a folder; --config takes the configuration file itself", shown_path)};
  }
  std::ifstream f(file, std::ios::binary);
  std::ostringstream text;
  if (f) text << f.rdbuf();
  if (!f) {
    return Error{fmt::format("cannot read the configuration file '{}': {}; check the path",
                             shown_path, std::strerror(errno))};
  }
  auto config = parse_config(text.str(), shown_path, known_rule_ids);
  if (!config) return config;
  config->folder = stdfs::weakly_canonical(stdfs::absolute(file, ec), ec).parent_path();
  return config;
}

std::vector<const Rule*> apply_config(const Config& config, const stdfs::path& root,
                                      std::span<const Rule* const> rules, EngineOptions& options,
                                      fs::DiscoveryOptions* discovery) {
  std::vector<const Rule*> run;
  options.known_rule_ids.clear();
  for (const Rule* r : rules) {
    const std::string id(r->meta().id);
    options.known_rule_ids.push_back(id);
    auto it = config.rules.find(id);
    if (it != config.rules.end() && !it->second.enabled) continue;
    if (it != config.rules.end() && it->second.severity) {
      options.severity_overrides[id] = *it->second.severity;
    }
    run.push_back(r);
  }
  for (const auto& [name, kind] : config.middleware) options.middleware_kinds[name] = kind;

  // The scan root relative to the config's folder, so patterns written relative to the file
  // match paths discovery gives relative to the root.
  std::string prefix;
  std::error_code ec;
  const stdfs::path abs_root = stdfs::weakly_canonical(stdfs::absolute(root, ec), ec);
  if (!config.folder.empty() && !ec) {
    const stdfs::path rel = abs_root.lexically_relative(config.folder);
    if (!rel.empty() && *rel.begin() != "..") prefix = rel.generic_string();
  }
  if (prefix == ".") prefix.clear();
  if (!config.tests.empty()) options.test_globs = fs::PathGlobs(config.tests, prefix);
  if (discovery != nullptr && !config.ignore.empty()) {
    discovery->ignore_globs = fs::PathGlobs(config.ignore, prefix);
  }
  return run;
}

}  // namespace nodescope::engine
