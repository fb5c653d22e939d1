// The report's `summary` object, written by to_json when the result carries a summary (see
// summary.cpp). Internal to reports/.
#pragma once

#include "json_writer.h"
#include "nodescope/result.h"

namespace nodescope::reports {

void write_summary_json(json::Writer& w, const ScanResult& result);

}  // namespace nodescope::reports
