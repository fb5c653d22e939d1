// Baselines: the findings a project has accepted, recorded by `nodescope baseline` (the writer is
// reports::to_baseline) and read back by `nodescope scan --baseline FILE`, which then reports only
// findings not in it. A finding is identified by (ruleId, file, fingerprint); fingerprints survive
// unrelated line shifts and moves within a file, so baselined findings stay baselined. This file
// parses the text (the CLI reads the file) and filters a result; it does no I/O.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "nodescope/result.h"
#include "util/expected.h"

namespace nodescope::engine {

// The baseline format version this nodescope writes and reads.
inline constexpr unsigned kBaselineVersion = 1;

struct Baseline {
  std::set<std::tuple<std::string, std::string, std::string>> entries;  // rule, file, fingerprint
};

// Parses a baseline file's text. Errors name `display_path`, the line and column, what was
// expected, and what to do.
Expected<Baseline> parse_baseline(std::string_view text, const std::string& display_path);

// Removes the findings the baseline lists and counts them in stats (baseline, baselined).
void apply_baseline(ScanResult& result, const Baseline& baseline);

}  // namespace nodescope::engine
