// JSON validation with error positions (see json_check.h).
#include "facts/json_check.h"

#include <algorithm>
#include <cstdint>

#include <simdjson.h>

namespace nodescope::facts {
namespace {

namespace od = simdjson::ondemand;

// Walks every value so On-Demand validates all of it; stops at the first error.
simdjson::error_code walk(od::value value, int depth) {
  if (depth > 512) return simdjson::DEPTH_ERROR;
  od::json_type type;
  if (auto err = value.type().get(type)) return err;
  switch (type) {
    case od::json_type::object: {
      od::object obj;
      if (auto err = value.get_object().get(obj)) return err;
      for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) return err;
        od::value v;
        if (auto err = field.value().get(v)) return err;
        if (auto err = walk(v, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::array: {
      od::array arr;
      if (auto err = value.get_array().get(arr)) return err;
      for (auto element : arr) {
        od::value v;
        if (auto err = element.get(v)) return err;
        if (auto err = walk(v, depth + 1)) return err;
      }
      return simdjson::SUCCESS;
    }
    case od::json_type::string: {
      std::string_view s;
      return value.get_string().get(s);
    }
    case od::json_type::number: {
      double d;
      return value.get_double().get(d);
    }
    case od::json_type::boolean: {
      bool b;
      return value.get_bool().get(b);
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto err = value.is_null().get(is_null)) return err;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::SUCCESS;
}

void position(std::string_view text, std::size_t offset, JsonError& out) {
  offset = std::min(offset, text.size());
  out.line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++out.line;
      line_start = i + 1;
    }
  }
  out.column = static_cast<std::uint32_t>(offset - line_start + 1);
}

}  // namespace

std::optional<JsonError> check_json(std::string_view text) {
  simdjson::padded_string padded(text);
  simdjson::dom::parser dom;
  simdjson::dom::element root;
  const auto dom_error = dom.parse(padded).get(root);
  if (!dom_error) return std::nullopt;

  JsonError out;
  out.message = simdjson::error_message(dom_error);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc)) return out;
  simdjson::error_code err = simdjson::SUCCESS;
  od::value value;
  err = doc.get_value().get(value);
  if (!err) err = walk(value, 0);
  // When the walk finds nothing wrong, the DOM parser's complaint is about what follows the
  // document (trailing content), and the position is where the walk stopped.
  if (err) out.message = simdjson::error_message(err);
  const char* at = nullptr;
  if (!doc.current_location().get(at) && at != nullptr && at >= padded.data() &&
      at <= padded.data() + text.size()) {
    position(text, static_cast<std::size_t>(at - padded.data()), out);
  } else {
    // Past the end: the document ended too early (e.g. a missing closing brace).
    position(text, text.size(), out);
  }
  return out;
}

}  // namespace nodescope::facts
