// Reading and applying baselines (see baseline.h). The syntax is checked first with positions
// (facts::check_json); the shape is then read with simdjson On-Demand, whose tokens point into
// the text, so a shape error names its line too. Unknown keys are ignored (later versions may
// add informational fields, as `message` is today).
#include "engine/baseline.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "facts/json_check.h"

namespace nodescope::engine {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kRegenerate = "regenerate it with `nodescope baseline`";

class Reader {
 public:
  Reader(std::string_view text, const simdjson::padded_string& padded, std::string path)
      : text_(text), padded_(padded), path_(std::move(path)) {}

  // "path:line:column: what; regenerate ..." at the token `at` points to.
  Error error_at(std::string_view at, std::string_view what) const {
    std::size_t offset = text_.size();
    if (at.data() >= padded_.data() && at.data() <= padded_.data() + text_.size()) {
      offset = static_cast<std::size_t>(at.data() - padded_.data());
    }
    return error_at(offset, what);
  }
  Error error_at_start(std::string_view what) const { return error_at(std::size_t{0}, what); }
  Error error_at(std::size_t offset, std::string_view what) const {
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return Error{fmt::format("{}:{}:{}: not a nodescope baseline: {}; {}", path_, line,
                             offset - line_start + 1, what, kRegenerate)};
  }

  static std::string_view token(od::value& v) { return v.raw_json_token(); }

  const std::string& path() const { return path_; }

 private:
  std::string_view text_;
  const simdjson::padded_string& padded_;
  std::string path_;
};

Expected<Baseline> read_entries(od::value findings, const Reader& reader) {
  Baseline out;
  od::array arr;
  if (findings.get_array().get(arr) != simdjson::SUCCESS) {
    return reader.error_at(Reader::token(findings), "\"findings\" must be an array");
  }
  for (auto element : arr) {
    od::value item;
    if (element.get(item) != simdjson::SUCCESS)
      return reader.error_at_start("unreadable entry in \"findings\"");
    const std::string_view at = Reader::token(item);
    od::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS) {
      return reader.error_at(at, "each entry of \"findings\" must be an object");
    }
    std::string rule;
    std::string file;
    std::string fingerprint;
    for (auto field : obj) {
      std::string_view key;
      od::value value;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
          field.value().get(value) != simdjson::SUCCESS) {
        return reader.error_at(at, "unreadable entry in \"findings\"");
      }
      std::string* slot = key == "ruleId"        ? &rule
                          : key == "file"        ? &file
                          : key == "fingerprint" ? &fingerprint
                                                 : nullptr;
      if (slot == nullptr) continue;
      const std::string_view value_at = Reader::token(value);
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS || s.empty()) {
        return reader.error_at(value_at, fmt::format("\"{}\" must be a non-empty string", key));
      }
      *slot = std::string(s);
    }
    if (rule.empty() || file.empty() || fingerprint.empty()) {
      return reader.error_at(
          at, R"(each entry of "findings" needs "ruleId", "file" and "fingerprint" strings)");
    }
    out.entries.emplace(std::move(rule), std::move(file), std::move(fingerprint));
  }
  return out;
}

}  // namespace

Expected<Baseline> parse_baseline(std::string_view text, const std::string& display_path) {
  if (auto err = facts::check_json(text)) {
    return Error{fmt::format("{}:{}:{}: malformed JSON ({}); fix the file or {}", display_path,
                             err->line, err->column, err->message, kRegenerate)};
  }
  const simdjson::padded_string padded(text);
  const Reader reader(text, padded, display_path);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(root) != simdjson::SUCCESS) {
    return reader.error_at_start(
        R"(the top level must be an object with "version" and "findings")");
  }
  bool have_version = false;
  std::optional<Expected<Baseline>> entries;
  for (auto field : root) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(value) != simdjson::SUCCESS) {
      return reader.error_at_start("unreadable top-level field");
    }
    const std::string_view at = Reader::token(value);
    if (key == "version") {
      std::uint64_t version = 0;
      if (value.get_uint64().get(version) != simdjson::SUCCESS) {
        return reader.error_at(at, "\"version\" must be a whole number");
      }
      if (version != kBaselineVersion) {
        return reader.error_at(at, fmt::format("version {} is not one this nodescope reads "
                                               "(it reads version {})",
                                               version, kBaselineVersion));
      }
      have_version = true;
    } else if (key == "findings") {
      entries = read_entries(value, reader);
      if (!*entries) return entries->error();
    }
  }
  if (!have_version || !entries) {
    return reader.error_at_start(have_version ? "\"findings\" is missing"
                                              : "\"version\" is missing");
  }
  return std::move(**entries);
}

void apply_baseline(ScanResult& result, const Baseline& baseline) {
  result.stats.baseline = true;
  const auto listed = [&](const Finding& f) {
    return baseline.entries.contains(std::make_tuple(f.rule_id, f.file, f.fingerprint));
  };
  const auto first = std::remove_if(result.findings.begin(), result.findings.end(), listed);
  result.stats.baselined += static_cast<std::uint64_t>(result.findings.end() - first);
  result.findings.erase(first, result.findings.end());
}

}  // namespace nodescope::engine
