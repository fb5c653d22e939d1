// Strict JSON validation for project files (package.json, .nodescope.json) with the position of
// the first error, so a malformed file gets "file:line:col: what" rather than a bare failure.
// Uses simdjson: the DOM parser validates; on failure the On-Demand API walks the document again
// to find where the error is. JSONC files (tsconfig) are not for this.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nodescope::facts {

struct JsonError {
  std::uint32_t line = 0;  // 1-based; 0 when the position is unknown
  std::uint32_t column = 0;
  std::string message;
};

// nullopt when `text` is valid JSON.
std::optional<JsonError> check_json(std::string_view text);

}  // namespace nodescope::facts
