// Finding fingerprints that survive unrelated edits: a finding is identified by its rule, its file,
// the whitespace-normalised text of its line and its occurrence index among findings with the
// same three, never by its line number. Baselines and SARIF partialFingerprints rely on this.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "nodescope/result.h"

namespace nodescope::engine {

// Hash of a line's text with leading/trailing white space dropped and inner runs folded to one.
std::uint64_t line_hash(std::string_view line);

// Fills Finding::fingerprint for findings sorted in output order (line_hash must be set).
void assign_fingerprints(std::vector<Finding>& findings);

}  // namespace nodescope::engine
