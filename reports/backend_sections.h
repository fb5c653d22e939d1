// The report sections built from BackendFacts: "## Database Schema 💾", "## Performance Metrics
// 📊" and "## Deployment Strategy 🚀" in markdown (heading included, ending with a blank line),
// and the same content as JSON values inside the report's `summary`. Pure functions; internal to
// reports/ (the markdown/summary reporter calls them).
#pragma once

#include <string>

#include "json_writer.h"
#include "nodescope/backend_facts.h"

namespace nodescope::reports {

void append_database_markdown(std::string& out, const DatabaseFacts& facts);
void append_performance_markdown(std::string& out, const PerformanceFacts& facts);
void append_deployment_markdown(std::string& out, const DeploymentFacts& facts);

// Each writes one JSON object value (the caller has written its key).
void write_database_json(json::Writer& w, const DatabaseFacts& facts);
void write_performance_json(json::Writer& w, const PerformanceFacts& facts);
void write_deployment_json(json::Writer& w, const DeploymentFacts& facts);

}  // namespace nodescope::reports
