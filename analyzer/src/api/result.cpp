// String forms of the enums in nodescope/result.h, as written in the JSON output and the CLI.
#include "nodescope/result.h"

namespace nodescope {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::kNote:
      return "note";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "medium";
}

std::string_view to_string(Language language) {
  switch (language) {
    case Language::kJavaScript:
      return "javascript";
    case Language::kTypeScript:
      return "typescript";
    case Language::kTsx:
      return "tsx";
  }
  return "javascript";
}

bool parse_severity(std::string_view text, Severity& out) {
  if (text == "error") {
    out = Severity::kError;
  } else if (text == "warning") {
    out = Severity::kWarning;
  } else if (text == "note") {
    out = Severity::kNote;
  } else {
    return false;
  }
  return true;
}

}  // namespace nodescope
